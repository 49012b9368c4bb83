// A render's lyric captions (issue 20): the project's timed lyrics (LRC or
// SRT as uploaded, services/planning/lyrics.h) fitted to the song, snapped
// to the render's frame grid (domain/captions.h), and stored as .srt and
// .vtt beside the render. A project without lyrics, or with plain
// (untimed) lyrics, has no captions.
#ifndef MIRI_SERVICES_RENDER_LYRIC_CAPTIONS_H_
#define MIRI_SERVICES_RENDER_LYRIC_CAPTIONS_H_

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "domain/render_plan.h"
#include "domain/result.h"
#include "ports/blob_store.h"

namespace miri::render {

// The cues of the project's timed lyrics on `plan`'s frame grid; empty
// when there are none. INVALID_ARGUMENT naming "lyrics" when the stored
// lyrics no longer parse.
Result<std::vector<CaptionCue>> LyricCaptions(BlobStore& blobs,
                                              std::string_view project_id,
                                              const RenderPlan& plan);

// Writes `output` with .srt and .vtt extensions and stores them as
// `key_base`.srt and `key_base`.vtt; returns the local paths (none when
// `cues` is empty).
Result<std::vector<std::string>> StoreCaptions(
    BlobStore& blobs, const std::string& key_base,
    const std::filesystem::path& output, const std::vector<CaptionCue>& cues,
    int fps);

}  // namespace miri::render

#endif  // MIRI_SERVICES_RENDER_LYRIC_CAPTIONS_H_
