#include "adapters/fal/fal_image_generator.h"

#include <cstdio>
#include <regex>

#include "adapters/curl/media_probe.h"
#include "adapters/fal/fal_refine.h"
#include "services/resilience/call_outcome.h"

namespace miri {
namespace {

// "x/y.png", 2 -> "x/y-2.png".
std::string NthKey(const std::string& key, size_t i) {
  if (i == 0) return key;
  size_t slash = key.rfind('/');
  size_t dot = key.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) {
    return key + "-" + std::to_string(i);
  }
  return key.substr(0, dot) + "-" + std::to_string(i) + key.substr(dot);
}

}  // namespace

std::string FalResume(const FalJob& job) {
  nlohmann::json sizes = nlohmann::json::array();
  for (const Size& s : job.input_sizes) sizes.push_back({s.width, s.height});
  nlohmann::json j = {{"request_id", job.request_id},
                      {"model", job.model},
                      {"output_key", job.output_key},
                      {"input_sizes", sizes}};
  if (!job.refine_mask.empty()) {
    j["refine"] = {{"image", job.refine_image}, {"mask", job.refine_mask}};
  }
  return j.dump();
}

Result<FalJob> FalJobFromResume(std::string_view job_id,
                                std::string_view resume) {
  auto j = nlohmann::json::parse(resume, nullptr, false);
  auto text = [&](const char* key) -> std::string {
    if (!j.is_object() || !j.contains(key) || !j[key].is_string()) return "";
    return j[key].get<std::string>();
  };
  FalJob job{std::string(job_id),
             text("request_id"),
             text("model"),
             text("output_key"),
             {},
             "",
             ""};
  if (j.is_object() && j.contains("refine") && j["refine"].is_object()) {
    const auto& r = j["refine"];
    if (r.contains("image") && r["image"].is_string())
      job.refine_image = r["image"];
    if (r.contains("mask") && r["mask"].is_string())
      job.refine_mask = r["mask"];
    if (job.refine_image.empty() || job.refine_mask.empty())
      return MakeError(ErrorCode::kInvalidArgument, "not a fal job resume",
                       {{"resume.refine", "image and mask required"}});
  }
  std::vector<FieldIssue> issues;
  if (job.job_id.empty()) issues.push_back({"job_id", "required"});
  for (auto [key, value] : {std::pair{"request_id", &job.request_id},
                            std::pair{"model", &job.model},
                            std::pair{"output_key", &job.output_key}}) {
    if (value->empty())
      issues.push_back({std::string("resume.") + key, "required string"});
  }
  if (j.is_object() && j.contains("input_sizes") &&
      j["input_sizes"].is_array()) {
    for (const auto& s : j["input_sizes"]) {
      if (s.is_array() && s.size() == 2 && s[0].is_number_integer() &&
          s[1].is_number_integer()) {
        job.input_sizes.push_back({s[0].get<int>(), s[1].get<int>()});
      }
    }
  }
  if (!issues.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "not a fal job resume",
                     std::move(issues));
  }
  return job;
}

// ---- FalJobRegistry ----

FalJobRegistry::Begin FalJobRegistry::TryBegin(const std::string& job_id,
                                               FalJob* existing) {
  std::lock_guard lock(mu_);
  auto it = by_job_.find(job_id);
  if (it == by_job_.end()) {
    by_job_.emplace(job_id, std::nullopt);
    return Begin::kNew;
  }
  if (!it->second) return Begin::kInFlight;
  *existing = *it->second;
  return Begin::kExisting;
}

void FalJobRegistry::Commit(const FalJob& job) {
  std::lock_guard lock(mu_);
  by_job_[job.job_id] = job;
  job_of_request_[job.request_id] = job.job_id;
}

void FalJobRegistry::Adopt(const FalJob& job) {
  std::lock_guard lock(mu_);
  if (!by_job_.emplace(job.job_id, job).second) return;
  job_of_request_[job.request_id] = job.job_id;
}

void FalJobRegistry::Abort(const std::string& job_id) {
  std::lock_guard lock(mu_);
  auto it = by_job_.find(job_id);
  if (it != by_job_.end() && !it->second) by_job_.erase(it);
}

