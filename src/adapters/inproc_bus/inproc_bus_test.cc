#include "adapters/inproc_bus/inproc_bus.h"

#include "adapters/inproc_bus/event_bus_contract.h"

namespace miri::testing {
namespace {

// One process-wide bus is the shared medium; Make hands out views of it.
struct InProcessEnv {
  std::shared_ptr<InProcessBus> bus = std::make_shared<InProcessBus>();
  struct View final : EventBus {
    std::shared_ptr<InProcessBus> b;
    Result<void> Publish(const BusMessage& m) override { return b->Publish(m); }
    SubscriptionId Subscribe(std::string_view p, Handler h) override {
      return b->Subscribe(p, std::move(h));
    }
    void Unsubscribe(SubscriptionId id) override { b->Unsubscribe(id); }
    SubscriptionId OnReconnect(std::function<void()> h) override {
      return b->OnReconnect(std::move(h));
    }
    bool Healthy() const override { return true; }
  };
  std::unique_ptr<EventBus> Make() {
    auto v = std::make_unique<View>();
    v->b = bus;
    return v;
  }
};

INSTANTIATE_TYPED_TEST_SUITE_P(InProcess, EventBusContract, InProcessEnv);

TEST(ProjectChannel, NamesTheRedisChannel) {
  EXPECT_EQ(ProjectChannel("abc"), "miri:project:abc");
}

}  // namespace
}  // namespace miri::testing
