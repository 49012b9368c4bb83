// The Gemini generateContent wire format for planning (providers.md
// section 4), as data: the request we send and the parsing of what comes
// back. No I/O here; gemini_director.h does the HTTP.
#ifndef MIRI_ADAPTERS_GEMINI_GEMINI_PROTOCOL_H_
#define MIRI_ADAPTERS_GEMINI_GEMINI_PROTOCOL_H_

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "adapters/gemini/gemini_generation.h"
#include "domain/result.h"
#include "ports/director.h"

namespace miri::gemini {

std::string Base64(std::string_view bytes);

// The MIME type Gemini expects for a song file, from its extension.
std::string AudioMimeType(std::string_view path);

// JSON Schema (responseJsonSchema) of the plan the model must return.
nlohmann::json PlanResponseSchema();

// The user prompt: the local analysis (duration, tempo, a beat excerpt),
// the limits and the lyrics.
std::string PlanPrompt(const SongAnalysis& analysis, std::string_view lyrics,
                       const PlanLimits& limits);

// The whole request body; `audio_part` is {"inlineData":...} or
// {"fileData":...}; the generationConfig follows the model's family.
nlohmann::json GenerateRequest(const nlohmann::json& audio_part,
                               std::string_view prompt, std::string_view model,
                               const GenerationLimits& limits);

// The model's text from an HTTP reply. Errors: google.rpc.Status bodies
// (429 -> RESOURCE_EXHAUSTED naming retryDelay, 5xx -> UNAVAILABLE, 4xx ->
// INVALID_ARGUMENT / FAILED_PRECONDITION), a blocked prompt, a finishReason
// other than STOP, no text.
Result<std::string> ResponseText(int http_status, std::string_view body);

// The plan in the model's JSON text, with the song's true duration, tempo
// and beats from `analysis`. Shape errors name the field; times are not
// checked here (the repair in services/planning fixes them).
Result<Plan> ParsePlanText(std::string_view text, const SongAnalysis& analysis);

}  // namespace miri::gemini

#endif  // MIRI_ADAPTERS_GEMINI_GEMINI_PROTOCOL_H_