std::optional<FalJob> FalJobRegistry::ByJob(const std::string& job_id) const {
  std::lock_guard lock(mu_);
  auto it = by_job_.find(job_id);
  if (it == by_job_.end()) return std::nullopt;
  return it->second;
}

std::optional<FalJob> FalJobRegistry::ByRequest(
    const std::string& request_id) const {
  std::lock_guard lock(mu_);
  auto it = job_of_request_.find(request_id);
  if (it == job_of_request_.end()) return std::nullopt;
  auto j = by_job_.find(it->second);
  return j == by_job_.end() ? std::nullopt : j->second;
}

bool FalJobRegistry::Claim(const std::string& request_id) {
  std::lock_guard lock(mu_);
  return claims_.emplace(request_id, false).second;
}

void FalJobRegistry::Release(const std::string& request_id) {
  std::lock_guard lock(mu_);
  auto it = claims_.find(request_id);
  if (it != claims_.end() && !it->second) claims_.erase(it);
}

void FalJobRegistry::Delivered(const std::string& request_id) {
  std::lock_guard lock(mu_);
  claims_[request_id] = true;
}

// ---- FalImageGenerator ----

FalImageGenerator::FalImageGenerator(FalConfig config, HttpClient& http,
                                     BlobStore& blobs, ResultSink& sink,
                                     const PriceTable& prices,
                                     FalWebhookVerifier& verifier,
                                     FalResilience resilience,
                                     const Clock& clock)
    : config_(std::move(config)),
      http_(http),
      blobs_(blobs),
      sink_(sink),
      prices_(prices),
      verifier_(verifier),
      resilience_(resilience),
      clock_(clock) {}

HttpRequest FalImageGenerator::Authorized(std::string method,
                                          std::string url) const {
  HttpRequest r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.headers = {{"Authorization", "Key " + config_.api_key},
               {"Accept", "application/json"}};
  r.connect_timeout_ms = config_.connect_timeout_ms;
  r.total_timeout_ms = config_.request_timeout_ms;
  return r;
}

std::string FalImageGenerator::RequestsUrl(const FalJob& job) const {
  return config_.queue_base_url + "/" + FalAppId(job.model) + "/requests/" +
         job.request_id;
}

std::string FalImageGenerator::WebhookUrlFor(const FalJob& job) const {
  if (config_.webhook_secret.empty()) return config_.webhook_url;
  QueryParams p = {
      {"job", job.job_id}, {"model", job.model}, {"out", job.output_key}};
  std::string sizes;
  for (const Size& s : job.input_sizes) {
    sizes += (sizes.empty() ? "" : ",") + std::to_string(s.width) + "x" +
             std::to_string(s.height);
  }
  if (!sizes.empty()) p["in"] = sizes;
  if (!job.refine_mask.empty()) {
    p["img"] = job.refine_image;
    p["mask"] = job.refine_mask;
  }
  return WithSignedQuery(config_.webhook_url, config_.webhook_secret,
                         kWebhookPurpose, p);
}

