#include "adapters/google/google_common.h"

#include "services/resilience/call_outcome.h"

namespace miri {

AttemptOutcome GoogleHttpOutcome(const HttpResponse& r, bool idempotent,
                                 int64_t now_ms) {
  AttemptOutcome o = DefaultHttpOutcome(r, idempotent, now_ms, "google");
  if (r.status == 500 || r.status == 503 || r.status == 504) o.retryable = true;
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    const auto& e = j["error"];
    o.error.message = "google HTTP " + std::to_string(r.status) + " " +
                      e.value("status", "") + ": " + e.value("message", "");
    if (e.contains("details") && e["details"].is_array()) {
      for (const auto& d : e["details"]) {
        if (d.is_object() &&
            d.value("@type", "") ==
                "type.googleapis.com/google.rpc.RetryInfo" &&
            d.contains("retryDelay") && d["retryDelay"].is_string()) {
          if (auto ms = ParseDurationMs(d["retryDelay"].get<std::string>()))
            o.retry_after_ms = ms;
        }
      }
    }
  }
  return o;
}

namespace {

HttpRequest Base(const GoogleConfig& c, bool vertex, std::string method,
                 std::string url) {
  HttpRequest req;
  req.method = std::move(method);
  req.url = std::move(url);
  req.headers = {{"Content-Type", "application/json"}};
  if (vertex) {
    req.headers.emplace_back(
        "Authorization",
        "Bearer " + (c.access_token ? c.access_token() : std::string()));
  } else {
    req.headers.emplace_back("x-goog-api-key", c.gemini_api_key);
  }
  req.connect_timeout_ms = c.connect_timeout_ms;
  req.total_timeout_ms = c.request_timeout_ms;
  req.max_response_bytes = 64 << 20;
  return req;
}

Result<nlohmann::json> Run(HttpClient& http, const HttpRequest& req,
                           bool idempotent, Resilience resilience,
                           const Clock& clock) {
  ASSIGN_OR_RETURN(HttpResponse resp,
                   ResilientCall(http, req, idempotent, resilience, clock,
                                 [&](const HttpResponse& r) {
                                   return GoogleHttpOutcome(r, idempotent,
                                                            clock.NowMs());
                                 }),
                   "google");
  return nlohmann::json::parse(resp.body);
}

}  // namespace

Result<nlohmann::json> GooglePost(HttpClient& http, const GoogleConfig& c,
                                  bool vertex, const std::string& url,
                                  const nlohmann::json& body, bool idempotent,
                                  Resilience resilience, const Clock& clock) {
  HttpRequest req = Base(c, vertex, "POST", url);
  req.body = body.dump();
  return Run(http, req, idempotent, resilience, clock);
}

Result<nlohmann::json> GoogleGet(HttpClient& http, const GoogleConfig& c,
                                 const std::string& url, Resilience resilience,
                                 const Clock& clock) {
  return Run(http, Base(c, true, "GET", url), true, resilience, clock);
}

Result<nlohmann::json> GeminiGenerateContent(
    HttpClient& http, const GoogleConfig& c, const std::string& model,
    const nlohmann::json& body, Resilience resilience, const Clock& clock) {
  const std::string url =
      c.gemini_base_url + "/v1beta/models/" + model + ":generateContent";
  return gemini::GenerateWithRetry(model, body, [&](const nlohmann::json& b) {
    return GooglePost(http, c, /*vertex=*/false, url, b, /*idempotent=*/true,
                      resilience, clock);
  });
}

}  // namespace miri
