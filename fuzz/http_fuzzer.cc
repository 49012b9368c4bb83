// What the API does with a request before a controller's service call: the
// request target (http_types.h ParseTarget), routing over the real route
// table (the OpenAPI document's paths: openapi_test keeps them equal to
// the router's), the path-id and Idempotency-Key checks, and the upload
// checks (JSON bodies, lyrics text, the blob key of GET .../blob).
//
// Input: an HTTP/1.1 request as text: "METHOD TARGET HTTP/1.1", header
// lines, a blank line, the body. Beast parses the wire format itself; this
// target starts where our code does. Checks beyond the sanitizers: nothing
// throws; a decoded path is absolute and has no NUL; a routed request's
// params are the pattern's; a blob key that passes the check stays inside
// the blob root; every error is sendable JSON.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "domain/text.h"
#include "fuzz/fuzz_util.h"
#include "http/api.h"
#include "http/controller_util.h"
#include "http/router.h"
#include "ports/blob_store.h"
#include "services/planning/lyrics.h"

namespace {

using miri::fuzz::Fail;
using miri::http::Request;
using miri::http::Response;
using miri::http::Router;

// Every documented route, with a handler that is never called.
const Router& Routes() {
  static const Router* router = [] {
    auto* r = new Router();
    const nlohmann::json& paths = miri::http::OpenApiDocument().at("paths");
    for (auto p = paths.begin(); p != paths.end(); ++p) {
      for (auto m = p.value().begin(); m != p.value().end(); ++m) {
        std::string method = m.key();
        for (char& c : method) c = static_cast<char>(std::toupper(c));
        r->Add({method, p.key(), miri::http::Access::kBearer,
                miri::http::kDefaultBodyLimit,
                [](const Request&) { return Response{}; }});
      }
    }
    return r;
  }();
  return *router;
}

void CheckSendable(const miri::Result<void>& r) {
  if (!r) miri::fuzz::CheckErrorIsSendable(r.error());
}

// A key IsValidBlobKey accepts must name a file under the blob root.
void CheckBlobKey(const std::string& key) {
  if (!miri::IsValidBlobKey(key)) return;
  if (key.find('\0') != std::string::npos) Fail("blob key with NUL", key);
  std::filesystem::path p =
      (std::filesystem::path("/blobs") / key).lexically_normal();
  std::string s = p.string();
  if (s.rfind("/blobs/", 0) != 0 || s.size() <= 7) {
    Fail("blob key leaves the blob root", key);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t eol = in.find('\n');
  std::string_view line = in.substr(0, eol);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  miri::fuzz::FuzzMessage message = miri::fuzz::SplitMessage(
      eol == std::string_view::npos ? std::string_view() : in.substr(eol + 1));

  size_t sp1 = line.find(' ');
  std::string_view method = line.substr(0, sp1);
  std::string_view target =
      sp1 == std::string_view::npos ? std::string_view() : line.substr(sp1 + 1);
  target = target.substr(0, target.find(' '));

  Request req;
  req.method = std::string(method);
  if (!miri::http::ParseTarget(target, &req.path, &req.query)) return 0;
  if (req.path.empty() || req.path[0] != '/')
    Fail("decoded path is not absolute", req.path);
  if (req.path.find('\0') != std::string::npos) Fail("path with NUL");
  req.headers = std::move(message.headers);
  req.body = std::move(message.body);

  const Router& router = Routes();
  Router::Match m = router.Find(req.method, req.path);
  (void)router.Find("GET", req.path);
  if (m.route == nullptr) return 0;
  for (const auto& [name, value] : m.params) {
    if (m.route->pattern.find("{" + name + "}") == std::string::npos)
      Fail("a param the pattern does not have", name);
    if (value.empty()) Fail("an empty path param", name);
  }
  req.params = m.params;
  CheckSendable(miri::http::RequireIdParams(req));
  if (auto key = miri::http::IdempotencyKey(req); !key) {
    miri::fuzz::CheckErrorIsSendable(key.error());
  } else if (!miri::IsSafeId(*key)) {
    Fail("an idempotency key that is not a safe id", *key);
  }
  CheckBlobKey(req.Query("key"));

  std::string type = req.Header("content-type");
  if (type.rfind("text/", 0) == 0) {
    // PUT .../lyrics: UTF-8 text without NUL, then the lyrics parser.
    if (!req.body.empty() && miri::IsValidUtf8(req.body) &&
        req.body.find('\0') == std::string::npos) {
      auto lyrics = miri::ParseLyricsAuto(req.body);
      if (!lyrics) miri::fuzz::CheckErrorIsSendable(lyrics.error());
    }
  } else if (!req.body.empty()) {
    auto body = miri::http::ReadJsonObject(req);
    if (!body) miri::fuzz::CheckErrorIsSendable(body.error());
  }
  return 0;
}
