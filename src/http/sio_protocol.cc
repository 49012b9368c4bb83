#include "http/sio_protocol.h"

#include <random>

#include <nlohmann/json.hpp>

#include "domain/json_reader.h"

namespace miri::http {
namespace {

using nlohmann::json;

std::string Ack(std::string_view ack_id, const json& args) {
  return "43" + std::string(ack_id) + args.dump();
}

}  // namespace

std::string RandomSid() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string s(20, ' ');
  for (char& c : s) c = kAlphabet[rng() % 64];
  return s;
}

std::string SioEventFrame(std::string_view type,
                          std::string_view payload_json) {
  std::string f;
  f.reserve(payload_json.size() + type.size() + 8);
  f += "42[\"";
  f += type;
  f += "\",";
  f += payload_json;
  f += "]";
  return f;
}

SioSession::SioSession(SioOptions options, SioHooks hooks)
    : options_(options), hooks_(std::move(hooks)), engine_sid_(RandomSid()) {}

std::string SioSession::OpenPacket() const {
  json open = {{"sid", engine_sid_},
               {"upgrades", json::array()},
               {"pingInterval", options_.ping_interval_ms},
               {"pingTimeout", options_.ping_timeout_ms},
               {"maxPayload", options_.max_payload}};
  return "0" + open.dump();
}

bool SioSession::OnText(std::string_view frame, std::vector<std::string>* out) {
  if (frame.empty() || frame.size() > options_.max_payload) return false;
  switch (frame[0]) {
    case '3':
      return true;  // pong; the transport clears its deadline
    case '2':
      out->push_back("3" + std::string(frame.substr(1)));
      return true;
    case '1':
      return false;
    case '4':
      return OnSocketIo(frame.substr(1), out);
    default:
      return false;  // upgrade/noop/unknown: not on a WebSocket session
  }
}

bool SioSession::OnSocketIo(std::string_view p, std::vector<std::string>* out) {
  if (p.empty()) return false;
  char type = p[0];
  std::string_view rest = p.substr(1);
  // A namespace other than "/" starts with '/' and ends at ','.
  if (!rest.empty() && rest[0] == '/') {
    size_t comma = rest.find(',');
    std::string nsp(rest.substr(0, comma));
    if (type == '0') {
      out->push_back("44" + nsp + "," +
                     json{{"message", "Invalid namespace"}}.dump());
      return true;
    }
    return type == '1';  // DISCONNECT of an unknown namespace is harmless
  }
  switch (type) {
    case '0': {  // CONNECT [auth]
      std::string token;
      if (!rest.empty()) {
        json auth = json::parse(rest, nullptr, false);
        if (auth.is_discarded() || !auth.is_object()) return false;
        if (auth.contains("token") && auth["token"].is_string())
          token = auth["token"];
      }
      if (hooks_.authorize && !hooks_.authorize(token)) {
        out->push_back("44" + json{{"message", "unauthorized"},
                                   {"data", {{"code", "AUTH"}}}}
                                  .dump());
        return true;
      }
      if (socket_sid_.empty()) socket_sid_ = RandomSid();
      connected_ = true;
      out->push_back("40" + json{{"sid", socket_sid_}}.dump());
      return true;
    }
    case '1':  // DISCONNECT
      connected_ = false;
      for (const std::string& room : rooms_) {
        if (hooks_.leave) hooks_.leave(room);
      }
      rooms_.clear();
      return true;
    case '2':
      return connected_ && OnEvent(rest, out);
    case '3':  // ACK from the client: we never ask for one
      return connected_;
    default:  // CONNECT_ERROR from a client, or binary: refused
      return false;
  }
}

bool SioSession::OnEvent(std::string_view rest, std::vector<std::string>* out) {
  size_t digits = 0;
  while (digits < rest.size() && digits < 10 && rest[digits] >= '0' &&
         rest[digits] <= '9') {
    ++digits;
  }
  std::string_view ack_id = rest.substr(0, digits);
  json args = json::parse(rest.substr(digits), nullptr, false);
  if (args.is_discarded() || !args.is_array() || args.empty() ||
      !args[0].is_string()) {
    return false;
  }
  const std::string name = args[0];
  static const std::set<std::string, std::less<>> kReserved = {
      "connect",       "connect_error", "disconnect",
      "disconnecting", "newListener",   "removeListener"};
  if (kReserved.count(name)) return false;
  auto reply = [&](const json& body) {
    if (!ack_id.empty()) out->push_back(Ack(ack_id, json::array({body})));
  };
  if (name != "subscribe" && name != "unsubscribe") {
    reply({{"ok", false}, {"error", "unknown event " + name}});
    return true;
  }
  std::string project_id;
  if (args.size() >= 2 && args[1].is_object() &&
      args[1].contains("projectId") && args[1]["projectId"].is_string()) {
    project_id = args[1]["projectId"];
  }
  if (!IsSafeId(project_id)) {
    reply({{"ok", false}, {"error", "projectId: required id"}});
    return true;
  }
  if (name == "unsubscribe") {
    if (rooms_.erase(project_id) && hooks_.leave) hooks_.leave(project_id);
    reply({{"ok", true}});
    return true;
  }
  if (hooks_.project_exists) {
    if (auto r = hooks_.project_exists(project_id); !r) {
      reply({{"ok", false}, {"error", "projectId: " + r.error().message}});
      return true;
    }
  }
  if (rooms_.insert(project_id).second && hooks_.join) hooks_.join(project_id);
  reply({{"ok", true}, {"projectId", project_id}});
  return true;
}

}  // namespace miri::http
