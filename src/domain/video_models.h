// The video models' capability map: which (model, mode, duration) serves a
// clip with an end frame or a motion brush, and which API a model speaks.
// Pure data and look-ups; adapters build requests from a ClipPlan, the
// services refuse a clip no plan serves before anything is reserved.
//
// Source: Kling's capability map and API reference
// (https://app.klingai.com/global/dev/document-api , now
// https://kling.ai/document-api/ ; pages "Capability Map", "Image to Video",
// "Omni-Video"), as summarised in providers.md 3.6 and republished copies
// (github.com/WHQ25/rawgenai docs/research/kling/capability-map.md and
// omni-video-o1.md). Rows marked [UNVERIFIED] in video_models.cc are the
// best evidence found, not the official page itself.
#ifndef MIRI_DOMAIN_VIDEO_MODELS_H_
#define MIRI_DOMAIN_VIDEO_MODELS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

namespace miri {

// The endpoint family a model is served on.
enum class VideoApi {
  kKlingImage2Video,  // POST /v1/videos/image2video (image, image_tail)
  kKlingOmniVideo,    // POST /v1/videos/omni-video (image_list with types)
};

enum class EndFrame { kNo, kOptional, kRequired };

// One row of the map: on `model` in `mode`, these durations serve a clip
// whose end frame and motion brush fit the row.
struct VideoOffer {
  std::string_view model;
  std::string_view mode;         // "std" | "pro"
  std::vector<int> durations_s;  // ascending
  EndFrame end_frame = EndFrame::kNo;
  bool motion_brush = false;
};

struct VideoModel {
  std::string_view id;
  VideoApi api = VideoApi::kKlingImage2Video;
  bool sound = false;  // takes `sound: on|off` (v2.6 and later)
};

// All known models, and all rows, in the map's order (oldest first).
const std::vector<VideoModel>& VideoModels();
const std::vector<VideoOffer>& VideoOffers();
// nullptr when the id is not in the map.
const VideoModel* FindVideoModel(std::string_view id);

// What a clip asks of a model.
struct ClipNeeds {
  int64_t duration_ms = 5000;
  bool end_frame = false;
  bool motion_brush = false;
};

// How a model serves a clip: the request to build.
struct ClipPlan {
  std::string model;
  std::string mode;
  int duration_s = 0;
  VideoApi api = VideoApi::kKlingImage2Video;
  friend bool operator==(const ClipPlan&, const ClipPlan&) = default;
};

// The plan for `needs` on (model, mode). The duration is the shortest one
// the matching rows allow that covers the clip, else the longest (the
// render holds a shorter clip's last frame). FAILED_PRECONDITION when the
// model cannot serve it, with one issue naming the field ("model", "mode",
// "end_frame_blob" or "motion_brush") and a reason that says what the
// model offers instead.
Result<ClipPlan> PlanClip(std::string_view model, std::string_view mode,
                          const ClipNeeds& needs);

// "kling-v1 std 5 s, kling-v1 pro 5 s, kling-v1-5 pro 5 s": where a
// feature ("end frame" or "motion brush") is offered, for messages.
std::string WhereOffered(bool end_frame, bool motion_brush);

}  // namespace miri

#endif  // MIRI_DOMAIN_VIDEO_MODELS_H_
