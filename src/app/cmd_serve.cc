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
//   loopback), MIRI_CORS_ORIGINS (comma list), MIRI_ALLOWED_HOSTS (host
//   names answered besides localhost, 127.0.0.1 and [::1]; comma list),
//   MIRI_TRUSTED_PROXY_HOPS (proxies appending to X-Forwarded-For; 1 on
//   Cloud Run; 0), MIRI_WEBHOOK_SECRET
//   (whsec_..., Standard Webhooks for providers without a cloud adapter;
//   without it those webhooks are refused), MIRI_SIO_PING_INTERVAL_MS /
//   MIRI_SIO_PING_TIMEOUT_MS, --workers / MIRI_WORKERS (request handler
//   threads, default 32), MIRI_MAX_CONNECTIONS (open connections at most,
//   default 1000; one more gets a 503), MIRI_MIN_FREE_DISK_MB (/readyz is
//   503 below it; 256), MIRI_RECONCILE_INTERVAL_MS (how often
//   pending jobs are polled, and renders nobody renders any more are
//   resumed; 30000), MIRI_UNRECORDED_JOB_WAIT_MS (how long a fal job whose
//   dispatch was never recorded waits for its webhook before a new attempt;
//   900000). The final render (MIRI_RENDER_LEASE_MS, MIRI_RENDER_JOB, ...):
//   app/render_settings.h. Cloud providers and their webhooks (FAL_KEY,
//   MIRI_PUBLIC_URL, ...) and MIRI_GCS_CACHE_MB: app/composition.h.
// The first log line {"msg":"listening","port":N} tells scripts the port.
#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <iostream>
#include <memory>

#include "adapters/ffmpeg/ffmpeg_renderer.h"
#include "adapters/hnsw/hnsw_index.h"
#include "adapters/lexical/lexical_embedder.h"

