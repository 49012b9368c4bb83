// Test fixture: a Rulebook on a real SQLite store and a persisted hnswlib
// index in a temp dir, the lexical embedder, a scripted VisionAnalyzer and
// a fixed clock.
#ifndef MIRI_SERVICES_RULEBOOK_RULEBOOK_FIXTURE_H_
#define MIRI_SERVICES_RULEBOOK_RULEBOOK_FIXTURE_H_

#include <filesystem>
#include <map>
#include <memory>
#include <random>

#include <gtest/gtest.h>

#include "adapters/hnsw/hnsw_index.h"
#include "adapters/lexical/lexical_embedder.h"
#include "adapters/sqlite/sqlite_store.h"
#include "services/rulebook/rulebook.h"
#include "testing/store_fixtures.h"

namespace miri::testing {

class FixedClock final : public Clock {
 public:
  int64_t NowMs() const override { return now_ms; }
  int64_t now_ms = 1'772'446'504'000;
};

// Returns the proposal scripted for a reason; by default a rule that
// restates the reason as an instruction, scope CHARACTER.
class ScriptedAnalyzer final : public VisionAnalyzer {
 public:
  std::string_view name() const override { return "scripted"; }
  Result<RuleProposal> RuleFromRejection(const RejectionInput& in) override {
    auto it = script.find(in.reason);
    if (it != script.end()) return it->second;
    return RuleProposal{"avoid: " + in.reason, RuleKind::kPositive,
                        RuleScope::kCharacter, "restated the reason"};
  }
  Result<std::string> MaskFromInstruction(const MaskInput&) override {
    return MakeError(ErrorCode::kUnavailable, "not used");
  }
  std::map<std::string, RuleProposal> script;
};

class RecordingBus final : public EventBus {
 public:
  Result<void> Publish(const BusMessage& m) override {
    messages.push_back(m);
    return {};
  }
  SubscriptionId Subscribe(std::string_view, Handler) override { return 0; }
  void Unsubscribe(SubscriptionId) override {}
  SubscriptionId OnReconnect(std::function<void()>) override { return 0; }
  bool Healthy() const override { return true; }
  std::vector<BusMessage> messages;
};

class RulebookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("miri-rulebook-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    Open();
    project_ = SampleProject();
    ASSERT_TRUE(store_->CreateProject(project_));
    PlanCommit plan = SamplePlan("sh", 3);
    plan.scenes.push_back({"sc2", 12000, 20000, "chorus", "city at night"});
    plan.shots[2].scene_id = "sc2";
    ASSERT_TRUE(store_->CommitPlan(project_.project_id, plan));
    for (const Shot& s : plan.shots) {
      ASSERT_TRUE(store_->AppendVersion(
          project_.project_id, SampleVersion(s.shot_id + "v1", s.shot_id)));
    }
  }
  void TearDown() override {
    rulebook_.reset();
    index_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  // (Re)opens every component on the same files, as a restart would.
  void Open() {
    rulebook_.reset();
    index_.reset();
    store_.reset();
    store_ = std::move(*SqliteStore::Open((dir_ / "miri.db").string()));
    index_ = std::move(
        *HnswIndex::Open(dir_ / "rules-index", embedder_.dimensions()));
    rulebook_ = std::make_unique<Rulebook>(
        *store_, embedder_, *index_, analyzer_, &bus_, clock_,
        [this] { return "id" + std::to_string(++next_id_); });
  }
  Shot ShotWith(const std::string& id, const std::string& description,
                bool shows_miri = true) {
    Shot s = *store_->GetShot(project_.project_id, id);
    s.description = description;
    s.lyrics_snippet = "";
    s.shows_miri = shows_miri;
    return s;
  }
  Result<LearnOutcome> Reject(const std::string& shot_id,
                              const std::string& reason) {
    Shot shot = *store_->GetShot(project_.project_id, shot_id);
    Version v = *store_->GetVersion(project_.project_id, shot_id + "v1");
    return rulebook_->LearnFromRejection(project_.project_id, shot, v, reason);
  }

  std::filesystem::path dir_;
  LexicalEmbedder embedder_;
  ScriptedAnalyzer analyzer_;
  RecordingBus bus_;
  FixedClock clock_;
  int next_id_ = 0;
  ProjectConfig project_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<HnswIndex> index_;
  std::unique_ptr<Rulebook> rulebook_;
};

}  // namespace miri::testing

#endif  // MIRI_SERVICES_RULEBOOK_RULEBOOK_FIXTURE_H_
