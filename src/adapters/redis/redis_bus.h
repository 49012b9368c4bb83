// RedisBus: the EventBus over Redis Pub/Sub (hiredis 0.14), channel
// "miri:project:{projectId}" per project.
//
// Two connections, as RESP2 requires: one publishes (guarded by a mutex,
// reconnected on demand), one sits in PSUBSCRIBE "miri:project:*" on its own
// thread and survives redis restarts by reconnecting with capped backoff
// (100 ms doubling to 1 s); after a re-established link the OnReconnect
// handlers run, because messages published meanwhile are lost.
// Every instance receives every project's messages and filters locally: fine
// for tens of instances; switch to per-project SUBSCRIBE if that grows.
#ifndef MIRI_ADAPTERS_REDIS_REDIS_BUS_H_
#define MIRI_ADAPTERS_REDIS_REDIS_BUS_H_

#include <memory>
#include <string>

#include "ports/event_bus.h"

namespace miri {

struct RedisAddress {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;  // empty: no AUTH
};

// Parses "redis://[:password@]host[:port][/]"; INVALID_ARGUMENT otherwise.
Result<RedisAddress> ParseRedisUrl(std::string_view url);

class RedisBus final : public EventBus {
 public:
  // Starts the subscriber thread; returns once it has subscribed, or
  // UNAVAILABLE if redis cannot be reached within `connect_timeout_ms`.
  static Result<std::unique_ptr<RedisBus>> Connect(
      const RedisAddress& address, int connect_timeout_ms = 2000);
  ~RedisBus() override;
  RedisBus(const RedisBus&) = delete;
  RedisBus& operator=(const RedisBus&) = delete;

  Result<void> Publish(const BusMessage& message) override;
  SubscriptionId Subscribe(std::string_view project_id,
                           Handler handler) override;
  void Unsubscribe(SubscriptionId id) override;
  SubscriptionId OnReconnect(std::function<void()> handler) override;
  bool Healthy() const override;

 private:
  struct Impl;
  explicit RedisBus(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace miri

#endif  // MIRI_ADAPTERS_REDIS_REDIS_BUS_H_
