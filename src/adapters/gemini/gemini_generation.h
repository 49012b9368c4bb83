// The generationConfig rules every Gemini call here follows (issue 17),
// as pure functions shared by the Director, the vision analyzer and the
// image auditor:
// - thinking per model family, field names as js-genai src/types.ts
//   (ThinkingConfig.thinkingBudget / thinkingLevel, ThinkingLevel enum): a
//   small thinkingBudget on 2.x models, thinkingLevel LOW on 3.x and later;
// - maxOutputTokens covers thoughts and the answer (thinking tokens count
//   against it on 2.5 and later), so limits leave room for both;
// - no temperature on 3.x and later (the Gemini 3 developer guide: keep the
//   default; deprecated there);
// - a MAX_TOKENS reply with no text is sent again once with a larger
//   budget, then is an error naming the model and the limit.
#ifndef MIRI_ADAPTERS_GEMINI_GEMINI_GENERATION_H_
#define MIRI_ADAPTERS_GEMINI_GEMINI_GENERATION_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/result.h"

namespace miri::gemini {

// Current GA default for every role (planning, vision, image audits):
// Google's deprecations page names it the replacement of gemini-2.5-pro,
// whose shutdown (with gemini-2.5-flash) was announced for 2026; GA per
// Google Cloud's "Developer's guide to Gemini 3.8 Flash". A setting.
inline constexpr std::string_view kDefaultModel = "gemini-3.8-flash";
// The output limit of current models (models.get outputTokenLimit).
inline constexpr int kModelOutputLimit = 65536;

enum class Thinking { kBudget, kLevel };
// gemini-1.x / 2.x: thinkingBudget; anything later: thinkingLevel.
Thinking ThinkingOf(std::string_view model);

struct GenerationLimits {
  int max_output_tokens = 8192;        // thoughts + answer
  int thinking_budget = 1024;          // on kBudget models
  std::string thinking_level = "LOW";  // on kLevel models
  std::optional<double> temperature;   // sent only to kBudget models
};

// {maxOutputTokens, thinkingConfig, [temperature], responseMimeType,
//  <schema_field>: schema} for a JSON answer; schema_field is
// "responseJsonSchema" or "responseSchema".
nlohmann::json JsonGenerationConfig(std::string_view model,
                                    const GenerationLimits& limits,
                                    std::string_view schema_field,
                                    const nlohmann::json& schema);

// A generateContent reply that stopped on MAX_TOKENS without answer text.
bool NoTextForMaxTokens(const nlohmann::json& response);
// The one retry's budget: four times as much, at most kModelOutputLimit.
int RetryOutputTokens(int max_output_tokens);

// Sends `body` through `send` (a parsed 200 reply or an error); when the
// reply is MAX_TOKENS without text, sends it once more with
// RetryOutputTokens, and if that also runs out, UNAVAILABLE "Gemini
// <model> used all <limit> output tokens (<n> on thinking) without an
// answer". Other replies are returned as they are.
Result<nlohmann::json> GenerateWithRetry(
    std::string_view model, nlohmann::json body,
    const std::function<Result<nlohmann::json>(const nlohmann::json&)>& send);

}  // namespace miri::gemini

#endif  // MIRI_ADAPTERS_GEMINI_GEMINI_GENERATION_H_
