#include "adapters/gemini/gemini_request_auditor.h"

#include "adapters/google/gemini_vision_analyzer.h"

namespace miri {

using nlohmann::json;

namespace {

// What the model is told: Miri's rules, the intent test the request screen
// applies (moving away from a rule is refused; complaining that an image
// breaks one, or asking to restore it, is allowed) and the channel.
constexpr char kInstructions[] =
    "You review text a person typed into a music-video tool whose recurring "
    "character, Miri, is a 12-year-old girl. Her depiction rules protect a "
    "child and may never be undone: she is drawn only through her LoRA; "
    "Child physique; Young girl; Loose fit; Heavy fabric; hemlines Mid-calf; "
    "Mouth CLOSED (no speaking, singing or toothy smile); no sexualising "
    "pose, framing or wording; no making her look older (makeup, heels); no "
    "other real person's likeness, other LoRA or reference photo; no other "
    "child in a shot. Decide whether the text asks to move away from any "
    "of these, in any words or language (REFUSE), or not (ALLOW). A "
    "complaint that an image breaks a rule, or a request to restore a rule, "
    "is ALLOW. Answer only with JSON matching the schema; the reason is one "
    "sentence for the person who typed the text.";

json Schema() {
  json order = {"decision", "rule", "reason"};
  return {{"type", "OBJECT"},
          {"properties",
           {{"decision", {{"type", "STRING"}, {"enum", {"ALLOW", "REFUSE"}}}},
            {"rule", {{"type", "STRING"}}},
            {"reason", {{"type", "STRING"}}}}},
          {"required", order},
          {"propertyOrdering", order}};
}

}  // namespace

GeminiRequestAuditor::GeminiRequestAuditor(GoogleConfig config,
                                           HttpClient& http,
                                           Resilience resilience,
                                           const Clock& clock,
                                           std::string model)
    : config_(std::move(config)),
      http_(http),
      resilience_(resilience),
      clock_(clock),
      model_(model.empty() ? config_.vision_model : std::move(model)) {}

json GeminiRequestAuditor::RequestBody(const RequestCheck& r) const {
  gemini::GenerationLimits limits;
  limits.max_output_tokens = 4096;
  limits.thinking_budget = 512;
  return {
      {"systemInstruction", {{"parts", {{{"text", kInstructions}}}}}},
      {"contents",
       {{{"role", "user"},
         {"parts",
          {{{"text", "Channel: " + r.channel + "\nText: " + r.text}}}}}}},
      {"generationConfig", gemini::JsonGenerationConfig(
                               model_, limits, "responseSchema", Schema())}};
}

Result<RequestVerdict> GeminiRequestAuditor::VerdictFromResponse(
    const json& response) const {
  RequestVerdict v;
  v.checker = response.is_object() && response.contains("modelVersion") &&
                      response["modelVersion"].is_string()
                  ? response["modelVersion"].get<std::string>()
                  : model_;
  // A reply the model's own safety filters blocked is a refusal: the text
  // was judged unsafe by the model.
  if (response.is_object() && response.contains("promptFeedback") &&
      response["promptFeedback"].contains("blockReason")) {
    v.allowed = false;
    v.reason = "the text was blocked by the model's safety filters";
    return v;
  }
  auto answer = GeminiJsonAnswer(response);
  if (!answer) {
    return tl::unexpected(Error{ErrorCode::kUnavailable, answer.error().message,
                                answer.error().issues});
  }
  const json& a = *answer;
  if (!a.is_object() || !a.contains("decision") || !a["decision"].is_string()) {
    return MakeError(ErrorCode::kUnavailable,
                     "the request check answered out of schema (decision)");
  }
  const std::string decision = a["decision"];
  if (decision != "ALLOW" && decision != "REFUSE") {
    return MakeError(ErrorCode::kUnavailable,
                     "the request check answered decision=" + decision);
  }
  v.allowed = decision == "ALLOW";
  if (a.contains("rule") && a["rule"].is_string()) v.rule = a["rule"];
  if (a.contains("reason") && a["reason"].is_string()) v.reason = a["reason"];
  return v;
}

Result<RequestVerdict> GeminiRequestAuditor::Check(const RequestCheck& r) {
  ASSIGN_OR_RETURN(json response,
                   GeminiGenerateContent(http_, config_, model_, RequestBody(r),
                                         resilience_, clock_),
                   "gemini request check");
  return VerdictFromResponse(response);
}

}  // namespace miri
