#include "adapters/gemini/gemini_generation.h"

#include <algorithm>

namespace miri::gemini {

using nlohmann::json;

Thinking ThinkingOf(std::string_view model) {
  if (model.rfind("models/", 0) == 0) model.remove_prefix(7);
  if (model.rfind("gemini-1.", 0) == 0 || model.rfind("gemini-2.", 0) == 0)
    return Thinking::kBudget;
  return Thinking::kLevel;
}

json JsonGenerationConfig(std::string_view model,
                          const GenerationLimits& limits,
                          std::string_view schema_field, const json& schema) {
  json config = {{"maxOutputTokens", limits.max_output_tokens},
                 {"responseMimeType", "application/json"},
                 {std::string(schema_field), schema}};
  if (ThinkingOf(model) == Thinking::kBudget) {
    config["thinkingConfig"] = {{"thinkingBudget", limits.thinking_budget}};
    if (limits.temperature) config["temperature"] = *limits.temperature;
  } else {
    config["thinkingConfig"] = {{"thinkingLevel", limits.thinking_level}};
  }
  return config;
}

bool NoTextForMaxTokens(const json& response) {
  if (!response.is_object() || !response.contains("candidates") ||
      !response["candidates"].is_array() || response["candidates"].empty())
    return false;
  const json& c = response["candidates"][0];
  if (!c.is_object() || c.value("finishReason", "") != "MAX_TOKENS")
    return false;
  if (c.contains("content") && c["content"].is_object() &&
      c["content"].contains("parts") && c["content"]["parts"].is_array()) {
    for (const json& p : c["content"]["parts"]) {
      if (p.is_object() && !p.value("thought", false) && p.contains("text") &&
          p["text"].is_string() && !p["text"].get<std::string>().empty())
        return false;
    }
  }
  return true;
}

int RetryOutputTokens(int max_output_tokens) {
  return std::min(kModelOutputLimit, std::max(1, max_output_tokens) * 4);
}

Result<json> GenerateWithRetry(
    std::string_view model, json body,
    const std::function<Result<json>(const json&)>& send) {
  ASSIGN_OR_RETURN(json reply, send(body), "Gemini " + std::string(model));
  if (!NoTextForMaxTokens(reply)) return reply;
  json& config = body["generationConfig"];
  const int first = config.value("maxOutputTokens", kModelOutputLimit);
  const int second = RetryOutputTokens(first);
  if (second > first) {
    config["maxOutputTokens"] = second;
    ASSIGN_OR_RETURN(reply, send(body), "Gemini " + std::string(model));
    if (!NoTextForMaxTokens(reply)) return reply;
  }
  int thoughts = 0;
  if (reply.contains("usageMetadata") && reply["usageMetadata"].is_object())
    thoughts = reply["usageMetadata"].value("thoughtsTokenCount", 0);
  return MakeError(
      ErrorCode::kUnavailable,
      "Gemini " + std::string(model) + " used all " + std::to_string(second) +
          " output tokens (" + std::to_string(thoughts) +
          " on thinking) without an answer, after a first try with " +
          std::to_string(first) +
          "; lower its thinking or choose another model");
}

}  // namespace miri::gemini
