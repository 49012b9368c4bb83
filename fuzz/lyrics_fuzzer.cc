// The lyrics parser (services/planning/lyrics.h): LRC, SRT and plain text,
// then fitting to a song as the planner does.
//
// Input: one selector byte, then the file. The selector's low two bits pick
// the format (0 auto-detect, 1 LRC, 2 SRT, 3 plain); its other bits the
// song's length (30 s .. 16 min). Checks beyond the sanitizers: nothing
// throws; at most kMaxTimedLines lines; timed lines are sorted; after
// fitting every line lies inside the song with start < end.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "services/planning/lyrics.h"

namespace {

using miri::fuzz::Fail;

void CheckLines(const miri::Lyrics& l, int64_t duration_ms, bool fitted) {
  if (l.lines.size() > miri::kMaxTimedLines) Fail("more lines than the bound");
  for (size_t i = 0; i < l.lines.size(); ++i) {
    const miri::LyricLine& line = l.lines[i];
    if (i > 0 && line.start_ms < l.lines[i - 1].start_ms)
      Fail("lines not sorted by start", line.text);
    if (!fitted) continue;
    if (line.start_ms < 0 || line.start_ms >= line.end_ms ||
        line.end_ms > duration_ms) {
      Fail("fitted line outside the song", line.text);
    }
    if (line.first_word_end_ms <= line.start_ms ||
        line.first_word_end_ms > line.end_ms) {
      Fail("first word ends outside its line", line.text);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const int64_t duration_ms = 30'000 + (selector >> 2) * 15'000;

  miri::Result<miri::Lyrics> parsed =
      miri::MakeError(miri::ErrorCode::kInternal, "unset");
  switch (selector & 3) {
    case 0:
      parsed = miri::ParseLyricsAuto(text);
      break;
    case 1:
      parsed = miri::ParseLyrics(text, miri::LyricsFormat::kLrc);
      break;
    case 2:
      parsed = miri::ParseLyrics(text, miri::LyricsFormat::kSrt);
      break;
    default:
      parsed = miri::ParseLyrics(text, miri::LyricsFormat::kPlain);
      break;
  }
  if (!parsed) {
    miri::fuzz::CheckErrorIsSendable(parsed.error());
    return 0;
  }
  miri::Lyrics lyrics = std::move(*parsed);
  if (lyrics.timed()) {
    CheckLines(lyrics, duration_ms, false);
    miri::FitLyricsToSong(lyrics, duration_ms);
    CheckLines(lyrics, duration_ms, true);
  } else {
    // Vocal spans and beats as the planner passes them: a few sections of
    // the song, a beat every half second.
    std::vector<miri::Span> spans;
    for (int64_t at = 5'000; at + 10'000 < duration_ms; at += 20'000) {
      spans.push_back({at, at + 15'000});
    }
    std::vector<int64_t> beats;
    for (int64_t b = 0; b < duration_ms; b += 500) beats.push_back(b);
    miri::PlaceUntimedLines(lyrics, spans, beats, duration_ms);
    CheckLines(lyrics, duration_ms, true);
  }
  return 0;
}
