#include "services/planning/lyrics.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

namespace miri {

namespace {

constexpr int64_t kMaxLineMs = 10000;

tl::unexpected<Error> LineError(int line, std::string what) {
  std::string message = fmt::format("lyrics line {}: {}", line, what);
  return MakeError(ErrorCode::kInvalidArgument, message, {{"lyrics", message}});
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

// Returns the byte offset of the first invalid UTF-8 sequence, or npos.
size_t InvalidUtf8At(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    size_t n;
    if (c < 0x80) {
      n = 0;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
    } else {
      return i;
    }
    if (i + n >= s.size()) return i;
    for (size_t k = 1; k <= n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return i;
    }
    i += n + 1;
  }
  return std::string_view::npos;
}

// Splits into lines after the checks every format shares.
Result<std::vector<std::string_view>> Lines(std::string_view text) {
  if (text.size() >= 2 && ((text[0] == '\xFF' && text[1] == '\xFE') ||
                           (text[0] == '\xFE' && text[1] == '\xFF'))) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "lyrics are UTF-16; save the file as UTF-8");
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (size_t bad = InvalidUtf8At(text); bad != std::string_view::npos) {
    int line = 1 + static_cast<int>(
                       std::count(text.begin(), text.begin() + bad, '\n'));
    return LineError(line, fmt::format("not valid UTF-8 (byte {})", bad));
  }
  if (Trim(text).empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "lyrics file is empty");
  }
  std::vector<std::string_view> lines;
  size_t at = 0;
  while (at <= text.size()) {
    size_t nl = text.find('\n', at);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view l = text.substr(at, nl - at);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    lines.push_back(l);
    if (l.size() > kMaxLineBytes) {
      return LineError(
          static_cast<int>(lines.size()),
          fmt::format("longer than {} bytes ({})", kMaxLineBytes, l.size()));
    }
    if (lines.size() > static_cast<size_t>(kMaxLyricsLines)) {
      std::string message = fmt::format(
          "lyrics have more than {} lines; split the song or drop blank "
          "lines",
          kMaxLyricsLines);
      return MakeError(ErrorCode::kInvalidArgument, message,
                       {{"lyrics", message}});
    }
    at = nl + 1;
  }
  return lines;
}

// "mm:ss", "mm:ss.x..", "mm:ss:xx" (LRC). Seconds must be < 60.
bool ParseLrcTime(std::string_view s, int64_t* ms) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view mm = s.substr(0, colon), rest = s.substr(colon + 1);
  size_t frac_at = rest.find_first_of(".:");
  std::string_view ss = rest.substr(0, frac_at);
  std::string_view frac = frac_at == std::string_view::npos
                              ? std::string_view()
                              : rest.substr(frac_at + 1);
  if (!AllDigits(mm) || mm.size() > 3 || !AllDigits(ss) || ss.size() > 2 ||
      (frac_at != std::string_view::npos &&
       (!AllDigits(frac) || frac.size() > 3)))
    return false;
  int64_t m = std::stoll(std::string(mm)), sec = std::stoll(std::string(ss));
  if (sec >= 60) return false;
  int64_t f = 0;
  if (!frac.empty()) {
    f = std::stoll(std::string(frac));
    for (size_t k = frac.size(); k < 3; ++k) f *= 10;
  }
  *ms = (m * 60 + sec) * 1000 + f;
  return true;
}

// "hh:mm:ss,mmm" (also '.'), as SRT writes it.
bool ParseSrtTime(std::string_view s, int64_t* ms) {
  s = Trim(s);
  if (s.size() < 8) return false;
  size_t sep = s.find_first_of(",.");
  if (sep == std::string_view::npos) return false;
  std::string_view hms = s.substr(0, sep), frac = s.substr(sep + 1);
  size_t c1 = hms.find(':'), c2 = hms.rfind(':');
  if (c1 == std::string_view::npos || c1 == c2) return false;
  std::string_view h = hms.substr(0, c1), m = hms.substr(c1 + 1, c2 - c1 - 1),
                   sec = hms.substr(c2 + 1);
  // At most 3 hour digits: a song is under an hour, and a longer field
  // would overflow std::stoll or the milliseconds below.
  if (!AllDigits(h) || h.size() > 3 || !AllDigits(m) || m.size() != 2 ||
      !AllDigits(sec) || sec.size() != 2 || !AllDigits(frac) || frac.size() > 3)
    return false;
  int64_t mi = std::stoll(std::string(m)), se = std::stoll(std::string(sec));
  if (mi >= 60 || se >= 60) return false;
  int64_t f = std::stoll(std::string(frac));
  for (size_t k = frac.size(); k < 3; ++k) f *= 10;
  *ms = ((std::stoll(std::string(h)) * 60 + mi) * 60 + se) * 1000 + f;
  return true;
}

