// The vision check of every image before a person sees it (issue 18) and
// a person's retry of a FAILED shot (issue 21), through the API on the real
// command path: a failing image is never shown, it is made again with the
// findings as guidance, a checker that cannot run holds the image, and the
// verdict of every check can be read back.
#include "http/api_test_fixture.h"
#include "testing/fake_image_auditor.h"

namespace miri::http::testing {
namespace {

using ::miri::testing::FakeImageAuditor;
using nlohmann::json;

class ImageCheckApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    orchestrator_->SetImageAuditor(&auditor_);
    CreatePlannedProject();
  }
  // A webhook, then the image check it queued (the checks run off the
  // webhook's thread; bounded wait).
  Response Deliver(const std::string& shot, const std::string& version,
                   const std::string& request_id) {
    Response r = FalWebhook(shot, version, request_id);
    EXPECT_TRUE(orchestrator_->WaitForChecks(std::chrono::seconds(30)));
    return r;
  }
  Response Check(const std::string& shot, const std::string& version) {
    return Call("GET", ShotPath(shot, "versions/" + version + "/check"));
  }
  // Every event of the shot that showed an image for approval.
  std::vector<std::string> ShownVersions(const std::string& shot) {
    std::vector<std::string> shown;
    const std::vector<Event> log = store_->ListEvents(kProjectId).value();
    for (const Event& e : log) {
      if (e.shot_id == shot && e.to == "AWAITING_APPROVAL") {
        shown.push_back(e.version_id.value_or(""));
      }
    }
    return shown;
  }
  std::string LastCause(const std::string& shot) {
    std::string cause;
    const std::vector<Event> log = store_->ListEvents(kProjectId).value();
    for (const Event& e : log) {
      if (e.shot_id == shot) cause = e.cause;
    }
    return cause;
  }

  FakeImageAuditor auditor_;
};

TEST_F(ImageCheckApiTest, APassingImageIsShownWithWhoCheckedIt) {
  const std::string v = Generate("sh1");
  ASSERT_EQ(Deliver("sh1", v, "req-1").status, 200);
  EXPECT_EQ(ShotStatus("sh1"), "AWAITING_APPROVAL");
  EXPECT_NE(LastCause("sh1").find("checked by fake-image-auditor: passed"),
            std::string::npos)
      << LastCause("sh1");
  ASSERT_EQ(auditor_.requests().size(), 1u);
  EXPECT_FALSE(auditor_.requests()[0].image.empty()) << "the image was sent";
  Response check = Check("sh1", v);
  ASSERT_EQ(check.status, 200) << check.body;
  EXPECT_EQ(Body(check)["passed"], true);
  EXPECT_EQ(Body(check)["checker"], "fake-image-auditor");
  EXPECT_EQ(Body(check)["constraints"].size(), 4u);
}

TEST_F(ImageCheckApiTest, AFailingImageIsNeverShownAndIsMadeAgainWithGuidance) {
  auditor_.QueueFailure("mouth-closed", "her lips are parted");
  const std::string first = Generate("sh1");
  ASSERT_EQ(Deliver("sh1", first, "req-1").status, 200);
  EXPECT_EQ(ShotStatus("sh1"), "GENERATING_IMAGE") << LastCause("sh1");
  const std::string second = LatestVersion("sh1");
  ASSERT_NE(second, first) << "a new image was requested";
  Version made = store_->GetVersion(kProjectId, second).value();
  EXPECT_NE(made.negative_prompt.find("open mouth"), std::string::npos)
      << "the findings guide the next image: " << made.negative_prompt;
  ASSERT_FALSE(made.findings.empty());
  EXPECT_EQ(made.findings.back().rule_id, "vision.regenerated");
  EXPECT_NE(made.findings.back().message.find("her lips are parted"),
            std::string::npos);
  Response failed = Check("sh1", first);
  ASSERT_EQ(failed.status, 200) << failed.body;
  EXPECT_EQ(Body(failed)["passed"], false);
  EXPECT_EQ(Body(failed)["findings"][0]["ruleId"], "vision.mouth-closed");

  ASSERT_EQ(Deliver("sh1", second, "req-2").status, 200);
  EXPECT_EQ(ShotStatus("sh1"), "AWAITING_APPROVAL");
  EXPECT_EQ(ShownVersions("sh1"), std::vector<std::string>{second})
      << "the failed image was never shown";
  // Both images were made, so both are paid for, once each.
  int settled = 0;
  const std::vector<LedgerEntry> ledger =
      store_->ListLedger(kProjectId).value();
  for (const LedgerEntry& e : ledger) {
    settled += e.kind == LedgerKind::kSettle;
  }
  EXPECT_EQ(settled, 2);
  // A repeat of the failed image's delivery makes nothing new.
  ASSERT_EQ(Deliver("sh1", first, "req-1").status, 200);
  EXPECT_EQ(LatestVersion("sh1"), second);
}

