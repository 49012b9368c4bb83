#include "adapters/google/gemini_vision_analyzer.h"

#include <algorithm>

#include "adapters/curl/media_probe.h"
#include "adapters/gemini/gemini_generation.h"

namespace miri {
namespace {

nlohmann::json ImagePart(std::string_view bytes) {
  return {
      {"inlineData",
       {{"mimeType", SniffImageMime(bytes)}, {"data", Base64Encode(bytes)}}}};
}

}  // namespace

Result<nlohmann::json> GeminiJsonAnswer(const nlohmann::json& response) {
  if (!response.is_object() || !response.contains("candidates") ||
      !response["candidates"].is_array() || response["candidates"].empty()) {
    std::string why = "no candidates";
    if (response.contains("promptFeedback") &&
        response["promptFeedback"].is_object()) {
      why = "blocked: " +
            response["promptFeedback"].value("blockReason", "unknown");
    }
    return MakeError(ErrorCode::kRefused, "gemini: " + why);
  }
  const auto& c = response["candidates"][0];
  std::string finish = c.is_object() ? c.value("finishReason", "") : "";
  if (finish != "STOP")
    return MakeError(ErrorCode::kUnavailable, "gemini finishReason " + finish);
  std::string text;
  if (c.contains("content") && c["content"].contains("parts") &&
      c["content"]["parts"].is_array()) {
    for (const auto& p : c["content"]["parts"]) {
      if (p.is_object() && !p.value("thought", false) && p.contains("text") &&
          p["text"].is_string()) {
        text += p["text"].get<std::string>();
      }
    }
  }
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "gemini answer is not a JSON object");
  }
  return j;
}

GeminiVisionAnalyzer::GeminiVisionAnalyzer(GoogleConfig config,
                                           HttpClient& http, BlobStore& blobs,
                                           Resilience resilience,
                                           const Clock& clock)
    : config_(std::move(config)),
      http_(http),
      blobs_(blobs),
      resilience_(resilience),
      clock_(clock) {}

nlohmann::json GeminiVisionAnalyzer::RuleRequest(
    const RejectionInput& in, std::string_view image_bytes) const {
  nlohmann::json schema = {
      {"type", "object"},
      {"properties",
       {{"text",
         {{"type", "string"},
          {"description", "one imperative rule for future prompts"}}},
        {"kind",
         {{"type", "string"},
          {"enum", {"POSITIVE", "NEGATIVE", "AUDIT_CHECK"}}}},
        {"scope",
         {{"type", "string"}, {"enum", {"GLOBAL", "SCENE", "CHARACTER"}}}},
        {"explanation", {{"type", "string"}}}}},
      {"required", {"text", "kind", "scope", "explanation"}}};
  return {
      {"systemInstruction",
       {{"parts",
         {{{"text",
            "You review images for a music video and turn a reviewer's "
            "rejection into one reusable prompt rule."}}}}}},
      {"contents",
       {{{"role", "user"},
         {"parts",
          {ImagePart(image_bytes),
           {{"text", "Prompt: " + in.prompt + "\nReason: " + in.reason}}}}}}},
      {"generationConfig",
       gemini::JsonGenerationConfig(config_.vision_model, config_.vision_limits,
                                    "responseJsonSchema", schema)}};
}

nlohmann::json GeminiVisionAnalyzer::MaskRequest(
    const MaskInput& in, std::string_view image_bytes) const {
  nlohmann::json box = {{"type", "object"},
                        {"properties",
                         {{"box_2d",
                           {{"type", "array"},
                            {"items", {{"type", "integer"}}},
                            {"minItems", 4},
                            {"maxItems", 4}}},
                          {"label", {{"type", "string"}}}}},
                        {"required", {"box_2d"}}};
  nlohmann::json schema = {
      {"type", "object"},
      {"properties", {{"boxes", {{"type", "array"}, {"items", box}}}}},
      {"required", {"boxes"}}};
  return {{"contents",
           {{{"role", "user"},
             {"parts",
              {ImagePart(image_bytes),
               {{"text",
                 "Return the regions to change for this instruction as "
                 "box_2d [ymin, xmin, ymax, xmax] normalised to 0-1000. "
                 "Instruction: " +
                     in.instruction}}}}}}},
          {"generationConfig", gemini::JsonGenerationConfig(
                                   config_.vision_model, config_.vision_limits,
                                   "responseJsonSchema", schema)}};
}

