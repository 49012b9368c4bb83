// The Active Rulebook through the orchestrator (issue 16 item 6): rules
// learned on one instance apply on another, refines carry rules, and every
// version records the rules it applied.
#include <thread>

#include "services/orchestration/orchestrator.h"
#include "services/orchestration/orchestrator_fixture.h"

namespace miri::testing {
namespace {

using S = ShotStatus;

// The store is the truth for rules: a second instance (its own store
// connection and its own, empty, index; the same bus) applies a rule the
// first one learned. Its rule cache never expires here, so only the
// RULE_UPDATED the first instance publishes can tell it.
TEST_F(OrchestratorTest, ASecondInstanceAppliesARuleTheFirstLearned) {
  Start();
  CreateProject(3, true,
                {"Miri at a rainy window", "a street of puddles at dusk",
                 "Miri in her raincoat at the bus stop"});
  std::unique_ptr<SqliteStore> store2 =
      std::move(*SqliteStore::Open((dir_ / "miri.db").string()));
  std::unique_ptr<HnswIndex> index2 =
      std::move(*HnswIndex::Open("", embedder_.dimensions()));
  RulebookOptions cached;
  cached.cache_ttl_ms = 3'600'000;
  Rulebook rulebook2(
      *store2, embedder_, *index2, *vision_, &bus_, clock_,
      [this] { return Id("r"); }, cached);
  Orchestrator orchestrator2(
      *store2, *blobs_, &bus_, *priced_, *videos_, *vision_, &rulebook2, clock_,
      [this] { return Id(""); }, options_);
  const Shot later = *store2->GetShot(project_.project_id, "sh-2");
  // Instance 2 knows the project (no rules yet) and caches that.
  ASSERT_TRUE(rulebook2.RulesFor(project_.project_id, later)->empty());

  // Instance 1 learns a rule from a rejection.
  ASSERT_TRUE(
      orchestrator_->Generate(project_.project_id, "sh-0", std::nullopt, "k1"));
  ASSERT_EQ(WaitFor("sh-0", S::kAwaitingApproval), S::kAwaitingApproval);
  ASSERT_TRUE(orchestrator_->Reject(project_.project_id, "sh-0",
                                    "her raincoat should be yellow", "k2"));
  const std::vector<Rule> rules = *store_->ListRules(project_.project_id);
  ASSERT_EQ(rules.size(), 1u);

  // Instance 2 hears of it on the bus (a bounded wait: delivery is on the
  // bus's thread), then applies it to a shot it generates.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (rulebook2.RulesFor(project_.project_id, later)->empty() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  Result<ShotStep> step =
      orchestrator2.Generate(project_.project_id, "sh-2", std::nullopt, "k3");
  ASSERT_TRUE(step) << step.error().ToString();
  const Version applied = Versions("sh-2").back();
  EXPECT_EQ(applied.applied_rule_ids,
            std::vector<std::string>{rules[0].rule_id});
  EXPECT_NE(applied.prompt.find(rules[0].text), std::string::npos);
  EXPECT_EQ(WaitFor("sh-2", S::kAwaitingApproval), S::kAwaitingApproval);
  EXPECT_EQ(WaitFor("sh-0", S::kAwaitingApproval), S::kAwaitingApproval);

  // Two versions applied it (sh-0's redraft on instance 1, sh-2 on
  // instance 2): both instances count 2, from the versions' records.
  for (Rulebook* book : {rulebook_.get(), &rulebook2}) {
    std::vector<RuleView> views = *book->List(project_.project_id);
    ASSERT_EQ(views.size(), 1u);
    EXPECT_EQ(views[0].stats.applied, 2);
  }
}

// Review row 12: refine prompts carried no rules.
TEST_F(OrchestratorTest, ARefineCarriesTheRulesThatApplyAndRecordsThem) {
  Start();
  CreateProject(2, true, {"Miri in her raincoat at a rainy window"});
  ASSERT_TRUE(
      orchestrator_->Generate(project_.project_id, "sh-0", std::nullopt, "k1"));
  ASSERT_EQ(WaitFor("sh-0", S::kAwaitingApproval), S::kAwaitingApproval);
  ASSERT_TRUE(orchestrator_->Reject(project_.project_id, "sh-0",
                                    "her raincoat should be yellow", "k2"));
  ASSERT_EQ(WaitFor("sh-0", S::kAwaitingApproval), S::kAwaitingApproval);
  const std::vector<Rule> rules = *store_->ListRules(project_.project_id);
  ASSERT_EQ(rules.size(), 1u);
  Result<ShotStep> step = orchestrator_->Refine(
      project_.project_id, "sh-0", "make the umbrella red", std::nullopt, "k3");
  ASSERT_TRUE(step) << step.error().ToString();
  const Version refined = Versions("sh-0").back();
  EXPECT_EQ(refined.parameters["mode"], "inpaint");
  EXPECT_EQ(refined.applied_rule_ids,
            std::vector<std::string>{rules[0].rule_id});
  EXPECT_NE(refined.prompt.find(rules[0].text), std::string::npos);
  ASSERT_EQ(WaitFor("sh-0", S::kAwaitingApproval), S::kAwaitingApproval);
  // The redraft and the refine applied it; the refine was approved.
  ASSERT_TRUE(orchestrator_->Approve(project_.project_id, "sh-0", "k4"));
  std::vector<RuleView> views = *rulebook_->List(project_.project_id);
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].stats.applied, 2);
  EXPECT_EQ(views[0].stats.approved_after, 1);
}

}  // namespace
}  // namespace miri::testing
