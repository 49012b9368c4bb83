#include "adapters/google/vertex_image_generator.h"

#include <cmath>

#include "adapters/curl/media_probe.h"

namespace miri {

VertexImageGenerator::VertexImageGenerator(
    GoogleConfig config, HttpClient& http, BlobStore& blobs, ResultSink& sink,
    const PriceTable& prices, Resilience resilience, const Clock& clock)
    : config_(std::move(config)),
      http_(http),
      blobs_(blobs),
      sink_(sink),
      prices_(prices),
      resilience_(resilience),
      clock_(clock) {}

VertexImageGenerator::~VertexImageGenerator() {
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mu_);
    workers.swap(workers_);
  }
  for (auto& t : workers) t.join();
}

std::string VertexImageGenerator::AspectRatio(int width, int height) {
  // The model card's supported aspect ratios (gemini-2.5-flash-image).
  static const std::pair<const char*, double> kRatios[] = {
      {"1:1", 1.0},      {"3:2", 1.5},       {"2:3", 2.0 / 3},
      {"3:4", 0.75},     {"4:3", 4.0 / 3},   {"4:5", 0.8},
      {"5:4", 1.25},     {"9:16", 9.0 / 16}, {"16:9", 16.0 / 9},
      {"21:9", 21.0 / 9}};
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

Result<void> VertexImageGenerator::CheckModel(std::string_view model,
                                              std::string_view field) {
  // Gemini image models on Vertex AI (generateContent, IMAGE modality).
  static const char* const kModels[] = {"gemini-2.5-flash-image",
                                        "gemini-3-pro-image-preview"};
  for (const char* m : kModels) {
    if (model == m) return {};
  }
  std::string why = "unknown Vertex image model '" + std::string(model) +
                    "' (gemini-2.5-flash-image or gemini-3-pro-image-preview)";
  if (model.rfind("imagen", 0) == 0 || model.rfind("imagegeneration", 0) == 0) {
    why = "'" + std::string(model) +
          "' is an Imagen model, discontinued on Vertex AI on 2026-06-30; "
          "use gemini-2.5-flash-image";
  }
  return MakeError(ErrorCode::kInvalidArgument, why,
                   {{std::string(field), why}});
}

Result<void> VertexImageGenerator::Validate(const ImageRequest& r) {
  std::vector<FieldIssue> issues;
  if (r.job_id.empty()) issues.push_back({"job_id", "required"});
  if (r.prompt.empty()) issues.push_back({"prompt", "required"});
  if (!IsValidBlobKey(r.output_key))
    issues.push_back({"output_key", "not a blob key"});
  if (r.mode != ImageRequest::Mode::kTextToImage)
    issues.push_back({"mode", "Vertex image route: text-to-image only"});
  if (r.mode == ImageRequest::Mode::kInpaint && r.mask_blob.empty())
    issues.push_back({"mask_blob", "required"});
  if (!issues.empty())
    return MakeError(ErrorCode::kInvalidArgument, "invalid image request",
                     issues);
  if (!r.loras.empty()) {
    return MakeError(
        ErrorCode::kRefused,
        "Vertex cannot apply a LoRA: the character is drawn only through "
        "miriN14 on FLUX.2",
        {{"loras", "not supported on the Vertex image route"}});
  }
  return {};
}

nlohmann::json VertexImageGenerator::RequestBody(const ImageRequest& r) {
  // Vertex AI generateContent (model-reference/inference): an IMAGE-only
  // response, the aspect ratio in generationConfig.imageConfig. Gemini
  // image models take no negative prompt: what to avoid is said in words.
  std::string text = r.prompt;
  if (!r.negative_prompt.empty()) text += "\nAvoid: " + r.negative_prompt;
  nlohmann::json config = {
      {"responseModalities", {"IMAGE"}},
      {"candidateCount", 1},
      {"imageConfig", {{"aspectRatio", AspectRatio(r.width, r.height)}}}};
  if (r.seed) config["seed"] = *r.seed;
  return {{"contents", {{{"role", "user"}, {"parts", {{{"text", text}}}}}}},
          {"generationConfig", config}};
}

int64_t VertexImageGenerator::EstimateCostMicros(const ImageRequest& r) const {
  auto est =
      prices_.EstimateImage(config_.image_model, {Size{r.width, r.height}});
  return est ? *est : 0;
}

namespace {

// The first image part of the first candidate, decoded; nullopt if none.
std::optional<std::string> ImageOf(const nlohmann::json& resp) {
  if (!resp.contains("candidates") || !resp["candidates"].is_array() ||
      resp["candidates"].empty()) {
    return std::nullopt;
  }
  const nlohmann::json& c = resp["candidates"][0];
  if (!c.contains("content") || !c["content"].contains("parts") ||
      !c["content"]["parts"].is_array()) {
    return std::nullopt;
  }
  for (const nlohmann::json& p : c["content"]["parts"]) {
    if (p.contains("inlineData") && p["inlineData"].contains("data") &&
        p["inlineData"]["data"].is_string()) {
      return Base64Decode(p["inlineData"]["data"].get<std::string>());
    }
  }
  return std::nullopt;
}

std::string FinishReasonOf(const nlohmann::json& resp) {
  if (resp.contains("candidates") && resp["candidates"].is_array() &&
      !resp["candidates"].empty() &&
      resp["candidates"][0].contains("finishReason") &&
      resp["candidates"][0]["finishReason"].is_string()) {
    return resp["candidates"][0]["finishReason"].get<std::string>();
  }
  if (resp.contains("promptFeedback") &&
      resp["promptFeedback"].contains("blockReason")) {
    return resp["promptFeedback"]["blockReason"].dump();
  }
  return "none";
}

}  // namespace

ProviderResult VertexImageGenerator::Run(const ImageRequest& r) {
  ProviderResult out;
  out.provider = std::string(name());
  out.job_id = r.job_id;
  out.provider_request_id = r.job_id;
  std::string url = config_.VertexPrefix() + "/publishers/google/models/" +
                    config_.image_model + ":generateContent";
  auto resp = GooglePost(http_, config_, true, url, RequestBody(r), true,
                         resilience_, clock_);
  std::string error;
  if (!resp) {
    error = resp.error().message;
    out.retryable = resp.error().code == ErrorCode::kUnavailable;
  } else if (std::optional<std::string> bytes = ImageOf(*resp); !bytes) {
    error =
        "vertex returned no image (finishReason " + FinishReasonOf(*resp) + ")";
  } else if (!ProbeImageDims(*bytes)) {
    error = "vertex image part is not an image";
  } else if (auto put = blobs_.Put(r.output_key, *bytes); !put) {
    error = put.error().message;
    out.retryable = true;
  } else {
    out.output_blobs = {r.output_key};
    out.cost_micros = EstimateCostMicros(r);
    return out;
  }
  out.status = ProviderResult::Status::kFailed;
  out.error = error;
  return out;
}

Result<Dispatch> VertexImageGenerator::Submit(const ImageRequest& r) {
  RETURN_IF_ERROR(Validate(r), "vertex");
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

Result<std::optional<ProviderResult>> VertexImageGenerator::Poll(
    std::string_view job_id) {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(std::string(job_id));
  if (it == jobs_.end())
    return MakeError(ErrorCode::kNotFound, "unknown vertex image job");
  return it->second;
}

}  // namespace miri
