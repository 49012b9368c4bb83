// Media of a project for the dashboard: the song, blobs (images, clips) by
// key, the latest anchor image of a shot (thumbnails), the final render and
// its timeline exports, and the upload of a refine mask. Reads are served
// from the BlobStore's local file, so large clips are streamed, not copied.
#include <map>

#include "http/api.h"
#include "http/controller_util.h"

namespace miri::http {
namespace {

using nlohmann::json;

Response Fail(const Error& e) { return ErrorResponse(e); }

std::string MediaTypeOf(std::string_view key) {
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {"mp3", "audio/mpeg"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"mp4", "video/mp4"},
      {"json", "application/json"},
      {"otio", "application/json"},
      {"fcpxml", "application/xml"},
      {"edl", "text/plain; charset=utf-8"},
      {"srt", "application/x-subrip; charset=utf-8"},
      {"vtt", "text/vtt; charset=utf-8"},
      {"txt", "text/plain; charset=utf-8"}};
  size_t dot = key.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  auto it = kTypes.find(key.substr(dot + 1));
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

// The blob as a file response; NOT_FOUND names `field`.
Response ServeBlob(const ApiDeps& d, const std::string& key,
                   const std::string& field, const std::string& missing) {
  if (!d.blobs->Exists(key).value_or(false)) {
    return Fail(Error{ErrorCode::kNotFound, missing, {{field, missing}}});
  }
  auto path = d.blobs->LocalPath(key);
  if (!path) return Fail(path.error());
  Response r;
  r.content_type = MediaTypeOf(key);
  r.file = path->string();
  r.SetHeader("Cache-Control", "no-cache");
  return r;
}

Response GetSong(const ApiDeps& d, const Request& req) {
  const std::string& id = req.params.at("projectId");
  if (auto p = d.store->GetProject(id); !p) return Fail(p.error());
  return ServeBlob(d, "projects/" + id + "/audio/song.mp3", "song",
                   "no song uploaded yet");
}

// ?key=projects/<projectId>/...: only the project's own blobs.
Response GetBlob(const ApiDeps& d, const Request& req) {
  const std::string& id = req.params.at("projectId");
  std::string key = req.Query("key");
  const std::string prefix = "projects/" + id + "/";
  if (!IsValidBlobKey(key) || key.rfind(prefix, 0) != 0) {
    return Fail(Error{ErrorCode::kInvalidArgument,
                      "invalid blob key",
                      {{"key", "expected a blob key under " + prefix}}});
  }
  if (auto p = d.store->GetProject(id); !p) return Fail(p.error());
  return ServeBlob(d, key, "key", "no such blob");
}

// The newest image version of the shot that has an output.
Response GetShotImage(const ApiDeps& d, const Request& req) {
  const std::string& id = req.params.at("projectId");
  const std::string& shot = req.params.at("shotId");
  if (auto s = d.store->GetShot(id, shot); !s) return Fail(s.error());
  auto versions = d.store->ListVersions(id, shot);
  if (!versions) return Fail(versions.error());
  for (auto it = versions->rbegin(); it != versions->rend(); ++it) {
    if (it->kind == VersionKind::kImage && !it->outputs.empty() &&
        d.blobs->Exists(it->outputs.front()).value_or(false)) {
      return ServeBlob(d, it->outputs.front(), "shotId", "no image yet");
    }
  }
  return Fail(Error{ErrorCode::kNotFound,
                    "no image yet",
                    {{"shotId", "has no anchor image yet"}}});
}

Response GetRender(const ApiDeps& d, const Request& req) {
  const std::string& id = req.params.at("projectId");
  const std::string& format = req.params.at("format");
  if (format != "mp4" && format != "otio" && format != "fcpxml" &&
      format != "edl" && format != "srt" && format != "vtt") {
    return Fail(Error{ErrorCode::kInvalidArgument,
                      "unknown render format",
                      {{"format", "one of mp4, otio, fcpxml, edl, srt, vtt"}}});
  }
  if (auto p = d.store->GetProject(id); !p) return Fail(p.error());
  const bool captions = format == "srt" || format == "vtt";
  return ServeBlob(d, "projects/" + id + "/render/output." + format, "format",
                   captions ? "no captions: not rendered yet, or the song has "
                              "no timed lyrics"
                            : "the project has not been rendered yet");
}

// Renders the animatic now (issue 20): a few seconds for a song, in the
// request; it spends nothing and changes no shot.
Response PostAnimatic(const ApiDeps& d, const Request& req) {
  const std::string& id = req.params.at("projectId");
  if (auto p = d.store->GetProject(id); !p) return Fail(p.error());
  if (d.animatic == nullptr) {
    return ErrorResponse(501, "NOT_IMPLEMENTED", "no animatic renderer",
                         {{"animatic", "this server renders no animatics"}});
  }
  Result<render::AnimaticReport> r = d.animatic->Render(id);
  if (!r) return Fail(r.error());
  return Response::Json(200, {{"blobKey", r->blob_key},
                              {"url", "/api/projects/" + id + "/animatic"},
                              {"frames", r->frames},
                              {"durationMs", r->duration_ms},
                              {"clips", r->clips},
                              {"stills", r->stills},
                              {"cards", r->cards},
                              {"captions", r->captions}});
}

Response GetAnimatic(const ApiDeps& d, const Request& req) {
  const std::string& id = req.params.at("projectId");
  if (auto p = d.store->GetProject(id); !p) return Fail(p.error());
  return ServeBlob(d, render::AnimaticService::BlobKey(id), "animatic",
                   "no animatic rendered yet");
}

// The animatic's captions (.srt, .vtt), when its song has timed lyrics.
Response GetAnimaticCaptions(const ApiDeps& d, const Request& req) {
  const std::string& id = req.params.at("projectId");
  const std::string& format = req.params.at("format");
  if (format != "srt" && format != "vtt") {
    return Fail(Error{ErrorCode::kInvalidArgument,
                      "unknown captions format",
                      {{"format", "one of srt, vtt"}}});
  }
  if (auto p = d.store->GetProject(id); !p) return Fail(p.error());
  return ServeBlob(d, "projects/" + id + "/render/animatic." + format, "format",
                   "no captions: no animatic yet, or the song has no timed "
                   "lyrics");
}

// A PNG mask (white: change, black: keep) for the next refine of the shot.
Response PutMask(const ApiDeps& d, const Request& req) {
  const std::string& id = req.params.at("projectId");
  const std::string& shot = req.params.at("shotId");
  if (auto s = d.store->GetShot(id, shot); !s) return Fail(s.error());
  std::string type = req.Header("content-type");
  if (type != "image/png") {
    return ErrorResponse(
        415, "UNSUPPORTED_MEDIA_TYPE", "the mask must be a PNG",
        {{"Content-Type", "expected image/png, got \"" + type + "\""}});
  }
  static constexpr std::string_view kPng("\x89PNG\r\n\x1a\n", 8);
  if (req.body.size() < kPng.size() ||
      std::string_view(req.body).substr(0, 8) != kPng) {
    return Fail(Error{ErrorCode::kInvalidArgument,
                      "not a PNG",
                      {{"body", "no PNG signature at the start"}}});
  }
  std::string key =
      "projects/" + id + "/shots/" + shot + "/masks/" + RandomUuid() + ".png";
  if (auto r = d.blobs->Put(key, req.body); !r) return Fail(r.error());
  return Response::Json(201, {{"blobKey", key}, {"bytes", req.body.size()}});
}

}  // namespace

void AddMediaRoutes(Router& router, const ApiDeps& d) {
  auto add = [&](std::string method, std::string pattern,
                 std::function<Response(const ApiDeps&, const Request&)> fn,
                 size_t limit = kDefaultBodyLimit) {
    router.Add(Route{std::move(method), std::move(pattern), Access::kBearer,
                     limit, [d, fn](const Request& r) { return fn(d, r); }});
  };
  const std::string project = "/api/projects/{projectId}";
  add("GET", project + "/song", GetSong);
  add("GET", project + "/blob", GetBlob);
  add("GET", project + "/render/{format}", GetRender);
  add("POST", project + "/animatic", PostAnimatic);
  add("GET", project + "/animatic", GetAnimatic);
  add("GET", project + "/animatic/{format}", GetAnimaticCaptions);
  add("GET", project + "/shots/{shotId}/image", GetShotImage);
  add("PUT", project + "/shots/{shotId}/mask", PutMask, 8u << 20);
}

}  // namespace miri::http