TEST_F(ImageCheckApiTest, AShotWhoseImagesKeepFailingIsFailedWithTheFindings) {
  for (int i = 0; i < 3; ++i) auditor_.QueueFailure("child-physique", "older");
  std::string v = Generate("sh1");
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(Deliver("sh1", v, "req-" + std::to_string(i)).status, 200);
    if (i < 2) v = LatestVersion("sh1");
  }
  EXPECT_EQ(ShotStatus("sh1"), "FAILED");
  EXPECT_NE(LastCause("sh1").find("failed the image check 3 times"),
            std::string::npos)
      << LastCause("sh1");
  EXPECT_NE(LastCause("sh1").find("older"), std::string::npos);
  EXPECT_TRUE(ShownVersions("sh1").empty());
}

TEST_F(ImageCheckApiTest, ACheckerThatCannotRunHoldsTheImageUntilARetry) {
  auditor_.SetError(
      Error{ErrorCode::kUnavailable, "the image checker stopped", {}});
  const std::string v = Generate("sh1");
  ASSERT_EQ(Deliver("sh1", v, "req-1").status, 200);
  EXPECT_EQ(ShotStatus("sh1"), "FAILED");
  EXPECT_NE(LastCause("sh1").find("held: the image check could not run"),
            std::string::npos)
      << LastCause("sh1");
  EXPECT_TRUE(ShownVersions("sh1").empty());
  Response held = Check("sh1", v);
  ASSERT_EQ(held.status, 200);
  EXPECT_EQ(Body(held)["held"], true);

  // The checker is back: a person retries the shot.
  auditor_.SetError(std::nullopt);
  Response retry = Call("POST", ShotPath("sh1", "retry"), "",
                        {{"idempotency-key", "retry-1"}});
  ASSERT_EQ(retry.status, 202) << retry.body;
  EXPECT_EQ(ShotStatus("sh1"), "GENERATING_IMAGE");
  const std::string again = LatestVersion("sh1");
  ASSERT_NE(again, v);
  ASSERT_EQ(Deliver("sh1", again, "req-2").status, 200);
  EXPECT_EQ(ShotStatus("sh1"), "AWAITING_APPROVAL");
  // The same retry again changes nothing.
  const size_t events = EventCount();
  Response repeat = Call("POST", ShotPath("sh1", "retry"), "",
                         {{"idempotency-key", "retry-1"}});
  EXPECT_EQ(repeat.status, 200) << repeat.body;
  EXPECT_EQ(Body(repeat)["duplicate"], true);
  EXPECT_EQ(EventCount(), events);
}

TEST_F(ImageCheckApiTest, RetryOfAShotThatHasNotFailedIsRefusedWritingNothing) {
  const size_t events = EventCount();
  Response r =
      Call("POST", ShotPath("sh1", "retry"), "", {{"idempotency-key", "r"}});
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(EventCount(), events);
  EXPECT_EQ(ShotStatus("sh1"), "DRAFT");
}

TEST_F(ImageCheckApiTest, ACheckOfAVersionThatWasNotCheckedNamesTheVersion) {
  const std::string v = Generate("sh1");
  Response none = Check("sh1", v);  // its result has not arrived
  EXPECT_EQ(none.status, 404) << none.body;
  EXPECT_EQ(FirstIssue(none), "versionId");
  ASSERT_EQ(Deliver("sh1", v, "req-1").status, 200);
  Response other = Check("sh2", v);  // not a version of sh2
  EXPECT_EQ(other.status, 404) << other.body;
  EXPECT_EQ(FirstIssue(other), "versionId");
}

}  // namespace
}  // namespace miri::http::testing
