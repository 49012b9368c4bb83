#include "services/render/exports.h"

#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

namespace miri::render {

namespace {

using nlohmann::json;

json RationalTime(int64_t frames, int fps) {
  return {{"OTIO_SCHEMA", "RationalTime.1"},
          {"rate", static_cast<double>(fps)},
          {"value", static_cast<double>(frames)}};
}

json TimeRange(int64_t start, int64_t duration, int fps) {
  return {{"OTIO_SCHEMA", "TimeRange.1"},
          {"start_time", RationalTime(start, fps)},
          {"duration", RationalTime(duration, fps)}};
}

json OtioClip(const std::string& name, const std::string& path, int64_t frames,
              int fps) {
  return {{"OTIO_SCHEMA", "Clip.1"},
          {"name", name},
          {"metadata", json::object()},
          {"effects", json::array()},
          {"markers", json::array()},
          {"source_range", TimeRange(0, frames, fps)},
          {"media_reference",
           {{"OTIO_SCHEMA", "ExternalReference.1"},
            {"name", std::filesystem::path(path).filename().string()},
            {"target_url", FileUrl(path)},
            {"available_range", nullptr},
            {"metadata", json::object()}}}};
}

json OtioTrack(const std::string& name, const std::string& kind,
               json children) {
  return {{"OTIO_SCHEMA", "Track.1"},
          {"name", name},
          {"kind", kind},
          {"children", std::move(children)},
          {"source_range", nullptr},
          {"metadata", json::object()},
          {"effects", json::array()},
          {"markers", json::array()}};
}

// "25/24s", or "0s".
std::string FcpTime(int64_t frames, int fps) {
  if (frames == 0) return "0s";
  return std::to_string(frames) + "/" + std::to_string(fps) + "s";
}

std::string AssetId(int shot_index) {
  return "a" + std::to_string(shot_index + 1);
}

std::string EdlName(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

}  // namespace

std::string FrameTimecode(int64_t frame, int fps) {
  int64_t f = frame % fps, s = frame / fps;
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%02lld:%02lld:%02lld:%02lld",
                static_cast<long long>(s / 3600),
                static_cast<long long>(s / 60 % 60),
                static_cast<long long>(s % 60), static_cast<long long>(f));
  return buf;
}

std::string FileUrl(std::string_view path) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out = "file://";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' ||
        c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string XmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string ExportOtioJson(const ExportInput& in) {
  const RenderPlan& plan = *in.plan;
  const int fps = plan.settings.fps;
  json video = json::array();
  for (const PlanSegment& seg : plan.segments) {
    if (seg.is_black()) {
      video.push_back({{"OTIO_SCHEMA", "Gap.1"},
                       {"name", ""},
                       {"metadata", json::object()},
                       {"effects", json::array()},
                       {"markers", json::array()},
                       {"source_range", TimeRange(0, seg.frame_count, fps)}});
    } else {
      const TimelineShot& s = plan.shots[seg.shot_index];
      video.push_back(OtioClip(s.shot_id, s.clip, seg.frame_count, fps));
    }
  }
  json audio = json::array(
      {OtioClip(std::filesystem::path(in.song_path).filename().string(),
                in.song_path, plan.total_frames, fps)});
  json timeline = {
      {"OTIO_SCHEMA", "Timeline.1"},
      {"name", in.title},
      {"metadata", json::object()},
      {"global_start_time", RationalTime(0, fps)},
      {"tracks",
       {{"OTIO_SCHEMA", "Stack.1"},
        {"name", "tracks"},
        {"metadata", json::object()},
        {"effects", json::array()},
        {"markers", json::array()},
        {"source_range", nullptr},
        {"children", json::array({OtioTrack("Video 1", "Video", video),
                                  OtioTrack("Audio 1", "Audio", audio)})}}}};
  return timeline.dump(2) + "\n";
}

std::string ExportFcpxml(const ExportInput& in) {
  const RenderPlan& plan = *in.plan;
  const int fps = plan.settings.fps;
  const std::string total = FcpTime(plan.total_frames, fps);
  std::string x =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE fcpxml>\n"
      "<fcpxml version=\"1.9\">\n  <resources>\n";
  x += "    <format id=\"r1\" frameDuration=\"" + FcpTime(1, fps) +
       "\" width=\"" + std::to_string(plan.settings.width) + "\" height=\"" +
       std::to_string(plan.settings.height) + "\"/>\n";
  // One asset per shot, as long as the frames it shows.
  for (const PlanSegment& seg : plan.segments) {
    if (seg.is_black()) continue;
    const TimelineShot& s = plan.shots[seg.shot_index];
    x += "    <asset id=\"" + AssetId(seg.shot_index) + "\" name=\"" +
         XmlEscape(s.shot_id) + "\" start=\"0s\" duration=\"" +
         FcpTime(seg.frame_count, fps) +
         "\" hasVideo=\"1\" format=\"r1\">\n      <media-rep "
         "kind=\"original-media\" src=\"" +
         XmlEscape(FileUrl(s.clip)) + "\"/>\n    </asset>\n";
  }
  x += "    <asset id=\"song\" name=\"" +
       XmlEscape(std::filesystem::path(in.song_path).filename().string()) +
       "\" start=\"0s\" duration=\"" + total +
       "\" hasAudio=\"1\">\n      <media-rep kind=\"original-media\" src=\"" +
       XmlEscape(FileUrl(in.song_path)) + "\"/>\n    </asset>\n";
  x += "  </resources>\n  <library>\n    <event name=\"" + XmlEscape(in.title) +
       "\">\n      <project name=\"" + XmlEscape(in.title) +
       "\">\n        <sequence format=\"r1\" duration=\"" + total +
       "\" tcStart=\"0s\" tcFormat=\"NDF\">\n          <spine>\n";
  bool first = true;
  for (const PlanSegment& seg : plan.segments) {
    const std::string offset = FcpTime(seg.first_frame, fps);
    const std::string dur = FcpTime(seg.frame_count, fps);
    std::string open, close;
    if (seg.is_black()) {
      open = "            <gap name=\"Gap\" offset=\"" + offset +
             "\" start=\"0s\" duration=\"" + dur + "\"";
      close = "            </gap>\n";
    } else {
      open = "            <asset-clip ref=\"" + AssetId(seg.shot_index) +
             "\" name=\"" + XmlEscape(plan.shots[seg.shot_index].shot_id) +
             "\" offset=\"" + offset + "\" start=\"0s\" duration=\"" + dur +
             "\" format=\"r1\"";
      close = "            </asset-clip>\n";
    }
    if (first) {
      // The song is connected below the first element, from frame 0.
      x += open +
           ">\n              <asset-clip ref=\"song\" lane=\"-1\" "
           "name=\"song\" offset=\"0s\" start=\"0s\" duration=\"" +
           total + "\"/>\n" + close;
      first = false;
    } else {
      x += open + "/>\n";
    }
  }
  x += "          </spine>\n        </sequence>\n      </project>\n"
       "    </event>\n  </library>\n</fcpxml>\n";
  return x;
}

std::string ExportEdl(const ExportInput& in) {
  const RenderPlan& plan = *in.plan;
  const int fps = plan.settings.fps;
  std::string e = "TITLE: " + EdlName(in.title) + "\nFCM: NON-DROP FRAME\n\n";
  int event = 0;
  auto line = [&](const std::string& reel, const std::string& track,
                  int64_t src_in, int64_t rec_in, int64_t frames) {
    char buf[256];
    std::snprintf(buf, sizeof(buf), "%03d  %-8s %-5s C        %s %s %s %s\n",
                  ++event, reel.c_str(), track.c_str(),
                  FrameTimecode(src_in, fps).c_str(),
                  FrameTimecode(src_in + frames, fps).c_str(),
                  FrameTimecode(rec_in, fps).c_str(),
                  FrameTimecode(rec_in + frames, fps).c_str());
    e += buf;
  };
  for (const PlanSegment& seg : plan.segments) {
    if (seg.is_black()) {
      line("BL", "V", 0, seg.first_frame, seg.frame_count);
      e += "\n";
      continue;
    }
    const TimelineShot& s = plan.shots[seg.shot_index];
    line("AX", "V", 0, seg.first_frame, seg.frame_count);
    e += "* FROM CLIP NAME: " + EdlName(s.shot_id) +
         "\n* SOURCE FILE: " + EdlName(s.clip) + "\n\n";
  }
  line("AX", "AA", 0, 0, plan.total_frames);
  e += "* FROM CLIP NAME: " +
       EdlName(std::filesystem::path(in.song_path).filename().string()) +
       "\n* SOURCE FILE: " + EdlName(in.song_path) + "\n";
  return e;
}

}  // namespace miri::render
