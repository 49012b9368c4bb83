#include "services/budget/budget_guard.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "adapters/sqlite/sqlite_store.h"
#include "services/resilience/manual_clock.h"
#include "testing/store_fixtures.h"

namespace miri {
namespace {

class BudgetGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("miri-budget-" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(path_);
    store_ = std::move(*SqliteStore::Open(path_.string()));
    project_ = testing::SampleProject();
    project_.global_settings.budget_cap_usd = 10.0;
    ASSERT_TRUE(store_->CreateProject(project_));
  }
  void TearDown() override {
    store_.reset();
    for (const char* ext : {"", "-wal", "-shm"})
      std::filesystem::remove(path_.string() + ext);
  }
  ReserveRequest Req(std::string job, int64_t micros) {
    return {project_.project_id, std::move(job), "fal", micros, "shot-1",
            std::nullopt};
  }

  std::filesystem::path path_;
  std::unique_ptr<SqliteStore> store_;
  ProjectConfig project_;
  ManualClock clock_;
};

TEST(LedgerId, KeepsValidIdsAndHashesOthers) {
  EXPECT_EQ(LedgerIdFor("rsv", "job-1"), "rsv-job-1");
  std::string a = LedgerIdFor("rsv", "p1:v1");
  std::string b = LedgerIdFor("rsv", "p1_v1");
  EXPECT_NE(a, b) << "sanitising must not merge distinct jobs";
  EXPECT_LE(LedgerIdFor("rsv", std::string(200, 'x')).size(), 64u);
}

TEST_F(BudgetGuardTest, ReserveSettleReleaseMoveTheLedger) {
  BudgetGuard guard(*store_, clock_);
  auto r1 = guard.Reserve(Req("p1:v1", 2'000'000));
  auto r2 = guard.Reserve(Req("p1:v2", 3'000'000));
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(guard.View(project_.project_id)->reserved_micros, 5'000'000);
  ASSERT_TRUE(guard.Settle(*r1, 1'500'000));
  ASSERT_TRUE(guard.Release(*r2));
  auto v = guard.View(project_.project_id);
  EXPECT_EQ(v->settled_micros, 1'500'000);
  EXPECT_EQ(v->reserved_micros, 0);
  EXPECT_EQ(v->remaining_micros(), 8'500'000);
}

TEST_F(BudgetGuardTest, RefusesPastTheCapAndWritesNothing) {
  BudgetGuard guard(*store_, clock_);
  ASSERT_TRUE(guard.Reserve(Req("a", 9'000'000)));
  auto over = guard.Reserve(Req("b", 1'000'001));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, ErrorCode::kResourceExhausted);
  EXPECT_NE(over.error().message.find("budget cap"), std::string::npos);
  EXPECT_EQ(store_->ListLedger(project_.project_id)->size(), 1u);
  EXPECT_TRUE(guard.Reserve(Req("c", 1'000'000))) << "exactly the cap fits";
}

TEST_F(BudgetGuardTest, DuplicatesNeverChargeTwice) {
  BudgetGuard guard(*store_, clock_);
  auto r = guard.Reserve(Req("p1:v1", 4'000'000));
  auto again = guard.Reserve(Req("p1:v1", 4'000'000));
  ASSERT_TRUE(r && again);
  EXPECT_EQ(r->reservation_id, again->reservation_id);
  EXPECT_EQ(guard.View(project_.project_id)->reserved_micros, 4'000'000);
  ProviderResult ok;
  ok.cost_micros = 3'000'000;
  ASSERT_TRUE(guard.Close(*r, ok));
  ASSERT_TRUE(guard.Close(*r, ok)) << "a duplicated webhook";
  auto v = guard.View(project_.project_id);
  EXPECT_EQ(v->settled_micros, 3'000'000);
  EXPECT_EQ(v->reserved_micros, 0);
}

TEST_F(BudgetGuardTest, FailedDispatchReleasesAndRefusalNeverDispatches) {
  BudgetGuard guard(*store_, clock_);
  auto failed = guard.Guard(Req("x", 6'000'000), []() -> Result<Dispatch> {
    return MakeError(ErrorCode::kUnavailable, "provider down");
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(guard.View(project_.project_id)->reserved_micros, 0);
  ASSERT_TRUE(guard.Reserve(Req("big", 9'500'000)));
  bool called = false;
  auto refused = guard.Guard(Req("y", 600'000), [&]() -> Result<Dispatch> {
    called = true;
    return Dispatch{"r", 600'000, ""};
  });
  ASSERT_FALSE(refused);
  EXPECT_FALSE(called);
  ProviderResult failed_result;
  failed_result.status = ProviderResult::Status::kFailed;
  auto big = guard.Reserve(Req("big", 9'500'000));
  ASSERT_TRUE(guard.Close(*big, failed_result));
  EXPECT_EQ(guard.View(project_.project_id)->settled_micros, 0)
      << "unbilled failure";
}

// 50 dispatches race from 5 store handles (as from 5 instances): the
// granted ones never exceed the cap and only they reach the provider.
TEST_F(BudgetGuardTest, FiftyConcurrentDispatchesNeverExceedTheCap) {
  constexpr int kCallers = 50;
  constexpr int64_t kEstimate = 300'000;  // 33 fit in $10
  std::vector<std::unique_ptr<SqliteStore>> handles;
  std::vector<std::unique_ptr<BudgetGuard>> guards;
  for (int i = 0; i < 5; ++i) {
    handles.push_back(std::move(*SqliteStore::Open(path_.string())));
    guards.push_back(std::make_unique<BudgetGuard>(*handles.back(), clock_));
  }
  std::atomic<int> dispatched = 0, granted = 0, refused = 0, other = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < kCallers; ++i) {
    threads.emplace_back([&, i] {
      auto r = guards[i % guards.size()]->Guard(
          Req("job-" + std::to_string(i), kEstimate),
          [&]() -> Result<Dispatch> {
            ++dispatched;
            return Dispatch{"req-" + std::to_string(i), kEstimate, ""};
          });
      if (r)
        ++granted;
      else if (r.error().code == ErrorCode::kResourceExhausted)
        ++refused;
      else
        ++other;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(granted.load(), 33);
  EXPECT_EQ(refused.load(), kCallers - 33);
  EXPECT_EQ(dispatched.load(), granted.load());
  BudgetGuard guard(*store_, clock_);
  auto v = guard.View(project_.project_id);
  EXPECT_LE(v->settled_micros + v->reserved_micros, v->cap_micros);
  EXPECT_EQ(v->reserved_micros, 33 * kEstimate);
}

}  // namespace
}  // namespace miri
