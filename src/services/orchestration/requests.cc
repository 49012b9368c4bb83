#include "services/orchestration/requests.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <tuple>

#include <fmt/format.h>

#include "domain/motion_brush.h"
#include "domain/prompt.h"
#include "domain/screen.h"

namespace miri {

using nlohmann::json;

namespace {

constexpr char kImageCode[] = "FLUX2";
constexpr char kVideoCode[] = "KLING";

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::vector<std::string> StringsOf(const json& j) {
  std::vector<std::string> out;
  if (j.is_array()) {
    for (const json& x : j) {
      if (x.is_string()) out.push_back(x.get<std::string>());
    }
  }
  return out;
}

std::string Str(const json& params, const char* key) {
  auto it = params.find(key);
  return it != params.end() && it->is_string() ? it->get<std::string>() : "";
}

int Int(const json& params, const char* key, int fallback) {
  auto it = params.find(key);
  return it != params.end() && it->is_number_integer() ? it->get<int>()
                                                       : fallback;
}

json BrushJson(const MotionBrush& b) {
  json dynamic = json::array();
  for (const DynamicMask& d : b.dynamic_masks) {
    json points = json::array();
    for (const TrajectoryPoint& p : d.trajectory) points.push_back({p.x, p.y});
    dynamic.push_back({{"mask", d.mask_blob}, {"trajectory", points}});
  }
  return {{"staticMask", b.static_mask_blob}, {"dynamic", dynamic}};
}

std::optional<MotionBrush> BrushOf(const json& params) {
  auto it = params.find("motionBrush");
  if (it == params.end() || !it->is_object()) return std::nullopt;
  MotionBrush b;
  b.static_mask_blob = Str(*it, "staticMask");
  for (const json& d : it->value("dynamic", json::array())) {
    DynamicMask m;
    m.mask_blob = d.value("mask", "");
    for (const json& p : d.value("trajectory", json::array())) {
      if (p.is_array() && p.size() == 2) m.trajectory.push_back({p[0], p[1]});
    }
    b.dynamic_masks.push_back(std::move(m));
  }
  return b;
}

}  // namespace

Result<JobRef> ParseJobId(std::string_view job_id) {
  size_t colon = job_id.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "job id " + std::string(job_id) + " is not ours");
  }
  JobRef ref;
  ref.project_id = std::string(job_id.substr(0, colon));
  std::string_view rest = job_id.substr(colon + 1);
  size_t hash = rest.find('#');
  ref.version_id = std::string(rest.substr(0, hash));
  if (hash != std::string_view::npos) {
    ref.attempt = std::atoi(std::string(rest.substr(hash + 1)).c_str());
  }
  if (ref.version_id.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "job id without a version");
  }
  return ref;
}

std::string JobIdWithAttempt(std::string_view project_id,
                             std::string_view version_id, int attempt) {
  std::string id = Orchestrator::JobId(project_id, version_id);
  if (attempt > 0) id += "#" + std::to_string(attempt);
  return id;
}

std::string VersionIdFor(std::string_view shot_id, std::string_view key) {
  return fmt::format("v{:012x}",
                     Fnv1a(std::string(shot_id) + "\n" + std::string(key)) &
                         0xffffffffffffull);
}

std::string OutputKey(std::string_view project_id, std::string_view shot_id,
                      std::string_view version_id, std::string_view name) {
  return fmt::format("projects/{}/shots/{}/{}-{}", project_id, shot_id,
                     version_id, name);
}

