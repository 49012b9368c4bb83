// The Engine.IO v4 / Socket.IO v5 session (http/sio_protocol.h), sans I/O:
// a sequence of text frames from one client.
//
// Input: frames separated by newlines (a frame never needs one: JSON may
// use other whitespace), fed in order until the session asks to close.
// The token "good" is authorised; projects whose id starts with "p"
// exist. Checks beyond the sanitizers: nothing throws; every frame we send
// is an Engine.IO packet whose JSON parses; join and leave calls keep the
// session's rooms (what the hub is told equals what the session holds);
// no room is joined before CONNECT or for a project that does not exist.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz/fuzz_util.h"
#include "http/sio_protocol.h"

namespace {

using miri::fuzz::Fail;

// An outgoing frame: "3..." (pong) or "4<type>[nsp,][ack id]<json>".
void CheckFrame(const std::string& f) {
  if (f.empty()) Fail("an empty frame");
  if (f[0] == '3') return;
  if (f[0] != '4' || f.size() < 2) Fail("not an Engine.IO message", f);
  size_t at = 2;
  if (at < f.size() && f[at] == '/') {
    size_t comma = f.find(',', at);
    if (comma == std::string::npos) Fail("namespace without comma", f);
    at = comma + 1;
  }
  while (at < f.size() && f[at] >= '0' && f[at] <= '9') ++at;
  if (at == f.size()) return;
  auto j = nlohmann::json::parse(f.substr(at), nullptr, false);
  if (j.is_discarded()) Fail("a frame whose JSON does not parse", f);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::set<std::string> joined;
  bool connected = false;
  miri::http::SioHooks hooks;
  hooks.authorize = [](std::string_view token) { return token == "good"; };
  hooks.project_exists = [](std::string_view id) -> miri::Result<void> {
    if (!id.empty() && id[0] == 'p') return {};
    return miri::MakeError(miri::ErrorCode::kNotFound, "no such project");
  };
  hooks.join = [&](const std::string& p) {
    if (!connected) Fail("joined a room before CONNECT", p);
    if (p.empty() || p[0] != 'p') Fail("joined a missing project", p);
    if (!joined.insert(p).second) Fail("joined a room twice", p);
  };
  hooks.leave = [&](const std::string& p) {
    if (joined.erase(p) != 1) Fail("left a room it was not in", p);
  };
  miri::http::SioOptions options;
  options.max_payload = 4096;
  miri::http::SioSession session(options, hooks);
  if (nlohmann::json::parse(session.OpenPacket().substr(1), nullptr, false)
          .is_discarded()) {
    Fail("the open packet's JSON does not parse");
  }

  std::string_view in(reinterpret_cast<const char*>(data), size);
  while (true) {
    size_t nl = in.find('\n');
    std::string_view frame = in.substr(0, nl);
    std::vector<std::string> out;
    bool open = session.OnText(frame, &out);
    connected = session.connected();
    for (const std::string& f : out) CheckFrame(f);
    if (session.rooms() != joined) Fail("rooms and the hub disagree");
    if (!open || nl == std::string_view::npos) break;
    in.remove_prefix(nl + 1);
  }
  return 0;
}
