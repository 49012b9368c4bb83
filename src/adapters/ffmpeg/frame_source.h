// FrameSource: what fills a shot's frames on the output grid, frame by
// frame. ClipReader (a clip, trimmed or held) is the final cut's only
// source; an animatic (issue 20) also shows a still frame with a slow
// camera move (StillSource) or a card with the shot's description
// (CardSource). Adapter-internal; one thread drives a source.
#ifndef MIRI_ADAPTERS_FFMPEG_FRAME_SOURCE_H_
#define MIRI_ADAPTERS_FFMPEG_FRAME_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "adapters/ffmpeg/libav_util.h"
#include "domain/result.h"

namespace miri::ffmpeg {

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // The yuv420p frame of the output size for the shot's frame k (k never
  // decreases between calls). Owned by the source, valid until the next
  // call; the source never writes a buffer someone else references.
  virtual Result<AVFrame*> FrameAt(int64_t k) = 0;
  // Video frames decoded so far (statistics).
  virtual int64_t frames_decoded() const { return 0; }
};

// A still image (PNG, JPEG: anything libavformat opens) fitted to a canvas
// 12% larger than the output, which a width x height window pans across
// over `frame_count` frames: diagonally, the direction alternating with
// `variant` so consecutive stills do not all drift the same way.
Result<std::unique_ptr<FrameSource>> OpenStill(const std::string& path,
                                               int width, int height,
                                               int64_t frame_count,
                                               int variant);

// A dark card: `heading` small at the top, `lines` centred below it
// (drawn with libavfilter's drawtext). Every frame is the same picture.
Result<std::unique_ptr<FrameSource>> OpenCard(
    int width, int height, const std::string& heading,
    const std::vector<std::string>& lines);

// How many characters of card text fit on a line, and how many lines, at
// this output size (for render::WrapCardText).
int CardLineChars(int width, int height);
int CardMaxLines(int height);

}  // namespace miri::ffmpeg

#endif  // MIRI_ADAPTERS_FFMPEG_FRAME_SOURCE_H_
