// The composition root: reads configuration (environment variables) and
// picks one adapter per port. With no credentials every port falls back to
// its embedded default (design.md section 1): SQLite store file, in-process
// bus, local blob directory, local providers; the start-up log says so.
//
// Two steps, so the decision is data tests can check:
//   ASSIGN_OR_RETURN(auto plan, PlanComposition(ProcessEnv(), data_dir), "");
//   log(StartupLine(plan));
//   ASSIGN_OR_RETURN(auto stack, Compose(plan, {}), "");
//   stack->results.Attach(&orchestrator);  // provider results flow from here
//   deps.webhook_receivers = stack->WebhookReceivers();  // fal/Kling webhooks
//
// Variables: MIRI_STORE (sqlite|firestore), FIRESTORE_EMULATOR_HOST or
// MIRI_FIRESTORE_PROJECT (firestore), MIRI_REDIS_URL (redis bus),
// MIRI_GCS_BUCKET (GCS blobs), FAL_KEY + MIRI_FAL_LORAS (fal images),
// KLING_ACCESS_KEY + KLING_SECRET_KEY (Kling video), GEMINI_API_KEY (Gemini
// vision), MIRI_PROVIDERS=local (local providers even when keys are set).
// Cloud provider endpoints and webhooks: see CloudSettings below.
#ifndef MIRI_APP_COMPOSITION_H_
#define MIRI_APP_COMPOSITION_H_

#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/local/local_video_generator.h"
#include "domain/result.h"
#include "http/webhook_receiver.h"
#include "ports/blob_store.h"
#include "ports/director.h"
#include "ports/event_bus.h"
#include "ports/image_auditor.h"
#include "ports/image_generator.h"
#include "ports/provider_result.h"
#include "ports/request_auditor.h"
#include "ports/store.h"
#include "ports/video_generator.h"
#include "ports/vision_analyzer.h"

namespace miri::app {

// Reads one environment variable; injected so tests use a map.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;
EnvLookup ProcessEnv();

struct AdapterChoice {
  // "store", "bus", "blobs", "image", "video", "vision", "auditor"
  std::string port;
  std::string adapter;  // "sqlite", "firestore", "inproc", "redis", ...
  std::string detail;   // where (secrets redacted) or which variable chose it
  bool embedded = true;
};

// What the cloud adapters need, read from the environment. Hosts default
// to production; every one is configurable (tests, regional setups).
struct CloudSettings {
  // MIRI_PUBLIC_URL: where providers reach this service (a load balancer
  // in front of every instance); webhooks go to <url>/api/webhooks/{fal,
  // kling}. Empty: no webhooks, the reconciler polls the providers.
  std::string public_url;
  // MIRI_CALLBACK_SECRET (else MIRI_WEBHOOK_SECRET): signs the job in the
  // webhook URLs; the same on every instance. Required with public_url.
  std::string callback_secret;

  std::string fal_key;                                  // FAL_KEY
  std::string fal_queue_url = "https://queue.fal.run";  // MIRI_FAL_QUEUE_URL
  // MIRI_FAL_REST_URL: fal storage uploads of input images
  std::string fal_rest_url = "https://rest.fal.ai";
  // MIRI_FAL_JWKS_URL
  std::string fal_jwks_url = "https://rest.alpha.fal.ai/.well-known/jwks.json";
  std::string fal_user_id;  // MIRI_FAL_USER_ID: expected webhook user; "" any
  std::map<std::string, std::string>
      fal_loras;  // MIRI_FAL_LORAS "miriN14=<url>,..."
  // MIRI_FAL_RESULT_HOSTS: fal's CDN serves the apex and subdomains.
  std::vector<std::string> fal_result_hosts = {"fal.media", "*.fal.media"};

