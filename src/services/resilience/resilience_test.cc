#include <gtest/gtest.h>

#include "services/resilience/call_outcome.h"
#include "services/resilience/circuit_breaker.h"
#include "services/resilience/manual_clock.h"
#include "services/resilience/retry.h"

namespace miri {
namespace {

CircuitBreakerOptions SmallBreaker() {
  CircuitBreakerOptions o;
  o.window_size = 10;
  o.minimum_calls = 4;
  o.failure_rate_threshold = 0.5;
  o.slow_call_rate_threshold = 0.8;
  o.slow_call_ms = 5000;
  o.open_duration_ms = 10000;
  o.half_open_probes = 2;
  return o;
}

void RecordN(CircuitBreaker& b, CallClass c, int n, int64_t ms = 10) {
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(b.Acquire());
    b.Record(c, ms);
  }
}

TEST(CallOutcome, ClassifiesStatuses) {
  EXPECT_EQ(ClassifyHttpStatus(200), CallClass::kSuccess);
  EXPECT_EQ(ClassifyHttpStatus(202), CallClass::kSuccess);
  EXPECT_EQ(ClassifyHttpStatus(400), CallClass::kCallerError);
  EXPECT_EQ(ClassifyHttpStatus(401), CallClass::kCallerError);
  EXPECT_EQ(ClassifyHttpStatus(422), CallClass::kCallerError);
  EXPECT_EQ(ClassifyHttpStatus(408), CallClass::kFailure);
  EXPECT_EQ(ClassifyHttpStatus(429), CallClass::kFailure);
  EXPECT_EQ(ClassifyHttpStatus(500), CallClass::kFailure);
  EXPECT_EQ(ClassifyHttpStatus(503), CallClass::kFailure);
  EXPECT_EQ(ClassifyHttpStatus(0), CallClass::kFailure);
}

TEST(CallOutcome, ParsesRetryAfterSecondsAndDates) {
  EXPECT_EQ(ParseRetryAfterMs("7", 0), 7000);
  EXPECT_EQ(ParseRetryAfterMs(" 0 ", 0), 0);
  EXPECT_EQ(ParseRetryAfterMs("", 0), std::nullopt);
  EXPECT_EQ(ParseRetryAfterMs("soon", 0), std::nullopt);
  EXPECT_EQ(ParseRetryAfterMs("-3", 0), std::nullopt);
  // 2015-10-21T07:28:00Z = 1445412480 s.
  EXPECT_EQ(
      ParseRetryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480000 - 4000),
      4000);
  EXPECT_EQ(ParseDurationMs("36s"), 36000);
  EXPECT_EQ(ParseDurationMs("1.5s"), 1500);
  EXPECT_EQ(ParseDurationMs("36"), std::nullopt);
}

TEST(CircuitBreaker, StaysClosedBelowMinimumCalls) {
  ManualClock clock;
  CircuitBreaker b("fal", SmallBreaker(), clock);
  RecordN(b, CallClass::kFailure, 3);
  EXPECT_EQ(b.state(), BreakerState::kClosed);
}

TEST(CircuitBreaker, OpensAtFailureRateAndRefusesCalls) {
  ManualClock clock;
  CircuitBreaker b("fal", SmallBreaker(), clock);
  RecordN(b, CallClass::kSuccess, 2);
  RecordN(b, CallClass::kFailure, 2);
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  auto r = b.Acquire();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  BreakerSnapshot s = b.Snapshot();
  EXPECT_EQ(s.not_permitted, 1);
  EXPECT_EQ(s.failures, 2);
  EXPECT_EQ(s.successes, 2);
  EXPECT_EQ(s.transitions, 1);
}

TEST(CircuitBreaker, CallerErrorsDoNotTrip) {
  ManualClock clock;
  CircuitBreaker b("fal", SmallBreaker(), clock);
  RecordN(b, CallClass::kCallerError, 10);
  EXPECT_EQ(b.state(), BreakerState::kClosed);
  EXPECT_EQ(b.Snapshot().caller_errors, 10);
}

TEST(CircuitBreaker, SlowCallsTrip) {
  ManualClock clock;
  CircuitBreaker b("kling", SmallBreaker(), clock);
  RecordN(b, CallClass::kSuccess, 4, 6000);
  EXPECT_EQ(b.state(), BreakerState::kOpen);
}

TEST(CircuitBreaker, SlidingWindowForgetsOldFailures) {
  ManualClock clock;
  CircuitBreaker b("fal", SmallBreaker(), clock);
  RecordN(b, CallClass::kFailure, 1);
  RecordN(b, CallClass::kSuccess, 9);
  RecordN(b, CallClass::kSuccess, 5);  // pushes the failure out
  EXPECT_EQ(b.Snapshot().failure_rate, 0.0);
  RecordN(b, CallClass::kFailure, 4);  // 4/10
  EXPECT_EQ(b.state(), BreakerState::kClosed);
}

