#include "adapters/google/vertex_imagen_generator.h"

#include <cmath>

#include "adapters/curl/media_probe.h"

namespace miri {

VertexImagenGenerator::VertexImagenGenerator(
    GoogleConfig config, HttpClient& http, BlobStore& blobs, ResultSink& sink,
    const PriceTable& prices, Resilience resilience, const Clock& clock)
    : config_(std::move(config)),
      http_(http),
      blobs_(blobs),
      sink_(sink),
      prices_(prices),
      resilience_(resilience),
      clock_(clock) {}

VertexImagenGenerator::~VertexImagenGenerator() {
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mu_);
    workers.swap(workers_);
  }
  for (auto& t : workers) t.join();
}

std::string VertexImagenGenerator::AspectRatio(int width, int height) {
  static const std::pair<const char*, double> kRatios[] = {{"1:1", 1.0},
                                                           {"3:4", 0.75},
                                                           {"4:3", 4.0 / 3},
                                                           {"9:16", 9.0 / 16},
                                                           {"16:9", 16.0 / 9}};
  double r = height > 0 ? static_cast<double>(width) / height : 1.0;
  const char* best = "1:1";
  double best_d = 1e9;
  for (auto& [name, v] : kRatios) {
    double d = std::abs(std::log(r / v));
    if (d < best_d) {
      best_d = d;
      best = name;
    }
  }
  return best;
}

Result<void> VertexImagenGenerator::Validate(const ImageRequest& r) {
  std::vector<FieldIssue> issues;
  if (r.job_id.empty()) issues.push_back({"job_id", "required"});
  if (r.prompt.empty()) issues.push_back({"prompt", "required"});
  if (!IsValidBlobKey(r.output_key))
    issues.push_back({"output_key", "not a blob key"});
  if (r.mode != ImageRequest::Mode::kTextToImage)
    issues.push_back({"mode", "Imagen route: text-to-image only"});
  if (r.mode == ImageRequest::Mode::kInpaint && r.mask_blob.empty())
    issues.push_back({"mask_blob", "required"});
  if (!issues.empty())
    return MakeError(ErrorCode::kInvalidArgument, "invalid image request",
                     issues);
  if (!r.loras.empty()) {
    return MakeError(
        ErrorCode::kRefused,
        "Imagen cannot apply a LoRA: the character is drawn only through "
        "miriN14 on FLUX.2",
        {{"loras", "not supported on the Imagen route"}});
  }
  return {};
}

nlohmann::json VertexImagenGenerator::RequestBody(const ImageRequest& r) {
  nlohmann::json params = {{"sampleCount", 1},
                           {"aspectRatio", AspectRatio(r.width, r.height)},
                           {"addWatermark", false},
                           {"personGeneration", "dont_allow"},
                           {"outputOptions", {{"mimeType", "image/png"}}}};
  if (std::max(r.width, r.height) > 1408) params["sampleImageSize"] = "2K";
  if (r.seed) params["seed"] = *r.seed;
  nlohmann::json instance = {{"prompt", r.prompt}};
  if (!r.negative_prompt.empty()) params["negativePrompt"] = r.negative_prompt;
  return {{"instances", {instance}}, {"parameters", params}};
}

int64_t VertexImagenGenerator::EstimateCostMicros(const ImageRequest& r) const {
  auto est =
      prices_.EstimateImage(config_.imagen_model, {Size{r.width, r.height}});
  return est ? *est : 0;
}

ProviderResult VertexImagenGenerator::Run(const ImageRequest& r) {
  ProviderResult out;
  out.provider = "imagen";
  out.job_id = r.job_id;
  out.provider_request_id = r.job_id;
  std::string url = config_.VertexPrefix() + "/publishers/google/models/" +
                    config_.imagen_model + ":predict";
  auto resp = GooglePost(http_, config_, true, url, RequestBody(r), true,
                         resilience_, clock_);
  std::string error;
  if (!resp) {
    error = resp.error().message;
    out.retryable = resp.error().code == ErrorCode::kUnavailable;
  } else if (!resp->contains("predictions") ||
             !(*resp)["predictions"].is_array() ||
             (*resp)["predictions"].empty()) {
    error = "imagen returned no image (filtered)";
  } else {
    const auto& p = (*resp)["predictions"][0];
    auto bytes =
        p.contains("bytesBase64Encoded") && p["bytesBase64Encoded"].is_string()
            ? Base64Decode(p["bytesBase64Encoded"].get<std::string>())
            : std::nullopt;
    if (!bytes || !ProbeImageDims(*bytes)) {
      error = "imagen prediction is not an image";
    } else if (auto put = blobs_.Put(r.output_key, *bytes); !put) {
      error = put.error().message;
      out.retryable = true;
    } else {
      out.output_blobs = {r.output_key};
      out.cost_micros = EstimateCostMicros(r);
      return out;
    }
  }
  out.status = ProviderResult::Status::kFailed;
  out.error = error;
  return out;
}

Result<Dispatch> VertexImagenGenerator::Submit(const ImageRequest& r) {
  RETURN_IF_ERROR(Validate(r), "imagen");
  std::lock_guard lock(mu_);
  if (jobs_.count(r.job_id))
    return Dispatch{r.job_id, EstimateCostMicros(r), ""};
  jobs_.emplace(r.job_id, std::nullopt);
  workers_.emplace_back([this, r] {
    ProviderResult result = Run(r);
    {
      std::lock_guard inner(mu_);
      jobs_[r.job_id] = result;
    }
    sink_.OnResult(std::move(result));
  });
  return Dispatch{r.job_id, EstimateCostMicros(r), ""};
}

Result<std::optional<ProviderResult>> VertexImagenGenerator::Poll(
    std::string_view job_id) {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(std::string(job_id));
  if (it == jobs_.end())
    return MakeError(ErrorCode::kNotFound, "unknown imagen job");
  return it->second;
}

}  // namespace miri
