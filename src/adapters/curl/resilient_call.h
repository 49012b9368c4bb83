// One provider HTTP call through the provider's circuit breaker and retry
// policy. A 2xx with a JSON body is success; a 2xx with anything else is a
// provider failure ("malformed JSON"); other statuses are classified by
// `map_error` (which also decides retryability and the error callers see).
#ifndef MIRI_ADAPTERS_CURL_RESILIENT_CALL_H_
#define MIRI_ADAPTERS_CURL_RESILIENT_CALL_H_

#include <functional>

#include "adapters/curl/http_client.h"
#include "services/resilience/circuit_breaker.h"
#include "services/resilience/retry.h"

namespace miri {

struct Resilience {
  CircuitBreaker* breaker = nullptr;  // null: no breaker
  Retrier* retrier = nullptr;         // null: one attempt
};

using ErrorMapper = std::function<AttemptOutcome(const HttpResponse&)>;

// Default mapping: 429/502/503/504 retryable (any 5xx when idempotent),
// Retry-After honoured, 4xx INVALID_ARGUMENT (401/403 FAILED_PRECONDITION,
// 404 NOT_FOUND), 408/429/5xx UNAVAILABLE.
AttemptOutcome DefaultHttpOutcome(const HttpResponse& r, bool idempotent,
                                  int64_t now_ms, std::string_view provider);

Result<HttpResponse> ResilientCall(HttpClient& http, const HttpRequest& request,
                                   bool idempotent, Resilience resilience,
                                   const Clock& clock,
                                   const ErrorMapper& map_error);

}  // namespace miri

#endif  // MIRI_ADAPTERS_CURL_RESILIENT_CALL_H_