TEST(CircuitBreaker, RecoversThroughHalfOpenWithBoundedProbes) {
  ManualClock clock;
  CircuitBreaker b("fal", SmallBreaker(), clock);
  std::vector<std::string> log;
  b.set_listener([&](std::string_view, BreakerState from, BreakerState to) {
    log.push_back(std::string(BreakerStateName(from)) + "->" +
                  std::string(BreakerStateName(to)));
  });
  RecordN(b, CallClass::kFailure, 4);
  clock.AdvanceMs(9999);
  EXPECT_FALSE(b.Acquire());
  clock.AdvanceMs(1);
  EXPECT_EQ(b.state(), BreakerState::kHalfOpen);
  ASSERT_TRUE(b.Acquire());
  ASSERT_TRUE(b.Acquire());
  EXPECT_FALSE(b.Acquire()) << "only two probes in flight";
  b.Record(CallClass::kSuccess, 10);
  EXPECT_FALSE(b.Acquire()) << "one success + one probe in flight";
  b.Record(CallClass::kSuccess, 10);
  EXPECT_EQ(b.state(), BreakerState::kClosed);
  EXPECT_EQ(log, (std::vector<std::string>{"CLOSED->OPEN", "OPEN->HALF_OPEN",
                                           "HALF_OPEN->CLOSED"}));
}

TEST(CircuitBreaker, ProbeFailureReopens) {
  ManualClock clock;
  CircuitBreaker b("fal", SmallBreaker(), clock);
  RecordN(b, CallClass::kFailure, 4);
  clock.AdvanceMs(10000);
  ASSERT_TRUE(b.Acquire());
  b.Record(CallClass::kFailure, 10);
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  EXPECT_FALSE(b.Acquire());
}

struct RetryFixture : ::testing::Test {
  ManualClock clock;
  RecordingSleeper sleeper{&clock};
  RetryOptions opts() {
    RetryOptions o;
    o.max_attempts = 4;
    o.base_delay_ms = 1000;
    o.multiplier = 2;
    o.max_delay_ms = 3000;
    o.jitter = 0.5;
    o.max_retry_after_ms = 20000;
    return o;
  }
  AttemptOutcome Fail(int status, std::optional<int64_t> retry_after = {}) {
    AttemptOutcome o;
    o.cls = ClassifyHttpStatus(status);
    o.retry_after_ms = retry_after;
    o.error =
        Error{ErrorCode::kUnavailable, "HTTP " + std::to_string(status), {}};
    return o;
  }
};

TEST_F(RetryFixture, BacksOffExponentiallyWithJitterAndCap) {
  Retrier r(
      opts(), sleeper, [] { return 0.5; }, clock);
  int calls = 0;
  auto res = r.Run([&] {
    ++calls;
    return Fail(503);
  });
  ASSERT_FALSE(res);
  EXPECT_EQ(calls, 4);
  // 1000, 2000, 4000->cap 3000; each * (1 - 0.5*0.5).
  EXPECT_EQ(sleeper.delays(), (std::vector<int64_t>{750, 1500, 2250}));
}

TEST_F(RetryFixture, HonoursRetryAfter) {
  Retrier r(
      opts(), sleeper, [] { return 0.0; }, clock);
  int calls = 0;
  auto res = r.Run([&] {
    return ++calls < 3 ? Fail(429, 7000) : AttemptOutcome::Success();
  });
  ASSERT_TRUE(res);
  EXPECT_EQ(sleeper.delays(), (std::vector<int64_t>{7000, 7000}));
}

TEST_F(RetryFixture, GivesUpWhenRetryAfterTooLong) {
  Retrier r(
      opts(), sleeper, [] { return 0.0; }, clock);
  int calls = 0;
  auto res = r.Run([&] {
    ++calls;
    return Fail(429, 3'600'000);
  });
  ASSERT_FALSE(res);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(sleeper.delays().empty());
}

TEST_F(RetryFixture, CallerErrorsAndNonRetryableAreNotRetried) {
  Retrier r(
      opts(), sleeper, [] { return 0.0; }, clock);
  int calls = 0;
  EXPECT_FALSE(r.Run([&] {
    ++calls;
    return Fail(422);
  }));
  EXPECT_EQ(calls, 1);
  calls = 0;
  EXPECT_FALSE(r.Run([&] {
    ++calls;
    auto o = Fail(500);
    o.retryable = false;
    return o;
  }));
  EXPECT_EQ(calls, 1);
}

TEST_F(RetryFixture, StopsWhenBreakerOpens) {
  CircuitBreakerOptions bo = SmallBreaker();
  bo.minimum_calls = 2;
  CircuitBreaker b("fal", bo, clock);
  Retrier r(
      opts(), sleeper, [] { return 0.0; }, clock);
  int calls = 0;
  auto res = r.Run(
      [&] {
        ++calls;
        return Fail(500);
      },
      &b);
  ASSERT_FALSE(res);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(res.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(res.error().message.find("circuit open"), std::string::npos);
}

}  // namespace
}  // namespace miri
