#include "services/render/project_timeline.h"

#include <string>

namespace miri::render {

namespace {

std::string ShotName(const Shot& shot) {
  return "shot \"" + shot.shot_id + "\"";
}

// The newest VIDEO version with an output, or nullptr.
const Version* CurrentVideo(const std::vector<Version>& versions) {
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (it->kind == VersionKind::kVideo && !it->outputs.empty()) return &*it;
  }
  return nullptr;
}

}  // namespace

Result<Timeline> TimelineFromProject(Store& store, BlobStore& blobs,
                                     std::string_view project_id) {
  ASSIGN_OR_RETURN(std::vector<Shot> shots, store.ListShots(project_id),
                   "listing shots");
  Timeline timeline;
  for (const Shot& shot : shots) {
    if (shot.status != ShotStatus::kCompleted) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       ShotName(shot) + " is " +
                           std::string(ShotStatusName(shot.status)) +
                           ", not COMPLETED");
    }
    ASSIGN_OR_RETURN(std::vector<Version> versions,
                     store.ListVersions(project_id, shot.shot_id),
                     ShotName(shot));
    const Version* video = CurrentVideo(versions);
    if (video == nullptr) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       ShotName(shot) + " has no video version with a clip");
    }
    ASSIGN_OR_RETURN(std::filesystem::path clip,
                     blobs.LocalPath(video->outputs.front()),
                     ShotName(shot) + ": clip " + video->outputs.front());
    timeline.shots.push_back({shot.shot_id, shot.timestamps.start_ms,
                              shot.timestamps.end_ms, clip.string()});
  }
  Result<void> valid = ValidateTimeline(timeline);
  if (!valid) return tl::unexpected<Error>(std::move(valid).error());
  return timeline;
}

}  // namespace miri::render
