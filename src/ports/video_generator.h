// VideoGenerator: a clip from a start frame (and optionally an end frame),
// with an optional motion brush. Same asynchronous contract as
// ImageGenerator (ports/image_generator.h): Submit returns at once, one
// ProviderResult per job_id arrives on the ResultSink, Poll reconciles,
// Adopt picks up a job another instance submitted from its Dispatch's
// resume (default: nothing to adopt).
#ifndef MIRI_PORTS_VIDEO_GENERATOR_H_
#define MIRI_PORTS_VIDEO_GENERATOR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"
#include "ports/provider_result.h"

namespace miri {

struct TrajectoryPoint {
  // Pixels in the start frame, origin top-left (adapters convert: Kling's
  // origin is bottom-left).
  int x = 0;
  int y = 0;
  friend bool operator==(const TrajectoryPoint&,
                         const TrajectoryPoint&) = default;
};

struct DynamicMask {
  std::string mask_blob;                    // white = the region that moves
  std::vector<TrajectoryPoint> trajectory;  // 2..77 points, start to end
};

struct MotionBrush {
  std::string static_mask_blob;  // white = must stay still; may be empty
  std::vector<DynamicMask> dynamic_masks;  // at most 6
};

struct VideoRequest {
  std::string job_id;
  std::string prompt;  // resting state first, then the action
  std::string negative_prompt;
  std::string start_frame_blob;
  std::string end_frame_blob;  // optional
  int64_t duration_ms = 5000;
  int fps = 24;
  int width = 1280;
  int height = 720;
  std::optional<MotionBrush> motion_brush;
  std::string output_key;
  // The project allows a clip its model cannot serve to go to a model
  // that can (GlobalSettings::allow_video_reroute).
  bool allow_reroute = true;
};

class VideoGenerator {
 public:
  virtual ~VideoGenerator() = default;
  virtual std::string_view name() const = 0;
  virtual Result<Dispatch> Submit(const VideoRequest& request) = 0;
  virtual Result<std::optional<ProviderResult>> Poll(
      std::string_view job_id) = 0;
  virtual Result<void> Adopt(std::string_view job_id, std::string_view resume) {
    (void)job_id;
    (void)resume;
    return {};
  }
  // A job sent under request.job_id whose Dispatch was never recorded
  // (ports/provider_result.h DispatchLookup); asked by the reconciler
  // before it sends anything again. Default: kAbsent (the contract's
  // Submit dedupes on the job id).
  virtual Result<DispatchLookup> LookupDispatch(const VideoRequest& request) {
    (void)request;
    return DispatchLookup{};
  }
  virtual int64_t EstimateCostMicros(const VideoRequest& request) const = 0;
  // Whether Submit would take the request as this generator is configured
  // (its model's end frame, motion brush, modes): an error whose issues
  // name the field and the model when not. No I/O; callers ask before
  // reserving budget. Default: every request is servable.
  virtual Result<void> CheckRequest(const VideoRequest& request) const {
    (void)request;
    return {};
  }
};

}  // namespace miri

#endif  // MIRI_PORTS_VIDEO_GENERATOR_H_
