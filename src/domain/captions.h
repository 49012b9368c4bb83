// Lyric captions of a render (issue 20): the song's timed lyric lines
// snapped to the render's frame grid (domain/render_plan.h), as cues, and
// their SubRip (.srt) and WebVTT (.vtt) text. The same cues become the
// MP4's soft subtitle track (mov_text); nothing is burned into the picture.
//
// Snapping: a line from start_ms to end_ms covers the frames
// [FrameAtMs(start_ms), FrameAtMs(end_ms)), cut at the next cue's first
// frame and at the song's last frame; a line that covers no frame, or has
// no text, is dropped. Frame n is written as round(n * 1000 / fps) ms,
// which reads back as frame n at any fps up to 1000.
#ifndef MIRI_DOMAIN_CAPTIONS_H_
#define MIRI_DOMAIN_CAPTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace miri::render {

struct CaptionLine {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::string text;
};

struct CaptionCue {
  int64_t first_frame = 0;
  int64_t end_frame = 0;  // exclusive; > first_frame
  std::string text;       // one line, trimmed
  friend bool operator==(const CaptionCue&, const CaptionCue&) = default;
};

// `lines` in start order (timed lyrics are).
std::vector<CaptionCue> SnapCaptions(const std::vector<CaptionLine>& lines,
                                     int fps, int64_t total_frames);

// round(frame * 1000 / fps), half-up.
int64_t FrameTimeMs(int64_t frame, int fps);

// SubRip: numbered cues, "HH:MM:SS,mmm --> HH:MM:SS,mmm".
std::string ToSrt(const std::vector<CaptionCue>& cues, int fps);
// WebVTT (https://www.w3.org/TR/webvtt1/): "WEBVTT", cues
// "HH:MM:SS.mmm --> HH:MM:SS.mmm", text with &, < and > escaped.
std::string ToWebVtt(const std::vector<CaptionCue>& cues, int fps);

}  // namespace miri::render

#endif  // MIRI_DOMAIN_CAPTIONS_H_
