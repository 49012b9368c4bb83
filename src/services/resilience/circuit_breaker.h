// CircuitBreaker: stops calling a provider that keeps failing, then lets a
// few probe calls through to find out whether it recovered
// (reliability.md section 2).
//
// States: CLOSED (calls pass, outcomes fill a count-based sliding window),
// OPEN (calls refused until open_duration_ms passed), HALF_OPEN (at most
// half_open_probes calls in flight; one provider failure re-opens, that many
// successes close). The window trips when it holds at least minimum_calls
// outcomes and the failure rate or the slow-call rate reaches its threshold.
// Caller errors (4xx other than 408/429) are recorded as successes for the
// rate: our request was wrong, the provider is fine. Refused calls are
// counted as not_permitted, never as failures.
// Every call must have its own deadline: a half-open probe that never
// completes would keep the breaker half-open.
// Thread-safety: all methods may be called from any thread.
#ifndef MIRI_SERVICES_RESILIENCE_CIRCUIT_BREAKER_H_
#define MIRI_SERVICES_RESILIENCE_CIRCUIT_BREAKER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "domain/result.h"
#include "ports/clock.h"
#include "services/resilience/call_outcome.h"

namespace miri {

enum class BreakerState { kClosed, kOpen, kHalfOpen };
std::string_view BreakerStateName(BreakerState s);

struct CircuitBreakerOptions {
  int window_size = 20;    // last N recorded calls
  int minimum_calls = 10;  // no verdict below this many
  double failure_rate_threshold = 0.5;
  double slow_call_rate_threshold = 1.0;  // 1.0 = only if every call is slow
  int64_t slow_call_ms = 60000;
  int64_t open_duration_ms = 30000;
  int half_open_probes = 2;
};

// What metrics and the budget/status API show.
struct BreakerSnapshot {
  std::string name;
  BreakerState state = BreakerState::kClosed;
  int window_calls = 0;
  double failure_rate = 0;  // over the window, 0..1
  double slow_call_rate = 0;
  int64_t successes = 0;  // lifetime counters
  int64_t failures = 0;
  int64_t caller_errors = 0;
  int64_t slow_calls = 0;
  int64_t not_permitted = 0;
  int64_t transitions = 0;
  int64_t open_until_ms = 0;  // while OPEN
};

class CircuitBreaker {
 public:
  using TransitionListener = std::function<void(
      std::string_view name, BreakerState from, BreakerState to)>;

  CircuitBreaker(std::string name, CircuitBreakerOptions options,
                 const Clock& clock);

  // Asks to make a call. UNAVAILABLE ("circuit open") when refused; a
  // permitted call must be followed by exactly one Record.
  Result<void> Acquire();
  void Record(CallClass outcome, int64_t duration_ms);

  BreakerState state() const;
  BreakerSnapshot Snapshot() const;
  // Called under no lock after each transition (for logs and metrics).
  void set_listener(TransitionListener listener);

 private:
  struct Sample {
    bool failure;
    bool slow;
  };
  void MaybeHalfOpenLocked(int64_t now);
  void TransitionLocked(BreakerState to, int64_t now);
  void EvaluateWindowLocked(int64_t now);
  void Notify();

  const std::string name_;
  const CircuitBreakerOptions options_;
  const Clock& clock_;
  mutable std::mutex mu_;
  BreakerState state_ = BreakerState::kClosed;
  std::deque<Sample> window_;
  int64_t open_until_ms_ = 0;
  int probes_in_flight_ = 0;
  int probe_successes_ = 0;
  BreakerSnapshot counters_;
  std::vector<std::pair<BreakerState, BreakerState>> pending_;
  TransitionListener listener_;
};

}  // namespace miri

#endif  // MIRI_SERVICES_RESILIENCE_CIRCUIT_BREAKER_H_
