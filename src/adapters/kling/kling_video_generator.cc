#include "adapters/kling/kling_video_generator.h"

#include <cstdlib>

#include "adapters/curl/media_probe.h"
#include "services/resilience/call_outcome.h"

namespace miri {

KlingVideoGenerator::KlingVideoGenerator(KlingConfig config, HttpClient& http,
                                         BlobStore& blobs, ResultSink& sink,
                                         const PriceTable& prices,
                                         Resilience resilience,
                                         const Clock& clock)
    : config_(std::move(config)),
      http_(http),
      blobs_(blobs),
      sink_(sink),
      prices_(prices),
      resilience_(resilience),
      clock_(clock),
      jwt_(config_.access_key, config_.secret_key, clock) {}

HttpRequest KlingVideoGenerator::Authorized(std::string method,
                                            std::string url) {
  HttpRequest r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.headers = {{"Authorization", "Bearer " + jwt_.Token()},
               {"Content-Type", "application/json"}};
  r.connect_timeout_ms = config_.connect_timeout_ms;
  r.total_timeout_ms = config_.request_timeout_ms;
  return r;
}

AttemptOutcome KlingVideoGenerator::MapError(const HttpResponse& r,
                                             bool idempotent) const {
  AttemptOutcome o = DefaultHttpOutcome(r, idempotent, clock_.NowMs(), "kling");
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  int code =
      j.is_object() && j.contains("code") && j["code"].is_number_integer()
          ? j["code"].get<int>()
          : 0;
  std::string message = j.is_object() ? j.value("message", "") : "";
  o.error.message = "kling HTTP " + std::to_string(r.status) + " code " +
                    std::to_string(code) + ": " + message;
  if (code == 1302 || code == 1303) {  // rate / concurrency: back off and retry
    o.cls = CallClass::kFailure;
    o.retryable = true;
    if (!o.retry_after_ms) o.retry_after_ms = 1000;
    o.error.code = ErrorCode::kUnavailable;
  } else if ((code >= 1100 && code <= 1102) || code == 1304) {  // our account
    o.cls = CallClass::kCallerError;
    o.retryable = false;
    o.error.code = ErrorCode::kResourceExhausted;
  } else if (code == 1300 || code == 1301) {  // policy: never retry
    o.cls = CallClass::kCallerError;
    o.retryable = false;
    o.error.code = ErrorCode::kRefused;
  }
  return o;
}

Result<void> KlingVideoGenerator::CheckRequest(const VideoRequest& r) const {
  return ValidateKlingRequest(config_, r);
}

Result<nlohmann::json> KlingVideoGenerator::RequestBody(
    const VideoRequest& r) const {
  RETURN_IF_ERROR(ValidateKlingRequest(config_, r), "kling");
  ASSIGN_OR_RETURN(ClipPlan plan, KlingPlanFor(config_, r), "kling");
  KlingImages images;
  ASSIGN_OR_RETURN(std::string start, blobs_.Get(r.start_frame_blob),
                   "start frame");
  images.image = Base64Encode(start);
  auto dims = ProbeImageDims(start);
  images.frame_height = dims ? dims->height : r.height;
  if (!r.end_frame_blob.empty() && !r.motion_brush) {
    ASSIGN_OR_RETURN(std::string end, blobs_.Get(r.end_frame_blob),
                     "end frame");
    images.image_tail = Base64Encode(end);
  }
  if (r.motion_brush) {
    if (!r.motion_brush->static_mask_blob.empty()) {
      ASSIGN_OR_RETURN(std::string m,
                       blobs_.Get(r.motion_brush->static_mask_blob),
                       "static mask");
      images.static_mask = Base64Encode(m);
    }
    for (const DynamicMask& d : r.motion_brush->dynamic_masks) {
      ASSIGN_OR_RETURN(std::string m, blobs_.Get(d.mask_blob), "dynamic mask");
      images.dynamic_masks.push_back(Base64Encode(m));
    }
  }
  std::string callback;
  if (!config_.callback_base_url.empty()) {
    callback =
        WithSignedQuery(config_.callback_base_url, config_.callback_secret,
                        kKlingCallbackPurpose, CallbackParams(r, plan));
  }
  return BuildKlingBody(plan, r, images, callback);
}

QueryParams KlingVideoGenerator::CallbackParams(const VideoRequest& r,
                                                const ClipPlan& plan) const {
  // What Finish needs, so any instance can complete the job (the token
  // covers them all); the model also says which endpoint to query.
  return {{"job", r.job_id},
          {"out", r.output_key},
          {"model", plan.model},
          {"mode", plan.mode},
          {"dur", std::to_string(plan.duration_s * 1000)}};
}

int64_t KlingVideoGenerator::EstimateCostMicros(const VideoRequest& r) const {
  auto plan = KlingPlanFor(config_, r);
  if (!plan) return 0;
  auto est = prices_.EstimateKling(plan->model, plan->mode,
                                   int64_t{plan->duration_s} * 1000);
  return est ? *est : 0;
}

std::optional<KlingVideoGenerator::Job> KlingVideoGenerator::FindJob(
    const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second;
}

Result<Dispatch> KlingVideoGenerator::Submit(const VideoRequest& r) {
  {
    std::lock_guard lock(mu_);
    auto it = jobs_.find(r.job_id);
    if (it != jobs_.end()) {
      if (!it->second)
        return MakeError(ErrorCode::kFailedPrecondition, "job being submitted");
      return Dispatch{it->second->task_id, EstimateCostMicros(r),
                      ResumeOf(*it->second)};
    }
    jobs_.emplace(r.job_id, std::nullopt);
  }
  auto abort = [&](Error e) {
    std::lock_guard lock(mu_);
    jobs_.erase(r.job_id);
    return tl::unexpected<Error>(std::move(e));
  };
  auto plan = KlingPlanFor(config_, r);
  if (!plan) return abort(WithContext(plan.error(), "kling"));
  auto body = RequestBody(r);
  if (!body) return abort(body.error());
  HttpRequest req =
      Authorized("POST", config_.base_url + KlingCreatePath(*plan));
  req.body = body->dump();
  auto resp =
      ResilientCall(http_, req, false, resilience_, clock_,
                    [&](const HttpResponse& x) { return MapError(x, false); });
  if (!resp) return abort(WithContext(resp.error(), "kling submit"));
  auto j = nlohmann::json::parse(resp->body);
  if (!j.is_object() || j.value("code", -1) != 0 || !j.contains("data") ||
      !j["data"].is_object() || !j["data"].contains("task_id")) {
    return abort(Error{
        ErrorCode::kUnavailable, "kling submit: unexpected response", {}});
  }
  const auto& id = j["data"]["task_id"];
  Job job{r.job_id,     id.is_string() ? id.get<std::string>() : id.dump(),
          plan->model,  plan->mode,
          r.output_key, int64_t{plan->duration_s} * 1000};
  {
    std::lock_guard lock(mu_);
    jobs_[r.job_id] = job;
  }
  return Dispatch{job.task_id, EstimateCostMicros(r), ResumeOf(job)};
}

Result<DispatchLookup> KlingVideoGenerator::LookupDispatch(
    const VideoRequest& r) {
  if (std::optional<Job> known = FindJob(r.job_id); known) {
    return DispatchLookup{
        DispatchLookup::Outcome::kFound,
        Dispatch{known->task_id, EstimateCostMicros(r), ResumeOf(*known)}};
  }
  ASSIGN_OR_RETURN(ClipPlan plan, KlingPlanFor(config_, r), "kling lookup");
  // "Query Task (Single)": GET /v1/videos/image2video/{id} (omni-video
  // alike), the id being the task_id or the external_task_id given at
  // creation ("Choose either task_id or external_task_id for querying").
  // Kling API reference,
  // https://app.klingai.com/global/dev/document-api/apiReference/model/imageToVideo
  // [UNVERIFIED: the official page was not reachable from here; read
  // through its republished copy
  // https://docs.kkiai.com/Other-Model-APIs/kling-platform-api/text-to-video/query-task-single.html
  // and the Omni-Video reference's copy, which say the same]. What Kling
  // answers for an unknown id is not documented there: a 404 (the
  // emulator's code 1203) is taken as "no such task".
  HttpRequest req =
      Authorized("GET", config_.base_url +
                            KlingQueryPath(plan.model, UrlEncode(r.job_id)));
  auto resp =
      ResilientCall(http_, req, true, resilience_, clock_,
                    [&](const HttpResponse& x) { return MapError(x, true); });
  if (!resp && resp.error().code == ErrorCode::kNotFound) {
    return DispatchLookup{};  // kAbsent
  }
  if (!resp) return tl::unexpected(WithContext(resp.error(), "kling lookup"));
  auto j = nlohmann::json::parse(resp->body, nullptr, false);
  if (!j.is_object() || !j.contains("data")) {
    return MakeError(ErrorCode::kUnavailable, "kling lookup: no data");
  }
  ASSIGN_OR_RETURN(KlingTask task, ParseKlingTask(j["data"]), "kling lookup");
  if (!task.external_task_id.empty() && task.external_task_id != r.job_id) {
    return MakeError(ErrorCode::kUnavailable,
                     "kling lookup: the task found is another job's (" +
                         task.external_task_id + ")");
  }
  Job job{r.job_id,  task.task_id, plan.model,
          plan.mode, r.output_key, int64_t{plan.duration_s} * 1000};
  {
    std::lock_guard lock(mu_);
    jobs_.emplace(job.job_id, job);  // a job known here stays as it is
  }
  return DispatchLookup{
      DispatchLookup::Outcome::kFound,
      Dispatch{job.task_id, EstimateCostMicros(r), ResumeOf(job)}};
}

std::string KlingVideoGenerator::ResumeOf(const Job& job) {
  return nlohmann::json{{"task_id", job.task_id},
                        {"model", job.model},
                        {"mode", job.mode},
                        {"output_key", job.output_key},
                        {"duration_ms", job.duration_ms}}
      .dump();
}

Result<void> KlingVideoGenerator::Adopt(std::string_view job_id,
                                        std::string_view resume) {
  auto j = nlohmann::json::parse(resume, nullptr, false);
  auto text = [&](const char* key) -> std::string {
    if (!j.is_object() || !j.contains(key) || !j[key].is_string()) return "";
    return j[key].get<std::string>();
  };
  // Resumes written before "mode" existed were all in the configured mode.
  const std::string mode = text("mode");
  Job job{std::string(job_id), text("task_id"),
          text("model"),       mode.empty() ? config_.mode : mode,
          text("output_key"),  0};
  if (j.is_object() && j.contains("duration_ms") &&
      j["duration_ms"].is_number_integer()) {
    job.duration_ms = j["duration_ms"].get<int64_t>();
  }
  std::vector<FieldIssue> issues;
  if (job.job_id.empty()) issues.push_back({"job_id", "required"});
  if (job.task_id.empty())
    issues.push_back({"resume.task_id", "required string"});
  if (job.model.empty()) issues.push_back({"resume.model", "required string"});
  if (job.output_key.empty())
    issues.push_back({"resume.output_key", "required string"});
  if (job.duration_ms <= 0)
    issues.push_back({"resume.duration_ms", "positive integer"});
  if (!issues.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "kling adopt: not a kling job resume", std::move(issues));
  }
  std::lock_guard lock(mu_);
  jobs_.emplace(job.job_id, job);  // a job known here stays as it is
  return {};
}

