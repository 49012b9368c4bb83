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

// Who screened a person's text is stored with the command's event (and
// sent with it on the bus): the reject's move to DRAFT, the refine's move
// to REFINING, the override's first move, the plan commit and the
// project's creation.
TEST_F(SecondOpinionApiTest, WhoScreenedTheTextIsRecordedWithTheCommand) {
  const std::string both = "the request screen and fake-model";
  auto events = [&] {
    return std::vector<Event>(*store_->ListEvents(kProjectId));
  };
  auto screened_moves = [&](const std::string& to) {
    std::vector<std::string> who;
    for (const Event& e : events()) {
      if (e.to == to && e.screened_by) who.push_back(*e.screened_by);
    }
    return who;
  };
  EXPECT_EQ(screened_moves("AUDIO_ANALYSIS"), std::vector{both});
  EXPECT_EQ(screened_moves("PLANNED"), std::vector{both});

  ShowSh1();
  Response refine = Call("POST", ShotPath("sh1", "refine"),
                         json{{"instruction", "make the sky grey"}}.dump());
  ASSERT_EQ(refine.status, 202) << refine.body;
  EXPECT_EQ(screened_moves("REFINING"), std::vector{both});
  // The events the reply carries say so too.
  EXPECT_EQ(Body(refine)["events"][0].value("screenedBy", ""), both);
  ASSERT_EQ(FalWebhook("sh1", LatestVersion("sh1"), "req-2").status, 200);
  ASSERT_EQ(ShotStatus("sh1"), "AWAITING_APPROVAL");

  Response reject = Call("POST", ShotPath("sh1", "reject"),
                         json{{"reason", "the sky is too dark"}}.dump());
  ASSERT_EQ(reject.status, 200) << reject.body;
  std::vector<std::string> drafts;
  for (const Event& e : events()) {
    if (e.to == "DRAFT" && e.cause.starts_with("rejected: ")) {
      drafts.push_back(e.screened_by.value_or("(none)"));
    }
  }
  EXPECT_EQ(drafts, std::vector{both});

  Response o = Call("POST", "/api/shots/generate",
                    json{{"projectId", kProjectId},
                         {"shotId", "sh2"},
                         {"promptOverride", "Miri reads under a tree"}}
                        .dump());
  ASSERT_EQ(o.status, 202) << o.body;
  int screened_validations = 0;
  for (const Event& e : events()) {
    if (e.shot_id == "sh2" && e.to == "VALIDATION") {
      EXPECT_EQ(e.screened_by.value_or("(none)"), both);
      ++screened_validations;
    }
  }
  EXPECT_EQ(screened_validations, 1);
  // A command with no typed text records no screen.
  for (const Event& e : events()) {
    if (e.to == "AWAITING_APPROVAL") {
      EXPECT_FALSE(e.screened_by) << e.cause;
    }
  }
}

// Settings a person types: what reads as words gets the second opinion
// (the refusal names its field and who decided; nothing changes); a model
// id is a name and gets the request screen alone.
TEST_F(SecondOpinionApiTest, SettingsThatReadAsWordsGetTheSecondOpinion) {
  const std::string path = std::string("/api/projects/") + kProjectId;
  json project = store_->GetProject(kProjectId)->ToJson();
  const std::string before = project.value("projectName", "");
  json renamed = project;
  renamed["projectName"] = "Miri with a glow";
  Response r = Call("PUT", path, renamed.dump());
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(FirstIssue(r), "projectName");
  EXPECT_NE(r.body.find("decided by fake-model"), std::string::npos) << r.body;
  EXPECT_EQ(store_->GetProject(kProjectId)->project_name, before);

  renamed["projectName"] = "Rain Song, second cut";
  Response ok = Call("PUT", path, renamed.dump());
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(store_->GetProject(kProjectId)->project_name,
            "Rain Song, second cut");
  EXPECT_EQ(auditor_.seen.back().text, "Rain Song, second cut");
  EXPECT_EQ(auditor_.seen.back().channel,
            std::string(TextChannelName(TextChannel::kSettings)));

  const std::string config = path + "/agent-configs/auditor";
  Response words = Call("PUT", config,
                        json{{"role", "AUDITOR"},
                             {"modelString", "a model with a glow"},
                             {"active", true}}
                            .dump());
  EXPECT_EQ(words.status, 422) << words.body;
  EXPECT_EQ(FirstIssue(words), "modelString");
  const size_t asked = auditor_.seen.size();
  Response id = Call("PUT", config,
                     json{{"role", "AUDITOR"},
                          {"modelString", "gemini-3.8-flash"},
                          {"active", true}}
                         .dump());
  EXPECT_EQ(id.status, 200) << id.body;
  EXPECT_EQ(auditor_.seen.size(), asked);
}

}  // namespace
}  // namespace miri::http::testing
