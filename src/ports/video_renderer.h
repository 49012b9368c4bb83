// VideoRenderer: encodes a final cut (a RenderPlan: every clip on its frame
// slot) over the original song into an MP4 (design.md section 6). The
// render use case (services/render/render_project.h) decides what to
// render and records the outcome; this port only encodes.
//
// Contract: a failure names the shot or the file at fault and leaves
// nothing under the output's name. Thread-safety: one render per call; a
// renderer may serve several calls from different threads.
#ifndef MIRI_PORTS_VIDEO_RENDERER_H_
#define MIRI_PORTS_VIDEO_RENDERER_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "domain/render_plan.h"
#include "domain/result.h"

namespace miri {

struct RenderJob {
  const render::RenderPlan* plan = nullptr;
  std::filesystem::path song;    // the original audio, muxed as it is
  std::filesystem::path output;  // the MP4 to write
  std::string preset = "veryfast";
  // Called from the rendering thread about once per second of output and
  // once at the end; must be quick.
  std::function<void(const render::RenderProgress&)> on_progress;
  // A preview (the animatic): faster, rougher decoding of the clips on the
  // same frame grid.
  bool draft = false;
};

class VideoRenderer {
 public:
  virtual ~VideoRenderer() = default;
  // The song's exact duration: INVALID_ARGUMENT (NOT_FOUND when missing)
  // naming the file when it does not decode.
  virtual Result<int64_t> SongDurationMs(const std::filesystem::path& song) = 0;
  // Renders the job; returns the frames written.
  virtual Result<int64_t> Render(const RenderJob& job) = 0;
};

}  // namespace miri

#endif  // MIRI_PORTS_VIDEO_RENDERER_H_