Result<KlingTask> KlingVideoGenerator::Query(const Job& job) {
  HttpRequest req = Authorized(
      "GET", config_.base_url + KlingQueryPath(job.model, job.task_id));
  ASSIGN_OR_RETURN(
      HttpResponse resp,
      ResilientCall(http_, req, true, resilience_, clock_,
                    [&](const HttpResponse& x) { return MapError(x, true); }),
      "kling query");
  auto j = nlohmann::json::parse(resp.body);
  if (!j.is_object() || !j.contains("data")) {
    return MakeError(ErrorCode::kUnavailable, "kling query: no data");
  }
  return ParseKlingTask(j["data"]);
}

Result<std::optional<ProviderResult>> KlingVideoGenerator::Finish(
    const Job& job, const KlingTask& task) {
  if (task.status != "succeed" && task.status != "failed")
    return std::optional<ProviderResult>();
  ProviderResult r;
  r.provider = "kling";
  r.job_id = job.job_id;
  r.provider_request_id = job.task_id;
  if (task.status == "failed") {
    r.status = ProviderResult::Status::kFailed;
    r.error = "kling task failed: " + task.status_msg;
    return std::optional<ProviderResult>(std::move(r));
  }
  if (task.video_urls.empty())
    return MakeError(ErrorCode::kUnavailable, "kling: no video url");
  RETURN_IF_ERROR(http_.Download(task.video_urls[0], config_.result_fetch,
                                 blobs_, job.output_key),
                  "copying kling clip");
  r.output_blobs = {job.output_key};
  // What Kling deducted, when it says; else the estimate.
  if (task.units_charged) {
    r.cost_micros = prices_.KlingUnitsMicros(*task.units_charged);
  } else {
    auto cost = prices_.EstimateKling(job.model, job.mode, job.duration_ms);
    r.cost_micros = cost ? *cost : 0;
  }
  return std::optional<ProviderResult>(std::move(r));
}

