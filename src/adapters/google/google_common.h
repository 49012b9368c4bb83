// Configuration and HTTP helpers shared by the Google adapters (Gemini API,
// Vertex AI: providers.md sections 4-6). Hosts, models, project, region and
// index ids are configuration.
#ifndef MIRI_ADAPTERS_GOOGLE_GOOGLE_COMMON_H_
#define MIRI_ADAPTERS_GOOGLE_GOOGLE_COMMON_H_

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "adapters/curl/resilient_call.h"
#include "adapters/gemini/gemini_generation.h"

namespace miri {

struct GoogleConfig {
  // Gemini API (AI Studio): header x-goog-api-key.
  std::string gemini_api_key;
  std::string gemini_base_url = "https://generativelanguage.googleapis.com";
  // Vision (rules, masks) and image audits; a setting
  // (MIRI_GEMINI_VISION_MODEL). Thinking counts against maxOutputTokens:
  // room for a short JSON answer and low thinking (gemini_generation.h).
  std::string vision_model = std::string(gemini::kDefaultModel);
  gemini::GenerationLimits vision_limits = {8192, 1024, "LOW", 0.2};

  // Vertex AI: Authorization: Bearer <OAuth2 access token>.
  std::function<std::string()> access_token;  // e.g. from the metadata server
  std::string vertex_base_url;  // "https://{region}-aiplatform.googleapis.com"
  std::string project;
  std::string region = "us-central1";
  // The image route's model (MIRI_VERTEX_IMAGE_MODEL). Vertex AI
  // discontinued every Imagen model on 2026-06-30 and names
  // gemini-2.5-flash-image (GA) as their replacement:
  // https://cloud.google.com/vertex-ai/generative-ai/docs/models/imagen/4-0-generate
  // https://cloud.google.com/vertex-ai/generative-ai/docs/models/gemini/2-5-flash-image
  std::string image_model = "gemini-2.5-flash-image";
  std::string embedding_model = "text-embedding-005";
  int embedding_dimensions = 768;
  std::string index_id;
  // findNeighbors goes to the index endpoint's public domain.
  std::string
      index_endpoint_base_url;  // "https://<n>.<region>-<num>.vdb.vertexai.goog"
  std::string index_endpoint_id;
  std::string deployed_index_id;

  int64_t request_timeout_ms = 60'000;
  int64_t connect_timeout_ms = 10'000;

  std::string VertexPrefix() const {  // .../v1/projects/P/locations/R
    return vertex_base_url + "/v1/projects/" + project + "/locations/" + region;
  }
};

// google.rpc.Status errors: 429/500/503/504 retryable, honouring
// RetryInfo.retryDelay or Retry-After; 400/403/404 caller errors.
AttemptOutcome GoogleHttpOutcome(const HttpResponse& r, bool idempotent,
                                 int64_t now_ms);

// POST JSON through the breaker/retry; returns the parsed 2xx body.
Result<nlohmann::json> GooglePost(HttpClient& http, const GoogleConfig& c,
                                  bool vertex, const std::string& url,
                                  const nlohmann::json& body, bool idempotent,
                                  Resilience resilience, const Clock& clock);
// Gemini generateContent on `model` (Gemini API, key auth) through the
// breaker/retry, with gemini::GenerateWithRetry's one larger retry of an
// empty MAX_TOKENS reply; returns the response body.
Result<nlohmann::json> GeminiGenerateContent(
    HttpClient& http, const GoogleConfig& c, const std::string& model,
    const nlohmann::json& body, Resilience resilience, const Clock& clock);
Result<nlohmann::json> GoogleGet(HttpClient& http, const GoogleConfig& c,
                                 const std::string& url, Resilience resilience,
                                 const Clock& clock);

}  // namespace miri

#endif  // MIRI_ADAPTERS_GOOGLE_GOOGLE_COMMON_H_
