#include "adapters/fal/fal_wire.h"

#include "ports/blob_store.h"

namespace miri {

std::string FalModelFor(const FalConfig& config, ImageRequest::Mode mode) {
  switch (mode) {
    case ImageRequest::Mode::kTextToImage:
      return config.text_to_image_model;
    case ImageRequest::Mode::kEdit:
      return config.edit_model;
    case ImageRequest::Mode::kInpaint:
      return config.refine_model;
  }
  return config.text_to_image_model;
}

bool IsFlux2Model(std::string_view model_id) {
  constexpr std::string_view kFlux2 = "fal-ai/flux-2";
  if (model_id.substr(0, kFlux2.size()) != kFlux2) return false;
  return model_id.size() == kFlux2.size() || model_id[kFlux2.size()] == '/' ||
         model_id[kFlux2.size()] == '-';
}

std::string FalAppId(std::string_view model_id) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= model_id.size()) {
    size_t end = model_id.find('/', start);
    if (end == std::string_view::npos) end = model_id.size();
    if (end > start) parts.emplace_back(model_id.substr(start, end - start));
    start = end + 1;
  }
  size_t keep =
      (!parts.empty() && (parts[0] == "workflows" || parts[0] == "comfy")) ? 3
                                                                           : 2;
  std::string out;
  for (size_t i = 0; i < parts.size() && i < keep; ++i) {
    if (i) out += '/';
    out += parts[i];
  }
  return out;
}

Result<void> ValidateFalRequest(const FalConfig& config,
                                const ImageRequest& r) {
  std::vector<FieldIssue> issues;
  if (r.job_id.empty()) issues.push_back({"job_id", "required"});
  if (r.prompt.empty()) issues.push_back({"prompt", "required"});
  if (!IsValidBlobKey(r.output_key))
    issues.push_back({"output_key", "not a blob key"});
  if (r.width < 512 || r.width > 2048)
    issues.push_back({"width", "must be 512..2048"});
  if (r.height < 512 || r.height > 2048)
    issues.push_back({"height", "must be 512..2048"});
  if (r.loras.size() > 3) issues.push_back({"loras", "at most 3"});
  for (const std::string& id : r.loras) {
    if (!config.lora_paths.count(id))
      issues.push_back({"loras", "unknown LoRA " + id});
  }
  if (!r.loras.empty() && !IsFlux2Model(FalModelFor(config, r.mode))) {
    issues.push_back({"loras", "LoRA " + r.loras.front() +
                                   " is a FLUX.2 LoRA; " +
                                   FalModelFor(config, r.mode) +
                                   " is not a FLUX.2 endpoint"});
  }
  switch (r.mode) {
    case ImageRequest::Mode::kEdit:
      if (r.reference_blobs.empty())
        issues.push_back({"reference_blobs", "edit needs a reference"});
      break;
    case ImageRequest::Mode::kInpaint:
      if (r.image_blob.empty())
        issues.push_back({"image_blob", "inpaint needs the image"});
      if (r.mask_blob.empty())
        issues.push_back({"mask_blob", "inpaint needs a mask"});
      break;
    case ImageRequest::Mode::kTextToImage:
      break;
  }
  if (!issues.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid image request",
                     std::move(issues));
  }
  return {};
}