Result<std::optional<ProviderResult>> KlingVideoGenerator::Poll(
    std::string_view job_id) {
  auto job = FindJob(std::string(job_id));
  if (!job)
    return MakeError(ErrorCode::kNotFound,
                     "unknown kling job " + std::string(job_id));
  ASSIGN_OR_RETURN(KlingTask task, Query(*job), "kling poll");
  ASSIGN_OR_RETURN(std::optional<ProviderResult> result, Finish(*job, task),
                   "kling poll");
  if (result) {
    std::lock_guard lock(mu_);
    claimed_.insert(job->job_id);  // a later callback is a duplicate
  }
  return result;
}

Result<KlingVideoGenerator::CallbackOutcome>
KlingVideoGenerator::HandleCallback(std::string_view job_id,
                                    std::string_view token,
                                    std::string_view raw_body) {
  return HandleCallback(
      QueryParams{{"job", std::string(job_id)}, {"t", std::string(token)}},
      raw_body);
}

std::optional<KlingVideoGenerator::Job> KlingVideoGenerator::JobFromParams(
    const QueryParams& p, const std::string& task_id) const {
  auto out = p.find("out");
  auto model = p.find("model");
  auto dur = p.find("dur");
  if (out == p.end() || model == p.end() || dur == p.end() ||
      out->second.empty() || model->second.empty()) {
    return std::nullopt;
  }
  int64_t ms = std::atoll(dur->second.c_str());
  if (ms <= 0) return std::nullopt;
  auto mode = p.find("mode");
  return Job{
      p.at("job"),
      task_id,
      model->second,
      mode == p.end() || mode->second.empty() ? config_.mode : mode->second,
      out->second,
      ms};
}

