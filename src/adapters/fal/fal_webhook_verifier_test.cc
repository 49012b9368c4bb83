#include "adapters/fal/fal_webhook_verifier.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "adapters/fal/fal_test_fixture.h"

namespace miri {
namespace {

class FalWebhookVerifierTest : public FalFixture {
 protected:
  // One signed webhook from the emulator, sent in `mode`.
  nlohmann::json OneWebhook(const std::string& mode,
                            const std::string& job = "p1:v1") {
    SetFal({{"webhookMode", mode}});
    EXPECT_TRUE(fal_->Submit(Request(job)));
    auto hooks = Webhooks(1);
    EXPECT_GE(hooks.size(), 1u);
    return hooks.back();
  }
  Result<void> Verify(const nlohmann::json& hook) {
    return verifier_->Verify(Headers(hook), hook["body"].get<std::string>());
  }
};

TEST_F(FalWebhookVerifierTest, AcceptsAGenuineWebhook) {
  auto hook = OneWebhook("normal");
  EXPECT_TRUE(Verify(hook));
  EXPECT_TRUE(Verify(hook)) << "keys are cached";
  EXPECT_EQ(verifier_->jwks_fetches(), 1);
}

TEST_F(FalWebhookVerifierTest, RefusesASignatureFromAnotherKey) {
  auto r = Verify(OneWebhook("bad_signature"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kRefused);
  EXPECT_EQ(r.error().message.rfind("unauthenticated webhook", 0), 0u);
}

TEST_F(FalWebhookVerifierTest, RefusesATamperedBody) {
  EXPECT_FALSE(Verify(OneWebhook("tampered_body")));
}

TEST_F(FalWebhookVerifierTest, RefusesStaleTimestamps) {
  auto r = Verify(OneWebhook("stale"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("tolerance"), std::string::npos);
}

TEST_F(FalWebhookVerifierTest, RefusesMissingHeaders) {
  auto r = Verify(OneWebhook("missing_headers"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("missing"), std::string::npos);
  HeaderMap none;
  EXPECT_FALSE(verifier_->Verify(none, "{}"));
}

TEST_F(FalWebhookVerifierTest, RefusesATimestampFromTheFuture) {
  auto hook = OneWebhook("normal");
  clock_.AdvanceMs(-301'000);
  EXPECT_FALSE(Verify(hook));
}

TEST_F(FalWebhookVerifierTest, RefetchesTheJwksWhenKeysRotate) {
  ASSERT_TRUE(Verify(OneWebhook("normal", "p1:v1")));
  emu_->Post(emu_->fal(), "/__control/rotate-key");
  auto rotated = OneWebhook("normal", "p1:v2");
  EXPECT_FALSE(Verify(rotated)) << "refresh is rate-limited";
  clock_.AdvanceMs(61'000);
  EXPECT_TRUE(Verify(rotated));
  EXPECT_EQ(verifier_->jwks_fetches(), 2);
}

// Found by bench/pipeline: the first image webhooks arrive together, and
// all but the one that fetched the keys found the fetch in flight and were
// refused (401), so their shots never moved. Keys fetched before the first
// webhook verify every one of a burst, with no fetch more.
TEST_F(FalWebhookVerifierTest, KeysFetchedAtStartVerifyABurstOfFirstWebhooks) {
  SetFal({{"webhookMode", "normal"}});
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(fal_->Submit(Request("p1:v" + std::to_string(i))));
  }
  nlohmann::json hooks = Webhooks(8);
  ASSERT_EQ(hooks.size(), 8u);
  ASSERT_TRUE(verifier_->Prefetch());
  std::vector<Result<void>> verdicts(hooks.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < hooks.size(); ++i) {
    threads.emplace_back([&, i] { verdicts[i] = Verify(hooks[i]); });
  }
  for (std::thread& t : threads) t.join();
  for (const Result<void>& v : verdicts) {
    EXPECT_TRUE(v) << v.error().ToString();
  }
  EXPECT_EQ(verifier_->jwks_fetches(), 1);
}

// An HttpClient whose JWKS fetch fails, or blocks until released; counts
// the fetches.
class JwksHttp final : public HttpClient {
 public:
  Result<HttpResponse> Send(const HttpRequest&) override {
    std::unique_lock lock(mu_);
    ++calls_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return !hold_; });
    return MakeError(ErrorCode::kUnavailable, "JWKS host down");
  }
  Result<DownloadInfo> Download(std::string_view, const FetchPolicy&,
                                BlobStore&, std::string_view) override {
    return MakeError(ErrorCode::kUnavailable, "not used");
  }
  void Hold() {
    std::lock_guard lock(mu_);
    hold_ = true;
  }
  void Release() {
    std::lock_guard lock(mu_);
    hold_ = false;
    cv_.notify_all();
  }
  // Waits (bounded) until `n` fetches have started.
  bool WaitForCalls(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10),
                        [&] { return calls_ >= n; });
  }
  int calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool hold_ = false;
  int calls_ = 0;
};

HeaderMap Forged(int64_t now_ms, int i) {
  return {{"x-fal-webhook-request-id", "forged-" + std::to_string(i)},
          {"x-fal-webhook-user-id", "someone"},
          {"x-fal-webhook-timestamp", std::to_string(now_ms / 1000)},
          {"x-fal-webhook-signature", std::string(128, 'a')}};
}

// Unauthenticated requests never make the verifier fetch the JWKS more
// than once a minute, even while no key was ever fetched (issue 21 item 3).
TEST_F(FalWebhookVerifierTest, ForgedWebhooksFetchTheJwksAtMostOnceAMinute) {
  JwksHttp http;
  FalWebhookVerifier v(FalWebhookVerifierOptions{}, http, clock_);
  for (int i = 0; i < 40; ++i) {
    Result<void> r = v.Verify(Forged(clock_.NowMs(), i), "{}");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("unauthenticated webhook"),
              std::string::npos);
  }
  EXPECT_EQ(http.calls(), 1);
  clock_.AdvanceMs(61'000);
  for (int i = 0; i < 40; ++i) {
    EXPECT_FALSE(v.Verify(Forged(clock_.NowMs(), i), "{}"));
  }
  EXPECT_EQ(http.calls(), 2);
}

// A JWKS fetch that hangs holds up no other verification: one fetch at a
// time, and no lock is held across it (the others are refused at once).
TEST_F(FalWebhookVerifierTest, AHangingJwksFetchBlocksNoOtherWebhook) {
  JwksHttp http;
  http.Hold();
  FalWebhookVerifier v(FalWebhookVerifierOptions{}, http, clock_);
  std::thread first([&] { (void)v.Verify(Forged(clock_.NowMs(), 0), "{}"); });
  ASSERT_TRUE(http.WaitForCalls(1));
  // While the first fetch hangs, these return (refused) without waiting.
  for (int i = 1; i <= 40; ++i) {
    EXPECT_FALSE(v.Verify(Forged(clock_.NowMs(), i), "{}"));
  }
  EXPECT_EQ(http.calls(), 1);
  http.Release();
  first.join();
}

// miri serve fetches the keys at start, on a thread of its own: the fetch
// starts with no webhook, and the start does not wait for a hanging host.
TEST_F(FalWebhookVerifierTest, ThePrefetchRunsInTheBackground) {
  JwksHttp http;
  http.Hold();
  {
    FalWebhookVerifier v(FalWebhookVerifierOptions{}, http, clock_);
    v.PrefetchInBackground();
    ASSERT_TRUE(http.WaitForCalls(1));
    EXPECT_EQ(v.jwks_fetches(), 1);
    http.Release();
  }  // the destructor joins the fetch
  EXPECT_EQ(http.calls(), 1);
}

// Fuzz finding (fuzz/webhook_fuzzer): an unauthenticated timestamp at the
// ends of int64 overflowed "now - timestamp" (undefined behaviour, seen by
// UBSan); it is refused as outside the tolerance, before any key is used.
TEST_F(FalWebhookVerifierTest, ExtremeTimestampsAreOutsideTheTolerance) {
  JwksHttp http;
  FalWebhookVerifier v(FalWebhookVerifierOptions{}, http, clock_);
  for (const char* ts : {"-9223372036854775808", "9223372036854775807",
                         "-9223372036854775000"}) {
    HeaderMap h = Forged(clock_.NowMs(), 0);
    h["x-fal-webhook-timestamp"] = ts;
    Result<void> r = v.Verify(h, "{}");
    ASSERT_FALSE(r) << ts;
    EXPECT_NE(r.error().message.find("timestamp outside tolerance"),
              std::string::npos)
        << ts << ": " << r.error().message;
  }
  EXPECT_EQ(http.calls(), 0);
}

TEST_F(FalWebhookVerifierTest, ChecksTheUserIdWhenConfigured) {
  auto hook = OneWebhook("normal");
  FalWebhookVerifierOptions vo;
  vo.jwks_url = emu_->fal() + "/.well-known/jwks.json";
  vo.expected_user_id = "someone-else";
  FalWebhookVerifier strict(vo, http_, clock_);
  EXPECT_FALSE(strict.Verify(Headers(hook), hook["body"].get<std::string>()));
}

}  // namespace
}  // namespace miri
