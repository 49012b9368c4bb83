// Shot commands (generate, approve, reject, refine), motion-brush data and
// the final render. Each route parses its request, calls one CommandService
// method (the orchestrator's one path: audit, budget, provider dispatch)
// and maps the outcome: "dispatched" says whether a provider or the render
// worker has the work, "note" carries the findings in words.
#include "domain/audit.h"
#include "http/api.h"
#include "http/controller_util.h"

namespace miri::http {
namespace {

using nlohmann::json;

Response Fail(const Error& e) { return ErrorResponse(e); }

Response Outcome(int status, std::string_view project_id,
                 const CommandOutcome& o) {
  json events = json::array();
  for (const Event& e : o.events) events.push_back(EventPayload(project_id, e));
  json j = {{"events", events},
            {"duplicate", o.duplicate},
            {"dispatched", o.dispatched},
            {"note", o.note}};
  if (!o.events.empty()) j["status"] = o.events.back().to;
  if (o.version_id) j["versionId"] = *o.version_id;
  return Response::Json(o.duplicate ? 200 : status, j);
}

// Reads a small command body with JsonReader semantics (strict, all issues).
template <typename Fn>
Result<void> ReadBody(const Request& req, bool allow_empty, Fn read) {
  if (allow_empty && req.body.empty()) {
    std::vector<FieldIssue> issues;
    JsonReader r(json::object(), "", &issues);
    read(r);
    return {};
  }
  ASSIGN_OR_RETURN(json j, ReadJsonObject(req), "body");
  std::vector<FieldIssue> issues;
  JsonReader r(j, "", &issues);
  read(r);
  r.RejectUnknownFields();
  if (!issues.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid request",
                     std::move(issues));
  }
  return {};
}

Response Generate(const ApiDeps& d, const Request& req) {
  std::string project_id, shot_id;
  std::optional<std::string> override_text;
  auto body = ReadBody(req, false, [&](JsonReader& r) {
    project_id = r.String("projectId", kIdRules);
    shot_id = r.String("shotId", kIdRules);
    override_text = r.OptionalString("promptOverride",
                                     {.min_length = 1, .max_length = 2000});
  });
  if (!body) return Fail(body.error());
  auto key = IdempotencyKey(req);
  if (!key) return Fail(key.error());
  auto o = d.commands->Generate(project_id, shot_id, override_text, *key);
  return o ? Outcome(202, project_id, *o) : Fail(o.error());
}

Response Approve(const ApiDeps& d, const Request& req) {
  auto body = ReadBody(req, true, [](JsonReader&) {});
  if (!body) return Fail(body.error());
  auto key = IdempotencyKey(req);
  if (!key) return Fail(key.error());
  const std::string& p = req.params.at("projectId");
  auto o = d.commands->Approve(p, req.params.at("shotId"), *key);
  return o ? Outcome(202, p, *o) : Fail(o.error());
}

Response Retry(const ApiDeps& d, const Request& req) {
  auto body = ReadBody(req, true, [](JsonReader&) {});
  if (!body) return Fail(body.error());
  auto key = IdempotencyKey(req);
  if (!key) return Fail(key.error());
  const std::string& p = req.params.at("projectId");
  auto o = d.commands->Retry(p, req.params.at("shotId"), *key);
  return o ? Outcome(202, p, *o) : Fail(o.error());
}

Response GetImageCheck(const ApiDeps& d, const Request& req) {
  auto check = d.commands->ImageCheck(req.params.at("projectId"),
                                      req.params.at("versionId"));
  if (!check) return Fail(check.error());
  if (check->value("shotId", std::string()) != req.params.at("shotId")) {
    return Fail(Error{ErrorCode::kNotFound,
                      "version " + req.params.at("versionId") +
                          " is not a version of shot " +
                          req.params.at("shotId"),
                      {{"versionId", "not a version of this shot"}}});
  }
  return Response::Json(200, *check);
}

Response Reject(const ApiDeps& d, const Request& req) {
  std::string reason;
  auto body = ReadBody(req, false, [&](JsonReader& r) {
    reason = r.String("reason", kNonEmpty);
  });
  if (!body) return Fail(body.error());
  auto key = IdempotencyKey(req);
  if (!key) return Fail(key.error());
  const std::string& p = req.params.at("projectId");
  auto o = d.commands->Reject(p, req.params.at("shotId"), reason, *key);
  return o ? Outcome(200, p, *o) : Fail(o.error());
}

Response Refine(const ApiDeps& d, const Request& req) {
  std::string instruction;
  std::optional<std::string> mask;
  auto body = ReadBody(req, false, [&](JsonReader& r) {
    instruction = r.String("instruction", kNonEmpty);
    mask =
        r.OptionalString("maskBlobKey", {.min_length = 1, .max_length = 512});
    if (mask && !IsValidBlobKey(*mask))
      r.Add("maskBlobKey", "not a valid blob key");
  });
  if (!body) return Fail(body.error());
  const std::string& p = req.params.at("projectId");
  if (mask && !d.blobs->Exists(*mask).value_or(false)) {
    return Fail(Error{ErrorCode::kNotFound,
                      "mask not found",
                      {{"maskBlobKey", "no such blob"}}});
  }
  auto key = IdempotencyKey(req);
  if (!key) return Fail(key.error());
  auto o =
      d.commands->Refine(p, req.params.at("shotId"), instruction, mask, *key);
  return o ? Outcome(202, p, *o) : Fail(o.error());
}

std::string MotionBrushKey(const Request& req) {
  return "projects/" + req.params.at("projectId") + "/shots/" +
         req.params.at("shotId") + "/motion-brush.json";
}

// {"trajectories":[{"points":[{"x":0..1,"y":0..1}, ...]}], "maskBlobKey"?}
Response PutMotionBrush(const ApiDeps& d, const Request& req) {
  json out = {{"trajectories", json::array()}};
  auto body = ReadBody(req, false, [&](JsonReader& r) {
    std::vector<JsonReader> trajectories = r.ObjectArray("trajectories");
    if (!r.Has("trajectories")) r.Add("trajectories", "required");
    if (trajectories.size() > 20) r.Add("trajectories", "at most 20");
    for (JsonReader& t : trajectories) {
      json points = json::array();
      std::vector<JsonReader> ps = t.ObjectArray("points");
      if (ps.size() < 2 || ps.size() > 200) t.Add("points", "2..200 points");
      for (JsonReader& pt : ps) {
        double x = pt.Number("x", 0.0, 1.0), y = pt.Number("y", 0.0, 1.0);
        pt.RejectUnknownFields();
        points.push_back({{"x", x}, {"y", y}});
      }
      t.RejectUnknownFields();
      out["trajectories"].push_back({{"points", points}});
    }
    if (auto mask = r.OptionalString("maskBlobKey",
                                     {.min_length = 1, .max_length = 512})) {
      if (!IsValidBlobKey(*mask)) r.Add("maskBlobKey", "not a valid blob key");
      out["maskBlobKey"] = *mask;
    }
  });
  if (!body) return Fail(body.error());
  auto shot =
      d.store->GetShot(req.params.at("projectId"), req.params.at("shotId"));
  if (!shot) return Fail(shot.error());
  if (auto r = d.blobs->Put(MotionBrushKey(req), out.dump()); !r)
    return Fail(r.error());
  return Response::Json(200, out);
}

Response GetMotionBrush(const ApiDeps& d, const Request& req) {
  auto shot =
      d.store->GetShot(req.params.at("projectId"), req.params.at("shotId"));
  if (!shot) return Fail(shot.error());
  auto blob = d.blobs->Get(MotionBrushKey(req));
  if (!blob) return Response::Json(200, {{"trajectories", json::array()}});
  Response r;
  r.body = *blob;
  return r;
}

Response Render(const ApiDeps& d, const Request& req) {
  auto body = ReadBody(req, true, [](JsonReader&) {});
  if (!body) return Fail(body.error());
  auto key = IdempotencyKey(req);
  if (!key) return Fail(key.error());
  const std::string& p = req.params.at("projectId");
  if (auto project = d.store->GetProject(p); !project)
    return Fail(project.error());
  auto o = d.commands->StartFinalRender(p, *key);
  return o ? Outcome(202, p, *o) : Fail(o.error());
}

}  // namespace

void AddShotRoutes(Router& router, const ApiDeps& d) {
  auto add = [&](std::string method, std::string pattern,
                 std::function<Response(const ApiDeps&, const Request&)> fn) {
    router.Add(Route{std::move(method), std::move(pattern), Access::kBearer,
                     kDefaultBodyLimit,
                     [d, fn](const Request& r) { return fn(d, r); }});
  };
  add("POST", "/api/shots/generate", Generate);
  const std::string shot = "/api/projects/{projectId}/shots/{shotId}";
  add("POST", shot + "/approve", Approve);
  add("POST", shot + "/retry", Retry);
  add("GET", shot + "/versions/{versionId}/check", GetImageCheck);
  add("POST", shot + "/reject", Reject);
  add("POST", shot + "/refine", Refine);
  add("PUT", shot + "/motion-brush", PutMotionBrush);
  add("GET", shot + "/motion-brush", GetMotionBrush);
  add("POST", "/api/projects/{projectId}/render", Render);
}

}  // namespace miri::http
