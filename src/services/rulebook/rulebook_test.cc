#include "services/rulebook/rulebook.h"

#include <algorithm>

#include "domain/audit.h"
#include "services/rulebook/rulebook_fixture.h"

namespace miri::testing {
namespace {

// Rule texts, sorted: ranking among relevant rules is not the point here.
std::vector<std::string> Ids(const std::vector<RuleMatch>& matches) {
  std::vector<std::string> ids;
  for (const RuleMatch& m : matches) ids.push_back(m.rule.text);
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST_F(RulebookTest, LearnsARuleWithItsProvenance) {
  analyzer_.script["the dress is above the knee"] = {
      "Miri's dress hem falls to mid-calf", RuleKind::kPositive,
      RuleScope::kCharacter, "from the reason"};
  Result<LearnOutcome> r = Reject("sh-0", "the dress is above the knee");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_FALSE(r->strengthened);
  std::vector<Rule> rules = *store_->ListRules(project_.project_id);
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].text, "Miri's dress hem falls to mid-calf");
  EXPECT_EQ(rules[0].source_version_id, "sh-0v1");
  EXPECT_EQ(rules[0].reason, "the dress is above the knee");
  EXPECT_EQ(rules[0].scope, RuleScope::kCharacter);
  ASSERT_EQ(bus_.messages.size(), 1u);
  EXPECT_EQ(bus_.messages[0].type, "RULE_UPDATED");
}

TEST_F(RulebookTest, ReasonThatUndoesDepictionRulesIsRefused) {
  Result<LearnOutcome> r = Reject("sh-0", "make the dress shorter");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kRefused);
  EXPECT_EQ(r.error().issues.at(0).path, "reason");
  EXPECT_TRUE(store_->ListRules(project_.project_id)->empty());
}

TEST_F(RulebookTest, ProposalThatUndoesDepictionRulesIsRefused) {
  analyzer_.script["she looks stiff"] = {"Miri in a tight top, more relaxed",
                                         RuleKind::kPositive,
                                         RuleScope::kCharacter, ""};
  Result<LearnOutcome> r = Reject("sh-0", "she looks stiff");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kRefused);
  EXPECT_EQ(r.error().issues.at(0).path, "rule.text");
  EXPECT_TRUE(store_->ListRules(project_.project_id)->empty());
}

TEST_F(RulebookTest, NearDuplicateStrengthensInsteadOfAdding) {
  analyzer_.script["hem too high"] = {"Miri's dress hem falls to mid-calf",
                                      RuleKind::kPositive,
                                      RuleScope::kCharacter, ""};
  analyzer_.script["dress above knee again"] = {
      "Miri's dress hem must fall to mid-calf", RuleKind::kPositive,
      RuleScope::kCharacter, ""};
  ASSERT_TRUE(Reject("sh-0", "hem too high"));
  Result<LearnOutcome> again = Reject("sh-1", "dress above knee again");
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_TRUE(again->strengthened);
  std::vector<RuleView> views = *rulebook_->List(project_.project_id);
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].stats.strengthened, 1);
  // A different rule is still added.
  ASSERT_TRUE(Reject("sh-1", "the umbrella is missing"));
  EXPECT_EQ(rulebook_->List(project_.project_id)->size(), 2u);
}

TEST_F(RulebookTest, ScopeDecidesWhereARuleMayApply) {
  analyzer_.script["a"] = {"Miri's raincoat is yellow", RuleKind::kPositive,
                           RuleScope::kCharacter, ""};
  analyzer_.script["b"] = {"neon signs glow pink in the rain",
                           RuleKind::kPositive, RuleScope::kScene, ""};
  analyzer_.script["c"] = {"readable text or letters", RuleKind::kNegative,
                           RuleScope::kGlobal, ""};
  ASSERT_TRUE(Reject("sh-0", "a"));
  ASSERT_TRUE(Reject("sh-2", "b"));  // sh-2 is in scene sc2
  ASSERT_TRUE(Reject("sh-0", "c"));
  const std::string desc = "Miri in her raincoat under neon signs in the rain";
  EXPECT_EQ(
      Ids(*rulebook_->RulesFor(project_.project_id, ShotWith("sh-2", desc))),
      (std::vector<std::string>{"Miri's raincoat is yellow",
                                "neon signs glow pink in the rain",
                                "readable text or letters"}));
  // Other scene: no scene rule. No Miri: no character rule. Global: always.
  EXPECT_EQ(
      Ids(*rulebook_->RulesFor(project_.project_id, ShotWith("sh-0", desc))),
      (std::vector<std::string>{"Miri's raincoat is yellow",
                                "readable text or letters"}));
  EXPECT_EQ(
      Ids(*rulebook_->RulesFor(
          project_.project_id,
          ShotWith("sh-0", "a raincoat on a hook under neon signs", false))),
      (std::vector<std::string>{"readable text or letters"}));
  // The flag may add Miri, never remove her: a shot that names her, or any
  // child, gets her character rules whatever showsMiri says.
  EXPECT_EQ(Ids(*rulebook_->RulesFor(project_.project_id,
                                     ShotWith("sh-0", desc, false))),
            (std::vector<std::string>{"Miri's raincoat is yellow",
                                      "readable text or letters"}));
}

