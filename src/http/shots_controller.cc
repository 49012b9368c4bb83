// Shot commands (generate, approve, reject, refine), motion-brush data and
// the final render. Each route parses its request, calls one CommandService
// method (the orchestrator's one path: audit, budget, provider dispatch)
// and maps the outcome: "dispatched" says whether a provider or the render
// worker has the work, "note" carries the findings in words.
#include "domain/audit.h"
#include "domain/motion_brush.h"
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

// The size of the shot's newest stored image (the clip's start frame), when
// it has one: a brush mask must match it pixel for pixel.
std::optional<ImageSize> FrameSize(const ApiDeps& d, const Request& req) {
  auto versions = d.store->ListVersions(req.params.at("projectId"),
                                        req.params.at("shotId"));
  if (!versions) return std::nullopt;
  for (auto it = versions->rbegin(); it != versions->rend(); ++it) {
    if (it->kind != VersionKind::kImage || it->outputs.empty()) continue;
    auto bytes = d.blobs->Get(it->outputs.front());
    if (bytes) return PngImageSize(*bytes);
  }
  return std::nullopt;
}

// The brush as the page edits it (GET and PUT answer alike): masks as raw
// base64 PNG; a region saved before regions existed has no "mask".
Result<json> BrushView(const ApiDeps& d, const BrushDocument& stored) {
  json regions = json::array();
  for (const BrushRegion& r : stored.regions) {
    json points = json::array();
    for (const BrushPoint& p : r.trajectory)
      points.push_back({{"x", p.x}, {"y", p.y}});
    json region = {{"trajectory", points}};
    if (!r.mask.empty()) {
      ASSIGN_OR_RETURN(std::string png, d.blobs->Get(r.mask), "brush mask");
      region["mask"] = EncodeBase64(png);
    }
    regions.push_back(region);
  }
  json out = {{"dynamicMasks", regions}};
  if (!stored.static_mask.empty()) {
    ASSIGN_OR_RETURN(std::string png, d.blobs->Get(stored.static_mask),
                     "static mask");
    out["staticMask"] = EncodeBase64(png);
  }
  return out;
}

// {"dynamicMasks":[{"mask":"<base64 PNG>","trajectory":[{"x","y"}..]}],
// "staticMask"?}: domain/motion_brush.h has the rules. The masks are stored
// as new blobs under the shot (a clip version keeps naming the ones it was
// made with), then the document naming them; a refusal stores nothing.
Response PutMotionBrush(const ApiDeps& d, const Request& req) {
  auto shot =
      d.store->GetShot(req.params.at("projectId"), req.params.at("shotId"));
  if (!shot) return Fail(shot.error());
  const std::optional<ImageSize> frame = FrameSize(d, req);
  BrushDocument doc;
  auto body = ReadBody(req, false,
                       [&](JsonReader& r) { doc = ReadBrushBody(r, frame); });
  if (!body) return Fail(body.error());
  const std::string prefix = "projects/" + req.params.at("projectId") +
                             "/shots/" + req.params.at("shotId") +
                             "/motion-brush/" + RandomUuid();
  BrushDocument stored = doc;
  for (size_t i = 0; i < doc.regions.size(); ++i) {
    stored.regions[i].mask = prefix + "-dynamic-" + std::to_string(i) + ".png";
    if (auto r = d.blobs->Put(stored.regions[i].mask, doc.regions[i].mask); !r)
      return Fail(r.error());
  }
  if (!doc.static_mask.empty()) {
    stored.static_mask = prefix + "-static.png";
    if (auto r = d.blobs->Put(stored.static_mask, doc.static_mask); !r)
      return Fail(r.error());
  }
  if (auto r =
          d.blobs->Put(MotionBrushKey(req), StoredBrushJson(stored).dump());
      !r)
    return Fail(r.error());
  auto view = BrushView(d, stored);
  return view ? Response::Json(200, *view) : Fail(view.error());
}

Response GetMotionBrush(const ApiDeps& d, const Request& req) {
  auto shot =
      d.store->GetShot(req.params.at("projectId"), req.params.at("shotId"));
  if (!shot) return Fail(shot.error());
  auto blob = d.blobs->Get(MotionBrushKey(req));
  if (!blob) return Response::Json(200, {{"dynamicMasks", json::array()}});
  auto doc = ParseJsonText(*blob);
  if (!doc) return Fail(doc.error());
  auto stored = ParseStoredBrush(*doc);
  if (!stored) return Fail(stored.error());
  auto view = BrushView(d, *stored);
  return view ? Response::Json(200, *view) : Fail(view.error());
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
                 std::function<Response(const ApiDeps&, const Request&)> fn,
                 size_t limit = kDefaultBodyLimit) {
    router.Add(Route{std::move(method), std::move(pattern), Access::kBearer,
                     limit, [d, fn](const Request& r) { return fn(d, r); }});
  };
  add("POST", "/api/shots/generate", Generate);
  const std::string shot = "/api/projects/{projectId}/shots/{shotId}";
  add("POST", shot + "/approve", Approve);
  add("POST", shot + "/retry", Retry);
  add("GET", shot + "/versions/{versionId}/check", GetImageCheck);
  add("POST", shot + "/reject", Reject);
  add("POST", shot + "/refine", Refine);
  // Up to seven base64 masks at the frame's size.
  add("PUT", shot + "/motion-brush", PutMotionBrush, 16u << 20);
  add("GET", shot + "/motion-brush", GetMotionBrush);
  add("POST", "/api/projects/{projectId}/render", Render);
}

}  // namespace miri::http
