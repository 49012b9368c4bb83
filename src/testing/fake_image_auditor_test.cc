// The fake ImageAuditor passes the port's contract, and the port's helpers
// (ports/image_auditor.h) keep the fail-closed rules.
#include "testing/fake_image_auditor.h"

#include <gtest/gtest.h>

#include "testing/image_auditor_contract.h"

namespace miri::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(
    Fake, ImageAuditorContractTest,
    ::testing::Values(ImageAuditorFactory{
        "fake", [] { return std::make_shared<FakeImageAuditor>(); }}),
    [](const auto& info) { return info.param.name; });

ImageCheckRequest PngRequest() {
  ImageCheckRequest r;
  r.image = StoryboardPng("[S01]_[V01]_[FLUX2] A street at dawn.", 64, 48);
  r.prompt = "[S01]_[V01]_[FLUX2] A street at dawn.";
  return r;
}

TEST(MiriVisualConstraintsTest, NameTheFourRulesAVisionCheckCanSee) {
  std::vector<std::string> ids;
  for (const VisualConstraint& c : MiriVisualConstraints()) {
    ids.push_back(c.id);
    EXPECT_FALSE(c.text.empty()) << c.id;
  }
  EXPECT_EQ(ids, (std::vector<std::string>{
                     "mouth-closed", "loose-heavy-fabric-to-mid-calf",
                     "child-physique", "no-other-identifiable-person"}));
}

TEST(SettleVerdictTest, AnUncertainConstraintFailsTheImage) {
  ImageVerdict v;
  v.constraints = {{"mouth-closed", ConstraintState::kUncertain, "face hidden"},
                   {"child-physique", ConstraintState::kMet, "ok"}};
  SettleVerdict(v);
  EXPECT_FALSE(v.passed);
  ASSERT_EQ(v.findings.size(), 1u);
  EXPECT_EQ(v.findings[0].rule_id, "vision.mouth-closed");
  EXPECT_NE(v.findings[0].message.find("face hidden"), std::string::npos);
}

TEST(SettleVerdictTest, NotCheckedAndNotApplicableDoNotFailButAreIncomplete) {
  ImageVerdict v;
  v.constraints = {
      {"mouth-closed", ConstraintState::kNotChecked, "classifier"},
      {"child-physique", ConstraintState::kNotApplicable, "no child"}};
  SettleVerdict(v);
  EXPECT_TRUE(v.passed);
  EXPECT_FALSE(v.complete());
}

TEST(SettleVerdictTest, KeepsAFindingAlreadyNamingTheConstraint) {
  ImageVerdict v;
  v.constraints = {{"mouth-closed", ConstraintState::kViolated, "lips apart"}};
  v.findings = {{"vision.mouth-closed", "her lips are apart", ""}};
  SettleVerdict(v);
  EXPECT_EQ(v.findings.size(), 1u);
  EXPECT_FALSE(v.passed);
}

TEST(SettleVerdictTest, AnyFindingFailsTheImage) {
  ImageVerdict v;
  v.findings = {{"vision.nsfw.sexy", "Sexy 0.4 >= 0.15", ""}};
  SettleVerdict(v);
  EXPECT_FALSE(v.passed);
}

TEST(ValidateImageCheckRequestTest, RepeatedConstraintIdsAreInvalid) {
  ImageCheckRequest r = PngRequest();
  r.constraints = {{"a", "x"}, {"a", "y"}};
  auto ok = ValidateImageCheckRequest(r);
  ASSERT_FALSE(ok);
  ASSERT_FALSE(ok.error().issues.empty());
  EXPECT_EQ(ok.error().issues[0].path, "constraints[1].id");
}

TEST(FakeImageAuditorTest, AQueuedFailureFailsTheNextCheckOnly) {
  FakeImageAuditor fake;
  fake.QueueFailure("mouth-closed", "her lips are parted");
  auto first = fake.Check(PngRequest());
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->passed);
  EXPECT_EQ(first->findings[0].rule_id, "vision.mouth-closed");
  auto second = fake.Check(PngRequest());
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->passed);
  EXPECT_EQ(fake.requests().size(), 2u);
}

TEST(FakeImageAuditorTest, AStoppedCheckerIsAnError) {
  FakeImageAuditor fake;
  fake.SetError(Error{ErrorCode::kUnavailable, "checker stopped", {}});
  auto v = fake.Check(PngRequest());
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace miri::testing