  std::string kling_access_key,
      kling_secret_key;  // KLING_ACCESS_KEY, KLING_SECRET_KEY
  std::string kling_base_url =
      "https://api-singapore.klingai.com";  // MIRI_KLING_BASE_URL
  // MIRI_KLING_RESULT_HOSTS: Kling's docs show results on *.kwimgs.com
  // (p1.a.kwimgs.com) as well as cdn.klingai.com.
  std::vector<std::string> kling_result_hosts = {"*.klingai.com",
                                                 "*.kwimgs.com"};
  // MIRI_KLING_MODEL, MIRI_KLING_MODE: checked against the capability map
  // (domain/video_models.h); the PRD's "Kling O3" is kling-v3-omni.
  std::string kling_model = "kling-v2-5-turbo";
  std::string kling_mode = "pro";
  // MIRI_KLING_REROUTE: where a clip the model cannot serve may go, in
  // order ("kling-v1-5,kling-v1"); "none": such clips are refused.
  std::vector<std::string> kling_reroute = {"kling-v1-5", "kling-v1"};
  // MIRI_KLING_USD_PER_UNIT: a unit's price in the resource pack bought;
  // 0: the price table's.
  double kling_usd_per_unit = 0;

  std::string gemini_api_key;  // GEMINI_API_KEY
  // MIRI_GEMINI_BASE_URL
  std::string gemini_base_url = "https://generativelanguage.googleapis.com";
  // MIRI_GEMINI_VISION_MODEL (rules, masks) and MIRI_GEMINI_AUDIT_MODEL
  // (image checks; empty: the vision model). gemini-2.5-* ids are past
  // their announced shutdown (ai.google.dev/gemini-api/docs/deprecations).
  std::string gemini_vision_model = "gemini-3.8-flash";
  std::string gemini_audit_model;

  // MIRI_TEST_LOOPBACK_FETCH=1: result downloads may use http and loopback
  // (the provider emulators). Never in production; the start-up line says so.
  bool loopback_fetch_for_tests = false;

  // MIRI_VERTEX_PROJECT (with FAL_KEY): images without Miri may also be
  // made by a Gemini image model on Vertex AI (services/routing); tokens
  // are the Application Default Credentials (app/cloud_adapters.h).
  // MIRI_VERTEX_REGION, MIRI_VERTEX_BASE_URL (an emulator) and
  // MIRI_VERTEX_IMAGE_MODEL (checked: VertexImageGenerator::CheckModel).
  std::string vertex_project;
  std::string vertex_region = "us-central1";
  std::string
      vertex_base_url;  // "": https://{region}-aiplatform.googleapis.com
  std::string vertex_image_model = "gemini-2.5-flash-image";
};

struct CompositionPlan {
  std::filesystem::path data_dir;
  std::vector<AdapterChoice> choices;  // one per port, in the order above
  // The Google Cloud variables set, when the store is Firestore, the
  // blobs are in Cloud Storage or images may go to Vertex AI; their
  // meaning is in app/cloud_adapters.h
  // (FIRESTORE_DATABASE, STORAGE_EMULATOR_HOST, credentials...).
  std::map<std::string, std::string> google_env;
  std::string redis_url;  // when bus = redis
  // The embedded image checker's script (auditor = nsfwjs):
  // MIRI_IMAGE_CHECK_SCRIPT, else tools/image-check/server.mjs of the
  // source tree this binary was built from.
  std::string image_check_script;
  CloudSettings cloud;  // secrets: never logged
  // MIRI_GCS_CACHE_MB (blobs = gcs): the local copies of Cloud Storage
  // blobs (LocalPath) are kept under this many MiB, least recently used
  // evicted first. On Cloud Run the data dir is memory. Default 1024.
  int64_t gcs_cache_bytes = int64_t{1024} << 20;
  // MIRI_UNRECORDED_JOB_WAIT_MS: how long after its dispatch a job that was
  // never recorded (kill -9 between the provider's accept and the record)
  // and that its provider cannot find by our id (fal) is left to its
  // webhook before a new attempt is sent
  // (OrchestratorOptions::unrecorded_job_wait_ms). Default 15 minutes.
  int64_t unrecorded_job_wait_ms = 15 * 60'000;
  const AdapterChoice& For(std::string_view port) const;
  bool AllEmbedded() const;
};

// Decides, without side effects. INVALID_ARGUMENT naming the variable when
// a provider is half configured (KLING_ACCESS_KEY without KLING_SECRET_KEY,
// FAL_KEY without MIRI_FAL_LORAS, MIRI_PUBLIC_URL without a callback
// secret) or a value is malformed.
Result<CompositionPlan> PlanComposition(const EnvLookup& env,
                                        const std::filesystem::path& data_dir);

// "using embedded defaults: store=sqlite(DIR/miri.db), bus=inproc, ..." or
// "using configured adapters: ...; embedded defaults: ..."; with fal or
// Kling configured it ends with where their webhooks go (or that the
// reconciler polls).
std::string StartupLine(const CompositionPlan& plan);

// How long a dispatched job waits before the reconciler polls it. With fal
// or Kling webhooks the poll is only the fallback for a lost webhook, and an
// instance cannot poll a job another instance submitted (it would submit it
// again, paying twice): 10 minutes. Without webhooks polling is the only
// path for them: 1 minute.
int64_t ReconcileAfterMs(const CompositionPlan& plan);

// A ResultSink that holds results until a target is attached, then passes
// them on (orchestration is built after the providers that report to it).
// Holds at most kMaxHeld results; older ones are dropped (the reconciler's
// Poll recovers them). Thread-safe.
class ForwardingResultSink final : public ResultSink {
 public:
  static constexpr size_t kMaxHeld = 10000;
  void OnResult(ProviderResult result) override;
  // Delivers held results to `target`, then forwards; nullptr detaches.
  void Attach(ResultSink* target);
  size_t held() const;

