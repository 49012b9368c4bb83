// How one call to a provider went, as the breaker and the retry loop see it.
#ifndef MIRI_SERVICES_RESILIENCE_CALL_OUTCOME_H_
#define MIRI_SERVICES_RESILIENCE_CALL_OUTCOME_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace miri {

enum class CallClass {
  kSuccess,
  kCallerError,  // our request was wrong (400, 401, 403, 404, 422...)
  kFailure,      // the provider failed: 408, 429, 5xx, timeouts, resets
};

// HTTP status -> class; 0 stands for "no response" (connect error, timeout).
CallClass ClassifyHttpStatus(int http_status);

// Retry-After as delta-seconds or an HTTP-date; nullopt when absent or
// unreadable. Milliseconds from now_ms, never negative.
std::optional<int64_t> ParseRetryAfterMs(std::string_view value,
                                         int64_t now_ms);

// Google's RetryInfo.retryDelay, e.g. "36s" or "1.5s".
std::optional<int64_t> ParseDurationMs(std::string_view value);

}  // namespace miri

#endif  // MIRI_SERVICES_RESILIENCE_CALL_OUTCOME_H_
