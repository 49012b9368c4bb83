// The data the Orchestrator writes and sends, built without side effects:
// versions (what a step will ask for, stored before it is asked) and the
// provider requests rebuilt from a stored version (so a retry or a
// reconciler's resubmission sends exactly what was recorded).
#ifndef MIRI_SERVICES_ORCHESTRATION_REQUESTS_H_
#define MIRI_SERVICES_ORCHESTRATION_REQUESTS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/project.h"
#include "domain/records.h"
#include "ports/blob_store.h"
#include "ports/image_generator.h"
#include "ports/store.h"
#include "ports/video_generator.h"
#include "services/orchestration/orchestrator.h"
#include "services/rulebook/rulebook.h"

namespace miri {

// A job id is "<projectId>:<versionId>", with "#<n>" for the n-th retry.
struct JobRef {
  std::string project_id;
  std::string version_id;
  int attempt = 0;
};
Result<JobRef> ParseJobId(std::string_view job_id);
std::string JobIdWithAttempt(std::string_view project_id,
                             std::string_view version_id, int attempt);

// Deterministic from the request key: the same request makes the same id,
// so a repeat is caught by the store's create-only versions.
std::string VersionIdFor(std::string_view shot_id, std::string_view key);

// "projects/<p>/shots/<s>/<versionId>-<name>".
std::string OutputKey(std::string_view project_id, std::string_view shot_id,
                      std::string_view version_id, std::string_view name);

// Milliseconds since the epoch of an ISO-8601 UTC time; 0 if malformed.
int64_t ParseIsoMs(std::string_view iso);

// The references of a new image of `shot`, to keep the look: the approved
// image (the one its newest clip was made from; the newest image while the
// clip of a just approved shot is not stored yet) of each other approved
// shot (GENERATING_VIDEO or COMPLETED) of the same scene first, then, when
// `shot` shows Miri, those of other scenes' shots showing her; each group
// nearest in time first (the earlier of two as near); at most 3. The one
// choice of references for every route (serve, produce, retries).
Result<std::vector<std::string>> ApprovedReferences(Store& store,
                                                    std::string_view project_id,
                                                    const Shot& shot);

Version ImageVersion(const ProjectConfig& project, std::string_view project_id,
                     const Shot& shot, const std::string& subject,
                     const std::vector<RuleMatch>& rules,
                     const std::vector<std::string>& references,
                     const Version* parent, const std::string& key,
                     const OrchestratorOptions& options,
                     const std::string& now);

// The inpainting of `image`, with the rules that apply to the shot.
Version RefineVersion(const ProjectConfig& project, std::string_view project_id,
                      const Shot& shot, const Version& image,
                      const std::string& instruction, const std::string& mask,
                      const std::vector<RuleMatch>& rules,
                      const std::string& key,
                      const OrchestratorOptions& options,
                      const std::string& now);

// The end frame of `start` (an image of the shot): the shot's end state
// drawn as a FLUX.2 edit of the start frame (same LoRA, the start frame as
// the reference), with the rules that apply to the shot. Its parameters
// say "frame": "end" and name the start version.
Version EndFrameVersion(const ProjectConfig& project,
                        std::string_view project_id, const Shot& shot,
                        const Version& start,
                        const std::vector<RuleMatch>& rules,
                        const std::string& key,
                        const OrchestratorOptions& options,
                        const std::string& now);

// Whether an image version is an end frame (EndFrameVersion, or a refine
// of one).
bool IsEndFrame(const Version& v);

// The frames a clip of the shot starts and ends on: the newest image, or,
// when that is an end frame, the start frame it was made from and it.
// `start` is null when the shot has no image.
struct ClipFrames {
  const Version* start = nullptr;
  const Version* end = nullptr;
};
ClipFrames FramesOf(const std::vector<Version>& versions);

// `end` may be null: the clip starts from `image` alone.
Version VideoVersion(const ProjectConfig& project, std::string_view project_id,
                     const Shot& shot, const Version& image,
                     const std::optional<MotionBrush>& brush,
                     const std::string& key, const OrchestratorOptions& options,
                     const std::string& now, const Version* end = nullptr);

std::vector<std::string> LorasOf(const Version& v);
ImageRequest ImageRequestOf(std::string_view project_id, const Version& v);
VideoRequest VideoRequestOf(std::string_view project_id, const Version& v);

// The motion brush a person drew for the shot (the API stores it as
// projects/<p>/shots/<s>/motion-brush.json, domain/motion_brush.h, with
// points in 0..1), in pixels of a width x height clip, with its mask and
// static-mask blobs; nullopt when there is none. A path without a painted
// region is never dropped: FAILED_PRECONDITION naming
// motionBrush.dynamicMasks[i].mask.
Result<std::optional<MotionBrush>> ReadMotionBrush(BlobStore& blobs,
                                                   std::string_view project_id,
                                                   const Shot& shot, int width,
                                                   int height);

ImageRequest ForecastImageRequest(const ProjectConfig& project,
                                  const Shot& shot,
                                  const OrchestratorOptions& options);
VideoRequest ForecastVideoRequest(const Shot& shot,
                                  const OrchestratorOptions& options);

}  // namespace miri

#endif  // MIRI_SERVICES_ORCHESTRATION_REQUESTS_H_