// Issue 18: whatever a person writes and whatever the analyser makes of it,
// a rejection never becomes a rule that undoes one of Miri's protections.
TEST_F(RulebookTest, NoRejectionBecomesARuleThatUndoesAProtection) {
  struct Case {
    const char* reason;
    RuleProposal proposal;
  };
  const Case kCases[] = {
      {"she looks stiff",
       {"Miri's hemline sits just above the knee", RuleKind::kPositive,
        RuleScope::kCharacter, ""}},
      {"the light is flat",
       {"long skirt, heavy fabric", RuleKind::kNegative, RuleScope::kCharacter,
        ""}},
      {"her expression is blank",
       {"lips pressed together", RuleKind::kNegative, RuleScope::kCharacter,
        ""}},
      {"she looks lonely",
       {"Miri walks with her little brother", RuleKind::kPositive,
        RuleScope::kCharacter, ""}},
      {"the pose is dull",
       {"Check before approval: she smiles with her teeth",
        RuleKind::kAuditCheck, RuleScope::kCharacter, ""}},
      {"it looks too plain",
       {"Miri wears a light silk summer dress", RuleKind::kPositive,
        RuleScope::kGlobal, ""}},
      {"she looks too young",  // refused as a reason already
       {"Miri looks older", RuleKind::kPositive, RuleScope::kCharacter, ""}},
  };
  for (const Case& c : kCases) {
    analyzer_.script[c.reason] = c.proposal;
    Result<LearnOutcome> r = Reject("sh-0", c.reason);
    ASSERT_FALSE(r) << c.reason << " -> " << c.proposal.text;
    EXPECT_EQ(r.error().code, ErrorCode::kRefused) << c.reason;
    EXPECT_FALSE(r.error().issues.empty()) << c.reason;
  }
  EXPECT_TRUE(store_->ListRules(project_.project_id)->empty());
  EXPECT_TRUE(bus_.messages.empty());
  EXPECT_TRUE(rulebook_
                  ->RulesFor(project_.project_id,
                             ShotWith("sh-0", "Miri in a raincoat"))
                  ->empty());
}

// A complaint whose analysed rule would name what it complains about (and
// so prompt it) is kept as the rule the complaint asks for.
TEST_F(RulebookTest, AComplaintIsLearnedAsTheRuleItAsksFor) {
  analyzer_.script["there are two kids in the background"] = {
      "Check before approval: there are two kids in the background",
      RuleKind::kAuditCheck, RuleScope::kCharacter, ""};
  analyzer_.script["she is wearing lipstick"] = {
      "Check before approval: she is wearing lipstick", RuleKind::kAuditCheck,
      RuleScope::kCharacter, ""};
  Result<LearnOutcome> kids =
      Reject("sh-0", "there are two kids in the background");
  ASSERT_TRUE(kids) << kids.error().ToString();
  EXPECT_EQ(kids->rule.text, "no other children");
  EXPECT_EQ(kids->rule.kind, RuleKind::kPositive);
  Result<LearnOutcome> lipstick = Reject("sh-1", "she is wearing lipstick");
  ASSERT_TRUE(lipstick) << lipstick.error().ToString();
  EXPECT_EQ(lipstick->rule.text, "no makeup, flat shoes");
  const std::vector<Rule> rules = *store_->ListRules(project_.project_id);
  for (const Rule& r : rules) {
    EXPECT_TRUE(AuditRuleText(r.text, r.kind).empty()) << r.text;
  }
}

// Regression (issue 18): "her mouth is slightly open, it must be closed"
// asks for exactly what the rules require, and was refused.
TEST_F(RulebookTest, AReasonThatDefendsARuleIsLearned) {
  const std::string reason = "her mouth is slightly open, it must be closed";
  analyzer_.script[reason] = {"Mouth CLOSED, lips together, no teeth showing",
                              RuleKind::kPositive, RuleScope::kCharacter, ""};
  Result<LearnOutcome> r = Reject("sh-0", reason);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(store_->ListRules(project_.project_id)->size(), 1u);
}