Result<KlingVideoGenerator::CallbackOutcome>
KlingVideoGenerator::HandleCallback(const QueryParams& query,
                                    std::string_view raw_body) {
  auto params =
      VerifySignedQuery(config_.callback_secret, kKlingCallbackPurpose, query);
  if (!params || !params->count("job") || params->at("job").empty()) {
    return MakeError(ErrorCode::kRefused, "unauthenticated callback: bad token",
                     {{"t", params ? "no job in the url"
                                   : params.error().issues[0].message}});
  }
  const std::string job_id = params->at("job");
  auto body = nlohmann::json::parse(raw_body, nullptr, false);
  ASSIGN_OR_RETURN(KlingTask hinted, ParseKlingTask(body), "kling callback");
  // Another instance may have submitted the job: the signed URL says what
  // it needs, and the task as queried must name the job (external_task_id).
  auto job = FindJob(job_id);
  const bool from_url = !job;
  if (!job) job = JobFromParams(*params, hinted.task_id);
  if (!job) return CallbackOutcome::kUnknownJob;
  if (hinted.task_id != job->task_id) {
    return MakeError(ErrorCode::kRefused,
                     "unauthenticated callback: task does not match job",
                     {{"task_id", "not the task of this job"}});
  }
  {
    std::lock_guard lock(mu_);
    if (claimed_.count(job->job_id)) return CallbackOutcome::kDuplicate;
  }
  if (hinted.status != "succeed" && hinted.status != "failed")
    return CallbackOutcome::kPending;
  // The callback is a hint: act on the task as Kling reports it now.
  ASSIGN_OR_RETURN(KlingTask task, Query(*job), "kling callback");
  if (from_url && !task.external_task_id.empty() &&
      task.external_task_id != job->job_id) {
    return MakeError(ErrorCode::kRefused,
                     "unauthenticated callback: task does not match job",
                     {{"task_id", "Kling reports another job for this task"}});
  }
  if (task.status != "succeed" && task.status != "failed")
    return CallbackOutcome::kPending;
  {
    std::lock_guard lock(mu_);
    if (!claimed_.insert(job->job_id).second)
      return CallbackOutcome::kDuplicate;
    if (from_url)
      jobs_.emplace(job->job_id, *job);  // Poll and dedupe here from now on
  }
  auto result = Finish(*job, task);
  if (!result || !*result) {
    std::lock_guard lock(mu_);
    claimed_.erase(job->job_id);
    if (!result) return tl::unexpected<Error>(result.error());
    return CallbackOutcome::kPending;
  }
  sink_.OnResult(std::move(**result));
  return CallbackOutcome::kDelivered;
}

}  // namespace miri