int64_t ParseIsoMs(std::string_view iso) {
  if (!IsIsoDateTime(iso)) return 0;
  std::tm tm{};
  std::string s(iso);
  tm.tm_year = std::stoi(s.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(s.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(s.substr(8, 2));
  tm.tm_hour = std::stoi(s.substr(11, 2));
  tm.tm_min = std::stoi(s.substr(14, 2));
  tm.tm_sec = std::stoi(s.substr(17, 2));
  int64_t ms = 0;
  if (s.size() > 20 && s[19] == '.') {
    std::string frac = s.substr(20, s.size() - 21);
    frac.resize(3, '0');
    ms = std::stoi(frac);
  }
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

Result<std::vector<std::string>> ApprovedReferences(Store& store,
                                                    std::string_view project_id,
                                                    const Shot& shot) {
  ASSIGN_OR_RETURN(std::vector<Shot> shots, store.ListShots(project_id),
                   "refs");
  struct Candidate {
    int64_t distance_ms;
    int64_t start_ms;
    const Shot* shot;
  };
  std::vector<Candidate> same_scene, miri;
  const bool wants_miri = EffectiveShowsMiri(shot);
  for (const Shot& s : shots) {
    if (s.shot_id == shot.shot_id) continue;
    if (s.status != ShotStatus::kGeneratingVideo &&
        s.status != ShotStatus::kCompleted) {
      continue;  // not approved
    }
    const Candidate c{
        std::abs(s.timestamps.start_ms - shot.timestamps.start_ms),
        s.timestamps.start_ms, &s};
    if (s.scene_id == shot.scene_id) {
      same_scene.push_back(c);
    } else if (wants_miri && EffectiveShowsMiri(s)) {
      miri.push_back(c);
    }
  }
  auto nearest = [](const Candidate& a, const Candidate& b) {
    return std::tie(a.distance_ms, a.start_ms) <
           std::tie(b.distance_ms, b.start_ms);
  };
  std::sort(same_scene.begin(), same_scene.end(), nearest);
  std::sort(miri.begin(), miri.end(), nearest);
  constexpr size_t kMaxReferences = 3;
  std::vector<std::string> out;
  for (const auto* group : {&same_scene, &miri}) {
    for (const Candidate& c : *group) {
      if (out.size() == kMaxReferences) return out;
      ASSIGN_OR_RETURN(std::vector<Version> versions,
                       store.ListVersions(project_id, c.shot->shot_id), "refs");
      // The image approved: the one the newest clip was made from, or,
      // just approved (the clip not stored yet), the newest image (the one
      // Approve takes).
      auto clip = std::find_if(
          versions.rbegin(), versions.rend(),
          [](const Version& v) { return v.kind == VersionKind::kVideo; });
      auto approved = std::find_if(
          versions.rbegin(), versions.rend(), [&](const Version& v) {
            if (clip != versions.rend() && clip->parent_version_id) {
              return v.version_id == *clip->parent_version_id;
            }
            return v.kind == VersionKind::kImage;
          });
      if (approved != versions.rend() && !approved->outputs.empty()) {
        out.push_back(approved->outputs.front());
      }
    }
  }
  return out;
}

Version ImageVersion(const ProjectConfig& project, std::string_view project_id,
                     const Shot& shot, const std::string& subject,
                     const std::vector<RuleMatch>& rules,
                     const std::vector<std::string>& references,
                     const Version* parent, const std::string& key,
                     const OrchestratorOptions& options,
                     const std::string& now) {
  Version v;
  v.version_id = VersionIdFor(shot.shot_id, key);
  v.shot_id = shot.shot_id;
  v.kind = VersionKind::kImage;
  PromptSpec spec;
  spec.kind = PromptKind::kImage;
  spec.shot_id = shot.shot_id;
  spec.version_id = v.version_id;
  spec.model_code = kImageCode;
  // Any child in the shot (description, lyrics, this subject) is Miri.
  spec.shows_miri = EffectiveShowsMiri(shot, subject);
  spec.lora_id = project.global_settings.lora_weights_id;
  spec.subject = subject;
  v.applied_rule_ids = ApplyRules(rules, &spec);
  RenderedPrompt rendered = RenderPrompt(spec);
  v.prompt = rendered.prompt;
  v.negative_prompt = rendered.negative_prompt;
  v.model_code = kImageCode;
  v.model = project.global_settings.image_model;
  v.parameters = {
      {"mode", references.empty() ? "text-to-image" : "edit"},
      {"width", options.image_width},
      {"height", options.image_height},
      {"seed", static_cast<int64_t>(Fnv1a(v.version_id) & 0x7fffffff)},
      {"loras", rendered.loras},
      // What the prompt says the shot shows, after any auto-fix:
      // the clip of this image describes the same thing.
      {"subject", subject}};
  v.references = references;
  v.outputs = {OutputKey(project_id, shot.shot_id, v.version_id, "image.png")};
  if (parent != nullptr) v.parent_version_id = parent->version_id;
  v.created_at = now;
  return v;
}

Version RefineVersion(const ProjectConfig& project, std::string_view project_id,
                      const Shot& shot, const Version& image,
                      const std::string& instruction, const std::string& mask,
                      const std::vector<RuleMatch>& rules,
                      const std::string& key,
                      const OrchestratorOptions& options,
                      const std::string& now) {
  // A complaint ("her mouth is slightly open") is prompted as the rule it
  // asks for ("Mouth CLOSED, lips together"), never as its own words.
  Version v =
      ImageVersion(project, project_id, shot,
                   shot.description + ". " + RestateComplaints(instruction),
                   rules, {}, &image, key, options, now);
  json chat = image.parameters.value("chat", json::array());
  chat.push_back({{"role", "user"}, {"text", instruction}, {"at", now}});
  // A refined end frame stays the end frame of the same start frame.
  for (const char* field : {"frame", "startVersion"}) {
    if (image.parameters.contains(field)) {
      v.parameters[field] = image.parameters[field];
    }
  }
  v.parameters["mode"] = "inpaint";
  v.parameters["imageBlob"] = image.outputs.front();
  v.parameters["maskBlob"] = mask;
  v.parameters["instruction"] = instruction;
  v.parameters["chat"] = chat;
  v.references = {image.outputs.front()};
  return v;
}

Version EndFrameVersion(const ProjectConfig& project,
                        std::string_view project_id, const Shot& shot,
                        const Version& start,
                        const std::vector<RuleMatch>& rules,
                        const std::string& key,
                        const OrchestratorOptions& options,
                        const std::string& now) {
  // The subject is where the shot ends, in the start frame's place: the
  // edit keeps her likeness (LoRA) and the scene (the start frame as the
  // reference) and changes only what the end state says.
  const std::string subject =
      start.parameters.value("subject", shot.description) +
      ". A few seconds later: " + shot.end_state;
  Version v = ImageVersion(project, project_id, shot, subject, rules,
                           {start.outputs.front()}, &start, key, options, now);
  v.parameters["mode"] = "edit";
  v.parameters["frame"] = "end";
  v.parameters["startVersion"] = start.version_id;
  return v;
}

bool IsEndFrame(const Version& v) {
  return v.kind == VersionKind::kImage &&
         v.parameters.value("frame", std::string()) == "end";
}

ClipFrames FramesOf(const std::vector<Version>& versions) {
  ClipFrames f;
  for (const Version& v : versions) {
    if (v.kind == VersionKind::kImage) f.start = &v;
  }
  if (f.start == nullptr || !IsEndFrame(*f.start)) return f;
  f.end = f.start;
  f.start = nullptr;
  const std::string start_id =
      f.end->parameters.value("startVersion", std::string());
  for (const Version& v : versions) {
    if (v.version_id == start_id) f.start = &v;
  }
  if (f.start == nullptr) {  // not stored (cannot happen): the end alone
    f.start = f.end;
    f.end = nullptr;
  }
  return f;
}

Version VideoVersion(const ProjectConfig& project, std::string_view project_id,
                     const Shot& shot, const Version& image,
                     const std::optional<MotionBrush>& brush,
                     const std::string& key, const OrchestratorOptions& options,
                     const std::string& now, const Version* end) {
  Version v;
  v.version_id = VersionIdFor(shot.shot_id, key);
  v.shot_id = shot.shot_id;
  v.kind = VersionKind::kVideo;
  PromptSpec spec;
  spec.kind = PromptKind::kVideo;
  spec.shot_id = shot.shot_id;
  spec.version_id = v.version_id;
  spec.model_code = kVideoCode;
  spec.lora_id = project.global_settings.lora_weights_id;
  spec.resting_state = "the composition of the start frame, held still";
  const std::string subject =
      image.parameters.value("subject", shot.description);
  // The clip of an image of Miri shows Miri.
  spec.shows_miri =
      EffectiveShowsMiri(shot, subject) || !LorasOf(image).empty();
  spec.subject = subject.empty() ? "a slow camera push-in" : subject;
  if (end != nullptr && !shot.end_state.empty()) {
    // From the start frame to the end frame: the action is the change.
    spec.resting_state = "the composition of the start frame";
    spec.subject += ", moving gently to the end frame: " + shot.end_state;
  }
  RenderedPrompt rendered = RenderPrompt(spec);
  v.prompt = rendered.prompt;
  v.negative_prompt = rendered.negative_prompt;
  v.model_code = kVideoCode;
  v.model = project.global_settings.video_model;
  v.parameters = {
      {"startFrame", image.outputs.front()},
      {"durationMs", shot.timestamps.end_ms - shot.timestamps.start_ms},
      {"fps", options.video_fps},
      {"width", options.image_width},
      {"height", options.image_height}};
  v.references = {image.outputs.front()};
  if (end != nullptr && !end->outputs.empty()) {
    v.parameters["endFrame"] = end->outputs.front();
    v.references.push_back(end->outputs.front());
  }
  if (brush) v.parameters["motionBrush"] = BrushJson(*brush);
  if (!project.global_settings.allow_video_reroute) {
    v.parameters["allowReroute"] = false;
  }
  v.outputs = {OutputKey(project_id, shot.shot_id, v.version_id, "clip.mp4")};
  v.parent_version_id = image.version_id;
  v.created_at = now;
  return v;
}

std::vector<std::string> LorasOf(const Version& v) {
  return StringsOf(v.parameters.value("loras", json::array()));
}

ImageRequest ImageRequestOf(std::string_view project_id, const Version& v) {
  ImageRequest r;
  r.job_id = Orchestrator::JobId(project_id, v.version_id);
  const std::string mode = Str(v.parameters, "mode");
  r.mode = mode == "inpaint" ? ImageRequest::Mode::kInpaint
           : mode == "edit"  ? ImageRequest::Mode::kEdit
                             : ImageRequest::Mode::kTextToImage;
  r.prompt = v.prompt;
  r.negative_prompt = v.negative_prompt;
  r.loras = LorasOf(v);
  r.width = Int(v.parameters, "width", r.width);
  r.height = Int(v.parameters, "height", r.height);
  if (v.parameters.contains("seed"))
    r.seed = v.parameters["seed"].get<int64_t>();
  if (r.mode == ImageRequest::Mode::kEdit) r.reference_blobs = v.references;
  r.image_blob = Str(v.parameters, "imageBlob");
  r.mask_blob = Str(v.parameters, "maskBlob");
  r.output_key = v.outputs.empty() ? "" : v.outputs.front();
  // The route recorded on the version (Orchestrator::RouteImage) is where
  // the request goes.
  if (auto route = v.parameters.find("route");
      route != v.parameters.end() && route->is_object()) {
    r.route = route->value("chosen", "");
  }
  return r;
}

VideoRequest VideoRequestOf(std::string_view project_id, const Version& v) {
  VideoRequest r;
  r.job_id = Orchestrator::JobId(project_id, v.version_id);
  r.prompt = v.prompt;
  r.negative_prompt = v.negative_prompt;
  r.start_frame_blob = Str(v.parameters, "startFrame");
  r.end_frame_blob = Str(v.parameters, "endFrame");
  r.duration_ms = v.parameters.value("durationMs", int64_t{5000});
  r.fps = Int(v.parameters, "fps", r.fps);
  r.width = Int(v.parameters, "width", r.width);
  r.height = Int(v.parameters, "height", r.height);
  r.motion_brush = BrushOf(v.parameters);
  r.output_key = v.outputs.empty() ? "" : v.outputs.front();
  r.allow_reroute = v.parameters.value("allowReroute", true);
  return r;
}

Result<std::optional<MotionBrush>> ReadMotionBrush(BlobStore& blobs,
                                                   std::string_view project_id,
                                                   const Shot& shot, int width,
                                                   int height) {
  const std::string key = fmt::format("projects/{}/shots/{}/motion-brush.json",
                                      project_id, shot.shot_id);
  ASSIGN_OR_RETURN(bool exists, blobs.Exists(key), "motion brush");
  if (!exists) return std::optional<MotionBrush>();
  ASSIGN_OR_RETURN(std::string text, blobs.Get(key), "motion brush");
  ASSIGN_OR_RETURN(json doc, ParseJsonText(text), "motion brush");
  ASSIGN_OR_RETURN(BrushDocument stored, ParseStoredBrush(doc), "motion brush");
  if (stored.regions.empty()) return std::optional<MotionBrush>();
  if (stored.regions.size() > kMaxBrushRegions) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "the motion brush has more than 6 regions that move",
                     {{"motionBrush.dynamicMasks", "at most 6 regions"}});
  }
  // Pixels of the clip, clamped onto the image.
  auto pixel = [](double v, int size) {
    return std::clamp(static_cast<int>(std::lround(v * size)), 0, size - 1);
  };
  MotionBrush brush;
  brush.static_mask_blob = stored.static_mask;
  for (size_t i = 0; i < stored.regions.size(); ++i) {
    const BrushRegion& region = stored.regions[i];
    const std::string field = fmt::format("motionBrush.dynamicMasks[{}]", i);
    // Never dropped: a path that moves nothing refuses the clip, saying so.
    if (region.mask.empty()) {
      return MakeError(
          ErrorCode::kFailedPrecondition,
          fmt::format("motion brush path {} has no painted region", i + 1),
          {{field + ".mask", "paint the region that moves along this path"}});
    }
    const std::vector<BrushPoint>& points = region.trajectory;
    const size_t n = points.size();
    if (n < kMinBrushPathPoints) {
      return MakeError(
          ErrorCode::kFailedPrecondition,
          fmt::format("motion brush path {} has fewer than 2 points", i + 1),
          {{field + ".trajectory", "draw a path of 2 to 77 points"}});
    }
    DynamicMask m;
    m.mask_blob = region.mask;
    // Kling takes 2..77 points: keep the ends, thin the middle evenly (a
    // brush of the first format may have up to 200).
    const size_t keep = std::min(n, kMaxBrushPathPoints);
    for (size_t k = 0; k < keep; ++k) {
      const BrushPoint& p = points[k * (n - 1) / (keep - 1)];
      m.trajectory.push_back({pixel(p.x, width), pixel(p.y, height)});
    }
    brush.dynamic_masks.push_back(std::move(m));
  }
  return std::optional<MotionBrush>(brush);
}

ImageRequest ForecastImageRequest(const ProjectConfig& project,
                                  const Shot& shot,
                                  const OrchestratorOptions& options) {
  ImageRequest r;
  r.job_id = "forecast";
  r.prompt = shot.description;
  r.width = options.image_width;
  r.height = options.image_height;
  if (EffectiveShowsMiri(shot)) {
    r.loras = {project.global_settings.lora_weights_id};
  }
  return r;
}

VideoRequest ForecastVideoRequest(const Shot& shot,
                                  const OrchestratorOptions& options) {
  VideoRequest r;
  r.job_id = "forecast";
  r.duration_ms = shot.timestamps.end_ms - shot.timestamps.start_ms;
  r.fps = options.video_fps;
  r.width = options.image_width;
  r.height = options.image_height;
  return r;
}

}  // namespace miri
