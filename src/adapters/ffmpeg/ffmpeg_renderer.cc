#include "adapters/ffmpeg/ffmpeg_renderer.h"

#include "adapters/ffmpeg/render_executor.h"

namespace miri::ffmpeg {

Result<int64_t> FfmpegRenderer::SongDurationMs(
    const std::filesystem::path& song) {
  ASSIGN_OR_RETURN(SongInfo info, ProbeSong(song), "");
  return info.duration_ms;
}

Result<int64_t> FfmpegRenderer::Render(const RenderJob& job) {
  if (job.plan == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "no render plan");
  }
  RenderOptions options;
  options.output = job.output;
  options.song = job.song;
  options.preset = job.preset;
  options.on_progress = job.on_progress;
  options.clock = &clock_;
  options.draft = job.draft;
  ASSIGN_OR_RETURN(RenderStats stats, ExecuteRenderPlan(*job.plan, options),
                   "");
  return stats.frames_written;
}

}  // namespace miri::ffmpeg