Result<nlohmann::json> GeminiVisionAnalyzer::Ask(const nlohmann::json& body) {
  ASSIGN_OR_RETURN(nlohmann::json resp,
                   GeminiGenerateContent(http_, config_, config_.vision_model,
                                         body, resilience_, clock_),
                   "gemini vision");
  return GeminiJsonAnswer(resp);
}

Result<RuleProposal> GeminiVisionAnalyzer::RuleFromRejection(
    const RejectionInput& in) {
  if (in.reason.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "no reason",
                     {{"reason", "required"}});
  }
  ASSIGN_OR_RETURN(std::string image, blobs_.Get(in.image_blob),
                   "rejected image");
  ASSIGN_OR_RETURN(nlohmann::json a, Ask(RuleRequest(in, image)),
                   "rule from rejection");
  auto kind = ParseRuleKind(a.value("kind", ""));
  auto scope = ParseRuleScope(a.value("scope", ""));
  std::string text = a.contains("text") && a["text"].is_string()
                         ? a["text"].get<std::string>()
                         : "";
  if (text.empty() || !kind || !scope) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "gemini rule answer does not match the schema");
  }
  return RuleProposal{text, *kind, *scope, a.value("explanation", "")};
}

Result<std::string> GeminiVisionAnalyzer::MaskFromInstruction(
    const MaskInput& in) {
  if (!IsValidBlobKey(in.output_key)) {
    return MakeError(ErrorCode::kInvalidArgument, "bad output key",
                     {{"output_key", "not a blob key"}});
  }
  ASSIGN_OR_RETURN(std::string image, blobs_.Get(in.image_blob), "image");
  auto dims = ProbeImageDims(image);
  if (!dims)
    return MakeError(ErrorCode::kInvalidArgument, "image is not PNG/JPEG");
  if (!in.user_mask_blob.empty()) {
    ASSIGN_OR_RETURN(std::string mask, blobs_.Get(in.user_mask_blob),
                     "user mask");
    RETURN_IF_ERROR(blobs_.Put(in.output_key, mask), "mask");
    return in.output_key;
  }
  if (in.instruction.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "no instruction",
                     {{"instruction", "required"}});
  }
  ASSIGN_OR_RETURN(nlohmann::json a, Ask(MaskRequest(in, image)),
                   "mask from instruction");
  if (!a.contains("boxes") || !a["boxes"].is_array()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "gemini mask answer has no boxes");
  }
  int w = dims->width, h = dims->height;
  std::string pixels(static_cast<size_t>(w) * h, '\0');
  for (const auto& b : a["boxes"]) {
    if (!b.is_object() || !b.contains("box_2d") || !b["box_2d"].is_array() ||
        b["box_2d"].size() != 4)
      continue;
    auto v = [&](int i) {
      return std::clamp(
          b["box_2d"][i].is_number() ? b["box_2d"][i].get<int>() : 0, 0, 1000);
    };
    int y0 = v(0) * h / 1000, x0 = v(1) * w / 1000, y1 = v(2) * h / 1000,
        x1 = v(3) * w / 1000;
    for (int y = y0; y < y1; ++y) {
      std::fill(pixels.begin() + static_cast<long>(y) * w + x0,
                pixels.begin() + static_cast<long>(y) * w + x1, '\xff');
    }
  }
  RETURN_IF_ERROR(blobs_.Put(in.output_key, EncodeGrayPng(w, h, pixels)),
                  "mask");
  return in.output_key;
}

}  // namespace miri