namespace {

// "a, b." -> "a, b" (the prompt adds its own full stop).
std::string TrimSentence(std::string s) {
  while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

nlohmann::json BuildFalInput(const FalConfig& config, const ImageRequest& r,
                             const FalInputs& inputs) {
  std::string prompt = r.prompt;
  if (!TrimSentence(r.negative_prompt).empty()) {
    prompt = TrimSentence(prompt) +
             ". Avoid: " + TrimSentence(r.negative_prompt) + ".";
  }
  nlohmann::json j = {{"prompt", prompt}};
  nlohmann::json loras = nlohmann::json::array();
  for (const std::string& id : r.loras) {
    loras.push_back(
        {{"path", config.lora_paths.at(id)}, {"scale", config.lora_scale}});
  }
  if (!loras.empty()) j["loras"] = loras;
  j["image_size"] = {{"width", r.width}, {"height", r.height}};
  if (r.seed) j["seed"] = *r.seed;
  j["num_images"] = 1;
  j["output_format"] = config.output_format;
  j["enable_safety_checker"] = config.enable_safety_checker;
  j["num_inference_steps"] = config.num_inference_steps;
  j["guidance_scale"] = config.guidance_scale;
  switch (r.mode) {
    case ImageRequest::Mode::kTextToImage:
      break;
    case ImageRequest::Mode::kEdit: {
      nlohmann::json urls = nlohmann::json::array();
      for (size_t i = 0; i < inputs.reference_urls.size() &&
                         static_cast<int>(i) < config.max_edit_references;
           ++i) {
        urls.push_back(inputs.reference_urls[i]);
      }
      j["image_urls"] = urls;
      break;
    }
    case ImageRequest::Mode::kInpaint:
      // The whole image is edited at its own size, as a png (the composite
      // decodes it); the mask is applied locally afterwards.
      j["image_urls"] = nlohmann::json::array({inputs.image_url});
      if (inputs.image_width > 0 && inputs.image_height > 0) {
        j["image_size"] = {{"width", inputs.image_width},
                           {"height", inputs.image_height}};
      }
      j["output_format"] = "png";
      break;
  }
  return j;
}

Result<std::vector<FalImage>> ParseFalImages(const nlohmann::json& output) {
  if (!output.is_object() || !output.contains("images") ||
      !output["images"].is_array()) {
    return MakeError(ErrorCode::kInvalidArgument, "fal output has no images");
  }
  std::vector<FalImage> images;
  for (const auto& im : output["images"]) {
    if (!im.is_object() || !im.contains("url") || !im["url"].is_string())
      continue;
    FalImage f;
    f.url = im["url"].get<std::string>();
    if (im.contains("width") && im["width"].is_number_integer())
      f.width = im["width"];
    if (im.contains("height") && im["height"].is_number_integer())
      f.height = im["height"];
    if (im.contains("content_type") && im["content_type"].is_string())
      f.content_type = im["content_type"];
    images.push_back(std::move(f));
  }
  if (images.empty())
    return MakeError(ErrorCode::kInvalidArgument, "fal output has no images");
  return images;
}

Result<FalWebhook> ParseFalWebhook(std::string_view raw_body) {
  auto j = nlohmann::json::parse(raw_body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("request_id") ||
      !j["request_id"].is_string() || !j.contains("status") ||
      !j["status"].is_string()) {
    return MakeError(ErrorCode::kInvalidArgument, "malformed fal webhook body");
  }
  FalWebhook w;
  w.request_id = j["request_id"];
  w.status = j["status"];
  if (j.contains("payload")) w.payload = j["payload"];
  if (j.contains("error") && j["error"].is_string()) w.error = j["error"];
  if (j.contains("payload_error") && j["payload_error"].is_string())
    w.payload_error = j["payload_error"];
  return w;
}

FalErrorInfo DescribeFalError(int http_status, std::string_view body) {
  FalErrorInfo info;
  info.message = "fal HTTP " + std::to_string(http_status);
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("detail")) return info;
  const auto& d = j["detail"];
  if (d.is_string()) {
    info.message += ": " + d.get<std::string>();
  } else if (d.is_array()) {
    for (const auto& item : d) {
      if (!item.is_object()) continue;
      std::string type = item.value("type", "");
      if (type == "content_policy_violation") info.content_policy = true;
      std::string loc;
      if (item.contains("loc") && item["loc"].is_array()) {
        for (const auto& part : item["loc"]) {
          if (!loc.empty()) loc += ".";
          loc += part.is_string() ? part.get<std::string>() : part.dump();
        }
      }
      info.message += "; " + loc + ": " + item.value("msg", type);
    }
  }
  return info;
}

}  // namespace miri
