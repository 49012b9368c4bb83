#include "services/render/animatic.h"

#include <system_error>

#include "services/render/lyric_captions.h"

namespace miri::render {

namespace {

// The blob's local file when it is stored, else nullopt.
std::optional<std::filesystem::path> Stored(BlobStore& blobs,
                                            const std::string& key) {
  if (!blobs.Exists(key).value_or(false)) return std::nullopt;
  Result<std::filesystem::path> path = blobs.LocalPath(key);
  if (!path) return std::nullopt;
  return *path;
}

// The newest VIDEO version with a stored output: the shot's clip.
std::optional<std::string> ClipOf(BlobStore& blobs,
                                  const std::vector<Version>& versions) {
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (it->kind != VersionKind::kVideo || it->outputs.empty()) continue;
    if (auto path = Stored(blobs, it->outputs.front())) return path->string();
  }
  return std::nullopt;
}

// The approved frame (the IMAGE its newest clip version was made from),
// else the newest IMAGE with a stored output.
std::optional<std::string> FrameOf(BlobStore& blobs,
                                   const std::vector<Version>& versions) {
  const Version* approved = nullptr;
  for (auto it = versions.rbegin(); it != versions.rend() && !approved; ++it) {
    if (it->kind != VersionKind::kVideo || !it->parent_version_id) continue;
    for (const Version& v : versions) {
      if (v.version_id == *it->parent_version_id &&
          v.kind == VersionKind::kImage && !v.outputs.empty())
        approved = &v;
    }
  }
  if (approved != nullptr) {
    if (auto path = Stored(blobs, approved->outputs.front()))
      return path->string();
  }
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (it->kind != VersionKind::kImage || it->outputs.empty()) continue;
    if (auto path = Stored(blobs, it->outputs.front())) return path->string();
  }
  return std::nullopt;
}

}  // namespace

Result<AnimaticCut> AnimaticCutOf(Store& store, BlobStore& blobs,
                                  std::string_view project_id) {
  ASSIGN_OR_RETURN(ProjectConfig project, store.GetProject(project_id), "");
  (void)project;
  ASSIGN_OR_RETURN(std::vector<Shot> shots, store.ListShots(project_id),
                   "listing shots");
  if (shots.empty()) {
    return MakeError(ErrorCode::kFailedPrecondition, "the project has no plan",
                     {{"plan", "commit a plan (PUT /api/projects/" +
                                   std::string(project_id) +
                                   "/plan) before asking for an animatic"}});
  }
  AnimaticCut cut;
  for (const Shot& shot : shots) {
    ASSIGN_OR_RETURN(std::vector<Version> versions,
                     store.ListVersions(project_id, shot.shot_id),
                     "shot \"" + shot.shot_id + "\"");
    TimelineShot t{shot.shot_id, shot.timestamps.start_ms,
                   shot.timestamps.end_ms, ""};
    ShotVisual visual;
    if (std::optional<std::string> clip = ClipOf(blobs, versions)) {
      t.clip = *clip;
    } else if (std::optional<std::string> frame = FrameOf(blobs, versions)) {
      t.clip = *frame;
      visual.look = ShotLook::kStill;
    } else {
      t.clip = "card:" + shot.shot_id;  // never opened
      visual.look = ShotLook::kCard;
      visual.card_text =
          shot.description.empty() ? shot.lyrics_snippet : shot.description;
    }
    cut.timeline.shots.push_back(std::move(t));
    cut.visuals.push_back(std::move(visual));
  }
  Result<void> valid = ValidateTimeline(cut.timeline);
  if (!valid) return tl::unexpected<Error>(std::move(valid).error());
  return cut;
}

AnimaticService::AnimaticService(Store& store, BlobStore& blobs,
                                 VideoRenderer& renderer,
                                 std::filesystem::path scratch,
                                 AnimaticSettings settings)
    : store_(store),
      blobs_(blobs),
      renderer_(renderer),
      scratch_(std::move(scratch)),
      settings_(std::move(settings)) {}

std::string AnimaticService::BlobKey(std::string_view project_id) {
  return "projects/" + std::string(project_id) + "/render/animatic.mp4";
}

Result<AnimaticReport> AnimaticService::Render(
    std::string_view project_id, const std::filesystem::path& output) {
  const std::string id(project_id);
  {
    std::lock_guard lock(mu_);
    if (!rendering_.insert(id).second) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "an animatic is being rendered",
                       {{"animatic",
                         "one is being rendered for this project; fetch it "
                         "when that request answers"}});
    }
  }
  Result<AnimaticReport> report = RenderLocked(id, output);
  std::lock_guard lock(mu_);
  rendering_.erase(id);
  return report;
}

Result<AnimaticReport> AnimaticService::RenderLocked(
    const std::string& id, const std::filesystem::path& output) {
  ASSIGN_OR_RETURN(AnimaticCut cut, AnimaticCutOf(store_, blobs_, id),
                   "animatic");
  const std::string song_key = "projects/" + id + "/audio/song.mp3";
  std::optional<std::filesystem::path> song = Stored(blobs_, song_key);
  if (!song) {
    return MakeError(ErrorCode::kFailedPrecondition, "no song uploaded yet",
                     {{"song",
                       "upload the song before asking for an "
                       "animatic"}});
  }
  ASSIGN_OR_RETURN(int64_t song_ms, renderer_.SongDurationMs(*song),
                   "animatic");
  ASSIGN_OR_RETURN(
      RenderPlan plan,
      BuildRenderPlan(cut.timeline, song_ms,
                      {settings_.fps, settings_.width, settings_.height}),
      "animatic");
  plan.visuals = std::move(cut.visuals);
  ASSIGN_OR_RETURN(plan.captions, LyricCaptions(blobs_, id, plan), "animatic");
  std::filesystem::path out = output;
  if (out.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(scratch_, ec);
    out = scratch_ / (id + ".animatic.mp4");
  }
  RenderJob job;
  job.plan = &plan;
  job.song = *song;
  job.output = out;
  job.preset = settings_.preset;
  job.draft = true;
  ASSIGN_OR_RETURN(int64_t frames, renderer_.Render(job), "animatic");
  AnimaticReport report;
  report.blob_key = BlobKey(id);
  RETURN_IF_ERROR(blobs_.PutFile(report.blob_key, out), "storing the animatic");
  RETURN_IF_ERROR(StoreCaptions(blobs_, "projects/" + id + "/render/animatic",
                                out, plan.captions, plan.settings.fps),
                  "");
  report.captions = static_cast<int>(plan.captions.size());
  report.frames = frames;
  report.duration_ms = song_ms;
  for (const ShotVisual& v : plan.visuals) {
    ++(v.look == ShotLook::kClip    ? report.clips
       : v.look == ShotLook::kStill ? report.stills
                                    : report.cards);
  }
  return report;
}

}  // namespace miri::render
