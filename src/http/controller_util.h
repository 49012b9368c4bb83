// Small helpers shared by the controllers.
#ifndef MIRI_HTTP_CONTROLLER_UTIL_H_
#define MIRI_HTTP_CONTROLLER_UTIL_H_

#include <string>

#include <nlohmann/json.hpp>

#include "domain/event_payload.h"
#include "domain/json_reader.h"
#include "http/http_types.h"

namespace miri::http {

// The body as a JSON object: 415 for a non-JSON Content-Type and 400 for
// malformed JSON or a non-object, both naming "body".
Result<nlohmann::json> ReadJsonObject(const Request& request);

// Path parameters must be safe ids ([A-Za-z0-9_-], 1..64): 400 naming it.
Result<void> RequireIdParams(const Request& request);

// The client's Idempotency-Key header (a safe id) or a fresh random key.
Result<std::string> IdempotencyKey(const Request& request);

// Prefixes every issue path of `e` with `prefix` ("shots[2].").
Error PrefixIssues(Error e, const std::string& prefix);

// Reads `T` from j; issue paths are prefixed with `prefix`.
template <typename T>
Result<T> ParseAt(const nlohmann::json& j, const std::string& prefix) {
  auto r = ParseDocument<T>(j);
  if (!r) return tl::unexpected(PrefixIssues(std::move(r).error(), prefix));
  return r;
}

}  // namespace miri::http

#endif  // MIRI_HTTP_CONTROLLER_UTIL_H_
