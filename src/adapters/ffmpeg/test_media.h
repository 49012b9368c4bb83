// Test helpers: small media made with the ffmpeg CLI in a temporary
// directory, and ffprobe/ffmpeg-based readers of what a render produced.
#ifndef MIRI_ADAPTERS_FFMPEG_TEST_MEDIA_H_
#define MIRI_ADAPTERS_FFMPEG_TEST_MEDIA_H_

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace miri::ffmpeg::testing {

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const {
    return (path_ / name).string();
  }
  // Names of the files it holds, sorted.
  std::vector<std::string> List() const;

 private:
  std::filesystem::path path_;
};

// Runs a shell command; true when it exits 0. Output goes to `log` if set.
bool Run(const std::string& command);

// A solid-colour H.264 clip (colour as ffmpeg names it: red, 0x00ff00, ...).
bool MakeColorClip(const std::string& path, const std::string& color, int width,
                   int height, int fps, double seconds);

// A clip of several solid colours in sequence, each `seconds[i]` long.
bool MakeColorSequence(const std::string& path,
                       const std::vector<std::string>& colors,
                       const std::vector<double>& seconds, int width,
                       int height, int fps);

// A variable-frame-rate clip: `colors[i]` for `seconds[i]` at `rates[i]` fps.
bool MakeVfrClip(const std::string& path,
                 const std::vector<std::string>& colors,
                 const std::vector<double>& seconds,
                 const std::vector<int>& rates, int width, int height);

// A sine tone as MP3 (libmp3lame, with its encoder delay) or M4A.
bool MakeSong(const std::string& path, double seconds);

using Rgb = std::array<int, 3>;

// Decodes every frame of `path`'s video (no frame dropped or duplicated)
// and returns the mean colour of a small patch at (x, y) of each.
std::vector<Rgb> FrameColors(const std::string& path, int width, int height,
                             int x, int y);

struct ProbeResult {
  int64_t video_frames = -1;
  double video_duration = -1;
  double audio_duration = -1;
  std::string video_codec, pix_fmt, audio_codec;
  int width = 0, height = 0;
  bool moov_first = false;     // faststart: the index precedes the media data
  std::string subtitle_codec;  // of the first subtitle stream; "" if none
};
ProbeResult Probe(const std::string& path);

// A cue of a SubRip or WebVTT file.
struct TextCue {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::string text;
};
// Reads the cues of SRT or WebVTT text (timing lines "a --> b", with ","
// or "." before the milliseconds; the text is the next line).
std::vector<TextCue> ParseCues(const std::string& text);
// The first subtitle track of `path`, converted to SRT by the ffmpeg CLI.
std::string SubtitlesAsSrt(const std::string& path);

// True when every channel differs by at most `tolerance`.
bool Near(const Rgb& a, const Rgb& b, int tolerance = 24);

}  // namespace miri::ffmpeg::testing

#endif  // MIRI_ADAPTERS_FFMPEG_TEST_MEDIA_H_
