// Retry with capped exponential backoff and jitter, honouring Retry-After,
// run through an optional circuit breaker (retries stay outside the
// breaker: every attempt asks it for permission and reports to it).
//
// Time and randomness are injected: a Sleeper (tests record the delays
// instead of sleeping) and a Random returning values in [0, 1).
#ifndef MIRI_SERVICES_RESILIENCE_RETRY_H_
#define MIRI_SERVICES_RESILIENCE_RETRY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "domain/result.h"
#include "ports/clock.h"
#include "services/resilience/call_outcome.h"
#include "services/resilience/circuit_breaker.h"

namespace miri {

struct RetryOptions {
  int max_attempts = 4;  // first call included; >= 1
  int64_t base_delay_ms = 1000;
  double multiplier = 2.0;
  int64_t max_delay_ms = 30000;
  double jitter = 0.5;  // delay *= 1 - jitter * random
  // A Retry-After longer than this ends the retries (the error is returned).
  int64_t max_retry_after_ms = 60000;
};

class Sleeper {
 public:
  virtual ~Sleeper() = default;
  virtual void SleepMs(int64_t ms) = 0;
};

class ThreadSleeper final : public Sleeper {
 public:
  void SleepMs(int64_t ms) override;
};

using RandomFn = std::function<double()>;  // [0, 1)

// One attempt's outcome. `error` is what the caller sees when it is the
// last attempt; `retryable` false stops retries even for kFailure (e.g. a
// POST that may already have been applied).
struct AttemptOutcome {
  CallClass cls = CallClass::kSuccess;
  bool retryable = true;
  std::optional<int64_t> retry_after_ms;
  Error error;

  static AttemptOutcome Success() { return {}; }
};

class Retrier {
 public:
  Retrier(RetryOptions options, Sleeper& sleeper, RandomFn random,
          const Clock& clock);

  // Runs `attempt` until it succeeds, fails for a reason retries cannot fix,
  // the breaker refuses, or max_attempts is reached. Returns the last error.
  Result<void> Run(const std::function<AttemptOutcome()>& attempt,
                   CircuitBreaker* breaker = nullptr);

  // The backoff delay before attempt number `attempt` (2 = first retry).
  int64_t BackoffMs(int attempt);
  const RetryOptions& options() const { return options_; }

 private:
  const RetryOptions options_;
  Sleeper& sleeper_;
  RandomFn random_;
  const Clock& clock_;
};

}  // namespace miri

#endif  // MIRI_SERVICES_RESILIENCE_RETRY_H_
