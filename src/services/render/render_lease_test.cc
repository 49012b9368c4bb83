#include "services/render/render_lease.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "adapters/sqlite/sqlite_store.h"
#include "testing/store_fixtures.h"

namespace miri::render {
namespace {

class TestClock final : public Clock {
 public:
  int64_t NowMs() const override { return now_ms; }
  int64_t now_ms = 1'772'446'504'000;
};

Event ProjectEvent(std::optional<ProjectStatus> from, ProjectStatus to) {
  Event e;
  e.event_id = "p-" + std::string(ProjectStatusName(to));
  if (from) e.from = std::string(ProjectStatusName(*from));
  e.to = std::string(ProjectStatusName(to));
  e.cause = "test";
  e.at = "2026-03-02T10:15:04Z";
  e.idempotency_key = e.event_id;
  return e;
}

// Projects on a real SQLite store, brought to a chosen status.
class RenderLeaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::filesystem::temp_directory_path() /
          ("miri-render-lease-" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(db_);
    store_ = std::move(SqliteStore::Open(db_.string()).value());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove(db_);
  }
  // A project of one shot in `status` (PLANNED or FINAL_RENDER).
  std::string Project(const std::string& suffix, ProjectStatus status) {
    using P = ProjectStatus;
    ProjectConfig p = testing::SampleProject(suffix);
    EXPECT_TRUE(store_->CreateProject(p));
    EXPECT_TRUE(store_->AppendEvent(
        p.project_id, ProjectEvent(std::nullopt, P::kAudioAnalysis)));
    PlanCommit plan = testing::SamplePlan("sh" + suffix, 1);
    plan.project_event = ProjectEvent(P::kAudioAnalysis, P::kPlanned);
    EXPECT_TRUE(store_->CommitPlan(p.project_id, plan));
    if (status == P::kFinalRender) {
      EXPECT_TRUE(testing::WalkShot(*store_, p.project_id,
                                    plan.shots[0].shot_id,
                                    ShotStatus::kCompleted));
      EXPECT_TRUE(store_->AppendEvent(
          p.project_id, ProjectEvent(P::kPlanned, P::kFinalRender)));
    }
    return p.project_id;
  }

  std::filesystem::path db_;
  std::unique_ptr<SqliteStore> store_;
  TestClock clock_;
};

TEST_F(RenderLeaseTest, OneOwnerRendersAProjectAndRenewalKeepsItsLease) {
  const std::string p = Project("000000000001", ProjectStatus::kFinalRender);
  RenderLeases a(*store_, clock_, "a", std::chrono::milliseconds(3000));
  RenderLeases b(*store_, clock_, "b", std::chrono::milliseconds(3000));
  ASSERT_EQ(a.Take(p), true);
  EXPECT_EQ(b.Take(p), false);
  EXPECT_TRUE(a.Holds(p));
  EXPECT_FALSE(b.Holds(p));
  // Two seconds later a's heartbeat renews it: at 4 s b still cannot take
  // it (without the renewal it would have expired at 3 s).
  clock_.now_ms += 2000;
  EXPECT_TRUE(a.RenewAll().empty());
  clock_.now_ms += 2000;
  EXPECT_EQ(b.Take(p), false);
  EXPECT_EQ(store_->GetRenderLease(p).value()->expires_at_ms,
            clock_.now_ms - 2000 + 3000);
  ASSERT_TRUE(a.Release(p));
  EXPECT_FALSE(a.Holds(p));
  EXPECT_EQ(store_->GetRenderLease(p).value(), std::nullopt);
  EXPECT_EQ(b.Take(p), true);
}

TEST_F(RenderLeaseTest, AnOwnerThatStoppedRenewingLosesItsLease) {
  const std::string p = Project("000000000001", ProjectStatus::kFinalRender);
  RenderLeases a(*store_, clock_, "a", std::chrono::milliseconds(3000));
  RenderLeases b(*store_, clock_, "b", std::chrono::milliseconds(3000));
  ASSERT_EQ(a.Take(p), true);
  clock_.now_ms += 3000;  // a was frozen (GC pause, lost network)
  ASSERT_EQ(b.Take(p), true);
  EXPECT_EQ(a.RenewAll(), std::vector<std::string>{p});
  EXPECT_FALSE(a.Holds(p));
  // Its late release does not clear b's lease.
  ASSERT_TRUE(a.Release(p));
  EXPECT_EQ(store_->GetRenderLease(p).value()->owner, "b");
}

TEST_F(RenderLeaseTest, UnleasedRendersAreFinalRendersWithNoLiveLease) {
  const std::string none = Project("000000000001", ProjectStatus::kFinalRender);
  const std::string live = Project("000000000002", ProjectStatus::kFinalRender);
  const std::string expired =
      Project("000000000003", ProjectStatus::kFinalRender);
  Project("000000000004", ProjectStatus::kPlanned);
  ASSERT_EQ(store_->AcquireRenderLease(live, "x", clock_.now_ms,
                                       clock_.now_ms + 1000),
            true);
  ASSERT_EQ(store_->AcquireRenderLease(expired, "y", clock_.now_ms - 5000,
                                       clock_.now_ms),
            true);
  Result<std::vector<std::string>> found =
      UnleasedRenders(*store_, clock_.now_ms);
  ASSERT_TRUE(found) << found.error().ToString();
  std::vector<std::string> sorted = *found;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<std::string>{none, expired}));
}

}  // namespace
}  // namespace miri::render
