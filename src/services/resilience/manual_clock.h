// ManualClock: a Clock that moves only when told (tests), and a Sleeper
// that advances it instead of sleeping, recording every delay.
#ifndef MIRI_SERVICES_RESILIENCE_MANUAL_CLOCK_H_
#define MIRI_SERVICES_RESILIENCE_MANUAL_CLOCK_H_

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

#include "ports/clock.h"
#include "services/resilience/retry.h"

namespace miri {

class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'767'225'600'000) : now_(start_ms) {}
  int64_t NowMs() const override { return now_.load(); }
  void AdvanceMs(int64_t ms) { now_ += ms; }
  void SetMs(int64_t ms) { now_ = ms; }

 private:
  std::atomic<int64_t> now_;
};

class RecordingSleeper final : public Sleeper {
 public:
  explicit RecordingSleeper(ManualClock* clock = nullptr) : clock_(clock) {}
  void SleepMs(int64_t ms) override {
    std::lock_guard lock(mu_);
    delays_.push_back(ms);
    if (clock_ != nullptr) clock_->AdvanceMs(ms);
  }
  std::vector<int64_t> delays() const {
    std::lock_guard lock(mu_);
    return delays_;
  }

 private:
  ManualClock* clock_;
  mutable std::mutex mu_;
  std::vector<int64_t> delays_;
};

}  // namespace miri

#endif  // MIRI_SERVICES_RESILIENCE_MANUAL_CLOCK_H_
