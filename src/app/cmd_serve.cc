// `miri serve`: the composition root of the API server. Picks adapters from
// the environment (design.md section 1): SQLite file + local blobs under the
// data directory; Redis Pub/Sub when MIRI_REDIS_URL is set, else the
// in-process bus.
//
// Configuration (flags win over the environment):
//   --port N / PORT (default 8080; 0 picks a free port), --host / MIRI_HOST
//   (default 127.0.0.1), --data DIR / MIRI_DATA_DIR (default ./miri-data),
//   --web DIR / MIRI_WEB_DIR (the built SPA; default web/dist if present),
//   MIRI_REDIS_URL, MIRI_API_TOKEN (bearer token; required unless bound to
//   loopback), MIRI_CORS_ORIGINS (comma list), MIRI_WEBHOOK_SECRET
//   (whsec_..., Standard Webhooks; without it every webhook is refused),
//   MIRI_SIO_PING_INTERVAL_MS / MIRI_SIO_PING_TIMEOUT_MS.
// The first log line {"msg":"listening","port":N} tells scripts the port.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include "adapters/inproc_bus/inproc_bus.h"
#include "adapters/localfs/localfs_blob_store.h"
#include "adapters/redis/redis_bus.h"
#include "adapters/sqlite/sqlite_store.h"
#include "app/commands.h"
#include "http/api.h"
#include "http/json_log.h"
#include "http/server.h"
#include "http/sio_hub.h"
#include "http/standard_webhook_verifier.h"

namespace miri::app {
namespace {

struct ServeOptions {
  int port = -1;
  std::string host;
  std::string data;
  std::string web;
  int threads = 2;
};

std::string Env(const char* name, std::string fallback = "") {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

bool IsLoopback(const std::string& host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost";
}

int Fail(const std::string& what) {
  http::LogJson("error", what);
  return 2;
}

int RunServe(ServeOptions o) {
  if (o.port < 0) o.port = std::atoi(Env("PORT", "8080").c_str());
  if (o.host.empty()) o.host = Env("MIRI_HOST", "127.0.0.1");
  if (o.host == "localhost") o.host = "127.0.0.1";
  if (o.data.empty()) o.data = Env("MIRI_DATA_DIR", "miri-data");
  if (o.web.empty()) o.web = Env("MIRI_WEB_DIR", std::filesystem::exists("web/dist") ? "web/dist" : "");
  http::ApiConfig config;
  config.bearer_token = Env("MIRI_API_TOKEN");
  if (config.bearer_token.empty() && !IsLoopback(o.host)) {
    return Fail("refusing to serve without MIRI_API_TOKEN on a non-loopback address " + o.host);
  }
  std::string origins = Env("MIRI_CORS_ORIGINS");
  for (size_t start = 0; start < origins.size();) {
    size_t comma = origins.find(',', start);
    std::string one = origins.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!one.empty()) config.cors_origins.push_back(one);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  config.web_root = o.web;

  std::error_code ec;
  std::filesystem::create_directories(o.data, ec);
  auto store = SqliteStore::Open((std::filesystem::path(o.data) / "miri.db").string());
  if (!store) return Fail("opening the store: " + store.error().ToString());
  auto blobs = LocalFsBlobStore::Open(std::filesystem::path(o.data) / "blobs");
  if (!blobs) return Fail("opening the blob store: " + blobs.error().ToString());

  std::unique_ptr<EventBus> bus;
  std::string redis_url = Env("MIRI_REDIS_URL");
  if (!redis_url.empty()) {
    auto address = ParseRedisUrl(redis_url);
    if (!address) return Fail(address.error().ToString());
    auto redis = RedisBus::Connect(*address, 5000);
    if (!redis) return Fail(redis.error().ToString());
    bus = std::move(*redis);
  } else {
    bus = std::make_unique<InProcessBus>();
  }

  SystemClock clock;
  std::unique_ptr<http::WebhookVerifier> verifier;
  if (std::string secret = Env("MIRI_WEBHOOK_SECRET"); !secret.empty()) {
    auto v = http::StandardWebhookVerifier::Create(secret, clock);
    if (!v) return Fail(v.error().ToString());
    verifier = std::move(*v);
  } else {
    verifier = std::make_unique<http::RefuseAllVerifier>();
  }
  ShotCommands commands(**store, *bus, clock);
  http::Api api({store->get(), blobs->get(), bus.get(), &clock, &commands, verifier.get()}, config);
  http::SioHub hub(*bus);
  http::ServerOptions so;
  so.address = o.host;
  so.port = static_cast<uint16_t>(o.port);
  so.threads = o.threads;
  so.handle_signals = true;
  so.log_requests = Env("MIRI_LOG_REQUESTS", "1") != "0";
  so.sio.ping_interval_ms = std::atoi(Env("MIRI_SIO_PING_INTERVAL_MS", "25000").c_str());
  so.sio.ping_timeout_ms = std::atoi(Env("MIRI_SIO_PING_TIMEOUT_MS", "20000").c_str());
  http::Server server(api, hub, so);
  auto port = server.Start();
  if (!port) return Fail(port.error().ToString());
  http::LogJson("info", "listening",
                {{"port", *port}, {"host", o.host}, {"bus", redis_url.empty() ? "inproc" : "redis"},
                 {"auth", config.bearer_token.empty() ? "none (loopback)" : "bearer"},
                 {"pid", static_cast<int>(getpid())}});
  server.Wait();
  http::LogJson("info", "stopped");
  return 0;
}

}  // namespace

void RegisterServeCommand(CLI::App& app) {
  auto opts = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand("serve", "Run the HTTP API, webhooks, Socket.IO and the SPA");
  cmd->add_option("--port", opts->port, "TCP port (env PORT, default 8080; 0: any free port)");
  cmd->add_option("--host", opts->host, "listen address (env MIRI_HOST, default 127.0.0.1)");
  cmd->add_option("--data", opts->data, "data directory (env MIRI_DATA_DIR, default ./miri-data)");
  cmd->add_option("--web", opts->web, "built SPA directory (env MIRI_WEB_DIR)");
  cmd->add_option("--threads", opts->threads, "I/O threads (default 2)")->check(CLI::Range(1, 64));
  cmd->callback([opts] { throw CLI::RuntimeError(RunServe(*opts)); });
}

}  // namespace miri::app
