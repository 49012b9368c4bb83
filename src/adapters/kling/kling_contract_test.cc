// The provider-neutral VideoGenerator contract (src/testing), run against
// the Kling adapter and the Kling emulator. A pump thread plays our
// callback route: it hands every callback the emulator made to
// HandleCallback with the job and token from the callback URL.
#include <atomic>
#include <thread>

#include "adapters/kling/kling_video_generator.h"
#include "emulator_process.h"
#include "testing/video_generator_contract.h"

namespace miri {
namespace {

std::string QueryParam(const std::string& url, const std::string& name) {
  size_t q = url.find('?');
  if (q == std::string::npos) return "";
  std::string rest = url.substr(q + 1);
  for (size_t pos = 0; pos < rest.size();) {
    size_t amp = rest.find('&', pos);
    if (amp == std::string::npos) amp = rest.size();
    std::string kv = rest.substr(pos, amp - pos);
    if (kv.rfind(name + "=", 0) == 0) {
      std::string v = kv.substr(name.size() + 1), out;
      for (size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '%' && i + 2 < v.size()) {
          out += static_cast<char>(std::stoi(v.substr(i + 1, 2), nullptr, 16));
          i += 2;
        } else {
          out += v[i];
        }
      }
      return out;
    }
    pos = amp + 1;
  }
  return "";
}

class KlingHarness final : public VideoGenerator {
 public:
  KlingHarness(BlobStore* blobs, ResultSink* sink) {
    emu_ = std::move(*testing::EmulatorProcess::Start());
    KlingConfig c;
    c.access_key = "test-ak";
    c.secret_key = "test-sk";
    c.base_url = emu_->kling();
    c.callback_base_url = emu_->cdn() + "/__sink/kling";
    c.callback_secret = "server-secret";
    c.result_fetch.allowed_hosts = {"127.0.0.1"};
    c.result_fetch.allow_http_for_tests = true;
    c.result_fetch.allow_loopback_for_tests = true;
    kling_ = std::make_unique<KlingVideoGenerator>(c, http_, *blobs, *sink, prices_, Resilience{},
                                                   clock_);
    pump_ = std::thread([this] { Pump(); });
  }
  ~KlingHarness() override {
    stop_ = true;
    pump_.join();
  }
  std::string_view name() const override { return kling_->name(); }
  Result<Dispatch> Submit(const VideoRequest& r) override { return kling_->Submit(r); }
  Result<std::optional<ProviderResult>> Poll(std::string_view id) override { return kling_->Poll(id); }
  int64_t EstimateCostMicros(const VideoRequest& r) const override {
    return kling_->EstimateCostMicros(r);
  }

 private:
  void Pump() {
    size_t seen = 0;
    for (int round = 0; round < 3000 && !stop_; ++round) {
      auto cbs = emu_->Get(emu_->kling(), "/__control/callbacks");
      for (; cbs.is_array() && seen < cbs.size(); ++seen) {
        std::string url = cbs[seen]["url"];
        (void)kling_->HandleCallback(QueryParam(url, "job"), QueryParam(url, "t"),
                                     cbs[seen]["body"].get<std::string>());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  std::unique_ptr<testing::EmulatorProcess> emu_;
  CurlHttpClient http_;
  SystemClock clock_;
  PriceTable prices_ = PriceTable::Defaults();
  std::unique_ptr<KlingVideoGenerator> kling_;
  std::atomic<bool> stop_ = false;
  std::thread pump_;
};

using ::miri::testing::VideoGeneratorContractTest;

INSTANTIATE_TEST_SUITE_P(
    Kling, VideoGeneratorContractTest,
    ::testing::Values(testing::VideoGeneratorFactory{
        "kling",
        [](BlobStore* blobs, ResultSink* sink) -> std::unique_ptr<VideoGenerator> {
          return std::make_unique<KlingHarness>(blobs, sink);
        },
        nullptr, std::chrono::milliseconds(20000)}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace miri
