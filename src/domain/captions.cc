#include "domain/captions.h"

#include <algorithm>
#include <cstdio>

#include "domain/render_plan.h"

namespace miri::render {

namespace {

// One line: line breaks and tabs become spaces, runs collapse, trimmed.
std::string OneLine(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\r' || c == '\t';
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string Clock(int64_t ms, char separator) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%02lld:%02lld:%02lld%c%03lld",
                static_cast<long long>(ms / 3'600'000),
                static_cast<long long>(ms / 60'000 % 60),
                static_cast<long long>(ms / 1000 % 60), separator,
                static_cast<long long>(ms % 1000));
  return buf;
}

std::string Timing(const CaptionCue& c, int fps, char separator) {
  return Clock(FrameTimeMs(c.first_frame, fps), separator) + " --> " +
         Clock(FrameTimeMs(c.end_frame, fps), separator);
}

std::string VttEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

int64_t FrameTimeMs(int64_t frame, int fps) {
  return (frame * 2000 + fps) / (2 * static_cast<int64_t>(fps));
}

std::vector<CaptionCue> SnapCaptions(const std::vector<CaptionLine>& lines,
                                     int fps, int64_t total_frames) {
  std::vector<CaptionCue> cues;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string text = OneLine(lines[i].text);
    if (text.empty()) continue;
    CaptionCue c;
    c.first_frame = FrameAtMs(std::max<int64_t>(lines[i].start_ms, 0), fps);
    c.end_frame = std::min(
        FrameAtMs(std::max<int64_t>(lines[i].end_ms, 0), fps), total_frames);
    if (c.end_frame <= c.first_frame) continue;
    if (!cues.empty() && cues.back().end_frame > c.first_frame) {
      cues.back().end_frame = c.first_frame;
      if (cues.back().end_frame <= cues.back().first_frame) cues.pop_back();
    }
    c.text = std::move(text);
    cues.push_back(std::move(c));
  }
  return cues;
}

std::string ToSrt(const std::vector<CaptionCue>& cues, int fps) {
  std::string out;
  for (size_t i = 0; i < cues.size(); ++i) {
    out += std::to_string(i + 1) + "\n" + Timing(cues[i], fps, ',') + "\n" +
           cues[i].text + "\n\n";
  }
  return out;
}

std::string ToWebVtt(const std::vector<CaptionCue>& cues, int fps) {
  std::string out = "WEBVTT\n\n";
  for (const CaptionCue& c : cues) {
    out += Timing(c, fps, '.') + "\n" + VttEscape(c.text) + "\n\n";
  }
  return out;
}

}  // namespace miri::render
