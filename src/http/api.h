// Api: the REST API of `miri serve` as a function from Request to Response,
// independent of the transport. It owns the route table (router.h), checks
// authentication and CORS, and serves the SPA for every other GET.
//
// Routes and their rules are listed in /api/openapi.json (openapi.cc); a
// test keeps that document and the table in step.
#ifndef MIRI_HTTP_API_H_
#define MIRI_HTTP_API_H_

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/auth_throttle.h"
#include "http/http_types.h"
#include "http/router.h"
#include "http/webhook_receiver.h"
#include "ports/blob_store.h"
#include "ports/clock.h"
#include "ports/director.h"
#include "ports/event_bus.h"
#include "ports/store.h"
#include "services/commands/command_service.h"
#include "services/render/animatic.h"
#include "services/rulebook/rulebook.h"

namespace miri::http {

// Verifies a webhook's Standard Webhooks signature on the raw body
// (reliability.md section 3): the generic path, for providers without a
// WebhookReceiver (webhook_receiver.h).
class WebhookVerifier {
 public:
  virtual ~WebhookVerifier() = default;
  // OK, or an error whose message says why (returned as 401).
  virtual Result<void> Verify(std::string_view provider,
                              const Request& request) = 0;
};

// Refuses every webhook: the default until a verifier is configured.
class RefuseAllVerifier final : public WebhookVerifier {
 public:
  Result<void> Verify(std::string_view provider, const Request&) override;
};

struct ApiConfig {
  // Bearer token every kBearer route needs. Empty: unauthenticated local
  // mode, which `miri serve` allows only when bound to loopback.
  std::string bearer_token;
  // Origins allowed by CORS and on the Socket.IO upgrade; empty: none
  // (same-origin use of the served SPA needs no CORS).
  std::vector<std::string> cors_origins;
  // The built SPA (index.html fallback); empty: no static serving.
  std::filesystem::path web_root;
  size_t song_limit = 32u << 20;     // bytes of an uploaded MP3
  size_t lyrics_limit = 256u << 10;  // bytes of uploaded lyrics
  // /readyz is 503 naming "disk" when the file system under data_dir (the
  // SQLite file, blobs, renders) has less free space than this; empty
  // data_dir: not checked.
  std::filesystem::path data_dir;
  uint64_t min_free_disk_bytes = 256ull << 20;
  // Host names answered besides the loopback names (MIRI_ALLOWED_HOSTS;
  // host_guard.h). Without a bearer token every request's Host and Origin
  // must name an allowed host (DNS rebinding); with a token they are
  // checked only when this list is set.
  std::vector<std::string> allowed_hosts;
  // Failed bearer tokens per client before 429 (auth_throttle.h).
  AuthThrottleOptions auth_throttle;
  // Proxies in front that append to X-Forwarded-For (MIRI_TRUSTED_PROXY_HOPS;
  // 1 on Cloud Run): which address is the client's. 0: the TCP peer.
  int trusted_proxy_hops = 0;
};

struct ApiDeps {
  Store* store = nullptr;
  BlobStore* blobs = nullptr;
  EventBus* bus = nullptr;
  const Clock* clock = nullptr;
  CommandService* commands = nullptr;
  WebhookVerifier* verifier = nullptr;
  Rulebook* rulebook = nullptr;  // the rules routes answer 503 without one
  // POST .../plan proposes its plan (called from one request at a time);
  // without one it answers 501.
  Director* director = nullptr;
  // Per provider ("fal", "kling"): the adapter's own webhook handling; a
  // provider without one uses `verifier` + `commands` (the generic Standard
  // Webhooks route).
  std::map<std::string, WebhookReceiver*> webhook_receivers;
  // The start-up checks of every provider and cloud service with the
  // circuits' states now (app/doctor.h StartupChecks::Json): /readyz
  // carries them, GET /api/system/checks answers them. Unset: not run.
  std::function<nlohmann::json()> system_checks;
  // POST .../animatic renders the project's animatic with it (issue 20);
  // without one it answers 501.
  render::AnimaticService* animatic = nullptr;
};

class Api {
 public:
  Api(ApiDeps deps, ApiConfig config);

  // Never throws; unexpected failures become 500 with a request id (the
  // cause is logged under it, never sent).
  Response Handle(Request request) const;
  // The body limit of the route a request header names (checked by the
  // server before it reads the body).
  size_t BodyLimit(std::string_view method, std::string_view path) const;
  // Constant-time check of a bearer token.
  bool TokenAccepted(std::string_view token) const;
  // Socket.IO CONNECT's check: the token, and the failed-attempt throttle
  // of `client` (ClientOf the upgrade request; false while throttled).
  bool SocketTokenAccepted(std::string_view token,
                           const std::string& client) const;
  // The client's address: the peer, or behind trusted proxies the one they
  // saw (ApiConfig::trusted_proxy_hops).
  std::string ClientOf(const Request& request) const;
  bool OriginAllowed(std::string_view origin) const;
  // The DNS rebinding guard: a 403 naming "host" or "origin" when the
  // request addresses this server by a name it does not answer, or comes
  // from a page of another host; nullopt when it may proceed. Probes
  // (/healthz, /readyz) and webhooks (signed) are not checked.
  std::optional<Response> RefuseForeign(const Request& request) const;
  // The same for a WebSocket upgrade (which CORS does not cover): also
  // refuses, in token mode, an Origin that is neither the Host nor an
  // allowed CORS origin.
  std::optional<Response> RefuseUpgrade(const Request& request) const;
  // For Socket.IO "subscribe": NOT_FOUND for an unknown project.
  Result<void> ProjectExists(std::string_view project_id) const {
    auto p = deps_.store->GetProject(project_id);
    if (!p) return tl::unexpected(p.error());
    return {};
  }
  const Router& router() const { return router_; }
  const ApiConfig& config() const { return config_; }
  // /readyz: false while draining or when a dependency is down.
  void SetDraining() const { draining_.store(true); }

 private:
  Response Dispatch(Request& request) const;
  Response Internal(const Request& request, Response failed) const;
  Response ServeStatic(const Request& request) const;
  void AddCors(const Request& request, Response* response) const;
  bool GuardsHosts() const;
  bool HostAllowed(std::string_view name) const;

  // The bearer check of a kBearer route: nullopt when it may proceed, else
  // the 401 or 429.
  std::optional<Response> Authenticate(const Request& request) const;

  ApiDeps deps_;
  ApiConfig config_;
  Router router_;
  std::unique_ptr<AuthThrottle> throttle_;
  mutable std::atomic<bool> draining_{false};
};

// Controllers: each adds its routes to the router.
void AddSystemRoutes(Router& router, const ApiDeps& deps,
                     const std::atomic<bool>* draining,
                     const ApiConfig& config);
void AddProjectRoutes(Router& router, const ApiDeps& deps,
                      const ApiConfig& config);
void AddShotRoutes(Router& router, const ApiDeps& deps);
void AddRuleRoutes(Router& router, const ApiDeps& deps);
void AddMediaRoutes(Router& router, const ApiDeps& deps);
void AddWebhookRoutes(Router& router, const ApiDeps& deps);

// The OpenAPI 3 document served at /api/openapi.json.
const nlohmann::json& OpenApiDocument();

}  // namespace miri::http

#endif  // MIRI_HTTP_API_H_
