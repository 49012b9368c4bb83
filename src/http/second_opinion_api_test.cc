// The second opinion on typed text (issue 18 item 3): what the request
// screen allows is also classified by the AUDITOR's model; a refusal by
// either refuses with who decided and why, a model that cannot answer
// refuses too (fail closed), and nothing is stored or sent either way.
#include "http/api_test_fixture.h"
#include "ports/request_auditor.h"

namespace miri::http::testing {
namespace {

using nlohmann::json;

// Refuses text with "glow" in it (words the request screen allows); cannot
// answer text with "offline" in it. Records what it saw.
class FakeRequestAuditor final : public RequestAuditor {
 public:
  std::string_view name() const override { return "fake"; }
  Result<RequestVerdict> Check(const RequestCheck& r) override {
    std::lock_guard lock(mu_);
    seen.push_back(r);
    if (r.text.find("offline") != std::string::npos) {
      return MakeError(ErrorCode::kUnavailable, "model unreachable");
    }
    RequestVerdict v;
    v.checker = "fake-model";
    v.allowed = r.text.find("glow") == std::string::npos;
    if (!v.allowed) {
      v.rule = "Young girl";
      v.reason = "a glow like that makes her look older";
    }
    return v;
  }
  std::mutex mu_;
  std::vector<RequestCheck> seen;
};

class SecondOpinionApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    commands_->SetRequestAuditor(&auditor_);
    CreatePlannedProject();
  }
  // sh1 awaiting approval.
  void ShowSh1() {
    const std::string v = Generate("sh1");
    ASSERT_EQ(FalWebhook("sh1", v, "req-1").status, 200);
    ASSERT_EQ(ShotStatus("sh1"), "AWAITING_APPROVAL");
  }
  FakeRequestAuditor auditor_;
};

TEST_F(SecondOpinionApiTest, WhatTheModelRefusesIsRefusedWithWhoDecided) {
  ShowSh1();
  const size_t events = EventCount();
  const size_t versions = store_->ListVersions(kProjectId, "sh1")->size();
  Response r =
      Call("POST", ShotPath("sh1", "refine"),
           json{{"instruction", "give her a soft golden glow"}}.dump());
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(FirstIssue(r), "instruction");
  EXPECT_NE(r.body.find("makes her look older"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("decided by fake-model"), std::string::npos) << r.body;
  EXPECT_EQ(EventCount(), events);
  EXPECT_EQ(store_->ListVersions(kProjectId, "sh1")->size(), versions);
  ASSERT_FALSE(auditor_.seen.empty());
  EXPECT_EQ(auditor_.seen.back().channel, "refine");
}

TEST_F(SecondOpinionApiTest, AModelThatCannotAnswerRefusesAndStoresNothing) {
  ShowSh1();
  const size_t events = EventCount();
  Response r = Call("POST", ShotPath("sh1", "reject"),
                    json{{"reason", "the light is offline-looking"}}.dump());
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(FirstIssue(r), "reason");
  EXPECT_NE(r.body.find("send it again"), std::string::npos) << r.body;
  EXPECT_EQ(EventCount(), events);
  EXPECT_EQ(ShotStatus("sh1"), "AWAITING_APPROVAL");
}

TEST_F(SecondOpinionApiTest, AllowedTextSaysWhoScreenedIt) {
  ShowSh1();
  Response r = Call("POST", ShotPath("sh1", "refine"),
                    json{{"instruction", "make the curtains blue"}}.dump());
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_NE(Body(r)["note"].get<std::string>().find(
                "screened by the request screen and fake-model"),
            std::string::npos)
      << r.body;
}

TEST_F(SecondOpinionApiTest, PlanDescriptionsAndOverridesGetTheSecondOpinion) {
  Response o = Call("POST", "/api/shots/generate",
                    json{{"projectId", kProjectId},
                         {"shotId", "sh1"},
                         {"promptOverride", "Miri with a glow on her cheeks"}}
                        .dump());
  EXPECT_EQ(o.status, 422) << o.body;
  EXPECT_EQ(FirstIssue(o), "promptOverride");
  EXPECT_EQ(ShotStatus("sh1"), "DRAFT");
  EXPECT_EQ(auditor_.seen.back().channel,
            std::string(TextChannelName(TextChannel::kPromptOverride)));
}

}  // namespace
}  // namespace miri::http::testing
