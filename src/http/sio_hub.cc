#include "http/sio_hub.h"

#include <vector>

#include "http/sio_protocol.h"

namespace miri::http {

SioHub::SioHub(EventBus& bus) : bus_(bus) {
  reconnect_sub_ = bus_.OnReconnect([this] {
    auto frame = std::make_shared<const std::string>(
        SioEventFrame("RESYNC", "{\"reason\":\"event bus reconnected\"}"));
    std::vector<std::shared_ptr<SioSink>> all;
    {
      std::lock_guard lock(mu_);
      for (auto& [id, weak] : sinks_) {
        if (auto s = weak.lock()) all.push_back(std::move(s));
      }
    }
    for (auto& s : all) s->Send(frame);
  });
}

SioHub::~SioHub() {
  std::vector<EventBus::SubscriptionId> subs;
  {
    std::lock_guard lock(mu_);
    for (auto& [p, room] : rooms_) subs.push_back(room.subscription);
    rooms_.clear();
  }
  for (auto id : subs) bus_.Unsubscribe(id);
  bus_.Unsubscribe(reconnect_sub_);
}

uint64_t SioHub::Register(std::weak_ptr<SioSink> sink) {
  std::lock_guard lock(mu_);
  uint64_t id = next_id_++;
  sinks_[id] = std::move(sink);
  return id;
}

void SioHub::Unregister(uint64_t id) {
  std::vector<EventBus::SubscriptionId> drop;
  {
    std::lock_guard lock(mu_);
    auto it = memberships_.find(id);
    if (it != memberships_.end()) {
      std::set<std::string> rooms = it->second;
      for (const std::string& p : rooms) LeaveLocked(id, p, &drop);
    }
    memberships_.erase(id);
    sinks_.erase(id);
  }
  for (auto s : drop) bus_.Unsubscribe(s);
}

void SioHub::Join(uint64_t id, const std::string& project_id) {
  bool subscribe = false;
  {
    std::lock_guard lock(mu_);
    auto sink = sinks_.find(id);
    if (sink == sinks_.end()) return;
    Room& room = rooms_[project_id];
    subscribe = room.members.empty() && room.subscription == 0;
    room.members[id] = sink->second;
    memberships_[id].insert(project_id);
  }
  if (!subscribe) return;
  // Subscribed outside the lock: the bus may deliver on its thread at once.
  EventBus::SubscriptionId sub =
      bus_.Subscribe(project_id, [this](const BusMessage& m) {
        Broadcast(m.project_id, std::make_shared<const std::string>(
                                    SioEventFrame(m.type, m.payload_json)));
      });
  std::lock_guard lock(mu_);
  auto it = rooms_.find(project_id);
  if (it != rooms_.end() && it->second.subscription == 0) {
    it->second.subscription = sub;
  } else {
    bus_.Unsubscribe(sub);  // the room emptied (or resubscribed) meanwhile
  }
}

void SioHub::LeaveLocked(uint64_t id, const std::string& project_id,
                         std::vector<EventBus::SubscriptionId>* drop) {
  auto it = rooms_.find(project_id);
  if (it == rooms_.end()) return;
  it->second.members.erase(id);
  memberships_[id].erase(project_id);
  if (it->second.members.empty()) {
    if (it->second.subscription != 0) drop->push_back(it->second.subscription);
    rooms_.erase(it);
  }
}

void SioHub::Leave(uint64_t id, const std::string& project_id) {
  std::vector<EventBus::SubscriptionId> drop;
  {
    std::lock_guard lock(mu_);
    LeaveLocked(id, project_id, &drop);
  }
  for (auto s : drop) bus_.Unsubscribe(s);
}

void SioHub::Broadcast(const std::string& project_id,
                       std::shared_ptr<const std::string> frame) {
  std::vector<std::shared_ptr<SioSink>> targets;
  {
    std::lock_guard lock(mu_);
    auto it = rooms_.find(project_id);
    if (it == rooms_.end()) return;
    for (auto& [id, weak] : it->second.members) {
      if (auto s = weak.lock()) targets.push_back(std::move(s));
    }
  }
  for (auto& s : targets) s->Send(frame);
}

size_t SioHub::RoomSize(const std::string& project_id) {
  std::lock_guard lock(mu_);
  auto it = rooms_.find(project_id);
  return it == rooms_.end() ? 0 : it->second.members.size();
}

size_t SioHub::Connections() {
  std::lock_guard lock(mu_);
  return sinks_.size();
}

}  // namespace miri::http
