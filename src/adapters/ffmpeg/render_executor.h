// The FFmpeg executor of a RenderPlan (design.md section 9): decodes each
// shot's clip, puts it on the output frame grid (trim, hold, scale, pad),
// fills gaps black and encodes it with the song as audio, in one pass and
// without intermediate files. See domain/render_plan.h for the
// frame maths and video_writer.h for the output file's guarantees.
#ifndef MIRI_ADAPTERS_FFMPEG_RENDER_EXECUTOR_H_
#define MIRI_ADAPTERS_FFMPEG_RENDER_EXECUTOR_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "adapters/ffmpeg/video_writer.h"
#include "domain/render_plan.h"
#include "domain/result.h"
#include "ports/clock.h"

namespace miri::ffmpeg {

struct SongInfo {
  int64_t duration_ms = 0;  // of the decoded audio, rounded
  int64_t samples = 0;      // per channel, as decoded
  int sample_rate = 0;
  int channels = 0;
  std::string codec;  // e.g. "mp3"
};

// Opens and decodes the whole song: its exact duration, and proof that it
// decodes. INVALID_ARGUMENT (NOT_FOUND if missing) naming the file if not.
Result<SongInfo> ProbeSong(const std::filesystem::path& song);

struct RenderOptions {
  std::filesystem::path output;
  std::filesystem::path song;
  std::string preset = "veryfast";
  int crf = 20;
  AudioMode audio_mode = AudioMode::kCopy;
  // Called from the rendering thread about once per second of output video
  // and once at the end; must be quick. Elapsed time and ETA come from
  // `clock` (none: zero elapsed, no ETA).
  std::function<void(const render::RenderProgress&)> on_progress;
  const Clock* clock = nullptr;
  // A preview (the animatic): clips decode in ClipReader's draft mode.
  bool draft = false;
};

struct RenderStats {
  int64_t frames_written = 0;
  int64_t frames_decoded = 0;
};

// Renders `plan` to options.output. A failure names the shot at fault
// ("shot \"s3\" (shots[2]): clip (a.mp4) has no video stream") and leaves
// nothing under the output's name.
Result<RenderStats> ExecuteRenderPlan(const render::RenderPlan& plan,
                                      const RenderOptions& options);

}  // namespace miri::ffmpeg

#endif  // MIRI_ADAPTERS_FFMPEG_RENDER_EXECUTOR_H_
