#include "services/planning/bounded_director.h"

#include <chrono>
#include <future>
#include <vector>

#include <gtest/gtest.h>

namespace miri {
namespace {

// A director whose plans wait until released, counting how many are in.
class GatedDirector final : public Director {
 public:
  Result<Plan> MakePlan(const PlanRequest&) override {
    std::unique_lock lock(mu_);
    ++inside_;
    entered_.notify_all();
    released_cv_.wait(lock, [&] { return released_; });
    --inside_;
    return Plan{};
  }
  // Waits (bounded) until `n` plans are inside; false on timeout.
  bool WaitInside(int n) {
    std::unique_lock lock(mu_);
    return entered_.wait_for(lock, std::chrono::seconds(10),
                             [&] { return inside_ >= n; });
  }
  int inside() {
    std::lock_guard lock(mu_);
    return inside_;
  }
  void Release() {
    {
      std::lock_guard lock(mu_);
      released_ = true;
    }
    released_cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable entered_, released_cv_;
  int inside_ = 0;
  bool released_ = false;
};

TEST(BoundedDirectorTest, PlansRunSideBySideUpToTheBoundAndTheRestWait) {
  GatedDirector inner;
  BoundedDirector director(inner, 2);
  std::vector<std::future<Result<Plan>>> plans;
  for (int i = 0; i < 3; ++i) {
    plans.push_back(
        std::async(std::launch::async, [&] { return director.MakePlan({}); }));
  }
  // Two projects plan at once (one lock used to make the second wait for
  // the first)...
  ASSERT_TRUE(inner.WaitInside(2));
  // ...and the third waits for a free slot rather than piling on.
  EXPECT_EQ(plans[2].wait_for(std::chrono::milliseconds(50)),
            std::future_status::timeout);
  EXPECT_EQ(inner.inside(), 2);
  inner.Release();
  for (auto& p : plans) {
    ASSERT_EQ(p.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    EXPECT_TRUE(p.get());
  }
}

}  // namespace
}  // namespace miri