// Strips enhanced-LRC word tags "<mm:ss.xx>", returning the tag times.
std::string StripWordTags(std::string_view s, std::vector<int64_t>* times) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '<') {
      size_t close = s.find('>', i);
      int64_t t = 0;
      if (close != std::string_view::npos &&
          ParseLrcTime(s.substr(i + 1, close - i - 1), &t)) {
        times->push_back(t);
        i = close + 1;
        continue;
      }
    }
    out.push_back(s[i++]);
  }
  // Collapse the double spaces removed tags leave behind.
  std::string clean;
  for (char c : out) {
    if (c == ' ' && (clean.empty() || clean.back() == ' ')) continue;
    clean.push_back(c);
  }
  return std::string(Trim(clean));
}

void SortByStart(std::vector<LyricLine>& lines) {
  std::stable_sort(lines.begin(), lines.end(),
                   [](const LyricLine& a, const LyricLine& b) {
                     return a.start_ms < b.start_ms;
                   });
}

Result<Lyrics> ParseLrc(const std::vector<std::string_view>& lines) {
  Lyrics out;
  out.format = LyricsFormat::kLrc;
  int64_t offset = 0;
  int untimed = 0;
  for (size_t n = 0; n < lines.size(); ++n) {
    int line_no = static_cast<int>(n) + 1;
    std::string_view l = Trim(lines[n]);
    std::vector<int64_t> times;
    while (!l.empty() && l.front() == '[') {
      size_t close = l.find(']');
      if (close == std::string_view::npos) {
        return LineError(line_no, "unclosed tag \"" + std::string(l) + "\"");
      }
      std::string_view tag = Trim(l.substr(1, close - 1));
      l = Trim(l.substr(close + 1));
      if (!tag.empty() && std::isdigit(static_cast<unsigned char>(tag[0]))) {
        int64_t t = 0;
        if (!ParseLrcTime(tag, &t)) {
          return LineError(line_no, "malformed time tag [" + std::string(tag) +
                                        "] (expected [mm:ss.xx])");
        }
        times.push_back(t);
        if (times.size() > static_cast<size_t>(kMaxTimeTagsPerLine)) {
          return LineError(line_no,
                           fmt::format("more than {} time tags on one line",
                                       kMaxTimeTagsPerLine));
        }
        continue;
      }
      size_t colon = tag.find(':');
      std::string key(Trim(tag.substr(0, colon)));
      std::transform(key.begin(), key.end(), key.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      std::string value(colon == std::string_view::npos
                            ? std::string_view()
                            : Trim(tag.substr(colon + 1)));
      if (key == "offset") {
        std::string_view v = value;
        if (!v.empty() && (v[0] == '+' || v[0] == '-')) v.remove_prefix(1);
        if (!AllDigits(v) || v.size() > 7) {
          return LineError(line_no, "malformed [offset:" + value +
                                        "] (expected milliseconds, e.g. "
                                        "+250)");
        }
        offset = std::stoll(value);
      }
      if (colon == std::string_view::npos) {
        out.warnings.push_back(
            {"LRC_UNKNOWN_TAG",
             fmt::format("line {}: tag [{}] ignored", line_no, tag)});
      } else {
        out.metadata[key] = value;
      }
    }
    if (times.empty()) {
      if (!l.empty()) ++untimed;
      continue;
    }
    if (out.lines.size() + times.size() > kMaxTimedLines) {
      return LineError(line_no, fmt::format("the file's time tags make more "
                                            "than {} timed lines",
                                            kMaxTimedLines));
    }
    std::vector<int64_t> word_times;
    std::string text = StripWordTags(l, &word_times);
    for (int64_t t : times) {
      LyricLine line;
      line.start_ms = t;
      line.text = text;
      line.source_line = line_no;
      if (word_times.size() >= 2 && word_times[1] > word_times[0]) {
        line.first_word_end_ms = t + (word_times[1] - times[0]);
      }
      out.lines.push_back(std::move(line));
    }
  }
  if (untimed > 0) {
    out.warnings.push_back(
        {"LRC_UNTIMED_LINE",
         fmt::format("{} line(s) without a time tag ignored", untimed)});
  }
  for (LyricLine& l : out.lines) {
    auto shift = [&](int64_t t) { return std::max<int64_t>(0, t - offset); };
    l.start_ms = shift(l.start_ms);
    if (l.first_word_end_ms != kUntimed)
      l.first_word_end_ms = shift(l.first_word_end_ms);
  }
  SortByStart(out.lines);
  // An empty timed line marks the end of the line before it.
  std::vector<LyricLine> kept;
  for (LyricLine& l : out.lines) {
    if (l.text.empty()) {
      if (!kept.empty() && kept.back().end_ms == kUntimed)
        kept.back().end_ms = l.start_ms;
      continue;
    }
    kept.push_back(std::move(l));
  }
  out.lines = std::move(kept);
  if (out.lines.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "LRC lyrics hold no timed lyric line");
  }
  return out;
}

