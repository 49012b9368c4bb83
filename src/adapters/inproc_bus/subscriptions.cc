#include "adapters/inproc_bus/subscriptions.h"

namespace miri {

EventBus::SubscriptionId Subscriptions::Add(std::string_view project_id,
                                            EventBus::Handler handler) {
  std::lock_guard lock(mu_);
  EventBus::SubscriptionId id = next_++;
  entries_[id] = Entry{std::string(project_id),
                       std::make_shared<EventBus::Handler>(std::move(handler))};
  return id;
}

EventBus::SubscriptionId Subscriptions::AddReconnect(
    std::function<void()> handler) {
  std::lock_guard lock(mu_);
  EventBus::SubscriptionId id = next_++;
  reconnect_[id] = std::make_shared<std::function<void()>>(std::move(handler));
  return id;
}

void Subscriptions::Remove(EventBus::SubscriptionId id) {
  std::lock_guard lock(mu_);
  entries_.erase(id);
  reconnect_.erase(id);
}

void Subscriptions::Deliver(const BusMessage& message) {
  std::vector<std::shared_ptr<EventBus::Handler>> targets;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, e] : entries_) {
      if (e.project_id == message.project_id) targets.push_back(e.handler);
    }
  }
  for (const auto& h : targets) (*h)(message);
}

void Subscriptions::DeliverReconnect() {
  std::vector<std::shared_ptr<std::function<void()>>> targets;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, h] : reconnect_) targets.push_back(h);
  }
  for (const auto& h : targets) (*h)();
}

}  // namespace miri
