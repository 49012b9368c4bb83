// Engine.IO v4 / Socket.IO v5 over WebSocket, the frames only
// (reliability.md section 1): one SioSession per WebSocket, no I/O. The
// transport (beast_server.cc) feeds it text frames, sends what it returns,
// and runs the heartbeat timers.
//
// Our namespace "/" takes CONNECT {"token": ...} and two events with acks:
//   "subscribe" {"projectId"} -> joins the project's room; ack {"ok":true}
//   "unsubscribe" {"projectId"} -> leaves it
// Binary packets, other namespaces' events, reserved or malformed events
// close the connection; an unknown namespace gets CONNECT_ERROR.
#ifndef MIRI_HTTP_SIO_PROTOCOL_H_
#define MIRI_HTTP_SIO_PROTOCOL_H_

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

namespace miri::http {

struct SioOptions {
  int ping_interval_ms = 25000;
  int ping_timeout_ms = 20000;
  size_t max_payload = 1000000;
};

struct SioHooks {
  std::function<bool(std::string_view token)> authorize;
  std::function<Result<void>(std::string_view project_id)> project_exists;
  std::function<void(const std::string& project_id)> join;
  std::function<void(const std::string& project_id)> leave;
};

// A 20-character random id for Engine.IO and Socket.IO sids.
std::string RandomSid();

// 42["<type>",<payload json>]
std::string SioEventFrame(std::string_view type, std::string_view payload_json);

class SioSession {
 public:
  SioSession(SioOptions options, SioHooks hooks);

  // The Engine.IO open packet, the server's first frame.
  std::string OpenPacket() const;
  // Handles one text frame; appends the frames to send to *out. Returns
  // false when the transport must close (protocol error or client close).
  bool OnText(std::string_view frame, std::vector<std::string>* out);

  bool connected() const { return connected_; }
  const std::set<std::string>& rooms() const { return rooms_; }
  const std::string& engine_sid() const { return engine_sid_; }

 private:
  bool OnSocketIo(std::string_view packet, std::vector<std::string>* out);
  bool OnEvent(std::string_view rest, std::vector<std::string>* out);

  SioOptions options_;
  SioHooks hooks_;
  std::string engine_sid_;
  std::string socket_sid_;
  bool connected_ = false;
  std::set<std::string> rooms_;
};

}  // namespace miri::http

#endif  // MIRI_HTTP_SIO_PROTOCOL_H_
