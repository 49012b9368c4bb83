#include "adapters/ffmpeg/test_media.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

namespace miri::ffmpeg::testing {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    fs::path p = fs::temp_directory_path() /
                 ("miri-render-" + std::to_string(::getpid()) + "-" +
                  std::to_string(rd() % 1000000));
    if (fs::create_directory(p)) {
      path_ = p;
      return;
    }
  }
  std::abort();  // a test environment without a temp dir is a bug
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::vector<std::string> TempDir::List() const {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(path_))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

bool Run(const std::string& command) {
  return std::system(command.c_str()) == 0;
}

namespace {

const char kFfmpeg[] = "ffmpeg -nostdin -v error -y ";

std::string Size(int w, int h) {
  return std::to_string(w) + "x" + std::to_string(h);
}

std::string X264() {
  return " -c:v libx264 -preset ultrafast -pix_fmt yuv420p ";
}

}  // namespace

bool MakeColorClip(const std::string& path, const std::string& color, int width,
                   int height, int fps, double seconds) {
  return MakeColorSequence(path, {color}, {seconds}, width, height, fps);
}

bool MakeColorSequence(const std::string& path,
                       const std::vector<std::string>& colors,
                       const std::vector<double>& seconds, int width,
                       int height, int fps) {
  std::string cmd = kFfmpeg;
  std::string graph;
  for (size_t i = 0; i < colors.size(); ++i) {
    cmd += "-f lavfi -i color=c=" + colors[i] + ":s=" + Size(width, height) +
           ":r=" + std::to_string(fps) + ":d=" + std::to_string(seconds[i]) +
           " ";
    graph += "[" + std::to_string(i) + ":v]";
  }
  graph += "concat=n=" + std::to_string(colors.size()) + ":v=1:a=0[v]";
  cmd +=
      "-filter_complex '" + graph + "' -map '[v]'" + X264() + "'" + path + "'";
  return Run(cmd);
}

bool MakeVfrClip(const std::string& path,
                 const std::vector<std::string>& colors,
                 const std::vector<double>& seconds,
                 const std::vector<int>& rates, int width, int height) {
  std::string cmd = kFfmpeg;
  std::string graph;
  for (size_t i = 0; i < colors.size(); ++i) {
    cmd += "-f lavfi -i color=c=" + colors[i] + ":s=" + Size(width, height) +
           ":r=" + std::to_string(rates[i]) +
           ":d=" + std::to_string(seconds[i]) + " ";
    graph += "[" + std::to_string(i) + ":v]settb=1/1000[p" + std::to_string(i) +
             "];";
  }
  for (size_t i = 0; i < colors.size(); ++i)
    graph += "[p" + std::to_string(i) + "]";
  graph += "concat=n=" + std::to_string(colors.size()) + ":v=1:a=0[v]";
  cmd += "-filter_complex '" + graph + "' -map '[v]' -fps_mode vfr" + X264() +
         "-video_track_timescale 1000 '" + path + "'";
  return Run(cmd);
}

bool MakeSong(const std::string& path, double seconds) {
  std::string codec = path.ends_with(".mp3") ? "libmp3lame" : "aac";
  return Run(std::string(kFfmpeg) +
             "-f lavfi -i sine=f=440:d=" + std::to_string(seconds) +
             " -ac 2 -c:a " + codec + " '" + path + "'");
}

std::vector<Rgb> FrameColors(const std::string& path, int width, int height,
                             int x, int y) {
  std::string cmd = std::string(kFfmpeg) + "-i '" + path +
                    "' -map 0:v -fps_mode passthrough -f rawvideo "
                    "-pix_fmt rgb24 -";
  std::vector<Rgb> out;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return out;
  std::vector<unsigned char> frame(static_cast<size_t>(width) * height * 3);
  // Bounded by the decoded stream's length.
  while (std::fread(frame.data(), 1, frame.size(), pipe) == frame.size()) {
    Rgb sum = {0, 0, 0};
    int n = 0;
    for (int dy = -1; dy <= 1; ++dy) {
      for (int dx = -1; dx <= 1; ++dx) {
        size_t at = (static_cast<size_t>(y + dy) * width + (x + dx)) * 3;
        for (int c = 0; c < 3; ++c) sum[c] += frame[at + c];
        ++n;
      }
    }
    out.push_back({sum[0] / n, sum[1] / n, sum[2] / n});
  }
  pclose(pipe);
  return out;
}

ProbeResult Probe(const std::string& path) {
  ProbeResult r;
  std::string cmd =
      "ffprobe -v error -count_frames -of json -show_entries "
      "stream=codec_type,codec_name,pix_fmt,width,height,"
      "duration,nb_read_frames '" +
      path + "'";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0) text.append(buf, n);
  pclose(pipe);
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return r;
  for (const auto& s : j.value("streams", nlohmann::json::array())) {
    std::string type = s.value("codec_type", "");
    double duration = std::atof(s.value("duration", "-1").c_str());
    if (type == "video") {
      r.video_codec = s.value("codec_name", "");
      r.pix_fmt = s.value("pix_fmt", "");
      r.width = s.value("width", 0);
      r.height = s.value("height", 0);
      r.video_duration = duration;
      r.video_frames = std::atoll(s.value("nb_read_frames", "-1").c_str());
    } else if (type == "audio") {
      r.audio_codec = s.value("codec_name", "");
      r.audio_duration = duration;
    } else if (type == "subtitle" && r.subtitle_codec.empty()) {
      r.subtitle_codec = s.value("codec_name", "");
    }
  }
  std::ifstream in(path, std::ios::binary);
  std::string head(64 * 1024, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  size_t moov = head.find("moov"), mdat = head.find("mdat");
  r.moov_first =
      moov != std::string::npos && (mdat == std::string::npos || moov < mdat);
  return r;
}

std::vector<TextCue> ParseCues(const std::string& text) {
  std::vector<TextCue> cues;
  std::istringstream in(text);
  std::string line;
  auto ms = [](const std::string& t) -> int64_t {
    int h = 0, m = 0, s = 0, f = 0;
    char sep = 0;
    if (std::sscanf(t.c_str(), "%d:%d:%d%c%d", &h, &m, &s, &sep, &f) != 5)
      return -1;
    return ((h * 60LL + m) * 60 + s) * 1000 + f;
  };
  // Bounded by the text's lines.
  while (std::getline(in, line)) {
    size_t arrow = line.find(" --> ");
    if (arrow == std::string::npos) continue;
    TextCue c;
    c.start_ms = ms(line.substr(0, arrow));
    c.end_ms = ms(line.substr(arrow + 5));
    std::getline(in, c.text);
    if (!c.text.empty() && c.text.back() == '\r') c.text.pop_back();
    cues.push_back(c);
  }
  return cues;
}

std::string SubtitlesAsSrt(const std::string& path) {
  std::string cmd =
      "ffmpeg -nostdin -v error -i '" + path + "' -map 0:s:0 -f srt -";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return "";
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0) text.append(buf, n);
  pclose(pipe);
  return text;
}

bool Near(const Rgb& a, const Rgb& b, int tolerance) {
  for (int c = 0; c < 3; ++c) {
    if (std::abs(a[c] - b[c]) > tolerance) return false;
  }
  return true;
}

}  // namespace miri::ffmpeg::testing