std::string StripSrtMarkup(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char close = s[i] == '<' ? '>' : (s[i] == '{' ? '}' : 0);
    if (close != 0) {
      size_t end = s.find(close, i);
      if (end != std::string_view::npos) {
        i = end;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return std::string(Trim(out));
}

Result<Lyrics> ParseSrt(const std::vector<std::string_view>& lines) {
  Lyrics out;
  out.format = LyricsFormat::kSrt;
  size_t n = 0;
  while (n < lines.size()) {
    while (n < lines.size() && Trim(lines[n]).empty()) ++n;
    if (n >= lines.size()) break;
    size_t block = n;
    if (AllDigits(Trim(lines[n])) && n + 1 < lines.size()) ++n;
    std::string_view timing = Trim(lines[n]);
    int line_no = static_cast<int>(n) + 1;
    size_t arrow = timing.find("-->");
    if (arrow == std::string_view::npos) {
      return LineError(line_no, fmt::format("SRT cue starting at line {} has "
                                            "no \"start --> end\" timing line",
                                            block + 1));
    }
    std::string_view right = Trim(timing.substr(arrow + 3));
    right = right.substr(0, right.find(' '));
    LyricLine cue;
    cue.source_line = line_no;
    if (!ParseSrtTime(timing.substr(0, arrow), &cue.start_ms) ||
        !ParseSrtTime(right, &cue.end_ms)) {
      return LineError(line_no, "malformed SRT timing \"" +
                                    std::string(timing) +
                                    "\" (expected HH:MM:SS,mmm --> "
                                    "HH:MM:SS,mmm)");
    }
    if (cue.end_ms <= cue.start_ms) {
      return LineError(line_no, "SRT cue ends before it starts");
    }
    std::string text;
    for (++n; n < lines.size() && !Trim(lines[n]).empty(); ++n) {
      std::string part = StripSrtMarkup(lines[n]);
      if (part.empty()) continue;
      if (!text.empty()) text += ' ';
      text += part;
    }
    if (text.empty()) continue;
    cue.text = std::move(text);
    out.lines.push_back(std::move(cue));
  }
  if (out.lines.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "SRT lyrics hold no cue with text");
  }
  SortByStart(out.lines);
  for (size_t i = 0; i + 1 < out.lines.size(); ++i) {
    if (out.lines[i].end_ms > out.lines[i + 1].start_ms) {
      out.warnings.push_back(
          {"SRT_OVERLAP", fmt::format("line {}: cue overlaps the next; "
                                      "trimmed",
                                      out.lines[i].source_line)});
      out.lines[i].end_ms =
          std::max(out.lines[i].start_ms + 1, out.lines[i + 1].start_ms);
    }
  }
  return out;
}

// "[Chorus]", "(Verse 2)": headings that lyric sites put between stanzas.
bool IsHeading(std::string_view l) {
  return l.size() >= 3 && ((l.front() == '[' && l.back() == ']') ||
                           (l.front() == '(' && l.back() == ')'));
}

Result<Lyrics> ParsePlain(const std::vector<std::string_view>& lines) {
  Lyrics out;
  out.format = LyricsFormat::kPlain;
  int stanza = 0;
  bool in_stanza = false;
  for (size_t n = 0; n < lines.size(); ++n) {
    std::string_view l = Trim(lines[n]);
    if (l.empty() || IsHeading(l)) {
      if (in_stanza) ++stanza;
      in_stanza = false;
      continue;
    }
    LyricLine line;
    line.text = std::string(l);
    line.stanza = stanza;
    line.source_line = static_cast<int>(n) + 1;
    out.lines.push_back(std::move(line));
    in_stanza = true;
  }
  if (out.lines.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "lyrics hold no lyric line (only headings)");
  }
  return out;
}

