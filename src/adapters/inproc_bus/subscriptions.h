// Subscriptions: the table of handlers per project that every EventBus
// adapter keeps, and the delivery of one message to a snapshot of it.
#ifndef MIRI_ADAPTERS_INPROC_BUS_SUBSCRIPTIONS_H_
#define MIRI_ADAPTERS_INPROC_BUS_SUBSCRIPTIONS_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ports/event_bus.h"

namespace miri {

class Subscriptions {
 public:
  EventBus::SubscriptionId Add(std::string_view project_id,
                               EventBus::Handler handler);
  EventBus::SubscriptionId AddReconnect(std::function<void()> handler);
  void Remove(EventBus::SubscriptionId id);
  // Calls every live handler of message.project_id (outside the lock).
  void Deliver(const BusMessage& message);
  void DeliverReconnect();

 private:
  struct Entry {
    std::string project_id;
    std::shared_ptr<EventBus::Handler> handler;
  };
  std::mutex mu_;
  EventBus::SubscriptionId next_ = 1;
  std::map<EventBus::SubscriptionId, Entry> entries_;
  std::map<EventBus::SubscriptionId, std::shared_ptr<std::function<void()>>>
      reconnect_;
};

}  // namespace miri

#endif  // MIRI_ADAPTERS_INPROC_BUS_SUBSCRIPTIONS_H_