TEST_F(RulebookTest, DeactivatedRulesStopApplyingAndCanReturn) {
  analyzer_.script["x"] = {"Miri's raincoat is yellow", RuleKind::kPositive,
                           RuleScope::kCharacter, ""};
  Result<LearnOutcome> learned = Reject("sh-0", "x");
  ASSERT_TRUE(learned);
  const Shot shot = ShotWith("sh-0", "Miri in a raincoat");
  ASSERT_EQ(rulebook_->RulesFor(project_.project_id, shot)->size(), 1u);
  Result<RuleView> off =
      rulebook_->SetActive(project_.project_id, learned->rule.rule_id, false,
                           "wrong colour after all");
  ASSERT_TRUE(off);
  EXPECT_FALSE(off->stats.active);
  EXPECT_TRUE(rulebook_->RulesFor(project_.project_id, shot)->empty());
  // The rule itself is unchanged: deactivation is an appended event.
  EXPECT_TRUE(store_->ListRules(project_.project_id)->at(0).active);
  EXPECT_EQ(store_->ListRuleEvents(project_.project_id)->back().kind,
            RuleEventKind::kDeactivated);
  ASSERT_TRUE(rulebook_->SetActive(project_.project_id, learned->rule.rule_id,
                                   true, "back"));
  EXPECT_EQ(rulebook_->RulesFor(project_.project_id, shot)->size(), 1u);
  EXPECT_EQ(
      rulebook_->SetActive(project_.project_id, "nope", false, "").error().code,
      ErrorCode::kNotFound);
}

// The counts come from the versions: each version records the rules its
// prompt carried (Version::applied_rule_ids), and a version a clip was made
// from was approved.
TEST_F(RulebookTest, AppliedAndApprovedCountsComeFromTheVersions) {
  analyzer_.script["x"] = {"Miri's raincoat is yellow", RuleKind::kPositive,
                           RuleScope::kCharacter, ""};
  analyzer_.script["y"] = {"blurry faces", RuleKind::kNegative,
                           RuleScope::kGlobal, ""};
  ASSERT_TRUE(Reject("sh-0", "x"));
  ASSERT_TRUE(Reject("sh-0", "y"));
  std::vector<RuleMatch> rules = *rulebook_->RulesFor(
      project_.project_id, ShotWith("sh-1", "Miri in a raincoat"));
  PromptSpec spec;
  Version v = SampleVersion("sh-1v2", "sh-1");
  v.applied_rule_ids = ApplyRules(rules, &spec);
  EXPECT_EQ(spec.rules, std::vector<std::string>{"Miri's raincoat is yellow"});
  EXPECT_EQ(spec.negative_terms, std::vector<std::string>{"blurry faces"});
  ASSERT_TRUE(store_->AppendVersion(project_.project_id, v));
  Version again = SampleVersion("sh-2v2", "sh-2");
  again.applied_rule_ids = v.applied_rule_ids;
  ASSERT_TRUE(store_->AppendVersion(project_.project_id, again));
  Version clip = SampleVersion("sh-1v3", "sh-1");
  clip.kind = VersionKind::kVideo;
  clip.parent_version_id = "sh-1v2";  // sh-1v2 was approved
  ASSERT_TRUE(store_->AppendVersion(project_.project_id, clip));
  std::vector<RuleView> views = *rulebook_->List(project_.project_id);
  ASSERT_EQ(views.size(), 2u);
  for (const RuleView& view : views) {
    EXPECT_EQ(view.stats.applied, 2) << view.rule.text;
    EXPECT_EQ(view.stats.approved_after, 1) << view.rule.text;
  }
}

TEST_F(RulebookTest, RulesSurviveARestart) {
  analyzer_.script["x"] = {"Miri's raincoat is yellow", RuleKind::kPositive,
                           RuleScope::kCharacter, ""};
  ASSERT_TRUE(Reject("sh-0", "x"));
  Open();
  EXPECT_TRUE(index_->loaded_from_disk());
  EXPECT_EQ(rulebook_->EnsureIndexed(project_.project_id).value(), 0u);
  EXPECT_EQ(rulebook_
                ->RulesFor(project_.project_id,
                           ShotWith("sh-1", "Miri in a raincoat"))
                ->size(),
            1u);
}

