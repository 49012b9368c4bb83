#include "services/resilience/retry.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>
#include <utility>

namespace miri {

void ThreadSleeper::SleepMs(int64_t ms) {
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

Retrier::Retrier(RetryOptions options, Sleeper& sleeper, RandomFn random,
                 const Clock& clock)
    : options_(options),
      sleeper_(sleeper),
      random_(std::move(random)),
      clock_(clock) {}

int64_t Retrier::BackoffMs(int attempt) {
  double d = static_cast<double>(options_.base_delay_ms) *
             std::pow(options_.multiplier, std::max(0, attempt - 2));
  d = std::min(d, static_cast<double>(options_.max_delay_ms));
  double r = random_ ? std::clamp(random_(), 0.0, 1.0) : 0.0;
  d *= 1.0 - options_.jitter * r;
  return static_cast<int64_t>(d);
}

Result<void> Retrier::Run(const std::function<AttemptOutcome()>& attempt,
                          CircuitBreaker* breaker) {
  Error last{ErrorCode::kInternal, "no attempt made", {}};
  int max_attempts = std::max(1, options_.max_attempts);
  for (int n = 1; n <= max_attempts; ++n) {
    if (breaker != nullptr) {
      auto permit = breaker->Acquire();
      if (!permit) return tl::unexpected<Error>(permit.error());
    }
    int64_t start = clock_.NowMs();
    AttemptOutcome out = attempt();
    if (breaker != nullptr) breaker->Record(out.cls, clock_.NowMs() - start);
    if (out.cls == CallClass::kSuccess) return {};
    last = out.error;
    if (out.cls == CallClass::kCallerError || !out.retryable) break;
    if (n == max_attempts) break;
    int64_t delay = BackoffMs(n + 1);
    if (out.retry_after_ms) {
      if (*out.retry_after_ms > options_.max_retry_after_ms) break;
      delay = std::max(delay, *out.retry_after_ms);
    }
    sleeper_.SleepMs(delay);
  }
  return tl::unexpected<Error>(std::move(last));
}

}  // namespace miri
