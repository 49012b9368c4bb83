// Test helpers for EventBus users: a handler that records messages and a
// bounded wait for them.
#ifndef MIRI_ADAPTERS_INPROC_BUS_BUS_COLLECTOR_H_
#define MIRI_ADAPTERS_INPROC_BUS_BUS_COLLECTOR_H_

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "ports/event_bus.h"

namespace miri::testing {

class Collector {
 public:
  EventBus::Handler Handler() {
    return [this](const BusMessage& m) {
      std::lock_guard lock(mu_);
      got_.push_back(m);
      cv_.notify_all();
    };
  }
  // Waits (at most 5 s) until `n` messages arrived; returns them.
  std::vector<BusMessage> WaitFor(size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(5),
                 [&] { return got_.size() >= n; });
    return got_;
  }
  std::vector<BusMessage> Now() {
    std::lock_guard lock(mu_);
    return got_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<BusMessage> got_;
};

inline BusMessage Msg(std::string project, int seq) {
  return BusMessage{std::move(project), std::string(kShotUpdated),
                    "{\"seq\":" + std::to_string(seq) + "}"};
}

}  // namespace miri::testing

#endif  // MIRI_ADAPTERS_INPROC_BUS_BUS_COLLECTOR_H_
