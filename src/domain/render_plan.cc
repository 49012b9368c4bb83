#include "domain/render_plan.h"

#include <algorithm>

namespace miri::render {

namespace {

std::string ShotName(const TimelineShot& s, size_t i) {
  return "shot \"" + s.shot_id + "\" (shots[" + std::to_string(i) + "])";
}

}  // namespace

Result<void> ValidateSettings(const RenderSettings& s) {
  std::vector<FieldIssue> issues;
  if (s.fps < 1 || s.fps > 240)
    issues.push_back(
        {"fps", "must be in [1, 240], got " + std::to_string(s.fps)});
  for (auto [name, v] : {std::pair{"width", s.width}, {"height", s.height}}) {
    if (v < 2 || v > 8192 || v % 2 != 0) {
      issues.push_back(
          {name, "must be even and in [2, 8192], got " + std::to_string(v)});
    }
  }
  if (!issues.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid render settings",
                     std::move(issues));
  }
  return {};
}

int64_t FrameAtMs(int64_t ms, int fps) { return (ms * fps * 2 + 1000) / 2000; }

Result<RenderPlan> BuildRenderPlan(const Timeline& timeline,
                                   int64_t song_duration_ms,
                                   const RenderSettings& settings) {
  RETURN_IF_ERROR(ValidateSettings(settings), "render plan");
  RETURN_IF_ERROR(ValidateTimeline(timeline), "render plan");
  RenderPlan plan;
  plan.settings = settings;
  plan.song_duration_ms = song_duration_ms;
  plan.total_frames =
      FrameAtMs(std::max<int64_t>(song_duration_ms, 0), settings.fps);
  plan.shots = timeline.shots;
  if (plan.total_frames <= 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the song (" + std::to_string(song_duration_ms) +
                         " ms) is shorter than one frame");
  }
  int64_t cursor = 0;
  for (size_t i = 0; i < plan.shots.size(); ++i) {
    const TimelineShot& s = plan.shots[i];
    int64_t first = FrameAtMs(s.start_ms, settings.fps);
    int64_t end =
        std::min(FrameAtMs(s.end_ms, settings.fps), plan.total_frames);
    if (first >= plan.total_frames) {
      return MakeError(ErrorCode::kInvalidArgument,
                       ShotName(s, i) + " starts at " +
                           std::to_string(s.start_ms) +
                           " ms, at or after the song's end (" +
                           std::to_string(song_duration_ms) + " ms)");
    }
    if (end <= first) {
      return MakeError(ErrorCode::kInvalidArgument,
                       ShotName(s, i) + " is too short to own a frame at " +
                           std::to_string(settings.fps) + " fps");
    }
    // Shots are ordered and disjoint in ms, and rounding is monotonic, so
    // first >= cursor.
    if (first > cursor) plan.segments.push_back({-1, cursor, first - cursor});
    plan.segments.push_back({static_cast<int>(i), first, end - first});
    cursor = end;
  }
  if (cursor < plan.total_frames) {
    plan.segments.push_back({-1, cursor, plan.total_frames - cursor});
  }
  return plan;
}

RenderProgress MakeProgress(int64_t frames_done, int64_t total_frames,
                            int64_t elapsed_ms) {
  RenderProgress p;
  p.frames_done = frames_done;
  p.total_frames = total_frames;
  p.elapsed_ms = elapsed_ms;
  p.percent = total_frames > 0 ? 100.0 * static_cast<double>(frames_done) /
                                     static_cast<double>(total_frames)
                               : 0.0;
  if (frames_done > 0) {
    p.eta_ms = elapsed_ms * (total_frames - frames_done) / frames_done;
  }
  return p;
}

nlohmann::json RenderProgressPayload(std::string_view project_id,
                                     const RenderProgress& p) {
  nlohmann::json j = {
      {"projectId", project_id},       {"stage", "encoding"},
      {"framesDone", p.frames_done},   {"framesTotal", p.total_frames},
      {"fraction", p.percent / 100.0}, {"percent", p.percent},
      {"elapsedMs", p.elapsed_ms}};
  if (p.eta_ms) j["etaMs"] = *p.eta_ms;
  return j;
}

}  // namespace miri::render

namespace miri::render {

namespace {

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// The byte offset just past the first `n` code points of `s`.
size_t PrefixBytes(std::string_view s, size_t n) {
  size_t i = 0;
  for (size_t seen = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && seen++ == n) break;
  }
  return i;
}

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  std::string cur;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      if (!cur.empty()) words.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  return words;
}

}  // namespace

std::vector<std::string> WrapCardText(std::string_view text, size_t max_chars,
                                      size_t max_lines) {
  std::vector<std::string> lines;
  if (max_chars == 0 || max_lines == 0) return lines;
  std::string line;
  bool cut = false;
  auto flush = [&] {
    if (lines.size() == max_lines) {
      cut = true;
    } else {
      lines.push_back(std::move(line));
    }
    line.clear();
  };
  for (std::string word : Words(text)) {
    // Bounded: each pass shortens `word` or moves it into `line`.
    while (!word.empty() && !cut) {
      size_t room = line.empty() ? max_chars : max_chars - CodePoints(line) - 1;
      size_t len = CodePoints(word);
      if (!line.empty() && (CodePoints(line) + 1 > max_chars || len > room)) {
        flush();
        continue;
      }
      if (len <= room) {
        line += (line.empty() ? "" : " ") + word;
        word.clear();
      } else {  // longer than a whole line: split it
        size_t bytes = PrefixBytes(word, room);
        line = word.substr(0, bytes);
        word.erase(0, bytes);
        flush();
      }
    }
    if (cut) break;
  }
  if (!line.empty() && !cut) flush();
  if (cut && !lines.empty()) {
    std::string& last = lines.back();
    while (CodePoints(last) + 3 > max_chars && !last.empty()) {
      last.erase(PrefixBytes(last, CodePoints(last) - 1));
    }
    last += "...";
  }
  return lines;
}

}  // namespace miri::render
