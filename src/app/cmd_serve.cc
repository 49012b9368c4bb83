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
//   (whsec_..., Standard Webhooks for providers without a cloud adapter;
//   without it those webhooks are refused), MIRI_SIO_PING_INTERVAL_MS /
//   MIRI_SIO_PING_TIMEOUT_MS, --workers / MIRI_WORKERS (request handler
//   threads, default 32), MIRI_MAX_CONNECTIONS (open connections at most,
//   default 1000; one more gets a 503), MIRI_MIN_FREE_DISK_MB (/readyz is
//   503 below it; 256), MIRI_RECONCILE_INTERVAL_MS (how often
//   pending jobs are polled; 30000), MIRI_UNRECORDED_JOB_WAIT_MS (how long
//   a fal job whose dispatch was never recorded waits for its webhook
//   before a new attempt; 900000). Cloud providers and their webhooks
//   (FAL_KEY, MIRI_PUBLIC_URL, ...) and MIRI_GCS_CACHE_MB:
//   app/composition.h.
// The first log line {"msg":"listening","port":N} tells scripts the port.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include "adapters/aubio/analyze.h"
#include "adapters/ffmpeg/ffmpeg_renderer.h"
#include "adapters/hnsw/hnsw_index.h"
#include "adapters/lexical/lexical_embedder.h"
#include "app/background_work.h"
#include "app/commands.h"
#include "app/composition.h"
#include "app/doctor.h"
#include "app/json_spdlog.h"
#include "app/produce.h"
#include "domain/event_payload.h"
#include "http/api.h"
#include "http/json_log.h"
#include "http/server.h"
#include "http/sio_hub.h"
#include "http/standard_webhook_verifier.h"
#include "services/commands/command_service.h"
#include "services/planning/bounded_director.h"
#include "services/planning/local_director.h"
#include "services/planning/repair.h"

