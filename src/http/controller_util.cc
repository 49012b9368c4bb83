#include "http/controller_util.h"

#include "domain/event_payload.h"

namespace miri::http {

Result<nlohmann::json> ReadJsonObject(const Request& request) {
  std::string type = request.Header("content-type");
  if (!type.empty() && type.rfind("application/json", 0) != 0) {
    return MakeError(
        ErrorCode::kInvalidArgument, "unsupported content type",
        {{"Content-Type", "expected application/json, got " + type}});
  }
  if (request.body.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "missing body",
                     {{"body", "expected a JSON object"}});
  }
  auto j = ParseJsonText(request.body);
  if (!j) {
    return MakeError(ErrorCode::kInvalidArgument, "malformed JSON",
                     {{"body", j.error().message}});
  }
  if (!j->is_object()) {
    return MakeError(
        ErrorCode::kInvalidArgument, "expected a JSON object",
        {{"body", std::string("expected object, got ") + j->type_name()}});
  }
  return j;
}

Result<void> RequireIdParams(const Request& request) {
  std::vector<FieldIssue> issues;
  for (const auto& [name, value] : request.params) {
    if (!IsSafeId(value))
      issues.push_back({name, "must be 1..64 of [A-Za-z0-9_-]"});
  }
  if (!issues.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid path parameter",
                     std::move(issues));
  }
  return {};
}

Result<std::string> IdempotencyKey(const Request& request) {
  std::string key = request.Header("idempotency-key");
  if (key.empty()) return RandomUuid();
  if (!IsSafeId(key)) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid idempotency key",
                     {{"Idempotency-Key", "must be 1..64 of [A-Za-z0-9_-]"}});
  }
  return key;
}

Error PrefixIssues(Error e, const std::string& prefix) {
  for (FieldIssue& i : e.issues) i.path = prefix + i.path;
  return e;
}

}  // namespace miri::http
