#include "services/resilience/circuit_breaker.h"

#include <utility>

namespace miri {

std::string_view BreakerStateName(BreakerState s) {
  switch (s) {
    case BreakerState::kClosed:
      return "CLOSED";
    case BreakerState::kOpen:
      return "OPEN";
    case BreakerState::kHalfOpen:
      return "HALF_OPEN";
  }
  return "?";
}

CircuitBreaker::CircuitBreaker(std::string name, CircuitBreakerOptions options,
                               const Clock& clock)
    : name_(std::move(name)), options_(options), clock_(clock) {
  counters_.name = name_;
}

void CircuitBreaker::set_listener(TransitionListener listener) {
  std::lock_guard lock(mu_);
  listener_ = std::move(listener);
}

void CircuitBreaker::TransitionLocked(BreakerState to, int64_t now) {
  if (state_ == to) return;
  pending_.emplace_back(state_, to);
  state_ = to;
  ++counters_.transitions;
  window_.clear();
  probes_in_flight_ = 0;
  probe_successes_ = 0;
  if (to == BreakerState::kOpen)
    open_until_ms_ = now + options_.open_duration_ms;
}

void CircuitBreaker::MaybeHalfOpenLocked(int64_t now) {
  if (state_ == BreakerState::kOpen && now >= open_until_ms_) {
    TransitionLocked(BreakerState::kHalfOpen, now);
  }
}

void CircuitBreaker::Notify() {
  std::vector<std::pair<BreakerState, BreakerState>> pending;
  TransitionListener listener;
  {
    std::lock_guard lock(mu_);
    pending.swap(pending_);
    listener = listener_;
  }
  if (!listener) return;
  for (auto& [from, to] : pending) listener(name_, from, to);
}

Result<void> CircuitBreaker::Acquire() {
  Result<void> result;
  {
    std::lock_guard lock(mu_);
    int64_t now = clock_.NowMs();
    MaybeHalfOpenLocked(now);
    if (state_ == BreakerState::kOpen ||
        (state_ == BreakerState::kHalfOpen &&
         probes_in_flight_ + probe_successes_ >= options_.half_open_probes)) {
      ++counters_.not_permitted;
      result = MakeError(ErrorCode::kUnavailable,
                         "circuit open for provider " + name_);
    } else if (state_ == BreakerState::kHalfOpen) {
      ++probes_in_flight_;
    }
  }
  Notify();
  return result;
}

void CircuitBreaker::EvaluateWindowLocked(int64_t now) {
  int n = static_cast<int>(window_.size());
  if (n < options_.minimum_calls || n == 0) return;
  int failures = 0, slow = 0;
  for (const Sample& s : window_) {
    failures += s.failure;
    slow += s.slow;
  }
  if (static_cast<double>(failures) / n >= options_.failure_rate_threshold ||
      static_cast<double>(slow) / n >= options_.slow_call_rate_threshold) {
    TransitionLocked(BreakerState::kOpen, now);
  }
}

void CircuitBreaker::Record(CallClass outcome, int64_t duration_ms) {
  {
    std::lock_guard lock(mu_);
    int64_t now = clock_.NowMs();
    bool failure = outcome == CallClass::kFailure;
    bool slow = duration_ms >= options_.slow_call_ms;
    if (failure)
      ++counters_.failures;
    else if (outcome == CallClass::kCallerError)
      ++counters_.caller_errors;
    else
      ++counters_.successes;
    if (slow) ++counters_.slow_calls;

    switch (state_) {
      case BreakerState::kClosed:
        window_.push_back({failure, slow});
        while (static_cast<int>(window_.size()) > options_.window_size)
          window_.pop_front();
        EvaluateWindowLocked(now);
        break;
      case BreakerState::kHalfOpen:
        if (probes_in_flight_ > 0) --probes_in_flight_;
        if (failure || slow) {
          TransitionLocked(BreakerState::kOpen, now);
        } else if (++probe_successes_ >= options_.half_open_probes) {
          TransitionLocked(BreakerState::kClosed, now);
        }
        break;
      case BreakerState::kOpen:
        break;  // a call that started before the breaker opened
    }
  }
  Notify();
}

BreakerState CircuitBreaker::state() const { return Snapshot().state; }

BreakerSnapshot CircuitBreaker::Snapshot() const {
  std::lock_guard lock(mu_);
  BreakerSnapshot s = counters_;
  s.state = state_;
  if (state_ == BreakerState::kOpen && clock_.NowMs() >= open_until_ms_) {
    s.state = BreakerState::kHalfOpen;  // what the next Acquire will see
  }
  s.window_calls = static_cast<int>(window_.size());
  int failures = 0, slow = 0;
  for (const Sample& x : window_) {
    failures += x.failure;
    slow += x.slow;
  }
  if (!window_.empty()) {
    s.failure_rate = static_cast<double>(failures) / window_.size();
    s.slow_call_rate = static_cast<double>(slow) / window_.size();
  }
  s.open_until_ms = state_ == BreakerState::kOpen ? open_until_ms_ : 0;
  return s;
}

}  // namespace miri
