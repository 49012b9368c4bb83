#include "adapters/local/job_runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "testing/providers/provider_test_support.h"

namespace miri::local {
namespace {

using miri::testing::RecordingSink;
using std::chrono::milliseconds;
using std::chrono::seconds;

JobRunner::Work Succeed(std::string blob) {
  return [blob] { return JobOutcome{{blob}, std::nullopt}; };
}

TEST(JobRunnerTest, ResultGoesToTheSinkAndToPoll) {
  RecordingSink sink;
  JobRunner runner("local-test", &sink, {});
  Dispatch d = runner.Submit("j1", 5, Succeed("out/1"));
  auto r = sink.WaitFor("j1", seconds(10));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->provider, "local-test");
  EXPECT_EQ(r->provider_request_id, d.provider_request_id);
  EXPECT_EQ(r->output_blobs, std::vector<std::string>{"out/1"});
  EXPECT_EQ(r->cost_micros, 5);
  auto polled = runner.Poll("j1");
  ASSERT_TRUE(polled && polled->has_value());
  EXPECT_EQ((*polled)->output_blobs, r->output_blobs);
}

TEST(JobRunnerTest, SameJobIdRunsTheWorkOnce) {
  RecordingSink sink;
  std::atomic<int> runs{0};
  JobRunner runner("local-test", &sink, {.workers = 2, .start_paused = true});
  auto work = [&] {
    ++runs;
    return JobOutcome{{"x"}, std::nullopt};
  };
  Dispatch a = runner.Submit("same", 0, work);
  Dispatch b = runner.Submit("same", 0, work);
  EXPECT_EQ(a.provider_request_id, b.provider_request_id);
  runner.Resume();
  ASSERT_TRUE(sink.WaitFor("same", seconds(10)));
  Dispatch c = runner.Submit("same", 0, work);  // after it finished, too
  EXPECT_EQ(c.provider_request_id, a.provider_request_id);
  runner.Resume();
  EXPECT_EQ(runner.jobs_started(), 1);
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(sink.CountFor("same"), 1);
}

TEST(JobRunnerTest, APausedJobPollsAsRunningUntilResumed) {
  RecordingSink sink;
  JobRunner runner("local-test", &sink, {.start_paused = true});
  runner.Submit("slow", 0, Succeed("o"));
  auto polled = runner.Poll("slow");
  ASSERT_TRUE(polled);
  EXPECT_FALSE(polled->has_value());
  EXPECT_EQ(runner.jobs_started(), 0);
  runner.Resume();
  ASSERT_TRUE(sink.WaitFor("slow", seconds(10)));
}

TEST(JobRunnerTest, UnknownJobIsNotFound) {
  JobRunner runner("local-test", nullptr, {});
  auto polled = runner.Poll("nope");
  ASSERT_FALSE(polled);
  EXPECT_EQ(polled.error().code, ErrorCode::kNotFound);
}

TEST(JobRunnerTest, LatencyDelaysTheResult) {
  RecordingSink sink;
  JobRunner runner("local-test", &sink, {.latency = milliseconds(150)});
  auto start = std::chrono::steady_clock::now();
  runner.Submit("lag", 0, Succeed("o"));
  ASSERT_TRUE(sink.WaitFor("lag", seconds(10)));
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(150));
}

TEST(JobRunnerTest, FirstNJobsFailAsConfigured) {
  RecordingSink sink;
  JobRunner runner("local-test", &sink,
                   {.fail_first_n = 2, .failures_retryable = true});
  for (int i = 0; i < 3; ++i)
    runner.Submit("f" + std::to_string(i), 0, Succeed("o"));
  ASSERT_TRUE(sink.WaitForCount(3, seconds(10)));
  auto f0 = sink.WaitFor("f0", seconds(1)), f2 = sink.WaitFor("f2", seconds(1));
  EXPECT_EQ(f0->status, ProviderResult::Status::kFailed);
  EXPECT_TRUE(f0->retryable);
  EXPECT_EQ(sink.WaitFor("f1", seconds(1))->status,
            ProviderResult::Status::kFailed);
  EXPECT_EQ(f2->status, ProviderResult::Status::kSucceeded);
}

TEST(JobRunnerTest, FailureRateIsRepeatableForASeed) {
  auto pattern = [](uint64_t seed) {
    RecordingSink sink;
    JobRunner runner("local-test", &sink,
                     {.failure_rate = 0.5,
                      .failure_seed = seed,
                      .failures_retryable = false});
    for (int i = 0; i < 40; ++i)
      runner.Submit("r" + std::to_string(i), 0, Succeed("o"));
    EXPECT_TRUE(sink.WaitForCount(40, seconds(20)));
    std::string bits;
    for (int i = 0; i < 40; ++i) {
      auto r = sink.WaitFor("r" + std::to_string(i), seconds(1));
      bits += r->status == ProviderResult::Status::kFailed ? '1' : '0';
      if (r->status == ProviderResult::Status::kFailed) {
        EXPECT_FALSE(r->retryable);
      }
    }
    return bits;
  };
  std::string a = pattern(11), b = pattern(11), c = pattern(12);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  int failures = static_cast<int>(std::count(a.begin(), a.end(), '1'));
  EXPECT_GT(failures, 8);
  EXPECT_LT(failures, 32);
}

TEST(JobRunnerTest, WorkErrorsBecomeFailedResults) {
  RecordingSink sink;
  JobRunner runner("local-test", &sink, {});
  runner.Submit("bad", 0, [] {
    return JobOutcome{{}, Error{ErrorCode::kUnavailable, "disk busy", {}}};
  });
  auto r = sink.WaitFor("bad", seconds(10));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, ProviderResult::Status::kFailed);
  EXPECT_TRUE(r->retryable);
  EXPECT_NE(r->error.find("disk busy"), std::string::npos);
}

TEST(JobRunnerTest, WithoutDeliveryOnlyPollSeesTheResult) {
  RecordingSink sink;
  JobRunner runner("local-test", &sink, {.deliver_results = false});
  runner.Submit("silent", 0, Succeed("o"));
  // Bounded poll: the reconciler's path.
  std::optional<ProviderResult> found;
  for (int i = 0; i < 2000 && !found; ++i) {
    auto polled = runner.Poll("silent");
    ASSERT_TRUE(polled);
    found = *polled;
    if (!found) std::this_thread::sleep_for(milliseconds(2));
  }
  ASSERT_TRUE(found);
  EXPECT_EQ(found->status, ProviderResult::Status::kSucceeded);
  EXPECT_TRUE(sink.results().empty());
}

}  // namespace
}  // namespace miri::local