Result<std::optional<FalJob>> FalImageGenerator::JobFromQuery(
    const QueryParams& query, const std::string& request_id) const {
  if (query.empty()) return std::optional<FalJob>();
  auto refused = [](std::string why) {
    return MakeError(ErrorCode::kRefused,
                     "unauthenticated webhook: bad url token",
                     {{"t", std::move(why)}});
  };
  auto p = VerifySignedQuery(config_.webhook_secret, kWebhookPurpose, query);
  if (!p) return refused(p.error().issues.at(0).message);
  FalJob job;
  job.request_id = request_id;
  job.job_id = (*p)["job"];
  job.model = (*p)["model"];
  job.output_key = (*p)["out"];
  if (job.job_id.empty() || job.model.empty() || job.output_key.empty()) {
    return refused("job, model and out are required");
  }
  job.refine_image = (*p)["img"];
  job.refine_mask = (*p)["mask"];
  const std::string& sizes = (*p)["in"];
  for (size_t pos = 0; pos < sizes.size();) {
    size_t comma = sizes.find(',', pos);
    std::string one = sizes.substr(
        pos, comma == std::string::npos ? std::string::npos : comma - pos);
    int w = 0, h = 0;
    if (std::sscanf(one.c_str(), "%dx%d", &w, &h) == 2 && w > 0 && h > 0) {
      job.input_sizes.push_back({w, h});
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return std::optional<FalJob>(std::move(job));
}

Result<HttpResponse> FalImageGenerator::Call(const HttpRequest& request,
                                             bool idempotent, bool json_reply) {
  std::optional<HttpResponse> last;
  auto attempt = [&]() -> AttemptOutcome {
    AttemptOutcome o;
    auto r = http_.Send(request);
    if (!r) {
      o.cls = CallClass::kFailure;
      o.retryable = idempotent;
      o.error = r.error();
      return o;
    }
    int s = r->status;
    o.cls = ClassifyHttpStatus(s);
    if (o.cls == CallClass::kSuccess) {
      if (!json_reply || nlohmann::json::accept(r->body)) {
        last = std::move(*r);
        return o;
      }
      o.cls = CallClass::kFailure;
      o.retryable = idempotent;
      o.error = Error{ErrorCode::kUnavailable, "malformed JSON from fal", {}};
      return o;
    }
    o.retryable = s == 429 || s == 502 || s == 503 || s == 504 || s == 0 ||
                  (idempotent && s >= 500);
    o.retry_after_ms =
        ParseRetryAfterMs(r->Header("retry-after"), clock_.NowMs());
    FalErrorInfo info = DescribeFalError(s, r->body);
    ErrorCode code = ErrorCode::kInvalidArgument;
    if (o.cls == CallClass::kFailure)
      code = ErrorCode::kUnavailable;
    else if (info.content_policy)
      code = ErrorCode::kRefused;
    else if (s == 401 || s == 403)
      code = ErrorCode::kFailedPrecondition;
    else if (s == 404)
      code = ErrorCode::kNotFound;
    o.error = Error{code, info.message, {}};
    return o;
  };
  Result<void> ran;
  if (resilience_.retrier != nullptr) {
    ran = resilience_.retrier->Run(attempt, resilience_.breaker);
  } else {
    RetryOptions once;
    once.max_attempts = 1;
    ThreadSleeper no_sleep;
    Retrier single(once, no_sleep, nullptr, clock_);
    ran = single.Run(attempt, resilience_.breaker);
  }
  if (!ran) return tl::unexpected<Error>(ran.error());
  return std::move(*last);
}

Result<std::string> FalImageGenerator::Upload(const std::string& key) {
  ASSIGN_OR_RETURN(std::string bytes, blobs_.Get(key), "reading " + key);
  const std::string type = SniffImageMime(bytes);
  std::string name = key.substr(key.rfind('/') + 1);
  // fal-js libs/client/src/storage.ts (initiateUpload, upload): POST
  // {rest}/storage/upload/initiate?storage_type=fal-cdn-v3 with
  // {content_type, file_name} -> {upload_url, file_url}; PUT the bytes to
  // upload_url with the same Content-Type; send file_url.
  HttpRequest init = Authorized(
      "POST", config_.rest_base_url +
                  "/storage/upload/initiate?storage_type=fal-cdn-v3");
  init.headers.emplace_back("Content-Type", "application/json");
  init.body =
      nlohmann::json{{"content_type", type}, {"file_name", name}}.dump();
  ASSIGN_OR_RETURN(HttpResponse started, Call(init, /*idempotent=*/true),
                   "fal storage upload of " + key);
  auto j = nlohmann::json::parse(started.body, nullptr, false);
  if (!j.is_object() || !j.contains("upload_url") ||
      !j["upload_url"].is_string() || !j.contains("file_url") ||
      !j["file_url"].is_string()) {
    return MakeError(ErrorCode::kUnavailable,
                     "fal storage: no upload_url/file_url for " + key);
  }
  HttpRequest put;
  put.method = "PUT";
  put.url = j["upload_url"].get<std::string>();
  put.headers = {{"Content-Type", type}};
  put.body = std::move(bytes);
  put.connect_timeout_ms = config_.connect_timeout_ms;
  put.total_timeout_ms = config_.request_timeout_ms;
  RETURN_IF_ERROR(Call(put, /*idempotent=*/true, /*json_reply=*/false),
                  "fal storage upload of " + key);
  return j["file_url"].get<std::string>();
}

Result<nlohmann::json> FalImageGenerator::RequestBody(
    const ImageRequest& request) {
  RETURN_IF_ERROR(ValidateFalRequest(config_, request), "fal");
  FalInputs inputs;
  if (request.mode == ImageRequest::Mode::kInpaint) {
    ASSIGN_OR_RETURN(std::string image, blobs_.Get(request.image_blob),
                     "refine image");
    ASSIGN_OR_RETURN(std::string mask, blobs_.Get(request.mask_blob),
                     "refine mask");
    auto image_dims = ProbeImageDims(image);
    auto mask_dims = ProbeImageDims(mask);
    if (!image_dims || !mask_dims || image_dims->width != mask_dims->width ||
        image_dims->height != mask_dims->height) {
      return MakeError(ErrorCode::kInvalidArgument, "fal: invalid refine",
                       {{"mask_blob", "must be an image of the image's size"}});
    }
    inputs.image_width = image_dims->width;
    inputs.image_height = image_dims->height;
    ASSIGN_OR_RETURN(inputs.image_url, Upload(request.image_blob), "fal");
  }
  for (const std::string& key : request.reference_blobs) {
    if (request.mode != ImageRequest::Mode::kEdit) break;
    if (static_cast<int>(inputs.reference_urls.size()) >=
        config_.max_edit_references)
      break;
    ASSIGN_OR_RETURN(std::string url, Upload(key), "fal");
    inputs.reference_urls.push_back(std::move(url));
  }
  return BuildFalInput(config_, request, inputs);
}

Result<void> FalImageGenerator::CompositeRefine(const FalJob& job,
                                                const std::string& key) {
  ASSIGN_OR_RETURN(std::string original, blobs_.Get(job.refine_image),
                   "refine: the original image");
  ASSIGN_OR_RETURN(std::string mask, blobs_.Get(job.refine_mask),
                   "refine: the mask");
  ASSIGN_OR_RETURN(std::string edited, blobs_.Get(key), "refine: fal's edit");
  ASSIGN_OR_RETURN(
      std::string png,
      CompositeRefinePng(original, edited, mask, config_.refine_feather_px),
      "fal refine");
  return blobs_.Put(key, png);
}

int64_t FalImageGenerator::EstimateCostMicros(
    const ImageRequest& request) const {
  std::vector<Size> inputs;
  if (request.mode == ImageRequest::Mode::kInpaint) {
    auto bytes = blobs_.Get(request.image_blob);
    auto dims = bytes ? ProbeImageDims(*bytes) : std::nullopt;
    inputs.push_back(dims ? Size{dims->width, dims->height}
                          : Size{request.width, request.height});
  }
  if (request.mode == ImageRequest::Mode::kEdit) {
    for (const std::string& key : request.reference_blobs) {
      auto bytes = blobs_.Get(key);
      auto dims = bytes ? ProbeImageDims(*bytes) : std::nullopt;
      inputs.push_back(dims ? Size{dims->width, dims->height}
                            : Size{request.width, request.height});
    }
  }
  auto est =
      prices_.EstimateImage(FalModelFor(config_, request.mode),
                            {Size{request.width, request.height}}, inputs);
  return est ? *est : 0;
}

Result<DispatchLookup> FalImageGenerator::LookupDispatch(
    const ImageRequest& request) {
  if (std::optional<FalJob> known = jobs_.ByJob(request.job_id); known) {
    return DispatchLookup{
        DispatchLookup::Outcome::kFound,
        Dispatch{known->request_id, EstimateCostMicros(request),
                 FalResume(*known)}};
  }
  return DispatchLookup{DispatchLookup::Outcome::kUnknown, {}};
}

Result<Dispatch> FalImageGenerator::Submit(const ImageRequest& request) {
  FalJob existing;
  switch (jobs_.TryBegin(request.job_id, &existing)) {
    case FalJobRegistry::Begin::kExisting:
      return Dispatch{existing.request_id, EstimateCostMicros(request),
                      FalResume(existing)};
    case FalJobRegistry::Begin::kInFlight:
      return MakeError(ErrorCode::kFailedPrecondition,
                       "job " + request.job_id + " is being submitted");
    case FalJobRegistry::Begin::kNew:
      break;
  }
  auto body = RequestBody(request);
  if (!body) {
    jobs_.Abort(request.job_id);
    return tl::unexpected<Error>(body.error());
  }
  std::string model = FalModelFor(config_, request.mode);
  FalJob job{request.job_id, "", model, request.output_key, {}, "", ""};
  std::vector<std::string> inputs;
  if (request.mode == ImageRequest::Mode::kEdit)
    inputs = request.reference_blobs;
  if (request.mode == ImageRequest::Mode::kInpaint) {
    inputs = {request.image_blob};
    job.refine_image = request.image_blob;
    job.refine_mask = request.mask_blob;
  }
  for (const std::string& key : inputs) {
    auto bytes = blobs_.Get(key);
    auto dims = bytes ? ProbeImageDims(*bytes) : std::nullopt;
    if (dims) job.input_sizes.push_back({dims->width, dims->height});
  }
  std::string url = config_.queue_base_url + "/" + model;
  if (!config_.webhook_url.empty())
    url += "?fal_webhook=" + UrlEncode(WebhookUrlFor(job));
  HttpRequest req = Authorized("POST", url);
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = body->dump();
  auto resp = Call(req, /*idempotent=*/false);
  if (!resp) {
    jobs_.Abort(request.job_id);
    return tl::unexpected<Error>(WithContext(resp.error(), "fal submit"));
  }
  auto j = nlohmann::json::parse(resp->body, nullptr, false);
  if (!j.is_object() || !j.contains("request_id") ||
      !j["request_id"].is_string()) {
    jobs_.Abort(request.job_id);
    return MakeError(ErrorCode::kUnavailable,
                     "fal submit: no request_id in response");
  }
  job.request_id = j["request_id"].get<std::string>();
  jobs_.Commit(job);
  return Dispatch{job.request_id, EstimateCostMicros(request), FalResume(job)};
}

ProviderResult FalImageGenerator::Failed(const FalJob& job, std::string error,
                                         bool retryable) const {
  ProviderResult r;
  r.provider = "fal";
  r.job_id = job.job_id;
  r.provider_request_id = job.request_id;
  r.status = ProviderResult::Status::kFailed;
  r.error = std::move(error);
  r.retryable = retryable;
  return r;
}

Result<ProviderResult> FalImageGenerator::ResultFromOutput(
    const FalJob& job, const nlohmann::json& output) {
  ASSIGN_OR_RETURN(std::vector<FalImage> images, ParseFalImages(output),
                   "fal result");
  ProviderResult r;
  r.provider = "fal";
  r.job_id = job.job_id;
  r.provider_request_id = job.request_id;
  std::vector<Size> sizes;
  for (size_t i = 0; i < images.size(); ++i) {
    std::string key = NthKey(job.output_key, i);
    ASSIGN_OR_RETURN(
        DownloadInfo info,
        http_.Download(images[i].url, config_.result_fetch, blobs_, key),
        "copying fal result");
    (void)info;
    if (i == 0 && !job.refine_mask.empty()) {
      auto composited = CompositeRefine(job, key);
      if (!composited && composited.error().code == ErrorCode::kUnavailable)
        return tl::unexpected<Error>(composited.error());
      if (!composited) return Failed(job, composited.error().message, true);
    }
    Size s{images[i].width, images[i].height};
    if (s.width == 0 || s.height == 0) {
      auto bytes = blobs_.Get(key);
      auto dims = bytes ? ProbeImageDims(*bytes) : std::nullopt;
      if (dims) s = {dims->width, dims->height};
    }
    sizes.push_back(s);
    r.output_blobs.push_back(key);
  }
  auto cost = prices_.EstimateImage(job.model, sizes, job.input_sizes);
  r.cost_micros = cost ? *cost : 0;
  return r;
}

Result<nlohmann::json> FalImageGenerator::FetchOutput(const FalJob& job) {
  ASSIGN_OR_RETURN(HttpResponse resp,
                   Call(Authorized("GET", RequestsUrl(job)), true),
                   "fal result");
  return nlohmann::json::parse(resp.body);
}

Result<std::optional<ProviderResult>> FalImageGenerator::Poll(
    std::string_view job_id) {
  auto job = jobs_.ByJob(std::string(job_id));
  if (!job)
    return MakeError(ErrorCode::kNotFound,
                     "unknown fal job " + std::string(job_id));
  ASSIGN_OR_RETURN(
      HttpResponse status,
      Call(Authorized("GET", RequestsUrl(*job) + "/status?logs=0"), true),
      "fal status");
  auto j = nlohmann::json::parse(status.body);
  if (status.status == 202 || j.value("status", "") != "COMPLETED") {
    return std::optional<ProviderResult>();
  }
  auto output = FetchOutput(*job);
  std::optional<ProviderResult> result;
  if (!output) {
    const Error& e = output.error();
    if (e.code == ErrorCode::kUnavailable) return tl::unexpected<Error>(e);
    result = Failed(*job, e.message, false);  // the model failed (4xx body)
  } else {
    ASSIGN_OR_RETURN(ProviderResult r, ResultFromOutput(*job, *output),
                     "fal poll");
    result = std::move(r);
  }
  jobs_.Delivered(job->request_id);  // a later webhook is a duplicate
  return result;
}

Result<void> FalImageGenerator::Adopt(std::string_view job_id,
                                      std::string_view resume) {
  ASSIGN_OR_RETURN(FalJob job, FalJobFromResume(job_id, resume), "fal adopt");
  jobs_.Adopt(job);
  return {};
}

Result<void> FalImageGenerator::Cancel(std::string_view job_id) {
  auto job = jobs_.ByJob(std::string(job_id));
  if (!job)
    return MakeError(ErrorCode::kNotFound,
                     "unknown fal job " + std::string(job_id));
  auto resp = Call(Authorized("PUT", RequestsUrl(*job) + "/cancel"), true);
  if (!resp) {
    if (resp.error().code == ErrorCode::kInvalidArgument) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "fal job already completed");
    }
    return tl::unexpected<Error>(resp.error());
  }
  return {};
}

