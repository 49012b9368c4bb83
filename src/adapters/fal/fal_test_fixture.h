// Shared fixture for the fal adapter tests: emulators, a local BlobStore,
// a recording sink, a manual clock near real time (the emulator signs
// webhooks with real timestamps) and a sleeper that never sleeps.
#ifndef MIRI_ADAPTERS_FAL_FAL_TEST_FIXTURE_H_
#define MIRI_ADAPTERS_FAL_FAL_TEST_FIXTURE_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "adapters/fal/fal_image_generator.h"
#include "adapters/localfs/localfs_blob_store.h"
#include "emulator_process.h"
#include "services/resilience/manual_clock.h"

namespace miri {

class RecordingSink final : public ResultSink {
 public:
  void OnResult(ProviderResult r) override {
    std::lock_guard lock(mu_);
    results_.push_back(std::move(r));
  }
  std::vector<ProviderResult> results() const {
    std::lock_guard lock(mu_);
    return results_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<ProviderResult> results_;
};

inline FetchPolicy LoopbackFetch() {
  FetchPolicy p;
  p.allowed_hosts = {"127.0.0.1"};
  p.allowed_content_types = {"image/"};
  p.allow_http_for_tests = true;
  p.allow_loopback_for_tests = true;
  return p;
}

class FalFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = testing::EmulatorProcess::Start();
    ASSERT_TRUE(e) << e.error().ToString();
    emu_ = std::move(*e);
    dir_ = std::filesystem::temp_directory_path() /
           ("miri-fal-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    blobs_ = std::move(*LocalFsBlobStore::Open(dir_));
    clock_.SetMs(SystemClock().NowMs());
    FalWebhookVerifierOptions vo;
    vo.jwks_url = emu_->fal() + "/.well-known/jwks.json";
    verifier_ = std::make_unique<FalWebhookVerifier>(vo, http_, clock_);
    CircuitBreakerOptions bo;
    bo.minimum_calls = 4;
    bo.window_size = 10;
    bo.open_duration_ms = 10'000;
    bo.half_open_probes = 2;
    breaker_ = std::make_unique<CircuitBreaker>("fal", bo, clock_);
    RetryOptions ro;
    ro.max_attempts = 3;
    retrier_ = std::make_unique<Retrier>(
        ro, sleeper_, [] { return 0.0; }, clock_);
    Rebuild(Config());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  FalConfig Config() {
    FalConfig c;
    c.api_key = "test-key";
    c.queue_base_url = emu_->fal();
    c.rest_base_url = emu_->fal();
    c.webhook_url = emu_->cdn() + "/__sink/fal";
    c.lora_paths = {{"miriN14", "https://example.com/miriN14.safetensors"}};
    c.result_fetch = LoopbackFetch();
    c.request_timeout_ms = 2000;
    return c;
  }
  void Rebuild(FalConfig c) {
    fal_ = std::make_unique<FalImageGenerator>(
        std::move(c), http_, *blobs_, sink_, prices_, *verifier_,
        FalResilience{breaker_.get(), retrier_.get()}, clock_);
  }
  ImageRequest Request(std::string job = "p1:v1") {
    ImageRequest r;
    r.job_id = job;
    r.prompt = "S1_V1_FX2 Miri, Child physique, Young girl, Loose fit";
    r.loras = {"miriN14"};
    r.width = 1344;
    r.height = 768;
    r.seed = 7;
    r.output_key =
        "projects/p1/shots/s1/" + job.substr(job.find(':') + 1) + ".png";
    return r;
  }
  // Submitted jobs: the emulator's log of POSTs to model paths (not the
  // storage uploads).
  int Submits() {
    int n = 0;
    for (const auto& r : emu_->Requests(emu_->fal())) {
      if (r["method"] == "POST" &&
          r["path"].get<std::string>().rfind("/storage/", 0) != 0)
        ++n;
    }
    return n;
  }
  // The webhooks the emulator sent, waiting (bounded) for at least n.
  nlohmann::json Webhooks(size_t n) {
    nlohmann::json hooks;
    for (int i = 0; i < 300; ++i) {
      hooks = emu_->Get(emu_->fal(), "/__control/webhooks");
      if (hooks.is_array() && hooks.size() >= n) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return hooks;
  }
  static HeaderMap Headers(const nlohmann::json& hook) {
    HeaderMap h;
    for (auto& [k, v] : hook["headers"].items()) h[k] = v.get<std::string>();
    return h;
  }
  Result<FalImageGenerator::WebhookOutcome> Deliver(
      const nlohmann::json& hook) {
    return fal_->HandleWebhook(Headers(hook), hook["body"].get<std::string>());
  }
  void SetFal(const nlohmann::json& cfg) {
    emu_->Post(emu_->fal(), "/__control/config", cfg);
  }
  void Faults(const nlohmann::json& rules) {
    emu_->Post(emu_->fal(), "/__control/faults", {{"rules", rules}});
  }

  std::unique_ptr<testing::EmulatorProcess> emu_;
  std::filesystem::path dir_;
  std::unique_ptr<LocalFsBlobStore> blobs_;
  CurlHttpClient http_;
  ManualClock clock_;
  RecordingSleeper sleeper_{&clock_};
  RecordingSink sink_;
  PriceTable prices_ = PriceTable::Defaults();
  std::unique_ptr<FalWebhookVerifier> verifier_;
  std::unique_ptr<CircuitBreaker> breaker_;
  std::unique_ptr<Retrier> retrier_;
  std::unique_ptr<FalImageGenerator> fal_;
};

}  // namespace miri

#endif  // MIRI_ADAPTERS_FAL_FAL_TEST_FIXTURE_H_
