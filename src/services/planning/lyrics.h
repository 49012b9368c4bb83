// Lyrics files: LRC (several time tags per line, [offset:], metadata tags,
// enhanced <mm:ss.xx> word tags), SRT, and plain text. UTF-8 in any script.
//
// Parsing is separate from fitting to a song: ParseLyrics needs only the
// text; FitLyricsToSong drops lines past the song's end (warning
// LYRICS_PAST_END) and fills line ends; PlaceUntimedLines gives plain-text
// lines estimated times (see its comment for the heuristic).
#ifndef MIRI_SERVICES_PLANNING_LYRICS_H_
#define MIRI_SERVICES_PLANNING_LYRICS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"
#include "ports/director.h"

namespace miri {

enum class LyricsFormat { kLrc, kSrt, kPlain };
std::string_view LyricsFormatName(LyricsFormat f);
// "lrc", "srt", "plain"; "" or "auto" detect from the text.
Result<LyricsFormat> ParseLyricsFormatName(std::string_view name,
                                           std::string_view text);
// SRT when a "-->" timing line appears, LRC when a line starts with a time
// or metadata tag, plain otherwise.
LyricsFormat DetectLyricsFormat(std::string_view text);

inline constexpr int64_t kUntimed = -1;

struct LyricLine {
  int64_t start_ms = kUntimed;
  int64_t end_ms = kUntimed;             // SRT gives it; else FitLyricsToSong
  int64_t first_word_end_ms = kUntimed;  // from word tags, else estimated
  std::string text;
  bool estimated = false;  // time placed by the heuristic, not the file
  int stanza = 0;          // plain text: blank-line separated group
  int source_line = 0;     // 1-based line in the file
};

struct Lyrics {
  LyricsFormat format = LyricsFormat::kPlain;
  std::vector<LyricLine> lines;  // timed formats: sorted by start
  std::map<std::string, std::string> metadata;  // LRC [ar:], [ti:], ...
  std::vector<PlanWarning> warnings;
  bool timed() const { return format != LyricsFormat::kPlain; }
};

// Bounds on what a lyrics file may hold, so that input cannot multiply
// (each time tag of an LRC line is a line of its own): beyond them the
// file is refused, naming the line and the limit.
inline constexpr int kMaxLyricsLines = 2000;    // lines in the file
inline constexpr size_t kMaxLineBytes = 1000;   // bytes in one line
inline constexpr int kMaxTimeTagsPerLine = 32;  // [mm:ss] tags on a line
inline constexpr size_t kMaxTimedLines = 4000;  // lines after expansion

// Errors (INVALID_ARGUMENT, issue path "lyrics") name the line: the bounds
// above, empty file, invalid UTF-8,
// UTF-16, malformed time tags, SRT blocks without timing, end before start.
Result<Lyrics> ParseLyrics(std::string_view text, LyricsFormat format);
Result<Lyrics> ParseLyricsAuto(std::string_view text);

// For timed lyrics: drops lines starting at or past `duration_ms`
// (LYRICS_PAST_END), clamps ends, fills missing ends (the next line's
// start, or sooner: 0.8 s per word plus 1 s, within 2..10 s) and
// first-word ends (a word's share of the line, 200..800 ms).
void FitLyricsToSong(Lyrics& lyrics, int64_t duration_ms);

// The plain-text heuristic. Lines are spread over the "vocal" spans (the
// caller passes the spans judged to carry singing: sections whose energy
// is not far below the song's median, intro and outro excluded), evenly
// in vocal time, each stanza starting on a new span when there are enough
// spans; starts snap to the nearest beat. Lines are marked estimated and a
// LYRICS_ESTIMATED warning is added.
struct Span {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
};
void PlaceUntimedLines(Lyrics& lyrics, const std::vector<Span>& vocal_spans,
                       const std::vector<int64_t>& beats_ms,
                       int64_t duration_ms);

}  // namespace miri

#endif  // MIRI_SERVICES_PLANNING_LYRICS_H_
