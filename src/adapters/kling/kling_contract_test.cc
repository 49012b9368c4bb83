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

class KlingHarness final : public VideoGenerator {
 public:
  KlingHarness(BlobStore* blobs, ResultSink* sink)
      : KlingHarness(blobs, sink,
                     std::shared_ptr<testing::EmulatorProcess>(
                         std::move(*testing::EmulatorProcess::Start()))) {}
  // A second instance on the same emulator, with fresh memory.
  KlingHarness(BlobStore* blobs, ResultSink* sink,
               std::shared_ptr<testing::EmulatorProcess> emu)
      : emu_(std::move(emu)) {
    KlingConfig c;
    c.access_key = "test-ak";
    c.secret_key = "test-sk";
    c.base_url = emu_->kling();
    c.callback_base_url = emu_->cdn() + "/__sink/kling";
    c.callback_secret = "server-secret";
    c.result_fetch.allowed_hosts = {"127.0.0.1"};
    c.result_fetch.allow_http_for_tests = true;
    c.result_fetch.allow_loopback_for_tests = true;
    kling_ = std::make_unique<KlingVideoGenerator>(
        c, http_, *blobs, *sink, prices_, Resilience{}, clock_);
    pump_ = std::thread([this] { Pump(); });
  }
  ~KlingHarness() override {
    stop_ = true;
    pump_.join();
  }
  std::string_view name() const override { return kling_->name(); }
  Result<Dispatch> Submit(const VideoRequest& r) override {
    return kling_->Submit(r);
  }
  Result<std::optional<ProviderResult>> Poll(std::string_view id) override {
    return kling_->Poll(id);
  }
  Result<void> Adopt(std::string_view id, std::string_view resume) override {
    return kling_->Adopt(id, resume);
  }
  std::unique_ptr<VideoGenerator> Peer(BlobStore* blobs, ResultSink* sink) {
    return std::make_unique<KlingHarness>(blobs, sink, emu_);
  }
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
        (void)kling_->HandleCallback(ParseUrlQuery(url),
                                     cbs[seen]["body"].get<std::string>());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  std::shared_ptr<testing::EmulatorProcess> emu_;
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
        [](BlobStore* blobs,
           ResultSink* sink) -> std::unique_ptr<VideoGenerator> {
          return std::make_unique<KlingHarness>(blobs, sink);
        },
        nullptr, std::chrono::milliseconds(20000),
        [](VideoGenerator& first, BlobStore* blobs,
           ResultSink* sink) -> std::unique_ptr<VideoGenerator> {
          return dynamic_cast<KlingHarness&>(first).Peer(blobs, sink);
        }}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace miri
