#include "services/planning/local_director.h"

#include "services/planning/lyrics.h"
#include "services/planning/planner.h"

namespace miri {

Result<Plan> LocalDirector::MakePlan(const PlanRequest& request) {
  RETURN_IF_ERROR(request.limits.Validate(), "planning");
  ASSIGN_OR_RETURN(
      LyricsFormat format,
      ParseLyricsFormatName(request.lyrics_format, request.lyrics_text),
      "planning");
  ASSIGN_OR_RETURN(Lyrics lyrics, ParseLyrics(request.lyrics_text, format),
                   "planning");
  ASSIGN_OR_RETURN(SongAnalysis analysis, analyzer_.Analyze(request.audio_path),
                   "planning");
  return PlanWithLyrics(analysis, std::move(lyrics), request.limits);
}

}  // namespace miri