// Regression (review row 12): an instance whose index was lost (a new
// Cloud Run instance) applied no learned rule until EnsureIndexed was
// called, and nothing called it.
TEST_F(RulebookTest, MissingIndexIsRebuiltFromTheStoreOnFirstUse) {
  analyzer_.script["x"] = {"Miri's raincoat is yellow", RuleKind::kPositive,
                           RuleScope::kCharacter, ""};
  analyzer_.script["y"] = {"Miri's boots are brown", RuleKind::kPositive,
                           RuleScope::kCharacter, ""};
  ASSERT_TRUE(Reject("sh-0", "x"));
  ASSERT_TRUE(Reject("sh-0", "y"));
  index_.reset();
  std::filesystem::remove_all(dir_ / "rules-index");
  Open();
  EXPECT_FALSE(index_->loaded_from_disk());
  EXPECT_EQ(rulebook_
                ->RulesFor(project_.project_id,
                           ShotWith("sh-1", "Miri in a raincoat"))
                ->size(),
            1u);
  EXPECT_EQ(index_->Size().value(), 2u);
  EXPECT_EQ(rulebook_->EnsureIndexed(project_.project_id).value(), 0u);
}

// What `miri serve` runs at start-up: every project's rules indexed from
// the store before the first request.
TEST_F(RulebookTest, EnsureIndexedAllIndexesEveryProjectFromTheStore) {
  analyzer_.script["x"] = {"Miri's raincoat is yellow", RuleKind::kPositive,
                           RuleScope::kCharacter, ""};
  ASSERT_TRUE(Reject("sh-0", "x"));
  ProjectConfig other = SampleProject("111111111111");
  ASSERT_TRUE(store_->CreateProject(other));
  Rule rule{"r-other",
            "street lights glow warm orange",
            RuleKind::kPositive,
            RuleScope::kGlobal,
            std::nullopt,
            std::nullopt,
            "too cold",
            std::nullopt,
            "2026-01-01T00:00:00Z",
            true};
  ASSERT_TRUE(store_->AppendRule(other.project_id, rule));
  index_.reset();
  std::filesystem::remove_all(dir_ / "rules-index");
  Open();
  EXPECT_EQ(rulebook_->EnsureIndexedAll().value(), 2u);
  EXPECT_EQ(index_->Size().value(), 2u);
  EXPECT_EQ(rulebook_->EnsureIndexedAll().value(), 0u);  // already held
}

TEST_F(RulebookTest, RulesLearnedOnAnotherInstanceAppearAfterTheCacheTtl) {
  const Shot shot = ShotWith("sh-1", "Miri in a raincoat");
  EXPECT_TRUE(
      rulebook_->RulesFor(project_.project_id, shot)->empty());  // cached
  // Another instance: its own Rulebook on the same store and index files.
  ScriptedAnalyzer other_analyzer;
  other_analyzer.script["x"] = {"Miri's raincoat is yellow",
                                RuleKind::kPositive, RuleScope::kCharacter, ""};
  Rulebook other(*store_, embedder_, *index_, other_analyzer, nullptr, clock_,
                 [] { return std::string("other1"); });
  Shot s0 = *store_->GetShot(project_.project_id, "sh-0");
  ASSERT_TRUE(other.LearnFromRejection(
      project_.project_id, s0,
      *store_->GetVersion(project_.project_id, "sh-0v1"), "x"));
  EXPECT_TRUE(rulebook_->RulesFor(project_.project_id, shot)->empty());
  clock_.now_ms += RulebookOptions{}.cache_ttl_ms;
  EXPECT_EQ(rulebook_->RulesFor(project_.project_id, shot)->size(), 1u);
}

TEST_F(RulebookTest, RulesFromTheShotsOwnRejectionsAlwaysApply) {
  analyzer_.script["x"] = {"the horizon sits in the lower third",
                           RuleKind::kPositive, RuleScope::kCharacter, ""};
  ASSERT_TRUE(Reject("sh-0", "x"));                 // rejects sh-0v1
  Shot own = ShotWith("sh-0", "Miri at a window");  // nothing in common
  own.versions = {"sh-0v1"};
  EXPECT_EQ(rulebook_->RulesFor(project_.project_id, own)->size(), 1u);
  EXPECT_TRUE(
      rulebook_
          ->RulesFor(project_.project_id, ShotWith("sh-1", "Miri at a window"))
          ->empty());
}

TEST_F(RulebookTest, SearchRanksByRelevance) {
  analyzer_.script["x"] = {"Miri's raincoat is yellow", RuleKind::kPositive,
                           RuleScope::kCharacter, ""};
  analyzer_.script["y"] = {"street lights are warm orange", RuleKind::kPositive,
                           RuleScope::kGlobal, ""};
  ASSERT_TRUE(Reject("sh-0", "x"));
  ASSERT_TRUE(Reject("sh-0", "y"));
  std::vector<RuleMatch> hits =
      *rulebook_->Search(project_.project_id, "orange lights", 2);
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].rule.text, "street lights are warm orange");
}

}  // namespace
}  // namespace miri::testing
