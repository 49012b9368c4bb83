#include "app/composition.h"

#include <cstdlib>

#include <fmt/format.h>

#include "adapters/aubio/analyze.h"
#include "adapters/inproc_bus/inproc_bus.h"
#include "adapters/local/local_image_generator.h"
#include "adapters/local/local_vision_analyzer.h"
#include "adapters/localfs/localfs_blob_store.h"
#include "adapters/nsfwjs/nsfwjs_image_auditor.h"
#include "adapters/redis/redis_bus.h"
#include "adapters/sqlite/sqlite_store.h"
#include "app/cloud_adapters.h"
#include "app/cloud_providers.h"
#include "services/planning/choosing_director.h"
#include "services/planning/local_director.h"
#include "services/planning/repair.h"

namespace miri::app {

namespace {

// The local director behind its repair and tiling check, owned as one.
class CheckedLocalDirector final : public Director {
 public:
  explicit CheckedLocalDirector(SongAnalyzer& analyzer)
      : local_(analyzer), checked_(local_) {}
  Result<Plan> MakePlan(const PlanRequest& request) override {
    return checked_.MakePlan(request);
  }

 private:
  LocalDirector local_;
  CheckedDirector checked_;
};

bool IsSet(const EnvLookup& env, std::string_view name) {
  auto v = env(name);
  return v.has_value() && !v->empty();
}

std::string Get(const EnvLookup& env, std::string_view name) {
  return env(name).value_or("");
}

// "redis://:secret@host:6379" -> "redis://***@host:6379".
std::string Redacted(const std::string& url) {
  size_t at = url.rfind('@');
  size_t scheme = url.find("://");
  if (at == std::string::npos || scheme == std::string::npos || at < scheme)
    return url;
  return url.substr(0, scheme + 3) + "***" + url.substr(at);
}

std::string Describe(const AdapterChoice& c) {
  return c.detail.empty()
             ? fmt::format("{}={}", c.port, c.adapter)
             : fmt::format("{}={}({})", c.port, c.adapter, c.detail);
}

// A whole number of `unit` from `name` (unset or empty: `fallback`), in
// [min, max]; anything else is an issue naming the variable (strict: "5x",
// "1e3" and "-1" are refused).
int64_t ReadCount(const EnvLookup& env, std::string_view name,
                  std::string_view unit, int64_t fallback, int64_t min,
                  int64_t max, std::vector<FieldIssue>* issues) {
  const std::string v = Get(env, name);
  if (v.empty()) return fallback;
  int64_t n = 0;
  bool ok = v.size() <= 18 && !v.empty();
  for (char c : v) {
    ok = ok && c >= '0' && c <= '9';
    if (ok) n = n * 10 + (c - '0');
  }
  if (!ok || n < min || n > max) {
    issues->push_back({std::string(name),
                       fmt::format("a whole number of {} from {} to {}, got {}",
                                   unit, min, max, v)});
    return fallback;
  }
  return n;
}

}  // namespace

EnvLookup ProcessEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

const AdapterChoice& CompositionPlan::For(std::string_view port) const {
  for (const AdapterChoice& c : choices) {
    if (c.port == port) return c;
  }
  static const AdapterChoice kNone;
  return kNone;
}

bool CompositionPlan::AllEmbedded() const {
  for (const AdapterChoice& c : choices) {
    if (!c.embedded) return false;
  }
  return true;
}

Result<CompositionPlan> PlanComposition(const EnvLookup& env,
                                        const std::filesystem::path& data_dir) {
  CompositionPlan plan;
  plan.data_dir = data_dir;
  std::vector<FieldIssue> issues;

  std::string store = Get(env, "MIRI_STORE");
  bool firestore = store == "firestore" ||
                   (store.empty() && (IsSet(env, "FIRESTORE_EMULATOR_HOST") ||
                                      IsSet(env, "MIRI_FIRESTORE_PROJECT")));
  if (!store.empty() && store != "sqlite" && store != "firestore") {
    issues.push_back(
        {"MIRI_STORE", "must be sqlite or firestore, got " + store});
  }
  if (firestore || IsSet(env, "MIRI_GCS_BUCKET") ||
      IsSet(env, "MIRI_VERTEX_PROJECT")) {
    for (const char* const* v = kGoogleVariables; *v != nullptr; ++v) {
      if (IsSet(env, *v)) plan.google_env[*v] = Get(env, *v);
    }
  }
  if (firestore) {
    std::string project = IsSet(env, "MIRI_FIRESTORE_PROJECT")
                              ? Get(env, "MIRI_FIRESTORE_PROJECT")
                              : Get(env, "GOOGLE_CLOUD_PROJECT");
    if (project.empty() && !IsSet(env, "FIRESTORE_EMULATOR_HOST")) {
      issues.push_back({"MIRI_FIRESTORE_PROJECT",
                        "the Firestore store needs its GCP project (or "
                        "GOOGLE_CLOUD_PROJECT)"});
    }
    std::string where = IsSet(env, "FIRESTORE_EMULATOR_HOST")
                            ? "emulator " + Get(env, "FIRESTORE_EMULATOR_HOST")
                            : "project " + project;
    plan.choices.push_back({"store", "firestore", where, false});
  } else {
    plan.choices.push_back(
        {"store", "sqlite", (data_dir / "miri.db").string(), true});
  }

  if (IsSet(env, "MIRI_REDIS_URL")) {
    plan.redis_url = Get(env, "MIRI_REDIS_URL");
    plan.choices.push_back({"bus", "redis", Redacted(plan.redis_url), false});
  } else {
    plan.choices.push_back({"bus", "inproc", "", true});
  }

  if (IsSet(env, "MIRI_GCS_BUCKET")) {
    std::string where = "bucket " + Get(env, "MIRI_GCS_BUCKET");
    if (IsSet(env, "STORAGE_EMULATOR_HOST")) {
      where += " at emulator " + Get(env, "STORAGE_EMULATOR_HOST");
    }
    plan.choices.push_back({"blobs", "gcs", where, false});
    plan.gcs_cache_bytes =
        ReadCount(env, "MIRI_GCS_CACHE_MB", "MiB", plan.gcs_cache_bytes >> 20,
                  1, int64_t{1} << 30, &issues)
        << 20;
  } else {
    plan.choices.push_back(
        {"blobs", "localfs", (data_dir / "blobs").string(), true});
  }

  std::string providers = Get(env, "MIRI_PROVIDERS");
  if (!providers.empty() && providers != "local" && providers != "auto") {
    issues.push_back(
        {"MIRI_PROVIDERS", "must be local or auto, got " + providers});
  }
  bool force_local = providers == "local";
  bool kling_access = IsSet(env, "KLING_ACCESS_KEY");
  bool kling_secret = IsSet(env, "KLING_SECRET_KEY");
  if (!force_local && kling_access != kling_secret) {
    issues.push_back(
        {kling_access ? "KLING_SECRET_KEY" : "KLING_ACCESS_KEY",
         "Kling needs both KLING_ACCESS_KEY and KLING_SECRET_KEY"});
  }
  if (!force_local && IsSet(env, "FAL_KEY")) {
    std::string detail = "FAL_KEY";
    if (IsSet(env, "MIRI_VERTEX_PROJECT")) {
      detail += "; images without Miri may go to vertex " +
                Get(env, "MIRI_VERTEX_PROJECT");
    }
    plan.choices.push_back({"image", "fal", detail, false});
  } else {
    if (!force_local && IsSet(env, "MIRI_VERTEX_PROJECT")) {
      issues.push_back({"MIRI_VERTEX_PROJECT",
                        "the Vertex image route only takes images without "
                        "Miri, next to fal: set FAL_KEY too"});
    }
    plan.choices.push_back({"image", "local-image", "", true});
  }
  if (!force_local && kling_access && kling_secret) {
    plan.choices.push_back({"video", "kling", "KLING_ACCESS_KEY", false});
  } else {
    plan.choices.push_back({"video", "local-video", "", true});
  }
  if (!force_local && IsSet(env, "GEMINI_API_KEY")) {
    plan.choices.push_back({"vision", "gemini", "GEMINI_API_KEY", false});
    plan.choices.push_back({"auditor", "gemini", "GEMINI_API_KEY", false});
  } else {
    plan.choices.push_back({"vision", "local-vision", "template-based", true});
    plan.choices.push_back({"auditor", "nsfwjs",
                            "explicit content only; a person checks Miri's "
                            "depiction rules",
                            true});
  }
  plan.image_check_script =
      IsSet(env, "MIRI_IMAGE_CHECK_SCRIPT")
          ? Get(env, "MIRI_IMAGE_CHECK_SCRIPT")
          : std::string(MIRI_SOURCE_DIR) + "/tools/image-check/server.mjs";
  plan.unrecorded_job_wait_ms = ReadCount(
      env, "MIRI_UNRECORDED_JOB_WAIT_MS", "milliseconds",
      plan.unrecorded_job_wait_ms, 0, int64_t{7} * 24 * 3600'000, &issues);
  ReadCloudSettings(env, plan.For("image").adapter == "fal",
                    plan.For("video").adapter == "kling",
                    plan.For("vision").adapter == "gemini", &plan.cloud,
                    &issues);
  if (!issues.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid configuration",
                     std::move(issues));
  }
  return plan;
}

std::string StartupLine(const CompositionPlan& plan) {
  std::string embedded, configured;
  for (const AdapterChoice& c : plan.choices) {
    std::string& list = c.embedded ? embedded : configured;
    if (!list.empty()) list += ", ";
    list += Describe(c);
  }
  if (configured.empty()) return "using embedded defaults: " + embedded;
  std::string line = "using configured adapters: " + configured;
  if (!embedded.empty()) line += "; embedded defaults: " + embedded;
  if (std::string note = WebhookNote(plan); !note.empty()) line += "; " + note;
  return line;
}

int64_t ReconcileAfterMs(const CompositionPlan& plan) {
  const bool cloud_jobs = plan.For("image").adapter == "fal" ||
                          plan.For("video").adapter == "kling";
  return cloud_jobs && !plan.cloud.public_url.empty() ? 10 * 60'000 : 60'000;
}

Stack::Stack() = default;
Stack::~Stack() = default;

std::map<std::string, http::WebhookReceiver*> Stack::WebhookReceivers() const {
  std::map<std::string, http::WebhookReceiver*> out;
  for (const auto& [provider, receiver] : webhook_receivers)
    out[provider] = receiver.get();
  return out;
}

void ForwardingResultSink::OnResult(ProviderResult result) {
  ResultSink* target = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    target = target_;
    if (target == nullptr) {
      if (held_.size() >= kMaxHeld) held_.pop_front();
      held_.push_back(std::move(result));
      return;
    }
  }
  target->OnResult(std::move(result));
}

