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
//
// Variables: MIRI_STORE (sqlite|firestore), FIRESTORE_EMULATOR_HOST or
// MIRI_FIRESTORE_PROJECT (firestore), MIRI_REDIS_URL (redis bus),
// MIRI_GCS_BUCKET (GCS blobs), FAL_KEY (fal images), KLING_ACCESS_KEY +
// KLING_SECRET_KEY (Kling video), GEMINI_API_KEY (Gemini vision),
// MIRI_PROVIDERS=local (local providers even when keys are set).
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
#include "ports/blob_store.h"
#include "ports/event_bus.h"
#include "ports/image_generator.h"
#include "ports/provider_result.h"
#include "ports/store.h"
#include "ports/video_generator.h"
#include "ports/vision_analyzer.h"

namespace miri::app {

// Reads one environment variable; injected so tests use a map.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;
EnvLookup ProcessEnv();

struct AdapterChoice {
  std::string port;     // "store", "bus", "blobs", "image", "video", "vision"
  std::string adapter;  // "sqlite", "firestore", "inproc", "redis", ...
  std::string detail;   // where (secrets redacted) or which variable chose it
  bool embedded = true;
};

struct CompositionPlan {
  std::filesystem::path data_dir;
  std::vector<AdapterChoice> choices;  // one per port, in the order above
  // The Google Cloud variables set, when the store is Firestore or the
  // blobs are in Cloud Storage; their meaning is in app/cloud_adapters.h
  // (FIRESTORE_DATABASE, STORAGE_EMULATOR_HOST, credentials...).
  std::map<std::string, std::string> google_env;
  std::string redis_url;               // when bus = redis
  const AdapterChoice& For(std::string_view port) const;
  bool AllEmbedded() const;
};

// Decides, without side effects. INVALID_ARGUMENT naming the variable when
// a credential is half set (e.g. KLING_ACCESS_KEY without KLING_SECRET_KEY).
Result<CompositionPlan> PlanComposition(const EnvLookup& env,
                                        const std::filesystem::path& data_dir);

// "using embedded defaults: store=sqlite(DIR/miri.db), bus=inproc, ..." or
// "using configured adapters: ...; embedded defaults: ...".
std::string StartupLine(const CompositionPlan& plan);

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

// Everything the processes share. Members are destroyed bottom-up:
// providers (their workers) stop before the blobs, bus and store go.
struct Stack {
  CompositionPlan plan;
  std::unique_ptr<Store> store;
  std::unique_ptr<EventBus> bus;
  std::unique_ptr<BlobStore> blobs;
  ForwardingResultSink results;
  std::unique_ptr<VisionAnalyzer> vision;
  std::unique_ptr<ImageGenerator> images;
  std::unique_ptr<VideoGenerator> videos;
};

// Builds the adapters the plan names. FAILED_PRECONDITION, naming the
// variable, for a configured adapter this root cannot build yet.
Result<std::unique_ptr<Stack>> Compose(const CompositionPlan& plan,
                                       const ComposeOptions& options = {});

}  // namespace miri::app

#endif  // MIRI_APP_COMPOSITION_H_
