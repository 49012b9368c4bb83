#include "adapters/batching/batcher.h"

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

namespace miri {
namespace {

struct Job {
  int value = 0;
  int result = 0;
  int batch = -1;  // which call of run took it
};

TEST(BatcherTest, EveryItemIsRunOnceAndConcurrentCallersShareBatches) {
  std::atomic<int> calls{0}, running{0}, overlap{0};
  Batcher<Job> batcher(
      [&](const std::vector<Job*>& jobs) {
        if (running.fetch_add(1) != 0) overlap++;
        const int call = calls.fetch_add(1);
        EXPECT_FALSE(jobs.empty());
        EXPECT_LE(jobs.size(), 8u);
        // Slow like an fsync, so callers pile up behind the leader.
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        for (Job* j : jobs) {
          j->result = j->value * 2;
          j->batch = call;
        }
        running.fetch_sub(1);
      },
      /*max_batch=*/8);
  constexpr int kThreads = 16, kEach = 20;
  std::vector<std::vector<Job>> jobs(kThreads, std::vector<Job>(kEach));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        jobs[t][i].value = t * 1000 + i;
        batcher.Submit(jobs[t][i]);
        // Run before Submit returned.
        EXPECT_EQ(jobs[t][i].result, 2 * (t * 1000 + i));
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(overlap.load(), 0) << "two batches ran at once";
  for (const auto& list : jobs) {
    for (const Job& j : list) EXPECT_GE(j.batch, 0);
  }
  // 320 items in batches of up to 8 behind a 2 ms step: far fewer calls
  // than items (one per item would mean no batching at all).
  EXPECT_LT(calls.load(), kThreads * kEach / 2);
}

TEST(BatcherTest, ALoneCallerRunsItsOwnItemAtOnce) {
  int calls = 0;
  Batcher<Job> batcher([&](const std::vector<Job*>& jobs) {
    ++calls;
    ASSERT_EQ(jobs.size(), 1u);
    jobs[0]->result = 7;
  });
  Job j;
  batcher.Submit(j);
  EXPECT_EQ(j.result, 7);
  batcher.Submit(j);
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace miri
