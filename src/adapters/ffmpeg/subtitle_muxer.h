// SubtitleMuxer: lyric captions as a soft subtitle track (mov_text, the
// MP4's own text track: ISO/IEC 14496-17 "3GPP timed text") of an output,
// interleaved with the video by the caller asking for cues up to a time.
// Players show or hide it; nothing is drawn into the picture.
// Adapter-internal.
#ifndef MIRI_ADAPTERS_FFMPEG_SUBTITLE_MUXER_H_
#define MIRI_ADAPTERS_FFMPEG_SUBTITLE_MUXER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "adapters/ffmpeg/libav_util.h"
#include "domain/result.h"

namespace miri::ffmpeg {

struct SubtitleCue {
  int64_t start_ms = 0;
  int64_t end_ms = 0;  // > start_ms
  std::string text;    // one line, UTF-8
};

class SubtitleMuxer {
 public:
  // Adds the track to `out` (before the header); `cues` in start order,
  // not overlapping.
  static Result<std::unique_ptr<SubtitleMuxer>> Open(
      std::vector<SubtitleCue> cues, AVFormatContext* out);

  // Writes the cues that start before `seconds`.
  Result<void> WriteUntil(double seconds);
  // Writes the rest.
  Result<void> Finish() { return WriteUntil(1e18); }

 private:
  SubtitleMuxer() = default;
  Result<void> Write(const SubtitleCue& cue);

  std::vector<SubtitleCue> cues_;
  size_t next_ = 0;
  AVFormatContext* out_ = nullptr;  // not owned
  AVStream* stream_ = nullptr;
  CodecPtr encoder_;
  PacketPtr packet_;
};

}  // namespace miri::ffmpeg

#endif  // MIRI_ADAPTERS_FFMPEG_SUBTITLE_MUXER_H_
