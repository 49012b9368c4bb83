// The final render of a project, as a use case: `miri serve`'s render
// worker, `miri render --project` (the Cloud Run job) and `miri produce`
// all call RenderProject. It reads the cut from the store (every clip on its
// frame slot over the original song), encodes it through the VideoRenderer
// port, stores the MP4 (with the timed lyrics as a soft mov_text track)
// and its exports (OTIO, FCPXML, EDL; .srt and .vtt captions when the song
// has timed lyrics: services/render/lyric_captions.h) under
// projects/<id>/render/ in the BlobStore, publishes RENDER_PROGRESS, and
// records the outcome: RENDERED, or FAILED with the error as the event's
// cause.
#ifndef MIRI_SERVICES_RENDER_RENDER_PROJECT_H_
#define MIRI_SERVICES_RENDER_RENDER_PROJECT_H_

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"
#include "ports/blob_store.h"
#include "ports/clock.h"
#include "ports/event_bus.h"
#include "ports/store.h"
#include "ports/video_renderer.h"

namespace miri::render {

struct RenderRequest {
  std::string song_key;          // the song in the BlobStore
  std::filesystem::path output;  // a local MP4; exports are written beside it
  int fps = 24;
  int width = 1280;
  int height = 720;
  std::string preset = "veryfast";
  std::string title = "Miri";
};

struct RenderReport {
  int64_t frames = 0;
  std::vector<std::string> exports;
};

// Progress lines for a terminal (text, and whether the line is final).
using ProgressSink = std::function<void(const std::string&, bool)>;

// Each attempt (each FINAL_RENDER event) ends once, RENDERED or FAILED; a
// project not in FINAL_RENDER is refused (FAILED_PRECONDITION) and left as
// it is. When the render fails the project moves to FAILED with the error
// as the cause, and the error is returned.
struct RenderDeps {
  Store& store;
  BlobStore& blobs;
  EventBus& bus;
  VideoRenderer& renderer;
  const Clock& clock;
};
Result<RenderReport> RenderProject(const RenderDeps& deps,
                                   std::string_view project_id,
                                   const RenderRequest& request,
                                   const ProgressSink& progress);

// An event's cause is at most 2000 bytes (the web's EventSchema): a longer
// error (long blob keys) is cut on a UTF-8 character boundary, with "...".
std::string BoundedCause(const std::string& cause);

}  // namespace miri::render

#endif  // MIRI_SERVICES_RENDER_RENDER_PROJECT_H_
