// FfmpegRenderer: the VideoRenderer port on libav (render_executor.h).
#ifndef MIRI_ADAPTERS_FFMPEG_FFMPEG_RENDERER_H_
#define MIRI_ADAPTERS_FFMPEG_FFMPEG_RENDERER_H_

#include "ports/clock.h"
#include "ports/video_renderer.h"

namespace miri::ffmpeg {

class FfmpegRenderer final : public VideoRenderer {
 public:
  // `clock` times the progress (elapsed, ETA); it must outlive this.
  explicit FfmpegRenderer(const Clock& clock) : clock_(clock) {}
  Result<int64_t> SongDurationMs(const std::filesystem::path& song) override;
  Result<int64_t> Render(const RenderJob& job) override;

 private:
  const Clock& clock_;
};

}  // namespace miri::ffmpeg

#endif  // MIRI_ADAPTERS_FFMPEG_FFMPEG_RENDERER_H_
