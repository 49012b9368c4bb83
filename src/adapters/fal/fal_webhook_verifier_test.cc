#include "adapters/fal/fal_webhook_verifier.h"

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