 private:
  mutable std::mutex mu_;
  ResultSink* target_ = nullptr;
  std::deque<ProviderResult> held_;
};

struct ComposeOptions {
  local::LocalProviderOptions image;
  local::LocalVideoOptions video;
};

struct CloudParts;  // app/cloud_providers.h: http client, breakers, verifier

// Everything the processes share. Members are destroyed bottom-up: webhook
// receivers, then providers (their workers), before the blobs, bus and
// store; what the cloud adapters use (http client, breakers, verifier)
// goes last.
struct Stack {
  Stack();
  ~Stack();
  CompositionPlan plan;
  std::unique_ptr<CloudParts> cloud;
  std::unique_ptr<Store> store;
  std::unique_ptr<EventBus> bus;
  std::unique_ptr<BlobStore> blobs;
  ForwardingResultSink results;
  std::unique_ptr<VisionAnalyzer> vision;
  // Checks every image before a person sees it (Orchestrator::
  // SetImageAuditor): Gemini vision with GEMINI_API_KEY, else nsfwjs.
  std::unique_ptr<ImageAuditor> auditor;
  // The second opinion on typed text (CommandService::SetRequestAuditor):
  // Gemini with GEMINI_API_KEY; none offline (the request screen alone).
  std::unique_ptr<RequestAuditor> request_auditor;
  // Planning, for `miri serve` and `miri produce` alike: the local
  // director (aubio), Gemini with GEMINI_API_KEY (else null), and the
  // choice between them by the project's DIRECTOR model at call time
  // (services/planning/choosing_director.h). Plan through `director`.
  std::unique_ptr<SongAnalyzer> analyzer;
  std::unique_ptr<Director> local_director;  // checked: every plan tiles
  std::unique_ptr<Director> cloud_director;
  std::unique_ptr<Director> director;
  std::unique_ptr<ImageGenerator> images;
  std::unique_ptr<VideoGenerator> videos;
  // Per provider ("fal", "kling") when its cloud adapter is configured:
  // its own webhook handling, for http::ApiDeps::webhook_receivers.
  std::map<std::string, std::unique_ptr<http::WebhookReceiver>>
      webhook_receivers;
  std::map<std::string, http::WebhookReceiver*> WebhookReceivers() const;
};

// Builds the adapters the plan names, cloud providers included (each with
// its own circuit breaker and retrier, reporting to stack->results).
// FAILED_PRECONDITION, naming the variable, for a configured adapter this
// root cannot build yet (Firestore, GCS).
Result<std::unique_ptr<Stack>> Compose(const CompositionPlan& plan,
                                       const ComposeOptions& options = {});

}  // namespace miri::app

#endif  // MIRI_APP_COMPOSITION_H_