namespace miri::app {
namespace {

struct ServeOptions {
  int port = -1;
  std::string host;
  std::string data;
  std::string web;
  int threads = 2;
  int workers = 0;  // 0: MIRI_WORKERS, else 32
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
  if (o.web.empty())
    o.web = Env("MIRI_WEB_DIR",
                std::filesystem::exists("web/dist") ? "web/dist" : "");
  http::ApiConfig config;
  config.bearer_token = Env("MIRI_API_TOKEN");
  if (config.bearer_token.empty() && !IsLoopback(o.host)) {
    return Fail(
        "refusing to serve without MIRI_API_TOKEN on a non-loopback address " +
        o.host);
  }
  std::string origins = Env("MIRI_CORS_ORIGINS");
  for (size_t start = 0; start < origins.size();) {
    size_t comma = origins.find(',', start);
    std::string one = origins.substr(
        start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!one.empty()) config.cors_origins.push_back(one);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  config.web_root = o.web;
  // /readyz says "disk" when the data directory's file system runs low.
  config.data_dir = o.data;
  config.min_free_disk_bytes = static_cast<uint64_t>(std::atoll(
                                   Env("MIRI_MIN_FREE_DISK_MB", "256").c_str()))
                               << 20;

  // The composition root picks every adapter (embedded defaults without
  // credentials) and says which on start-up.
  auto plan = PlanComposition(ProcessEnv(), o.data);
  if (!plan) return Fail(plan.error().ToString());
  UseJsonLogs();  // the services' log lines in the server's JSON format
  http::LogJson("info", StartupLine(*plan), {});
  // Fault injection for offline tests: MIRI_LOCAL_PROVIDERS=paused queues
  // jobs without running them (a job "still running" when the process
  // dies); =webhook runs them (outputs stored) but holds their results
  // back, so they arrive only through the generic webhook route or the
  // reconciler's polls; MIRI_LOCAL_LATENCY_MS slows every local job.
  ComposeOptions compose;
  const std::string local_mode = Env("MIRI_LOCAL_PROVIDERS");
  if (!local_mode.empty() && local_mode != "paused" &&
      local_mode != "webhook") {
    return Fail(
        "MIRI_LOCAL_PROVIDERS must be paused or webhook (or unset), "
        "not " +
        local_mode);
  }
  const bool paused = local_mode == "paused";
  const bool held = local_mode == "webhook";
  const auto latency = std::chrono::milliseconds(
      std::atoi(Env("MIRI_LOCAL_LATENCY_MS", "0").c_str()));
  for (local::LocalProviderOptions* p :
       {&compose.image, &compose.video.provider}) {
    p->start_paused = paused;
    p->deliver_results = !held;
    p->latency = latency;
  }
  auto stack = Compose(*plan, compose);
  if (!stack) return Fail(stack.error().ToString());
  Store& store = *(*stack)->store;
  BlobStore& blobs = *(*stack)->blobs;
  EventBus& bus = *(*stack)->bus;
  const std::string redis_url = (*stack)->plan.redis_url;

  SystemClock clock;
  std::unique_ptr<http::WebhookVerifier> verifier;
  if (std::string secret = Env("MIRI_WEBHOOK_SECRET"); !secret.empty()) {
    auto v = http::StandardWebhookVerifier::Create(secret, clock);
    if (!v) return Fail(v.error().ToString());
    verifier = std::move(*v);
  } else {
    verifier = std::make_unique<http::RefuseAllVerifier>();
  }

  // Orchestration: rules, provider dispatch, results, final render.
  LexicalEmbedder embedder;
  auto index = HnswIndex::Open(std::filesystem::path(o.data) / "rules-index",
                               embedder.dimensions());
  if (!index) return Fail(index.error().ToString());
  Rulebook rulebook(store, embedder, **index, *(*stack)->vision, &bus, clock,
                    [] { return "r" + RandomUuid().substr(0, 8); });
  OrchestratorOptions orchestration;
  orchestration.reconcile_after_ms = ReconcileAfterMs((*stack)->plan);
  orchestration.unrecorded_job_wait_ms = (*stack)->plan.unrecorded_job_wait_ms;
  Orchestrator orchestrator(
      store, blobs, &bus, *(*stack)->images, *(*stack)->videos,
      *(*stack)->vision, &rulebook, clock,
      [] { return RandomUuid().substr(0, 12); }, orchestration);
  orchestrator.SetImageAuditor((*stack)->auditor.get());
  const std::filesystem::path renders =
      std::filesystem::path(o.data) / "renders";
  // A failed render leaves the project FAILED with the error as its cause
  // (RenderProject), which the dashboard shows; the log carries it too.
  ffmpeg::FfmpegRenderer renderer(clock);
  auto render = [&](const std::string& project_id) {
    std::error_code ec;
    std::filesystem::create_directories(renders, ec);
    render::RenderRequest request;
    request.song_key = "projects/" + project_id + "/audio/song.mp3";
    request.output = renders / (project_id + ".mp4");
    auto done =
        render::RenderProject({store, blobs, bus, renderer, clock}, project_id,
                              request, [](const std::string&, bool) {});
    http::LogJson(
        done ? "info" : "error", done ? "rendered" : "render failed",
        {{"projectId", project_id},
         {"detail", done ? request.output.string() : done.error().ToString()}});
  };
  const auto reconcile_every = std::chrono::milliseconds(std::max(
      50, std::atoi(Env("MIRI_RECONCILE_INTERVAL_MS", "30000").c_str())));
  BackgroundWork work(store, orchestrator, render, reconcile_every);
  (*stack)->results.Attach(&orchestrator);
  CommandService commands(store, bus, clock, orchestrator);
  commands.SetRequestAuditor((*stack)->request_auditor.get());
  commands.SetRenderStarter(
      [&work](const std::string& p) { work.QueueRender(p); });
  struct Detach {
    Stack& s;
    ~Detach() { s.results.Attach(nullptr); }
  } detach{**stack};
  // The local director (aubio + lyrics): POST .../plan returns its proposal,
  // which the person edits and commits with PUT .../plan.
  AubioSongAnalyzer analyzer;
  LocalDirector local_director(analyzer);
  CheckedDirector checked_director(local_director);
  // Plans of different projects run side by side, two at a time (cores).
  BoundedDirector director(checked_director, 2);
  // fal's and Kling's own webhook handling when their cloud adapters are
  // configured; the generic verifier guards the rest.
  // The start-up checks (`miri doctor`'s), on a thread of their own.
  CurlHttpClient doctor_http;
  StartupChecks checks(**stack, doctor_http, clock);
  http::Api api({&store, &blobs, &bus, &clock, &commands, verifier.get(),
                 &rulebook, &director, (*stack)->WebhookReceivers(),
                 [&checks] { return checks.Json(); }},
                config);
  http::SioHub hub(bus);
  http::ServerOptions so;
  so.address = o.host;
  so.port = static_cast<uint16_t>(o.port);
  so.threads = o.threads;
  so.workers =
      o.workers > 0 ? o.workers : std::atoi(Env("MIRI_WORKERS", "32").c_str());
  if (so.workers < 1 || so.workers > 256)
    return Fail("MIRI_WORKERS must be 1..256");
  so.max_connections = std::atoi(Env("MIRI_MAX_CONNECTIONS", "1000").c_str());
  if (so.max_connections < 16 || so.max_connections > 100000)
    return Fail("MIRI_MAX_CONNECTIONS must be 16..100000");
  so.handle_signals = true;
  so.log_requests = Env("MIRI_LOG_REQUESTS", "1") != "0";
  so.sio.ping_interval_ms =
      std::atoi(Env("MIRI_SIO_PING_INTERVAL_MS", "25000").c_str());
  so.sio.ping_timeout_ms =
      std::atoi(Env("MIRI_SIO_PING_TIMEOUT_MS", "20000").c_str());
  http::Server server(api, hub, so);
  auto port = server.Start();
  if (!port) return Fail(port.error().ToString());
  http::LogJson(
      "info", "listening",
      {{"port", *port},
       {"host", o.host},
       {"bus", redis_url.empty() ? "inproc" : "redis"},
       {"auth", config.bearer_token.empty() ? "none (loopback)" : "bearer"},
       {"pid", static_cast<int>(getpid())}});
  server.Wait();
  http::LogJson("info", "stopped");
  return 0;
}

}  // namespace

void RegisterServeCommand(CLI::App& app) {
  auto opts = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "Run the HTTP API, webhooks, Socket.IO and the SPA");
  cmd->add_option("--port", opts->port,
                  "TCP port (env PORT, default 8080; 0: any free port)");
  cmd->add_option("--host", opts->host,
                  "listen address (env MIRI_HOST, default 127.0.0.1)");
  cmd->add_option("--data", opts->data,
                  "data directory (env MIRI_DATA_DIR, default ./miri-data)");
  cmd->add_option("--web", opts->web, "built SPA directory (env MIRI_WEB_DIR)");
  cmd->add_option("--threads", opts->threads, "I/O threads (default 2)")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--workers", opts->workers,
                  "request handler threads (env MIRI_WORKERS, default 32): "
                  "handlers wait "
                  "on the store there, and concurrent writes share one commit")
      ->check(CLI::Range(1, 256));
  cmd->callback([opts] { throw CLI::RuntimeError(RunServe(*opts)); });
}

}  // namespace miri::app