int WordCount(std::string_view s) {
  int n = 0;
  bool in = false;
  for (char c : s) {
    bool space = std::isspace(static_cast<unsigned char>(c));
    if (!space && !in) ++n;
    in = !space;
  }
  return std::max(n, 1);
}

void EstimateFirstWord(LyricLine& l) {
  if (l.first_word_end_ms != kUntimed && l.first_word_end_ms > l.start_ms &&
      l.first_word_end_ms <= l.end_ms)
    return;
  int64_t share = (l.end_ms - l.start_ms) / WordCount(l.text);
  l.first_word_end_ms =
      std::min(l.end_ms, l.start_ms + std::clamp<int64_t>(share, 200, 800));
}

// The beat nearest `t`, or -1 when there are none.
int64_t NearestBeat(const std::vector<int64_t>& beats, int64_t t) {
  auto it = std::lower_bound(beats.begin(), beats.end(), t);
  int64_t best = -1;
  if (it != beats.end()) best = *it;
  if (it != beats.begin() && (best < 0 || t - *(it - 1) < best - t))
    best = *(it - 1);
  return best;
}

}  // namespace

std::string_view LyricsFormatName(LyricsFormat f) {
  switch (f) {
    case LyricsFormat::kLrc:
      return "lrc";
    case LyricsFormat::kSrt:
      return "srt";
    case LyricsFormat::kPlain:
      return "plain";
  }
  return "?";
}

LyricsFormat DetectLyricsFormat(std::string_view text) {
  auto lines = Lines(text);
  if (!lines) return LyricsFormat::kPlain;
  bool lrc = false;
  for (std::string_view l : *lines) {
    l = Trim(l);
    size_t arrow = l.find("-->");
    int64_t t = 0;
    if (arrow != std::string_view::npos && l.find(':') < arrow)
      return LyricsFormat::kSrt;
    if (l.size() > 3 && l[0] == '[') {
      size_t colon = l.find(':'), close = l.find(']');
      if (colon != std::string_view::npos && colon < close) {
        std::string_view key = l.substr(1, colon - 1);
        static constexpr std::string_view kMeta[] = {
            "ar", "ti", "al", "by", "au", "length", "offset", "re", "ve", "#"};
        if (std::find(std::begin(kMeta), std::end(kMeta), key) !=
                std::end(kMeta) ||
            (close != std::string_view::npos &&
             std::isdigit(static_cast<unsigned char>(l[1]))) ||
            ParseLrcTime(l.substr(1, close - 1), &t))
          lrc = true;
      }
    }
  }
  return lrc ? LyricsFormat::kLrc : LyricsFormat::kPlain;
}

Result<LyricsFormat> ParseLyricsFormatName(std::string_view name,
                                           std::string_view text) {
  if (name.empty() || name == "auto") return DetectLyricsFormat(text);
  for (LyricsFormat f :
       {LyricsFormat::kLrc, LyricsFormat::kSrt, LyricsFormat::kPlain}) {
    if (LyricsFormatName(f) == name) return f;
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   "unknown lyrics format \"" + std::string(name) +
                       "\" (expected lrc, srt, plain or auto)");
}

Result<Lyrics> ParseLyrics(std::string_view text, LyricsFormat format) {
  ASSIGN_OR_RETURN(std::vector<std::string_view> lines, Lines(text),
                   "reading lyrics");
  switch (format) {
    case LyricsFormat::kLrc:
      return ParseLrc(lines);
    case LyricsFormat::kSrt:
      return ParseSrt(lines);
    case LyricsFormat::kPlain:
      return ParsePlain(lines);
  }
  return MakeError(ErrorCode::kInternal, "unknown lyrics format");
}

Result<Lyrics> ParseLyricsAuto(std::string_view text) {
  return ParseLyrics(text, DetectLyricsFormat(text));
}

