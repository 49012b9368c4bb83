// KlingVideoGenerator: the VideoGenerator on Kling's official API
// (providers.md section 3): image2video with start/end frames or a motion
// brush, omni-video (kling-video-o1, kling-v3-omni) with start/end frames,
// task query, callbacks.
//
// - The model's endpoint, mode and duration come from the capability map
//   (domain/video_models.h) via KlingPlanFor: a clip the configured model
//   cannot serve is rerouted (config.reroute_models) or refused by
//   CheckRequest/Submit before any request, the reason naming the field.
// - Frames and masks travel as raw base64; trajectories are flipped to
//   Kling's bottom-left origin.
// - Cost: direct Kling bills units (PriceTable::EstimateKling); a finished
//   task's final_unit_deduction, when present, is what the result costs.
// - callback_url = callback_base_url?dur=&job=&model=&out=&t=<token>: the
//   job's parameters signed with config.callback_secret
//   (adapters/curl/signed_params.h), so any instance can finish a job
//   another submitted. A callback with a bad token is REFUSED
//   ("unauthenticated callback", reply 401, naming "t") and writes nothing;
//   a job known only from its URL must be the task's external_task_id. A valid
//   callback is only a hint: the task is queried and its queried state acted
//   on, so duplicated, late or out-of-order callbacks never deliver twice or
//   move a job backwards; exactly one ProviderResult per job reaches the sink
//   (Poll's result counts).
// - Submit's Dispatch carries the job as resume ({task_id, model,
//   output_key, duration_ms}); Adopt on any instance makes it pollable
//   there, so a restarted or other instance never submits it again (Kling
//   would refuse the repeated external_task_id anyway). A job whose
//   Dispatch was never recorded (the sender died after Kling accepted it)
//   is found by LookupDispatch through Kling's query by external_task_id.
// Thread-safety: all methods may be called from any thread.
#ifndef MIRI_ADAPTERS_KLING_KLING_VIDEO_GENERATOR_H_
#define MIRI_ADAPTERS_KLING_KLING_VIDEO_GENERATOR_H_

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "adapters/curl/resilient_call.h"
#include "adapters/kling/kling_auth.h"
#include "adapters/kling/kling_wire.h"
#include "ports/blob_store.h"
#include "ports/video_generator.h"
#include "services/budget/price_table.h"

namespace miri {

class KlingVideoGenerator final : public VideoGenerator {
 public:
  enum class CallbackOutcome { kDelivered, kDuplicate, kPending, kUnknownJob };

  KlingVideoGenerator(KlingConfig config, HttpClient& http, BlobStore& blobs,
                      ResultSink& sink, const PriceTable& prices,
                      Resilience resilience, const Clock& clock);

  std::string_view name() const override { return "kling"; }
  Result<Dispatch> Submit(const VideoRequest& request) override;
  Result<std::optional<ProviderResult>> Poll(std::string_view job_id) override;
  // INVALID_ARGUMENT naming the field when `resume` is not a Dispatch's.
  Result<void> Adopt(std::string_view job_id, std::string_view resume) override;
  // A task created under request.job_id (our external_task_id) whose
  // Dispatch was never recorded: queried by that id on the endpoint the
  // request's model creates on. kFound (the job known here from now on),
  // kAbsent when Kling has no such task (then it may be created again:
  // the external_task_id is free).
  Result<DispatchLookup> LookupDispatch(const VideoRequest& request) override;
  int64_t EstimateCostMicros(const VideoRequest& request) const override;
  Result<void> CheckRequest(const VideoRequest& request) const override;

  // POST /api/webhooks/kling?...&t=... with the query and the raw body.
  Result<CallbackOutcome> HandleCallback(const QueryParams& query,
                                         std::string_view raw_body);
  // The same for a URL that carries only job and t (jobs this instance
  // submitted).
  Result<CallbackOutcome> HandleCallback(std::string_view job_id,
                                         std::string_view token,
                                         std::string_view raw_body);

  // The JSON body Submit would send (wire tests, dry runs).
  Result<nlohmann::json> RequestBody(const VideoRequest& request) const;

 private:
  struct Job {
    std::string job_id;
    std::string task_id;
    std::string model;
    std::string mode;
    std::string output_key;
    int64_t duration_ms = 0;
  };
  HttpRequest Authorized(std::string method, std::string url);
  AttemptOutcome MapError(const HttpResponse& r, bool idempotent) const;
  Result<KlingTask> Query(const Job& job);
  // A final task -> result (copies the clip); nullopt while it runs.
  Result<std::optional<ProviderResult>> Finish(const Job& job,
                                               const KlingTask& task);
  std::optional<Job> FindJob(const std::string& job_id) const;
  static std::string ResumeOf(const Job& job);
  std::optional<Job> JobFromParams(const QueryParams& params,
                                   const std::string& task_id) const;
  QueryParams CallbackParams(const VideoRequest& r, const ClipPlan& plan) const;

  const KlingConfig config_;
  HttpClient& http_;
  BlobStore& blobs_;
  ResultSink& sink_;
  const PriceTable& prices_;
  Resilience resilience_;
  const Clock& clock_;
  KlingJwt jwt_;
  mutable std::mutex mu_;
  std::map<std::string, std::optional<Job>> jobs_;  // nullopt: being submitted
  std::set<std::string> claimed_;                   // delivering or delivered
};

}  // namespace miri

#endif  // MIRI_ADAPTERS_KLING_KLING_VIDEO_GENERATOR_H_
