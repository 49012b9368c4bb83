#include "http/standard_webhook_verifier.h"

#include <gtest/gtest.h>

namespace miri::http {
namespace {

class At final : public Clock {
 public:
  explicit At(int64_t s) : s_(s) {}
  int64_t NowMs() const override { return s_ * 1000; }
  int64_t s_;
};

Request Signed(std::string id, std::string ts, std::string sig,
               std::string body) {
  Request r;
  r.headers = {{"webhook-id", id},
               {"webhook-timestamp", ts},
               {"webhook-signature", sig}};
  r.body = std::move(body);
  return r;
}

// The reference test vector (reliability.md section 3).
constexpr char kSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr char kId[] = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr char kBody[] = "{\"test\": 2432232314}";
constexpr char kSig[] = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

TEST(StandardWebhookVerifier, AcceptsTheReferenceVector) {
  At clock(1614265330);
  auto v = StandardWebhookVerifier::Create(kSecret, clock);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ((*v)->Sign(kId, "1614265330", kBody), kSig);
  EXPECT_TRUE((*v)->Verify("fal", Signed(kId, "1614265330", kSig, kBody)));
  // Any matching entry of a rotated list is enough.
  EXPECT_TRUE((*v)->Verify(
      "fal", Signed(kId, "1614265330", std::string("v1,AAAA ") + kSig, kBody)));
}

TEST(StandardWebhookVerifier,
     RefusesTamperingStaleTimestampsAndMissingHeaders) {
  At clock(1614265330);
  auto v = std::move(StandardWebhookVerifier::Create(kSecret, clock).value());
  EXPECT_FALSE(
      v->Verify("fal", Signed(kId, "1614265330", kSig, "{\"test\": 1}")));
  At later(1614265330 + 301);
  auto v2 = std::move(StandardWebhookVerifier::Create(kSecret, later).value());
  EXPECT_FALSE(v2->Verify("fal", Signed(kId, "1614265330", kSig, kBody)));
  EXPECT_FALSE(v->Verify("fal", Signed(kId, "", kSig, kBody)));
  EXPECT_FALSE(v->Verify("fal", Signed(kId, "16x", kSig, kBody)));
}

TEST(StandardWebhookVerifier, ARetryPassesAndAnIdUsedForAnotherBodyIsAReplay) {
  At clock(1614265330);
  auto v = std::move(StandardWebhookVerifier::Create(kSecret, clock).value());
  const std::string ts = "1614265330";
  EXPECT_TRUE(v->Verify("fal", Signed(kId, ts, kSig, kBody)));
  // The sender's retry of the same delivery: same id, same body.
  EXPECT_TRUE(v->Verify("fal", Signed(kId, ts, kSig, kBody)));
  // The same id signed over another body (a captured id reused): refused.
  const std::string other = "{\"test\": 1}";
  auto replay =
      v->Verify("fal", Signed(kId, ts, v->Sign(kId, ts, other), other));
  ASSERT_FALSE(replay);
  EXPECT_NE(replay.error().message.find("replay"), std::string::npos);
  // Another id with that body is a delivery of its own.
  EXPECT_TRUE(v->Verify(
      "fal", Signed("msg_2", ts, v->Sign("msg_2", ts, other), other)));
}

TEST(StandardWebhookVerifier, RefusesBadSecrets) {
  At clock(0);
  auto v = StandardWebhookVerifier::Create("secret", clock);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().issues[0].path, "MIRI_WEBHOOK_SECRET");
}

}  // namespace
}  // namespace miri::http
