#include "adapters/gemini/gemini_image_auditor.h"

#include <cctype>

#include <fmt/format.h>

#include "adapters/curl/media_probe.h"
#include "adapters/google/gemini_vision_analyzer.h"

// Field names follow the official client, googleapis/js-genai src/types.ts
// (checked at 6e9b35c, Aug 2026): Part.inlineData is a Blob {mimeType,
// data (base64)}; GenerationConfig {maxOutputTokens, responseMimeType,
// responseSchema (Schema: type, format, enum, description, properties,
// required, propertyOrdering, items, minimum, maximum), thinkingConfig
// {thinkingBudget}}; Schema.type takes the Type enum names (OBJECT, STRING,
// INTEGER, BOOLEAN, ARRAY), which the client itself upper-cases before
// sending (src/_transformers.ts processJsonSchema); an enum is
// {type: STRING, format: "enum", enum: [...]}. types.ts marks
// responseMimeType/responseSchema deprecated in favour of responseFormat,
// which it says the Gemini API does not support: they stay here.

namespace miri {
namespace {

using nlohmann::json;

constexpr const char* kStates[] = {"MET", "VIOLATED", "UNCERTAIN",
                                   "NOT_APPLICABLE"};
// finishReasons that mean the model would not look at what it was given.
constexpr const char* kSafetyStops[] = {"SAFETY", "PROHIBITED_CONTENT",
                                        "BLOCKLIST", "SPII", "IMAGE_SAFETY"};

json ImagePart(const std::string& bytes) {
  return {
      {"inlineData",
       {{"mimeType", SniffImageMime(bytes)}, {"data", Base64Encode(bytes)}}}};
}

json Score(const char* what) {
  return {{"type", "INTEGER"},
          {"minimum", 1},
          {"maximum", 5},
          {"description", what}};
}

std::string Str(const json& o, const char* key) {
  return o.is_object() && o.contains(key) && o[key].is_string()
             ? o[key].get<std::string>()
             : std::string();
}

// A model's rule name as the tail of a finding id: "vision.<slug>".
std::string Slug(std::string_view name) {
  if (name.starts_with("vision.")) name.remove_prefix(7);
  std::string out;
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    bool keep = std::isalnum(u) || c == '-' || c == '.';
    char next = keep ? static_cast<char>(std::tolower(u)) : '-';
    if (next == '-' && (out.empty() || out.back() == '-')) continue;
    out.push_back(next);
    if (out.size() >= 48) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "finding" : out;
}

std::optional<ConstraintState> ParseState(const std::string& s) {
  if (s == "MET") return ConstraintState::kMet;
  if (s == "VIOLATED") return ConstraintState::kViolated;
  if (s == "UNCERTAIN") return ConstraintState::kUncertain;
  if (s == "NOT_APPLICABLE") return ConstraintState::kNotApplicable;
  return std::nullopt;
}

std::optional<int> ParseScore(const json& o, const char* key) {
  if (!o.contains(key) || !o[key].is_number()) return std::nullopt;
  double d = o[key].get<double>();
  if (d < 1 || d > 5 || d != static_cast<int>(d)) return std::nullopt;
  return static_cast<int>(d);
}

tl::unexpected<Error> OutOfSchema(const std::string& what) {
  return MakeError(ErrorCode::kUnavailable,
                   "the Gemini verdict does not match the schema: " + what);
}

std::string Instructions(const ImageCheckRequest& r) {
  std::string constraints;
  for (const VisualConstraint& c : r.constraints)
    constraints += "- " + c.id + ": " + c.text + "\n";
  return fmt::format(
      "Audit one generated frame of a music video before a person sees it.\n"
      "Miri, the recurring character, is a 12-year-old girl. {}\n"
      "The constraints below apply to every child in the frame. For each, "
      "answer MET when you can see that it holds, VIOLATED when it is "
      "broken, UNCERTAIN when you cannot tell (the part is hidden, cropped "
      "or blurred), NOT_APPLICABLE only when no child is in the frame "
      "(no-other-identifiable-person always applies). Give the reason you "
      "see.\nConstraints:\n{}"
      "Rate promptAdherence 1-5: how well the image shows what the image "
      "prompt and the shot describe (5 = exactly).\n{}"
      "List in findings only problems that must stop this image (ruleId: a "
      "short kebab-case name, reason: what you see); an empty list when "
      "none. Set passed to false when a constraint is VIOLATED or UNCERTAIN "
      "or a finding is listed. reason: one short sentence for the "
      "reviewer.\nImage prompt: {}\nShot: {}\nThe image to check:",
      r.shows_miri ? "She is meant to be in this frame."
                   : "She is not meant to be in this frame; a child who "
                     "appears anyway is held to the same rules.",
      constraints,
      r.reference_images.empty()
          ? ""
          : "Rate continuity 1-5: how well the image continues the approved "
            "reference frames given after it (same character, outfit, "
            "palette and place; 5 = seamless).\n",
      r.prompt, r.shot_description);
}

ImageVerdict Blocked(const ImageCheckRequest& r, const std::string& why,
                     const std::string& checker) {
  ImageVerdict v;
  v.checker = checker;
  v.findings.push_back({"vision.blocked",
                        "the vision model refused to look at the image (" +
                            why + "): it may show what the rules forbid",
                        ""});
  for (const VisualConstraint& c : r.constraints)
    v.constraints.push_back({c.id, ConstraintState::kNotChecked,
                             "not judged: the model refused (" + why + ")"});
  v.reason = "blocked by the vision model's safety filter (" + why + ")";
  SettleVerdict(v);
  return v;
}

}  // namespace

GeminiImageAuditor::GeminiImageAuditor(GoogleConfig config, HttpClient& http,
                                       Resilience resilience,
                                       const Clock& clock,
                                       GeminiImageAuditorOptions options)
    : config_(std::move(config)),
      http_(http),
      resilience_(resilience),
      clock_(clock),
      options_(std::move(options)),
      model_(options_.model.empty() ? config_.vision_model : options_.model) {}

json GeminiImageAuditor::VerdictSchema(const ImageCheckRequest& r) {
  json ids = json::array(), by_id = json::object();
  for (const VisualConstraint& c : r.constraints) {
    ids.push_back(c.id);
    by_id[c.id] = {
        {"type", "OBJECT"},
        {"description", c.text},
        {"properties",
         {{"state",
           {{"type", "STRING"}, {"format", "enum"}, {"enum", kStates}}},
          {"reason", {{"type", "STRING"}}}}},
        {"required", {"state", "reason"}},
        {"propertyOrdering", {"state", "reason"}}};
  }
  json finding = {
      {"type", "OBJECT"},
      {"properties",
       {{"ruleId", {{"type", "STRING"}}}, {"reason", {{"type", "STRING"}}}}},
      {"required", {"ruleId", "reason"}}};
  json props = {
      {"constraints",
       {{"type", "OBJECT"},
        {"properties", by_id},
        {"required", ids},
        {"propertyOrdering", ids}}},
      {"findings", {{"type", "ARRAY"}, {"items", finding}}},
      {"promptAdherence", Score("how well the image shows the prompt")},
      {"reason", {{"type", "STRING"}, {"description", "one short sentence"}}},
      {"passed", {{"type", "BOOLEAN"}}}};
  json order = {"constraints", "findings", "promptAdherence"};
  if (!r.reference_images.empty()) {
    props["continuity"] = Score("how well it continues the reference frames");
    order.push_back("continuity");
  }
  order.push_back("reason");
  order.push_back("passed");
  return {{"type", "OBJECT"},
          {"properties", props},
          {"required", order},
          {"propertyOrdering", order}};
}

json GeminiImageAuditor::RequestBody(const ImageCheckRequest& r) const {
  json parts = {{{"text", Instructions(r)}}, ImagePart(r.image)};
  if (!r.reference_images.empty()) {
    parts.push_back({{"text", "Approved reference frames:"}});
    for (const std::string& ref : r.reference_images)
      parts.push_back(ImagePart(ref));
  }
  json config = gemini::JsonGenerationConfig(
      model_, options_.limits, "responseSchema", VerdictSchema(r));
  return {{"systemInstruction",
           {{"parts",
             {{{"text",
                "You are the child-safety and quality auditor of a music "
                "video. You judge only what is visible in the images and "
                "answer only with JSON matching the schema."}}}}}},
          {"contents", {{{"role", "user"}, {"parts", parts}}}},
          {"generationConfig", config}};
}

Result<ImageVerdict> GeminiImageAuditor::VerdictFromResponse(
    const ImageCheckRequest& r, const json& response) const {
  std::string checker = Str(response, "modelVersion");
  if (checker.empty()) checker = model_;
  const json& cands = response.is_object() && response.contains("candidates")
                          ? response["candidates"]
                          : json();
  if (!cands.is_array() || cands.empty()) {
    std::string why = response.contains("promptFeedback")
                          ? Str(response["promptFeedback"], "blockReason")
                          : "";
    if (!why.empty()) return Blocked(r, why, checker);
  } else {
    std::string finish = Str(cands[0], "finishReason");
    for (const char* stop : kSafetyStops)
      if (finish == stop) return Blocked(r, finish, checker);
  }
  auto answer = GeminiJsonAnswer(response);
  if (!answer) {
    return tl::unexpected(Error{ErrorCode::kUnavailable, answer.error().message,
                                answer.error().issues});
  }
  const json& a = *answer;
  ImageVerdict v;
  v.checker = checker;
  const json& cs = a.contains("constraints") ? a["constraints"] : json();
  if (!cs.is_object()) return OutOfSchema("no constraints object");
  for (const VisualConstraint& c : r.constraints) {
    if (!cs.contains(c.id)) return OutOfSchema("constraints." + c.id);
    auto state = ParseState(Str(cs[c.id], "state"));
    if (!state) return OutOfSchema("constraints." + c.id + ".state");
    v.constraints.push_back({c.id, *state, Str(cs[c.id], "reason")});
  }
  v.prompt_adherence = ParseScore(a, "promptAdherence");
  if (!v.prompt_adherence) return OutOfSchema("promptAdherence (1-5)");
  if (!r.reference_images.empty()) {
    v.continuity = ParseScore(a, "continuity");
    if (!v.continuity) return OutOfSchema("continuity (1-5)");
  }
  v.reason = Str(a, "reason");
  if (a.contains("findings") && a["findings"].is_array()) {
    for (const json& f : a["findings"]) {
      std::string reason = Str(f, "reason");
      if (reason.empty()) continue;
      v.findings.push_back({"vision." + Slug(Str(f, "ruleId")), reason, ""});
    }
  }
  if (*v.prompt_adherence < options_.min_prompt_adherence) {
    v.findings.push_back({"vision.prompt-adherence",
                          fmt::format("prompt adherence {}/5 is under {}: {}",
                                      *v.prompt_adherence,
                                      options_.min_prompt_adherence, v.reason),
                          ""});
  }
  if (v.continuity && *v.continuity < options_.min_continuity) {
    v.findings.push_back(
        {"vision.continuity",
         fmt::format("continuity with the approved frames {}/5 is under {}: "
                     "{}",
                     *v.continuity, options_.min_continuity, v.reason),
         ""});
  }
  SettleVerdict(v);
  bool model_passed = !a.contains("passed") || !a["passed"].is_boolean() ||
                      a["passed"].get<bool>();
  if (v.passed && !model_passed) {
    v.findings.push_back({"vision.model-verdict",
                          "the vision model fails the image: " + v.reason, ""});
    SettleVerdict(v);
  }
  if (v.reason.empty())
    v.reason = v.passed ? "the vision model sees no problem"
                        : v.findings.front().message;
  return v;
}

Result<ImageVerdict> GeminiImageAuditor::Check(const ImageCheckRequest& r) {
  RETURN_IF_ERROR(ValidateImageCheckRequest(r), "gemini image audit");
  int64_t started = clock_.NowMs();
  ASSIGN_OR_RETURN(json response,
                   GeminiGenerateContent(http_, config_, model_, RequestBody(r),
                                         resilience_, clock_),
                   "gemini image audit");
  ASSIGN_OR_RETURN(ImageVerdict v, VerdictFromResponse(r, response),
                   "gemini image audit");
  v.elapsed_ms = clock_.NowMs() - started;
  return v;
}

}  // namespace miri