#include "adapters/gcp/cloud_run_job.h"
#include "app/background_work.h"
#include "app/cloud_adapters.h"
#include "app/commands.h"
#include "app/composition.h"
#include "app/doctor.h"
#include "app/json_spdlog.h"
#include "app/produce.h"
#include "app/render_dispatch.h"
#include "app/render_settings.h"
#include "domain/event_payload.h"
#include "http/api.h"
#include "http/host_guard.h"
#include "http/json_log.h"
#include "http/server.h"
#include "http/sio_hub.h"
#include "http/standard_webhook_verifier.h"
#include "services/commands/command_service.h"
#include "services/planning/bounded_director.h"
#include "services/render/animatic.h"

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
  // DNS rebinding: the loopback names are always answered; others only
  // when listed (host_guard.h).
  auto hosts = http::ParseAllowedHosts(Env("MIRI_ALLOWED_HOSTS"));
  if (!hosts) return Fail(hosts.error().message);
  config.allowed_hosts = std::move(*hosts);
  // Proxies in front appending to X-Forwarded-For (1 on Cloud Run): whose
  // address the failed-token throttle counts.
  {
    const std::string hops = Env("MIRI_TRUSTED_PROXY_HOPS", "0");
    int value = -1;
    auto [end, ec] =
        std::from_chars(hops.data(), hops.data() + hops.size(), value);
    if (ec != std::errc() || end != hops.data() + hops.size() || value < 0 ||
        value > 10) {
      return Fail(
          "MIRI_TRUSTED_PROXY_HOPS must be a whole number 0..10, not \"" +
          hops + "\"");
    }
    config.trusted_proxy_hops = value;
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
  auto render_settings = ReadRenderWorkerSettings(ProcessEnv());
  if (!render_settings) return Fail(render_settings.error().ToString());
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
  // The rule index is this instance's copy of the store's rules, in memory:
  // built from the store here for every project, and kept in line as rules
  // change on any instance (RULE_UPDATED on the bus). The store is the
  // truth, so a new or restarted instance applies every rule learned
  // before it, and instances sharing a data directory share no index file.
  LexicalEmbedder embedder;
  auto index = HnswIndex::Open("", embedder.dimensions());
  if (!index) return Fail(index.error().ToString());
  Rulebook rulebook(store, embedder, **index, *(*stack)->vision, &bus, clock,
                    [] { return "r" + RandomUuid().substr(0, 8); });
  if (auto indexed = rulebook.EnsureIndexedAll(); indexed) {
    http::LogJson("info", "rules indexed from the store",
                  {{"rules", static_cast<int64_t>(*indexed)}});
  } else {
    // Each project is indexed again on its first use.
    http::LogJson("warn", "indexing the rules at start-up",
                  {{"detail", indexed.error().ToString()}});
  }
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
  // The final render runs under the project's render lease
  // (services/render/render_lease.h), renewed by this instance's heartbeat
  // while the render is queued or running, cleared when it ends.
  render::RenderLeases leases(store, clock,
                              "serve-" + RandomUuid().substr(0, 12),
                              render_settings->lease);
  leases.StartHeartbeat();
  // A failed render leaves the project FAILED with the error as its cause
  // (RenderProject), which the dashboard shows; the log carries it too.
  ffmpeg::FfmpegRenderer renderer(clock);
  // POST .../animatic: the preview before any clip is paid for (issue 20),
  // on the final render's frame rate (RenderRequest's) at 480x270.
  render::AnimaticService animatic(store, blobs, renderer, renders,
                                   render::AnimaticSettings{});
  const bool hold = render_settings->hold_for_tests;
  auto render = [&](const std::string& project_id) {
    std::error_code ec;
    std::filesystem::create_directories(renders, ec);
    render::RenderRequest request;
    request.song_key = "projects/" + project_id + "/audio/song.mp3";
    request.output = renders / (project_id + ".mp4");
    auto done = render::RenderProject(
        {store, blobs, bus, renderer, clock}, project_id, request,
        [&](const std::string&, bool final) {
          if (!hold || final) return;
          // MIRI_TEST_RENDER_HOLD: the render is mid-way, its lease held;
          // it waits here until the process is killed (kill -9 tests).
          http::LogJson("info", "render held (MIRI_TEST_RENDER_HOLD)",
                        {{"projectId", project_id}, {"owner", leases.owner()}});
          std::promise<void>().get_future().wait();
        });
    (void)leases.Release(project_id);
    http::LogJson(
        done ? "info" : "error", done ? "rendered" : "render failed",
        {{"projectId", project_id},
         {"detail", done ? request.output.string() : done.error().ToString()}});
  };
  // MIRI_RENDER_JOB: each render is an execution of that Cloud Run job,
  // started with this service's Google credentials (the metadata server on
  // Cloud Run).
  std::unique_ptr<gcp::CloudRunJob> render_job;
  if (!render_settings->job.empty()) {
    std::map<std::string, std::string> google_env;
    for (const char* const* v = kGoogleVariables; *v != nullptr; ++v) {
      if (auto value = ProcessEnv()(*v); value && !value->empty())
        google_env[*v] = *value;
    }
    auto tokens = gcp::DefaultCredentials(google_env, ProcessClock(),
                                          gcp::kCloudPlatformScope);
    if (!tokens) return Fail("MIRI_RENDER_JOB: " + tokens.error().ToString());
    gcp::CloudRunJobOptions job_options;
    job_options.job = render_settings->job;
    job_options.endpoint = render_settings->cloud_run_url;
    job_options.tokens = std::move(*tokens);
    auto job = gcp::CloudRunJob::Create(std::move(job_options));
    if (!job) return Fail(job.error().ToString());
    render_job = std::move(*job);
  }
  http::LogJson("info", "final render",
                {{"mode", render_job ? "cloud-run-job" : "in-process"},
                 {"job", render_settings->job},
                 {"leaseMs", render_settings->lease.count()},
                 {"owner", leases.owner()}});
  const auto reconcile_every = std::chrono::milliseconds(std::max(
      50, std::atoi(Env("MIRI_RECONCILE_INTERVAL_MS", "30000").c_str())));
  BackgroundWork* work_ptr = nullptr;
  RenderDispatch dispatch(
      store, clock, leases, render_job.get(),
      [&work_ptr](const std::string& p) { work_ptr->QueueRender(p); },
      [] { return "job-" + RandomUuid().substr(0, 12); });
  BackgroundWork work(
      store, orchestrator, render, [&dispatch] { dispatch.ResumeStopped(); },
      reconcile_every);
  work_ptr = &work;
  work.Start();
  (*stack)->results.Attach(&orchestrator);
  CommandService commands(store, bus, clock, orchestrator);
  commands.SetRequestAuditor((*stack)->request_auditor.get());
  commands.SetRenderStarter(
      [&dispatch](const std::string& p) { dispatch.Start(p); });
  struct Detach {
    Stack& s;
    ~Detach() { s.results.Attach(nullptr); }
  } detach{**stack};
  // POST .../plan returns the proposal of the project's DIRECTOR (Gemini
  // with GEMINI_API_KEY and a gemini-* model, else the local director),
  // which the person edits and commits with PUT .../plan.
  // Plans of different projects run side by side, two at a time (cores).
  BoundedDirector director(*(*stack)->director, 2);
  // fal's and Kling's own webhook handling when their cloud adapters are
  // configured; the generic verifier guards the rest.
  // The start-up checks (`miri doctor`'s), on a thread of their own.
  CurlHttpClient doctor_http;
  StartupChecks checks(**stack, doctor_http, clock);
  http::Api api({&store, &blobs, &bus, &clock, &commands, verifier.get(),
                 &rulebook, &director, (*stack)->WebhookReceivers(),
                 [&checks] { return checks.Json(); }, &animatic},
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
