// The Store contract's render-lease cases (ports/store.h): who renders a
// project in FINAL_RENDER, taken by compare-and-set.
#include <atomic>
#include <thread>

#include "testing/store_contract.h"

namespace miri::testing {
namespace {

constexpr int64_t kNow = 1'772'446'504'000;  // 2026-03-02T10:15:04Z

// ProbeWrite (/readyz) writes outside every project: repeated, from two
// handles, it succeeds and no project, event or shot appears.
TEST_P(StoreContractTest, AWriteProbeSucceedsAndStoresNothingAnyoneReads) {
  ASSERT_TRUE(store_->ProbeWrite("readyz"));
  ASSERT_TRUE(store_->ProbeWrite("readyz"));
  std::unique_ptr<Store> other = Reopen();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(other->ProbeWrite("readyz"));
  EXPECT_TRUE(store_->ListProjects().value().empty());
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  const size_t events = store_->ListEvents(p.project_id).value().size();
  ASSERT_TRUE(store_->ProbeWrite("readyz"));
  EXPECT_EQ(store_->ListProjects().value().size(), 1u);
  EXPECT_EQ(store_->ListEvents(p.project_id).value().size(), events);
}

TEST_P(StoreContractTest, RenderLeaseIsTakenRenewedAndReleasedByItsOwner) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  EXPECT_EQ(store_->GetRenderLease(p.project_id).value(), std::nullopt);
  Result<bool> taken =
      store_->AcquireRenderLease(p.project_id, "a", kNow, kNow + 1000);
  ASSERT_TRUE(taken) << taken.error().ToString();
  EXPECT_TRUE(*taken);
  EXPECT_EQ(store_->GetRenderLease(p.project_id).value(),
            (RenderLease{"a", kNow + 1000}));
  // The holder renews it (a heartbeat), read from another handle too.
  EXPECT_EQ(
      store_->AcquireRenderLease(p.project_id, "a", kNow + 500, kNow + 1500),
      true);
  std::unique_ptr<Store> other = Reopen();
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->GetRenderLease(p.project_id).value(),
            (RenderLease{"a", kNow + 1500}));
  // Another owner cannot release it; its holder can.
  ASSERT_TRUE(other->ReleaseRenderLease(p.project_id, "b"));
  EXPECT_EQ(store_->GetRenderLease(p.project_id).value(),
            (RenderLease{"a", kNow + 1500}));
  ASSERT_TRUE(store_->ReleaseRenderLease(p.project_id, "a"));
  EXPECT_EQ(other->GetRenderLease(p.project_id).value(), std::nullopt);
  // Releasing nothing is fine.
  EXPECT_TRUE(store_->ReleaseRenderLease(p.project_id, "a"));
}

TEST_P(StoreContractTest, UnexpiredRenderLeaseOfAnotherOwnerIsNotTaken) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_EQ(store_->AcquireRenderLease(p.project_id, "a", kNow, kNow + 1000),
            true);
  EXPECT_EQ(
      store_->AcquireRenderLease(p.project_id, "b", kNow + 999, kNow + 5000),
      false);
  EXPECT_EQ(store_->GetRenderLease(p.project_id).value(),
            (RenderLease{"a", kNow + 1000}));
  // Once it expired (expiry <= now) anyone takes it, and the old holder's
  // renewal then fails: it lost the lease.
  EXPECT_EQ(
      store_->AcquireRenderLease(p.project_id, "b", kNow + 1000, kNow + 3000),
      true);
  EXPECT_EQ(
      store_->AcquireRenderLease(p.project_id, "a", kNow + 1001, kNow + 4000),
      false);
  EXPECT_EQ(store_->GetRenderLease(p.project_id).value(),
            (RenderLease{"b", kNow + 3000}));
}

TEST_P(StoreContractTest, RacingOwnersTakeAnExpiredRenderLeaseOnce) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_EQ(store_->AcquireRenderLease(p.project_id, "dead", kNow, kNow + 1),
            true);
  constexpr int kOwners = 6;
  std::vector<std::unique_ptr<Store>> handles;
  for (int i = 0; i < kOwners; ++i) handles.push_back(Reopen());
  std::atomic<int> won{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kOwners; ++i) {
    threads.emplace_back([&, i] {
      Result<bool> r = handles[i]->AcquireRenderLease(
          p.project_id, "owner-" + std::to_string(i), kNow + 10, kNow + 60000);
      if (!r) ++failed;
      if (r && *r) ++won;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(won.load(), 1);
  Result<std::optional<RenderLease>> lease =
      store_->GetRenderLease(p.project_id);
  ASSERT_TRUE(lease && *lease);
  EXPECT_NE((*lease)->owner, "dead");
  EXPECT_EQ((*lease)->expires_at_ms, kNow + 60000);
}

TEST_P(StoreContractTest, RenderLeaseOfAnUnknownProjectIsNotFound) {
  EXPECT_EQ(
      store_->AcquireRenderLease("nope", "a", kNow, kNow + 1).error().code,
      ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetRenderLease("nope").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->ReleaseRenderLease("nope", "a").error().code,
            ErrorCode::kNotFound);
}

}  // namespace
}  // namespace miri::testing
