// EventBus: publish / subscribe of project events across `miri serve`
// instances (design.md sections 5 and 7).
//
// Contract (checked for every adapter by the typed suite in
// adapters/inproc_bus/event_bus_contract.h):
// - Publish(m) delivers m to every live subscription of m.project_id, in
//   every process sharing the bus, the publisher's own included. Delivery is
//   at-most-once: a message published while a subscriber's link is down is
//   lost. Consumers detect gaps by the `seq` in the payload and refetch the
//   event log (the store is the truth, the bus only a doorbell).
// - Messages of one publisher arrive in publish order.
// - Handlers run on a thread of the bus (not the caller's); they must be
//   quick and thread-safe (post to their own executor). After Unsubscribe
//   returns no new call of the handler starts (one already running on the
//   bus thread may finish).
// - OnReconnect handlers run after a lost link is restored (messages may
//   have been missed): subscribers should tell their clients to refetch.
// Thread-safety: every method may be called from any thread.
#ifndef MIRI_PORTS_EVENT_BUS_H_
#define MIRI_PORTS_EVENT_BUS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace miri {

// Event types the dashboard receives (design.md section 7).
inline constexpr std::string_view kShotUpdated = "SHOT_UPDATED";
inline constexpr std::string_view kProjectUpdated = "PROJECT_UPDATED";
inline constexpr std::string_view kRenderProgress = "RENDER_PROGRESS";
inline constexpr std::string_view kBudgetUpdated = "BUDGET_UPDATED";

struct BusMessage {
  std::string project_id;
  std::string type;          // kShotUpdated, ...
  std::string payload_json;  // a JSON object; carries "seq" when stored
  friend bool operator==(const BusMessage&, const BusMessage&) = default;
};

// "miri:project:{projectId}": the Redis channel of a project.
inline std::string ProjectChannel(std::string_view project_id) {
  return "miri:project:" + std::string(project_id);
}

class EventBus {
 public:
  using Handler = std::function<void(const BusMessage&)>;
  using SubscriptionId = uint64_t;

  virtual ~EventBus() = default;
  // UNAVAILABLE when the message could not be handed to the bus.
  virtual Result<void> Publish(const BusMessage& message) = 0;
  virtual SubscriptionId Subscribe(std::string_view project_id,
                                   Handler handler) = 0;
  virtual void Unsubscribe(SubscriptionId id) = 0;
  virtual SubscriptionId OnReconnect(std::function<void()> handler) = 0;
  // False while the bus cannot deliver (e.g. redis is down); for /readyz.
  virtual bool Healthy() const = 0;
};

}  // namespace miri

#endif  // MIRI_PORTS_EVENT_BUS_H_
