// Provider webhooks: POST /api/webhooks/{fal,kling}.
// - With a WebhookReceiver for the provider (a cloud adapter: fal verifies
//   its Ed25519 signature, Kling the token in our callback URL), the raw
//   body, headers and query go to it; it copies the outputs into the
//   BlobStore and reports the result to the orchestrator.
// - Otherwise the generic path (a provider that stores its outputs in our
//   blob store and signs the Standard Webhooks way): the signature is
//   checked on the raw body by the WebhookVerifier before anything is
//   parsed, the signed body must name the job's target (projectId, shotId,
//   versionId, equal to the URL's: the signature covers only the body), and
//   CommandService::ApplyProviderResult runs the job named by
//   ?projectId=&shotId=&versionId= through the orchestrator's result path
//   (output check, ledger settle, auto-approval, final render). An output
//   that is not stored yet answers 503 with Retry-After, and nothing moves.
// Either way the state change is idempotent, so a retried or duplicated
// delivery (on any instance) changes nothing twice.
#include "http/api.h"
#include "http/controller_util.h"

namespace miri::http {
namespace {

using nlohmann::json;

Response Fail(const Error& e) { return ErrorResponse(e); }

struct Parsed {
  std::string request_id;
  std::optional<bool> ok;  // nullopt: an intermediate status, nothing to do
  std::string detail;
};

// The string at `key`, or "" when it is absent or not a string (the
// caller names the field; json::value would throw a type error: a 500).
std::string StringAt(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

Result<Parsed> ParseFal(const json& j) {
  std::vector<FieldIssue> issues;
  Parsed p;
  if (!j.contains("request_id") || !j["request_id"].is_string() ||
      !IsSafeId(j["request_id"].get<std::string>())) {
    issues.push_back({"request_id", "required id string"});
  } else {
    p.request_id = j["request_id"];
  }
  std::string status = StringAt(j, "status");
  if (status == "OK")
    p.ok = true;
  else if (status == "ERROR")
    p.ok = false;
  else
    issues.push_back({"status", "expected OK or ERROR"});
  if (j.contains("error") && j["error"].is_string()) p.detail = j["error"];
  if (!issues.empty())
    return MakeError(ErrorCode::kInvalidArgument, "invalid fal webhook",
                     issues);
  return p;
}

Result<Parsed> ParseKling(const json& j) {
  std::vector<FieldIssue> issues;
  Parsed p;
  if (!j.contains("task_id") || !j["task_id"].is_string() ||
      !IsSafeId(j["task_id"].get<std::string>())) {
    issues.push_back({"task_id", "required id string"});
  } else {
    p.request_id = j["task_id"];
  }
  std::string status = StringAt(j, "task_status");
  if (status == "succeed")
    p.ok = true;
  else if (status == "failed")
    p.ok = false;
  else if (status != "submitted" && status != "processing") {
    issues.push_back(
        {"task_status", "expected submitted, processing, succeed or failed"});
  }
  if (j.contains("task_status_msg") && j["task_status_msg"].is_string()) {
    p.detail = j["task_status_msg"];
  }
  if (!issues.empty())
    return MakeError(ErrorCode::kInvalidArgument, "invalid kling webhook",
                     issues);
  return p;
}

Response Received(WebhookReceiver& receiver, const Request& req) {
  auto r = receiver.Receive({req.headers, req.query, req.body});
  if (r) return Response::Json(200, *r);
  const Error& e = r.error();
  if (e.code == ErrorCode::kRefused) {
    std::vector<FieldIssue> issues = e.issues;
    if (issues.empty()) issues.push_back({"signature", e.message});
    return ErrorResponse(401, "UNAUTHENTICATED",
                         "webhook verification failed: " + e.message,
                         std::move(issues));
  }
  return Fail(e);
}

Response Webhook(const ApiDeps& d, const std::string& provider,
                 const Request& req) {
  if (auto it = d.webhook_receivers.find(provider);
      it != d.webhook_receivers.end() && it->second != nullptr) {
    return Received(*it->second, req);
  }
  if (auto v = d.verifier->Verify(provider, req); !v) {
    return ErrorResponse(401, "UNAUTHENTICATED", "webhook verification failed",
                         {{"signature", v.error().message}});
  }
  std::vector<FieldIssue> issues;
  for (const char* name : {"projectId", "shotId", "versionId"}) {
    if (!IsSafeId(req.Query(name)))
      issues.push_back({name, "required query id"});
  }
  if (!issues.empty())
    return Fail(
        Error{ErrorCode::kInvalidArgument, "invalid webhook url", issues});
  auto body = ReadJsonObject(req);
  if (!body) return Fail(body.error());
  // The signature covers the body only (Standard Webhooks), so the job it
  // is for must be named inside it: a signed delivery replayed against
  // another project's shot names the wrong target and moves nothing.
  const json& target = (*body).contains("target") ? (*body)["target"] : json();
  if (!target.is_object()) {
    return Fail(Error{ErrorCode::kInvalidArgument,
                      "invalid webhook body",
                      {{"target",
                        "required in the signed body: {projectId, shotId, "
                        "versionId} of the job"}}});
  }
  for (const char* name : {"projectId", "shotId", "versionId"}) {
    if (!target.contains(name) || !target[name].is_string() ||
        target[name].get<std::string>() != req.Query(name)) {
      return ErrorResponse(401, "UNAUTHENTICATED",
                           "webhook verification failed",
                           {{std::string("target.") + name,
                             "the signed body names another " +
                                 std::string(name) + " than the URL"}});
    }
  }
  auto parsed = provider == "fal" ? ParseFal(*body) : ParseKling(*body);
  if (!parsed) return Fail(parsed.error());
  if (!parsed->ok)
    return Response::Json(200, {{"applied", false}, {"reason", "in progress"}});
  WebhookResult r{provider,
                  req.Query("projectId"),
                  req.Query("shotId"),
                  req.Query("versionId"),
                  *parsed->ok,
                  parsed->request_id,
                  parsed->detail};
  auto o = d.commands->ApplyProviderResult(r);
  if (!o) {
    // Out of order or stale: retrying cannot help, so answer 2xx (the
    // provider stops) and say why; the event log keeps the truth.
    if (o.error().code == ErrorCode::kFailedPrecondition) {
      return Response::Json(
          200, {{"applied", false}, {"reason", o.error().message}});
    }
    Response failed = Fail(o.error());
    if (o.error().code == ErrorCode::kUnavailable) {
      failed.SetHeader("retry-after", "1");
    }
    return failed;
  }
  json events = json::array();
  for (const Event& e : o->events)
    events.push_back(EventPayload(r.project_id, e));
  json reply = {{"applied", !o->duplicate},
                {"duplicate", o->duplicate},
                {"events", events}};
  // The image is in and its vision check queued: the shot moves when the
  // check decides (SHOT_UPDATED on the bus), not in this reply.
  if (o->checking) reply["checking"] = true;
  return Response::Json(200, reply);
}

}  // namespace

void AddWebhookRoutes(Router& router, const ApiDeps& d) {
  for (std::string provider : {"fal", "kling"}) {
    router.Add(Route{"POST", "/api/webhooks/" + provider, Access::kWebhook,
                     kDefaultBodyLimit, [d, provider](const Request& r) {
                       return Webhook(d, provider, r);
                     }});
  }
}

// Free bytes of the file system under `dir`, or nullopt when it cannot be
// read.
std::optional<uint64_t> FreeBytes(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::space_info info = std::filesystem::space(dir, ec);
  if (ec) return std::nullopt;
  return info.available;
}

void AddSystemRoutes(Router& router, const ApiDeps& d,
                     const std::atomic<bool>* draining,
                     const ApiConfig& config) {
  router.Add(Route{"GET", "/healthz", Access::kPublic, 0, [](const Request&) {
                     return Response::Json(200, {{"status", "ok"}});
                   }});
  router.Add(Route{
      "GET", "/readyz", Access::kPublic, 0,
      [d, draining, dir = config.data_dir,
       min_free = config.min_free_disk_bytes](const Request&) {
        std::vector<FieldIssue> down;
        if (draining->load()) down.push_back({"server", "shutting down"});
        if (!dir.empty()) {
          std::optional<uint64_t> free = FreeBytes(dir);
          if (!free) {
            down.push_back(
                {"disk", "cannot read the free space under " + dir.string()});
          } else if (*free < min_free) {
            down.push_back({"disk", std::to_string(*free >> 20) +
                                        " MB free under " + dir.string() +
                                        ", at least " +
                                        std::to_string(min_free >> 20) +
                                        " MB needed: free some space"});
          }
        }
        if (!d.bus->Healthy()) down.push_back({"eventBus", "not connected"});
        // A write, not a read: a store that still reads but refuses writes
        // (full disk, read-only, lost permission) cannot take a command.
        if (auto probe = d.store->ProbeWrite("readyz"); !probe) {
          down.push_back({"store", "a write failed: " + probe.error().message});
        }
        if (!down.empty()) {
          return ErrorResponse(ErrorCode::kUnavailable, "not ready", down);
        }
        // A provider that is down does not make the instance unready (its
        // circuit breaker and the reconciler handle it): it is reported.
        json ready = {{"status", "ready"}};
        if (d.system_checks) ready["providers"] = d.system_checks();
        return Response::Json(200, ready);
      }});
  router.Add(Route{"GET", "/api/system/checks", Access::kBearer, 0,
                   [d](const Request&) {
                     if (!d.system_checks) {
                       return Response::Json(200, {{"pending", true}});
                     }
                     return Response::Json(200, d.system_checks());
                   }});
  router.Add(Route{
      "GET", "/api/openapi.json", Access::kPublic, 0,
      [](const Request&) { return Response::Json(200, OpenApiDocument()); }});
}

}  // namespace miri::http
