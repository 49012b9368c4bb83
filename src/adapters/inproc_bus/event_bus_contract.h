// The EventBus contract suite (ports/event_bus.h). An adapter's test defines
//   struct MyBusEnv { std::unique_ptr<EventBus> Make(); };   (a new client
// of the same shared medium on every call) and instantiates:
//   INSTANTIATE_TYPED_TEST_SUITE_P(My, EventBusContract, MyBusEnv);
// Waits are bounded (5 s), never timing assertions.
#ifndef MIRI_ADAPTERS_INPROC_BUS_EVENT_BUS_CONTRACT_H_
#define MIRI_ADAPTERS_INPROC_BUS_EVENT_BUS_CONTRACT_H_

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "adapters/inproc_bus/bus_collector.h"
#include "ports/event_bus.h"

namespace miri::testing {

template <typename Env>
class EventBusContract : public ::testing::Test {
 protected:
  Env env_;
};

TYPED_TEST_SUITE_P(EventBusContract);

TYPED_TEST_P(EventBusContract, DeliversToSubscriberOfTheProject) {
  auto bus = this->env_.Make();
  Collector c;
  bus->Subscribe("p1", c.Handler());
  ASSERT_TRUE(bus->Publish(Msg("p1", 1)).has_value());
  std::vector<BusMessage> got = c.WaitFor(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], Msg("p1", 1));
}

TYPED_TEST_P(EventBusContract, DoesNotDeliverOtherProjects) {
  auto bus = this->env_.Make();
  Collector c;
  bus->Subscribe("p1", c.Handler());
  ASSERT_TRUE(bus->Publish(Msg("p2", 1)).has_value());
  ASSERT_TRUE(bus->Publish(Msg("p1", 2)).has_value());
  std::vector<BusMessage> got = c.WaitFor(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], Msg("p1", 2));
}

TYPED_TEST_P(EventBusContract, KeepsPublishOrder) {
  auto bus = this->env_.Make();
  Collector c;
  bus->Subscribe("p1", c.Handler());
  for (int i = 1; i <= 500; ++i) ASSERT_TRUE(bus->Publish(Msg("p1", i)));
  std::vector<BusMessage> got = c.WaitFor(500);
  ASSERT_EQ(got.size(), 500u);
  for (int i = 0; i < 500; ++i) EXPECT_EQ(got[i], Msg("p1", i + 1));
}

TYPED_TEST_P(EventBusContract, ReachesEveryClientOfTheSharedMedium) {
  auto a = this->env_.Make();
  auto b = this->env_.Make();
  Collector ca, cb;
  a->Subscribe("p1", ca.Handler());
  b->Subscribe("p1", cb.Handler());
  ASSERT_TRUE(a->Publish(Msg("p1", 7)).has_value());
  EXPECT_EQ(ca.WaitFor(1).size(), 1u);
  EXPECT_EQ(cb.WaitFor(1).size(), 1u);
}

TYPED_TEST_P(EventBusContract, UnsubscribedHandlerIsNotCalled) {
  auto bus = this->env_.Make();
  Collector gone, kept;
  EventBus::SubscriptionId id = bus->Subscribe("p1", gone.Handler());
  bus->Subscribe("p1", kept.Handler());
  bus->Unsubscribe(id);
  ASSERT_TRUE(bus->Publish(Msg("p1", 1)).has_value());
  EXPECT_EQ(kept.WaitFor(1).size(), 1u);  // delivery happened...
  EXPECT_TRUE(gone.Now().empty());        // ...but not to the removed one
}

REGISTER_TYPED_TEST_SUITE_P(EventBusContract, DeliversToSubscriberOfTheProject,
                            DoesNotDeliverOtherProjects, KeepsPublishOrder,
                            ReachesEveryClientOfTheSharedMedium,
                            UnsubscribedHandlerIsNotCalled);

}  // namespace miri::testing

#endif  // MIRI_ADAPTERS_INPROC_BUS_EVENT_BUS_CONTRACT_H_
