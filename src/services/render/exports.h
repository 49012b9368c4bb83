// Exports of a RenderPlan's cut for editors: OpenTimelineIO JSON, FCPXML
// (1.9) and a CMX 3600 EDL. Each carries the same cut as the render: every
// shot at its first frame with its frame count, gaps as black/gaps, and the
// song as the audio track from 0. Source ranges start at each clip's first
// frame; a shot whose clip is shorter than its slot (held on its last frame
// by the render) gets a source range past the clip's end, which editors show
// as missing media or hold, depending on the editor.
//
// Pure: the caller writes the returned text. Media paths should be absolute
// (they become file:// URLs in OTIO and FCPXML and comments in the EDL).
#ifndef MIRI_SERVICES_RENDER_EXPORTS_H_
#define MIRI_SERVICES_RENDER_EXPORTS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/render_plan.h"

namespace miri::render {

struct ExportInput {
  const RenderPlan* plan = nullptr;
  std::string song_path;
  std::string title = "Miri";
};

std::string ExportOtioJson(const ExportInput& input);
std::string ExportFcpxml(const ExportInput& input);
std::string ExportEdl(const ExportInput& input);

// "01:02:03:04" at an integer frame rate, non-drop-frame.
std::string FrameTimecode(int64_t frame, int fps);
// file:// URL of an absolute path, percent-encoding all but [A-Za-z0-9-._~/].
std::string FileUrl(std::string_view path);
// Escapes & < > " ' for XML text and attributes.
std::string XmlEscape(std::string_view s);

}  // namespace miri::render

#endif  // MIRI_SERVICES_RENDER_EXPORTS_H_