void FitLyricsToSong(Lyrics& lyrics, int64_t duration_ms) {
  if (!lyrics.timed()) return;
  std::vector<LyricLine>& lines = lyrics.lines;
  auto past = std::find_if(lines.begin(), lines.end(), [&](const LyricLine& l) {
    return l.start_ms >= duration_ms;
  });
  if (past != lines.end()) {
    lyrics.warnings.push_back(
        {"LYRICS_PAST_END",
         fmt::format("{} lyric line(s) start after the song ends at {:.1f} s "
                     "(first: line {}, \"{}\"); dropped",
                     lines.end() - past, duration_ms / 1000.0,
                     past->source_line, past->text)});
    lines.erase(past, lines.end());
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    LyricLine& l = lines[i];
    int64_t next = i + 1 < lines.size() ? lines[i + 1].start_ms : duration_ms;
    if (l.end_ms == kUntimed) {
      int64_t sung =
          std::clamp<int64_t>(WordCount(l.text) * 800 + 1000, 2000, kMaxLineMs);
      l.end_ms = std::min(next, l.start_ms + sung);
    }
    l.end_ms = std::clamp(l.end_ms, l.start_ms + 1, duration_ms);
    if (l.start_ms >= l.end_ms) l.end_ms = l.start_ms + 1;
    EstimateFirstWord(l);
  }
}

void PlaceUntimedLines(Lyrics& lyrics, const std::vector<Span>& vocal_spans,
                       const std::vector<int64_t>& beats_ms,
                       int64_t duration_ms) {
  if (lyrics.timed() || lyrics.lines.empty() || duration_ms <= 0) return;
  std::vector<Span> spans;
  for (const Span& s : vocal_spans) {
    Span c{std::max<int64_t>(0, s.start_ms), std::min(duration_ms, s.end_ms)};
    if (c.end_ms > c.start_ms) spans.push_back(c);
  }
  if (spans.empty()) spans.push_back({0, duration_ms});
  std::vector<LyricLine>& lines = lyrics.lines;
  int stanzas = lines.back().stanza + 1;

  // Groups of lines, each spread evenly over one range of spans.
  struct Group {
    size_t first_line, end_line, first_span, end_span;
  };
  std::vector<Group> groups;
  if (stanzas > 1 && spans.size() >= static_cast<size_t>(stanzas)) {
    size_t at = 0;
    for (int k = 0; k < stanzas; ++k) {
      size_t end = at;
      while (end < lines.size() && lines[end].stanza == k) ++end;
      size_t s0 = k * spans.size() / stanzas;
      size_t s1 = (k + 1) * spans.size() / stanzas;
      groups.push_back({at, end, s0, s1});
      at = end;
    }
  } else {
    groups.push_back({0, lines.size(), 0, spans.size()});
  }

  for (const Group& g : groups) {
    size_t m = g.end_line - g.first_line;
    if (m == 0) continue;
    int64_t vocal = 0;
    for (size_t s = g.first_span; s < g.end_span; ++s)
      vocal += spans[s].end_ms - spans[s].start_ms;
    // Maps a position in this group's vocal time to song time.
    auto to_song = [&](int64_t v) {
      for (size_t s = g.first_span; s < g.end_span; ++s) {
        int64_t len = spans[s].end_ms - spans[s].start_ms;
        if (v < len) return spans[s].start_ms + v;
        v -= len;
      }
      return spans[g.end_span - 1].end_ms;
    };
    for (size_t i = 0; i < m; ++i) {
      LyricLine& l = lines[g.first_line + i];
      int64_t slot = vocal / static_cast<int64_t>(m);
      l.start_ms = to_song(vocal * static_cast<int64_t>(i) / m);
      int64_t nearest = NearestBeat(beats_ms, l.start_ms);
      if (nearest >= 0 && nearest < duration_ms &&
          std::llabs(nearest - l.start_ms) < slot / 4) {
        l.start_ms = nearest;
      }
      l.end_ms = std::min(duration_ms, l.start_ms + std::max<int64_t>(slot, 1));
      l.estimated = true;
    }
  }
  std::stable_sort(lines.begin(), lines.end(),
                   [](const LyricLine& a, const LyricLine& b) {
                     return a.start_ms < b.start_ms;
                   });
  for (size_t i = 0; i < lines.size(); ++i) {
    LyricLine& l = lines[i];
    if (i + 1 < lines.size())
      l.end_ms =
          std::min(l.end_ms, std::max(l.start_ms + 1, lines[i + 1].start_ms));
    if (l.end_ms <= l.start_ms)
      l.end_ms = std::min(duration_ms, l.start_ms + 1);
    l.first_word_end_ms = kUntimed;
    EstimateFirstWord(l);
  }
  lyrics.warnings.push_back(
      {"LYRICS_ESTIMATED",
       fmt::format("plain-text lyrics: {} line(s) placed on {} vocal span(s) "
                   "by estimate",
                   lines.size(), spans.size())});
}

}  // namespace miri
