// SioHub: the rooms of this instance (one per project) and the bridge from
// the EventBus to them. A room subscribes to its project's bus messages when
// its first socket joins and unsubscribes when the last one leaves; every
// bus message becomes one EVENT frame sent to a snapshot of the room. When
// the bus reconnects (messages may be lost) every socket gets "RESYNC" so
// its client refetches the event log.
// Thread-safety: all methods may be called from any thread.
#ifndef MIRI_HTTP_SIO_HUB_H_
#define MIRI_HTTP_SIO_HUB_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "ports/event_bus.h"

namespace miri::http {

// One connected socket as the hub sees it. Send must not block: the
// WebSocket session queues the frame on its own strand.
class SioSink {
 public:
  virtual ~SioSink() = default;
  virtual void Send(std::shared_ptr<const std::string> frame) = 0;
};

class SioHub {
 public:
  explicit SioHub(EventBus& bus);
  ~SioHub();
  SioHub(const SioHub&) = delete;
  SioHub& operator=(const SioHub&) = delete;

  uint64_t Register(std::weak_ptr<SioSink> sink);
  void Unregister(uint64_t id);  // leaves every room
  void Join(uint64_t id, const std::string& project_id);
  void Leave(uint64_t id, const std::string& project_id);
  // Sends to this instance's members of the room (bus delivery calls it).
  void Broadcast(const std::string& project_id,
                 std::shared_ptr<const std::string> frame);
  size_t RoomSize(const std::string& project_id);
  size_t Connections();

 private:
  struct Room {
    EventBus::SubscriptionId subscription = 0;
    std::map<uint64_t, std::weak_ptr<SioSink>> members;
  };
  void LeaveLocked(uint64_t id, const std::string& project_id,
                   std::vector<EventBus::SubscriptionId>* drop);

  EventBus& bus_;
  std::mutex mu_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, std::weak_ptr<SioSink>> sinks_;
  std::map<uint64_t, std::set<std::string>> memberships_;
  std::map<std::string, Room> rooms_;
  EventBus::SubscriptionId reconnect_sub_ = 0;
};

}  // namespace miri::http

#endif  // MIRI_HTTP_SIO_HUB_H_
