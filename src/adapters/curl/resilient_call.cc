#include "adapters/curl/resilient_call.h"

#include <optional>

#include <nlohmann/json.hpp>

#include "services/resilience/call_outcome.h"

namespace miri {

AttemptOutcome DefaultHttpOutcome(const HttpResponse& r, bool idempotent,
                                  int64_t now_ms, std::string_view provider) {
  AttemptOutcome o;
  int s = r.status;
  o.cls = ClassifyHttpStatus(s);
  o.retryable =
      s == 429 || s == 502 || s == 503 || s == 504 || (idempotent && s >= 500);
  o.retry_after_ms = ParseRetryAfterMs(r.Header("retry-after"), now_ms);
  ErrorCode code = ErrorCode::kInvalidArgument;
  if (o.cls == CallClass::kFailure)
    code = ErrorCode::kUnavailable;
  else if (s == 401 || s == 403)
    code = ErrorCode::kFailedPrecondition;
  else if (s == 404)
    code = ErrorCode::kNotFound;
  std::string body = r.body.substr(0, 300);
  o.error =
      Error{code,
            std::string(provider) + " HTTP " + std::to_string(s) + ": " + body,
            {}};
  return o;
}

Result<HttpResponse> ResilientCall(HttpClient& http, const HttpRequest& request,
                                   bool idempotent, Resilience resilience,
                                   const Clock& clock,
                                   const ErrorMapper& map_error) {
  std::optional<HttpResponse> last;
  auto attempt = [&]() -> AttemptOutcome {
    AttemptOutcome o;
    auto r = http.Send(request);
    if (!r) {
      o.cls = CallClass::kFailure;
      o.retryable = idempotent;
      o.error = r.error();
      return o;
    }
    if (ClassifyHttpStatus(r->status) == CallClass::kSuccess) {
      if (nlohmann::json::accept(r->body)) {
        last = std::move(*r);
        return o;
      }
      o.cls = CallClass::kFailure;
      o.retryable = idempotent;
      o.error = Error{ErrorCode::kUnavailable, "malformed JSON response", {}};
      return o;
    }
    return map_error(*r);
  };
  Result<void> ran;
  if (resilience.retrier != nullptr) {
    ran = resilience.retrier->Run(attempt, resilience.breaker);
  } else {
    RetryOptions once;
    once.max_attempts = 1;
    ThreadSleeper unused;
    Retrier single(once, unused, nullptr, clock);
    ran = single.Run(attempt, resilience.breaker);
  }
  if (!ran) return tl::unexpected<Error>(ran.error());
  return std::move(*last);
}

}  // namespace miri
