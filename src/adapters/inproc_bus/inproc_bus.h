// InProcessBus: the embedded EventBus for a single `miri serve` process.
// Messages are queued and delivered on one bus thread, in publish order.
#ifndef MIRI_ADAPTERS_INPROC_BUS_INPROC_BUS_H_
#define MIRI_ADAPTERS_INPROC_BUS_INPROC_BUS_H_

#include <memory>

#include "ports/event_bus.h"

namespace miri {

class InProcessBus final : public EventBus {
 public:
  InProcessBus();
  ~InProcessBus() override;  // drains nothing: queued messages are dropped
  InProcessBus(const InProcessBus&) = delete;
  InProcessBus& operator=(const InProcessBus&) = delete;

  Result<void> Publish(const BusMessage& message) override;
  SubscriptionId Subscribe(std::string_view project_id,
                           Handler handler) override;
  void Unsubscribe(SubscriptionId id) override;
  SubscriptionId OnReconnect(std::function<void()> handler) override;
  bool Healthy() const override { return true; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace miri

#endif  // MIRI_ADAPTERS_INPROC_BUS_INPROC_BUS_H_
