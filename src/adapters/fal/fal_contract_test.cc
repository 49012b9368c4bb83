// The provider-neutral ImageGenerator contract (src/testing), run against
// the fal adapter and the fal emulator. A pump thread plays our webhook
// route: it hands every delivery the emulator made to HandleWebhook.
#include <atomic>
#include <thread>

#include "adapters/fal/fal_image_generator.h"
#include "emulator_process.h"
#include "services/resilience/manual_clock.h"
#include "testing/image_generator_contract.h"

namespace miri {
namespace {

class FalHarness final : public ImageGenerator {
 public:
  FalHarness(BlobStore* blobs, ResultSink* sink)
      : FalHarness(blobs, sink,
                   std::shared_ptr<testing::EmulatorProcess>(
                       std::move(*testing::EmulatorProcess::Start()))) {}
  // A second instance on the same emulator, with fresh memory.
  FalHarness(BlobStore* blobs, ResultSink* sink,
             std::shared_ptr<testing::EmulatorProcess> emu)
      : emu_(std::move(emu)) {
    FalWebhookVerifierOptions vo;
    vo.jwks_url = emu_->fal() + "/.well-known/jwks.json";
    verifier_ = std::make_unique<FalWebhookVerifier>(vo, http_, clock_);
    FalConfig c;
    c.api_key = "test-key";
    c.queue_base_url = emu_->fal();
    c.rest_base_url = emu_->fal();
    c.webhook_url = emu_->cdn() + "/__sink/fal";
    c.lora_paths = {{"miriN14", "https://example.com/miriN14.safetensors"}};
    c.result_fetch.allowed_hosts = {"127.0.0.1"};
    c.result_fetch.allow_http_for_tests = true;
    c.result_fetch.allow_loopback_for_tests = true;
    fal_ = std::make_unique<FalImageGenerator>(
        c, http_, *blobs, *sink, prices_, *verifier_, FalResilience{}, clock_);
    pump_ = std::thread([this] { Pump(); });
  }
  ~FalHarness() override {
    stop_ = true;
    pump_.join();
  }
  std::string_view name() const override { return fal_->name(); }
  Result<Dispatch> Submit(const ImageRequest& r) override {
    return fal_->Submit(r);
  }
  Result<std::optional<ProviderResult>> Poll(std::string_view id) override {
    return fal_->Poll(id);
  }
  Result<void> Adopt(std::string_view id, std::string_view resume) override {
    return fal_->Adopt(id, resume);
  }
  std::unique_ptr<ImageGenerator> Peer(BlobStore* blobs, ResultSink* sink) {
    return std::make_unique<FalHarness>(blobs, sink, emu_);
  }
  int64_t EstimateCostMicros(const ImageRequest& r) const override {
    return fal_->EstimateCostMicros(r);
  }

 private:
  void Pump() {
    size_t seen = 0;
    int failures = 0;
    // Bounded: at most ~60 s of 20 ms rounds.
    for (int round = 0; round < 3000 && !stop_; ++round) {
      auto hooks = emu_->Get(emu_->fal(), "/__control/webhooks");
      while (hooks.is_array() && seen < hooks.size()) {
        HeaderMap h;
        for (auto& [k, v] : hooks[seen]["headers"].items())
          h[k] = v.get<std::string>();
        // Like fal, a delivery our route refused (say its result could not
        // be fetched yet on a loaded machine) is delivered again, a few
        // times, on a later round.
        if (!fal_->HandleWebhook(h, hooks[seen]["body"].get<std::string>()) &&
            ++failures < 5) {
          break;
        }
        failures = 0;
        ++seen;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  std::shared_ptr<testing::EmulatorProcess> emu_;
  CurlHttpClient http_;
  SystemClock clock_;
  PriceTable prices_ = PriceTable::Defaults();
  std::unique_ptr<FalWebhookVerifier> verifier_;
  std::unique_ptr<FalImageGenerator> fal_;
  std::atomic<bool> stop_ = false;
  std::thread pump_;
};

using ::miri::testing::ImageGeneratorContractTest;

INSTANTIATE_TEST_SUITE_P(
    Fal, ImageGeneratorContractTest,
    ::testing::Values(testing::ImageGeneratorFactory{
        "fal",
        [](BlobStore* blobs,
           ResultSink* sink) -> std::unique_ptr<ImageGenerator> {
          return std::make_unique<FalHarness>(blobs, sink);
        },
        // FLUX.2 sides are 512..2048 (providers.md 2.1).
        [](ImageRequest& r) {
          r.width = 512;
          r.height = 512;
        },
        std::chrono::milliseconds(20000),
        [](ImageGenerator& first, BlobStore* blobs,
           ResultSink* sink) -> std::unique_ptr<ImageGenerator> {
          return dynamic_cast<FalHarness&>(first).Peer(blobs, sink);
        }}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace miri
