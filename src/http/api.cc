#include "http/api.h"

#include <exception>
#include <optional>

#include "domain/event_payload.h"
#include "http/byte_range.h"
#include "http/controller_util.h"
#include "http/host_guard.h"
#include "http/json_log.h"

namespace miri::http {
namespace fs = std::filesystem;
namespace {

bool IsApiPath(std::string_view path) {
  return path == "/healthz" || path == "/readyz" || path == "/api" ||
         path.rfind("/api/", 0) == 0;
}

std::string ContentTypeOf(const fs::path& p) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript"},
      {".mjs", "text/javascript"},
      {".css", "text/css"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"}};
  auto it = kTypes.find(p.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

constexpr std::string_view kTokenCookie = "miri_token";

// The value of cookie `name` in a Cookie header ("a=1; miri_token=x").
std::optional<std::string> CookieValue(std::string_view header,
                                       std::string_view name) {
  while (!header.empty()) {
    size_t end = header.find(';');
    std::string_view pair = header.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
        pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return std::nullopt;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

}  // namespace

Result<void> RefuseAllVerifier::Verify(std::string_view provider,
                                       const Request&) {
  return MakeError(
      ErrorCode::kFailedPrecondition,
      "no webhook verifier is configured for " + std::string(provider));
}

Api::Api(ApiDeps deps, ApiConfig config)
    : deps_(deps), config_(std::move(config)) {
  static const SystemClock kSystemClock;
  throttle_ = std::make_unique<AuthThrottle>(
      deps_.clock != nullptr ? *deps_.clock : kSystemClock,
      config_.auth_throttle);
  AddSystemRoutes(router_, deps_, &draining_, config_);
  AddProjectRoutes(router_, deps_, config_);
  AddShotRoutes(router_, deps_);
  AddRuleRoutes(router_, deps_);
  AddMediaRoutes(router_, deps_);
  AddWebhookRoutes(router_, deps_);
}

bool Api::TokenAccepted(std::string_view token) const {
  if (config_.bearer_token.empty()) return true;
  return ConstantTimeEquals(token, config_.bearer_token);
}

bool Api::SocketTokenAccepted(std::string_view token,
                              const std::string& client) const {
  if (config_.bearer_token.empty()) return true;
  if (throttle_->RetryAfterMs(client) > 0) return false;
  if (TokenAccepted(token)) return true;
  throttle_->Failed(client);
  return false;
}

std::string Api::ClientOf(const Request& request) const {
  return ClientAddress(request.remote, request.Header("x-forwarded-for"),
                       config_.trusted_proxy_hops);
}

std::optional<Response> Api::Authenticate(const Request& request) const {
  const std::string client = ClientOf(request);
  if (int64_t wait = throttle_->RetryAfterMs(client); wait > 0) {
    const int64_t seconds = (wait + 999) / 1000;
    Response r = ErrorResponse(
        429, "RESOURCE_EXHAUSTED",
        "too many failed sign-in attempts from this address: try again in " +
            std::to_string(seconds) + " s",
        {{"Authorization",
          "refused for " + std::to_string(seconds) + " s after " +
              std::to_string(config_.auth_throttle.max_failures) +
              " wrong tokens"}});
    r.SetHeader("Retry-After", std::to_string(seconds));
    return r;
  }
  std::string auth = request.Header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  bool ok =
      auth.rfind(kBearer, 0) == 0 && TokenAccepted(auth.substr(kBearer.size()));
  // <img>, <video> and download links cannot send a header: reads (GET
  // only, never a command) also accept the dashboard's SameSite=Strict
  // cookie holding the same token.
  if (!ok && request.method == "GET") {
    std::optional<std::string> cookie =
        CookieValue(request.Header("cookie"), kTokenCookie);
    ok = cookie && TokenAccepted(*cookie);
  }
  if (ok) return std::nullopt;
  throttle_->Failed(client);
  Response r =
      ErrorResponse(401, "UNAUTHENTICATED", "unauthenticated",
                    {{"Authorization", "missing or invalid bearer token"}});
  r.SetHeader("WWW-Authenticate", "Bearer");
  return r;
}

bool Api::OriginAllowed(std::string_view origin) const {
  for (const std::string& o : config_.cors_origins) {
    if (o == origin || o == "*") return true;
  }
  return false;
}

bool Api::GuardsHosts() const {
  return config_.bearer_token.empty() || !config_.allowed_hosts.empty();
}

bool Api::HostAllowed(std::string_view name) const {
  if (name.empty()) return false;
  for (const std::string& n : LoopbackHostNames())
    if (n == name) return true;
  for (const std::string& n : config_.allowed_hosts)
    if (n == name) return true;
  return false;
}

std::optional<Response> Api::RefuseForeign(const Request& request) const {
  const std::string& path = request.path;
  if (!GuardsHosts() || path == "/healthz" || path == "/readyz" ||
      path.rfind("/api/webhooks/", 0) == 0) {
    return std::nullopt;
  }
  // Browsers always send Host; a client without one is no browser, so no
  // page can be behind it.
  std::string host = request.Header("host");
  if (!host.empty() && !HostAllowed(HostName(host))) {
    return ErrorResponse(
        403, "FORBIDDEN",
        "this server does not answer to the host name \"" + host +
            "\" (a page on another site may have pointed that name at it)",
        {{"host",
          "not an allowed host; the loopback names (localhost, 127.0.0.1, "
          "[::1]) are, and MIRI_ALLOWED_HOSTS=name,... adds others"}});
  }
  std::string origin = request.Header("origin");
  if (!origin.empty() && !OriginAllowed(origin) &&
      !HostAllowed(OriginHostName(origin))) {
    return ErrorResponse(
        403, "FORBIDDEN",
        "pages from \"" + origin + "\" may not call this server",
        {{"origin",
          "not an allowed origin; add its host to MIRI_ALLOWED_HOSTS or the "
          "origin to MIRI_CORS_ORIGINS"}});
  }
  return std::nullopt;
}

std::optional<Response> Api::RefuseUpgrade(const Request& request) const {
  if (auto refused = RefuseForeign(request)) return refused;
  std::string origin = request.Header("origin");
  if (origin.empty() || GuardsHosts()) return std::nullopt;
  std::string host = request.Header("host");
  if (origin == "http://" + host || origin == "https://" + host ||
      OriginAllowed(origin)) {
    return std::nullopt;
  }
  return ErrorResponse(403, "FORBIDDEN", "origin not allowed",
                       {{"origin",
                         "neither this server nor an allowed CORS "
                         "origin (MIRI_CORS_ORIGINS)"}});
}

size_t Api::BodyLimit(std::string_view method, std::string_view path) const {
  Router::Match m = router_.Find(method, path);
  return m.route ? m.route->body_limit : kDefaultBodyLimit;
}

void Api::AddCors(const Request& request, Response* response) const {
  std::string origin = request.Header("origin");
  if (origin.empty() || !OriginAllowed(origin)) return;
  response->SetHeader("Access-Control-Allow-Origin", origin);
  response->SetHeader("Vary", "Origin");
}

Response Api::Handle(Request request) const {
  Response r;
  try {
    r = Dispatch(request);
  } catch (const std::exception& e) {
    r = ErrorResponse(ErrorCode::kInternal,
                      std::string("internal error: ") + e.what());
  } catch (...) {
    r = ErrorResponse(ErrorCode::kInternal, "internal error");
  }
  if (r.status == 500) r = Internal(request, std::move(r));
  // Media (song, images, clips, the render) and static files: seeking and
  // resumed downloads ask for a part.
  ApplyByteRange(request, &r);
  AddCors(request, &r);
  return r;
}

// A real 500 (an exception, a store or service that failed in a way no
// input explains): its cause goes to the log with a request id; the
// client gets only the id, to quote when reporting it.
Response Api::Internal(const Request& request, Response failed) const {
  const std::string id = RandomUuid();
  nlohmann::json body = nlohmann::json::parse(failed.body, nullptr, false);
  std::string cause = failed.body;
  if (body.is_object() && body.contains("error") && body["error"].is_object() &&
      body["error"].contains("message") &&
      body["error"]["message"].is_string()) {
    cause = body["error"]["message"].get<std::string>();
  }
  LogJson("error", "internal error",
          {{"requestId", id},
           {"method", request.method},
           {"path", request.path},
           {"cause", cause}});
  Response r =
      Response::Json(500, {{"error",
                            {{"code", "INTERNAL"},
                             {"message",
                              "internal error: the server logged its cause "
                              "under request id " +
                                  id},
                             {"requestId", id},
                             {"issues", nlohmann::json::array()}}}});
  r.SetHeader("x-request-id", id);
  return r;
}

Response Api::Dispatch(Request& request) const {
  // A CORS preflight does nothing itself; it is answered by the CORS list.
  if (request.method != "OPTIONS") {
    if (auto refused = RefuseForeign(request)) return std::move(*refused);
  }
  if (request.method == "OPTIONS") {
    std::string origin = request.Header("origin");
    if (origin.empty() || !OriginAllowed(origin)) {
      return ErrorResponse(403, "FORBIDDEN", "CORS preflight refused",
                           {{"Origin", "not an allowed origin"}});
    }
    Response r;
    r.status = 204;
    r.content_type.clear();
    r.SetHeader("Access-Control-Allow-Methods", "GET, POST, PUT, OPTIONS");
    r.SetHeader("Access-Control-Allow-Headers",
                "Authorization, Content-Type, Idempotency-Key");
    r.SetHeader("Access-Control-Max-Age", "600");
    return r;
  }
  if (!IsApiPath(request.path)) {
    if (request.method == "GET" || request.method == "HEAD")
      return ServeStatic(request);
    return ErrorResponse(ErrorCode::kNotFound, "no route " + request.path);
  }
  Router::Match m = router_.Find(request.method, request.path);
  if (m.route == nullptr) {
    if (m.path_exists) {
      return ErrorResponse(
          405, "METHOD_NOT_ALLOWED",
          "method " + request.method + " not allowed on " + request.path,
          {{"method", "not allowed on this path"}});
    }
    return ErrorResponse(ErrorCode::kNotFound, "no route " + request.path,
                         {{"path", "no such route"}});
  }
  if (m.route->access == Access::kBearer && !config_.bearer_token.empty()) {
    if (auto refused = Authenticate(request)) return std::move(*refused);
  }
  request.params = std::move(m.params);
  if (auto ok = RequireIdParams(request); !ok) return ErrorResponse(ok.error());
  return m.route->handler(request);
}

Response Api::ServeStatic(const Request& request) const {
  if (config_.web_root.empty()) {
    return ErrorResponse(ErrorCode::kNotFound, "no route " + request.path);
  }
  fs::path rel = fs::path(request.path).relative_path().lexically_normal();
  bool escapes = !rel.empty() && *rel.begin() == "..";
  std::error_code ec;
  fs::path file = config_.web_root / rel;
  if (escapes || rel.empty() || !fs::is_regular_file(file, ec)) {
    file = config_.web_root / "index.html";  // the SPA routes on the client
    if (!fs::is_regular_file(file, ec)) {
      return ErrorResponse(ErrorCode::kNotFound, "no route " + request.path);
    }
  }
  Response r;
  r.content_type = ContentTypeOf(file);
  r.file = file.string();
  return r;
}

}  // namespace miri::http
