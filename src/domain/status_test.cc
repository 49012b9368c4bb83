#include "domain/status.h"

#include <set>
#include <utility>

#include <gtest/gtest.h>

namespace miri {
namespace {

using S = ShotStatus;

// design.md section 4, verbatim. Every other pair must be refused.
const std::set<std::pair<std::optional<S>, S>>& LegalPairs() {
  static const std::set<std::pair<std::optional<S>, S>> kLegal = {
      {std::nullopt, S::kDraft},
      {S::kDraft, S::kValidation},
      {S::kValidation, S::kGeneratingImage},
      {S::kValidation, S::kDraft},
      {S::kGeneratingImage, S::kAwaitingApproval},
      {S::kAwaitingApproval, S::kRefining},
      {S::kRefining, S::kAwaitingApproval},
      {S::kAwaitingApproval, S::kDraft},
      {S::kAwaitingApproval, S::kGeneratingVideo},
      {S::kGeneratingVideo, S::kCompleted},
      // any working state -> FAILED
      {S::kDraft, S::kFailed},
      {S::kValidation, S::kFailed},
      {S::kGeneratingImage, S::kFailed},
      {S::kRefining, S::kFailed},
      {S::kGeneratingVideo, S::kFailed},
      {S::kFailed, S::kDraft},  // a person retries the shot
  };
  return kLegal;
}

TEST(ShotStateMachineTest, EveryPairMatchesTheDesignTable) {
  std::vector<std::optional<S>> froms = {std::nullopt};
  for (S s : kAllShotStatuses) froms.push_back(s);
  int legal = 0;
  for (const auto& from : froms) {
    for (S to : kAllShotStatuses) {
      bool expected = LegalPairs().count({from, to}) > 0;
      EXPECT_EQ(IsLegalShotTransition(from, to), expected)
          << (from ? ShotStatusName(*from) : "(planned)") << " -> "
          << ShotStatusName(to);
      EXPECT_EQ(CheckShotTransition(from, to).has_value(), expected);
      legal += expected;
    }
  }
  EXPECT_EQ(legal, 16);  // 9 x 8 pairs checked, 16 legal
}

TEST(ShotStateMachineTest, RefusalNamesBothStatesAndTheLegalOnes) {
  Result<void> r = CheckShotTransition(S::kDraft, S::kCompleted);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(r.error().message,
            "illegal shot transition DRAFT -> COMPLETED (legal from DRAFT: "
            "VALIDATION, FAILED)");
}

TEST(ShotStateMachineTest, TerminalStatesHaveNoExit) {
  Result<void> r = CheckShotTransition(S::kCompleted, S::kDraft);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("legal from COMPLETED: none"),
            std::string::npos);
}

TEST(ShotStatusTest, NamesRoundTrip) {
  for (S s : kAllShotStatuses) {
    EXPECT_EQ(ParseShotStatus(ShotStatusName(s)), s);
  }
  EXPECT_EQ(ParseShotStatus("draft"), std::nullopt);
}

using P = ProjectStatus;

// design.md section 4's project lifecycle. Every other pair must be refused.
const std::set<std::pair<std::optional<P>, P>>& LegalProjectPairs() {
  static const std::set<std::pair<std::optional<P>, P>> kLegal = {
      {std::nullopt, P::kAudioAnalysis}, {P::kAudioAnalysis, P::kPlanned},
      {P::kPlanned, P::kFinalRender},    {P::kFinalRender, P::kRendered},
      {P::kRendered, P::kFinalRender},  // render again
      {P::kAudioAnalysis, P::kFailed},   {P::kPlanned, P::kFailed},
      {P::kFinalRender, P::kFailed},  // the render failed
      {P::kFailed, P::kFinalRender},  // retry the failed render
  };
  return kLegal;
}

TEST(ProjectStateMachineTest, EveryPairMatchesTheLifecycle) {
  std::vector<std::optional<P>> froms = {std::nullopt};
  for (P p : kAllProjectStatuses) froms.push_back(p);
  int legal = 0;
  for (const auto& from : froms) {
    for (P to : kAllProjectStatuses) {
      bool expected = LegalProjectPairs().count({from, to}) > 0;
      EXPECT_EQ(IsLegalProjectTransition(from, to), expected)
          << (from ? ProjectStatusName(*from) : "(new)") << " -> "
          << ProjectStatusName(to);
      legal += expected;
    }
  }
  EXPECT_EQ(legal, 9);  // 6 x 5 pairs checked, 9 legal
}

TEST(ProjectStatusTest, NamesRoundTrip) {
  for (P p : kAllProjectStatuses) {
    EXPECT_EQ(ParseProjectStatus(ProjectStatusName(p)), p);
  }
  EXPECT_EQ(ParseProjectStatus("failed"), std::nullopt);
}

}  // namespace
}  // namespace miri