void ForwardingResultSink::Attach(ResultSink* target) {
  std::deque<ProviderResult> held;
  {
    std::lock_guard<std::mutex> lock(mu_);
    target_ = target;
    if (target == nullptr) return;
    held.swap(held_);
  }
  // Delivery is at-least-once and in any order (ports/provider_result.h), so
  // a result racing past these held ones is fine.
  for (ProviderResult& r : held) target->OnResult(std::move(r));
}

size_t ForwardingResultSink::held() const {
  std::lock_guard<std::mutex> lock(mu_);
  return held_.size();
}

Result<std::unique_ptr<Stack>> Compose(const CompositionPlan& plan,
                                       const ComposeOptions& options) {
  auto stack = std::make_unique<Stack>();
  stack->plan = plan;
  std::error_code ec;
  std::filesystem::create_directories(plan.data_dir, ec);
  if (ec) {
    return MakeError(ErrorCode::kUnavailable,
                     fmt::format("creating data dir {}: {}",
                                 plan.data_dir.string(), ec.message()));
  }

  const AdapterChoice& store = plan.For("store");
  if (store.adapter == "firestore") {
    ASSIGN_OR_RETURN(stack->store, OpenFirestoreStore(plan),
                     "opening the Firestore store");
  } else {
    ASSIGN_OR_RETURN(stack->store, SqliteStore::Open(store.detail),
                     "opening the SQLite store");
  }

  const AdapterChoice& bus = plan.For("bus");
  if (bus.adapter == "redis") {
    ASSIGN_OR_RETURN(RedisAddress address, ParseRedisUrl(plan.redis_url),
                     "MIRI_REDIS_URL");
    ASSIGN_OR_RETURN(stack->bus, RedisBus::Connect(address, 5000),
                     "connecting to Redis");
  } else {
    stack->bus = std::make_unique<InProcessBus>();
  }

  const AdapterChoice& blobs = plan.For("blobs");
  if (blobs.adapter == "gcs") {
    ASSIGN_OR_RETURN(stack->blobs, OpenGcsBlobStore(plan),
                     "opening the GCS blob store");
  } else {
    ASSIGN_OR_RETURN(stack->blobs, LocalFsBlobStore::Open(blobs.detail),
                     "opening the blob dir");
  }

  // Before the cloud providers: the Gemini director shares the analyzer.
  stack->analyzer = std::make_unique<AubioSongAnalyzer>();
  stack->local_director =
      std::make_unique<CheckedLocalDirector>(*stack->analyzer);
  // The cloud providers the plan names (with their receivers); the ports
  // left over get the local providers.
  RETURN_IF_ERROR(ComposeCloudProviders(*stack),
                  "composing the cloud providers");
  if (!stack->vision) {
    stack->vision =
        std::make_unique<local::LocalVisionAnalyzer>(stack->blobs.get());
  }
  if (!stack->auditor) {
    // Started on the first check (model load ~2 s); a checker that cannot
    // start holds every image (fail closed) with that reason.
    NsfwjsOptions checker;
    checker.script = plan.image_check_script;
    stack->auditor = std::make_unique<NsfwjsImageAuditor>(std::move(checker));
  }
  stack->director = std::make_unique<ChoosingDirector>(
      *stack->local_director, stack->cloud_director.get());
  if (!stack->images) {
    stack->images = std::make_unique<local::LocalImageGenerator>(
        stack->blobs.get(), &stack->results, options.image);
  }
  if (!stack->videos) {
    stack->videos = std::make_unique<local::LocalVideoGenerator>(
        stack->blobs.get(), &stack->results, options.video);
  }
  return stack;
}

}  // namespace miri::app