Result<FalImageGenerator::WebhookOutcome> FalImageGenerator::HandleWebhook(
    const HeaderMap& headers, std::string_view raw_body,
    const QueryParams& query) {
  RETURN_IF_ERROR(verifier_.Verify(headers, raw_body), "fal webhook");
  ASSIGN_OR_RETURN(FalWebhook hook, ParseFalWebhook(raw_body), "fal webhook");
  auto header_id = headers.find("x-fal-webhook-request-id");
  if (header_id == headers.end() || header_id->second != hook.request_id) {
    return MakeError(ErrorCode::kRefused,
                     "unauthenticated webhook: request id mismatch");
  }
  auto job = jobs_.ByRequest(hook.request_id);
  if (!job) {
    // Submitted by another instance (or before a restart): the signed URL
    // says which job it is.
    ASSIGN_OR_RETURN(job, JobFromQuery(query, hook.request_id), "fal webhook");
    if (!job) return WebhookOutcome::kUnknownRequest;
    jobs_.Commit(*job);  // Poll and dedupe here from now on
  }
  if (!jobs_.Claim(hook.request_id)) return WebhookOutcome::kDuplicate;

  Result<ProviderResult> result = [&]() -> Result<ProviderResult> {
    if (hook.status == "ERROR") {
      static const std::regex kCode("([0-9]{3})");
      std::smatch m;
      int code = std::regex_search(hook.error, m, kCode) ? std::stoi(m[1]) : 0;
      FalErrorInfo info = DescribeFalError(
          code, hook.payload.is_null() ? "" : hook.payload.dump());
      bool retryable = code == 0 || code == 429 || code >= 500;
      return Failed(*job, hook.error + " " + info.message, retryable);
    }
    if (hook.payload.is_null() || !hook.payload_error.empty()) {
      ASSIGN_OR_RETURN(nlohmann::json output, FetchOutput(*job), "fal webhook");
      return ResultFromOutput(*job, output);
    }
    return ResultFromOutput(*job, hook.payload);
  }();
  if (!result) {
    jobs_.Release(hook.request_id);
    return tl::unexpected<Error>(result.error());
  }
  jobs_.Delivered(hook.request_id);
  sink_.OnResult(std::move(*result));
  return WebhookOutcome::kDelivered;
}

}  // namespace miri
