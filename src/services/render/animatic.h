// The animatic (issue 20): the whole song on its original audio, cut on the
// final render's frame grid (the same RenderPlan rules), at a small size,
// from whatever each shot has so far: its clip (the newest VIDEO version
// with a stored output), else its approved frame (the IMAGE version its
// newest clip was made from) or its newest stored IMAGE, with a slow camera
// move, else a card with its description. Encoded by the same VideoRenderer
// as the final render.
//
// It never spends provider money and never changes a shot or the project:
// it reads the store, writes only the MP4 blob
// projects/<id>/render/animatic.mp4 with its captions (animatic.srt and
// animatic.vtt when the song has timed lyrics) and the local files, and
// appends no event. Thread-safe; one animatic per project at a time.
#ifndef MIRI_SERVICES_RENDER_ANIMATIC_H_
#define MIRI_SERVICES_RENDER_ANIMATIC_H_

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "domain/render_plan.h"
#include "domain/result.h"
#include "ports/blob_store.h"
#include "ports/store.h"
#include "ports/video_renderer.h"

namespace miri::render {

struct AnimaticSettings {
  // The final render's frame rate keeps every cut on the frame it will
  // have in the final video.
  int fps = 24;
  int width = 480;
  int height = 270;
  std::string preset = "ultrafast";
};

struct AnimaticReport {
  std::string blob_key;
  int64_t frames = 0;
  int64_t duration_ms = 0;  // the song's
  int clips = 0, stills = 0, cards = 0;
  // Lyric cues in its soft subtitle track and in animatic.srt/.vtt beside
  // it (services/render/lyric_captions.h); 0: the song has no timed lyrics.
  int captions = 0;
};

// The plan's shots with what shows for each (RenderPlan::visuals), in
// start order. NOT_FOUND for an unknown project; FAILED_PRECONDITION
// naming "plan" when the project has no shots yet.
struct AnimaticCut {
  Timeline timeline;
  std::vector<ShotVisual> visuals;
};
Result<AnimaticCut> AnimaticCutOf(Store& store, BlobStore& blobs,
                                  std::string_view project_id);

class AnimaticService {
 public:
  // `scratch` holds the local MP4 of an API render before it is stored.
  AnimaticService(Store& store, BlobStore& blobs, VideoRenderer& renderer,
                  std::filesystem::path scratch, AnimaticSettings settings);

  static std::string BlobKey(std::string_view project_id);

  // Renders and stores the animatic; `output` empty: a file in `scratch`.
  // NOT_FOUND (unknown project), FAILED_PRECONDITION naming "plan" (no
  // shots) or "song" (none uploaded) or "animatic" (one renders for the
  // project now); the renderer's errors name the shot.
  Result<AnimaticReport> Render(std::string_view project_id,
                                const std::filesystem::path& output = {});

 private:
  Result<AnimaticReport> RenderLocked(const std::string& project_id,
                                      const std::filesystem::path& output);

  Store& store_;
  BlobStore& blobs_;
  VideoRenderer& renderer_;
  std::filesystem::path scratch_;
  AnimaticSettings settings_;
  std::mutex mu_;
  std::set<std::string> rendering_;  // guarded by mu_
};

}  // namespace miri::render

#endif  // MIRI_SERVICES_RENDER_ANIMATIC_H_
