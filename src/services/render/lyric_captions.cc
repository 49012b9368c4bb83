#include "services/render/lyric_captions.h"

#include <fstream>

#include "services/planning/lyrics.h"

namespace miri::render {

Result<std::vector<CaptionCue>> LyricCaptions(BlobStore& blobs,
                                              std::string_view project_id,
                                              const RenderPlan& plan) {
  const std::string key = "projects/" + std::string(project_id) + "/lyrics.txt";
  if (!blobs.Exists(key).value_or(false)) return std::vector<CaptionCue>{};
  ASSIGN_OR_RETURN(std::string text, blobs.Get(key), "captions: the lyrics");
  ASSIGN_OR_RETURN(Lyrics lyrics, ParseLyricsAuto(text), "captions");
  if (!lyrics.timed()) return std::vector<CaptionCue>{};
  FitLyricsToSong(lyrics, plan.song_duration_ms);
  std::vector<CaptionLine> lines;
  for (const LyricLine& l : lyrics.lines) {
    if (l.start_ms == kUntimed || l.end_ms == kUntimed) continue;
    lines.push_back({l.start_ms, l.end_ms, l.text});
  }
  return SnapCaptions(lines, plan.settings.fps, plan.total_frames);
}

Result<std::vector<std::string>> StoreCaptions(
    BlobStore& blobs, const std::string& key_base,
    const std::filesystem::path& output, const std::vector<CaptionCue>& cues,
    int fps) {
  std::vector<std::string> paths;
  if (cues.empty()) return paths;
  const std::pair<const char*, std::string> files[] = {
      {"srt", ToSrt(cues, fps)}, {"vtt", ToWebVtt(cues, fps)}};
  for (const auto& [ext, text] : files) {
    std::filesystem::path path = output;
    path.replace_extension(ext);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
      return MakeError(ErrorCode::kUnavailable,
                       "captions: cannot write " + path.string());
    }
    RETURN_IF_ERROR(blobs.Put(key_base + "." + ext, text), "storing captions");
    paths.push_back(path.string());
  }
  return paths;
}

}  // namespace miri::render
