// RenderPlan: what the final render will do, frame by frame, computed from a
// timeline and the song's duration before any media is touched
// (design.md section 9). The FFmpeg adapter executes it; tests assert on it.
//
// Frame grid: output frame n shows time n/fps. Shot i owns the frames
// [round(startMs*fps/1000), round(endMs*fps/1000)), cut at the song's end;
// frames no shot owns are black. The song fixes the length:
// total_frames = round(songDurationMs*fps/1000). Rounding is half-up.
// Within a shot, its k-th frame shows the clip at k/fps seconds from the
// clip's first frame: a longer clip is trimmed, a shorter one is held on its
// last frame.
#ifndef MIRI_DOMAIN_RENDER_PLAN_H_
#define MIRI_DOMAIN_RENDER_PLAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/captions.h"
#include "domain/result.h"
#include "domain/timeline.h"

namespace miri::render {

struct RenderSettings {
  int fps = 24;
  int width = 1920;
  int height = 1080;
  friend bool operator==(const RenderSettings&,
                         const RenderSettings&) = default;
};

// fps in [1, 240]; width and height even (4:2:0) in [2, 8192].
Result<void> ValidateSettings(const RenderSettings& settings);

// round(ms * fps / 1000), half-up, for ms >= 0.
int64_t FrameAtMs(int64_t ms, int fps);

struct PlanSegment {
  int shot_index = -1;  // index into RenderPlan::shots; -1 for black
  int64_t first_frame = 0;
  int64_t frame_count = 0;
  bool is_black() const { return shot_index < 0; }
  friend bool operator==(const PlanSegment&, const PlanSegment&) = default;
};

// What fills a shot's frames. The final cut is always clips; an animatic
// (issue 20) shows whatever the shot has so far: its clip, else a still
// frame (TimelineShot::clip names the image) with a slow camera move, else
// a card with its description.
enum class ShotLook { kClip, kStill, kCard };

struct ShotVisual {
  ShotLook look = ShotLook::kClip;
  std::string card_text;  // kCard: what the card says (wrapped by the renderer)
  friend bool operator==(const ShotVisual&, const ShotVisual&) = default;
};

struct RenderPlan {
  RenderSettings settings;
  int64_t song_duration_ms = 0;
  int64_t total_frames = 0;
  std::vector<TimelineShot> shots;
  // Contiguous and in order: together they cover [0, total_frames) exactly.
  // Black segments fill gaps; no segment is empty.
  std::vector<PlanSegment> segments;
  // Parallel to `shots`, or empty: every shot is its clip (the final cut).
  std::vector<ShotVisual> visuals;
  // The song's lyric lines on this plan's frame grid (domain/captions.h):
  // the output's soft subtitle track; empty: none. Never drawn into the
  // picture.
  std::vector<CaptionCue> captions;

  ShotVisual VisualOf(size_t shot) const {
    return shot < visuals.size() ? visuals[shot] : ShotVisual{};
  }
};

// Card text broken into at most `max_lines` lines of at most `max_chars`
// characters (UTF-8 code points), at spaces where possible; a cut text ends
// with "...". Blank lines and runs of spaces collapse.
std::vector<std::string> WrapCardText(std::string_view text, size_t max_chars,
                                      size_t max_lines);

// Fails with INVALID_ARGUMENT naming the shot when a shot starts at or after
// the song's end or is too short to own a single frame.
Result<RenderPlan> BuildRenderPlan(const Timeline& timeline,
                                   int64_t song_duration_ms,
                                   const RenderSettings& settings);

// Progress of a render, for the terminal bar and RENDER_PROGRESS events.
struct RenderProgress {
  int64_t frames_done = 0;
  int64_t total_frames = 0;
  double percent = 0;  // 0..100
  int64_t elapsed_ms = 0;
  std::optional<int64_t> eta_ms;  // unknown before the first frame
};

RenderProgress MakeProgress(int64_t frames_done, int64_t total_frames,
                            int64_t elapsed_ms);

// The RENDER_PROGRESS payload (web/src/schemas RenderProgressSchema, plus
// percent and ETA): {"projectId", "stage": "encoding", "framesDone",
// "framesTotal", "fraction", "percent", "elapsedMs", "etaMs"?}.
nlohmann::json RenderProgressPayload(std::string_view project_id,
                                     const RenderProgress& progress);

}  // namespace miri::render

#endif  // MIRI_DOMAIN_RENDER_PLAN_H_
