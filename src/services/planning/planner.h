// The local Director's planning, as a pure function of the analysis and
// the lyrics: scenes from sections, shots tiling the song exactly.
//
// Shots: within each scene a dynamic programme picks cut points among the
// beats (bar lines preferred), lyric line starts (preferred most) and a
// 250 ms fallback grid (penalised), with durations in [min_shot_ms,
// max_shot_ms] near a target that shortens with the section's energy
// (about 3 s at the loudest, 6 s at the quietest), so shots never all
// collapse to the maximum. No cut falls between a timed line's start and
// the end of its first word; cutting inside a line later is penalised.
// Deterministic: the same input gives the same plan.
#ifndef MIRI_SERVICES_PLANNING_PLANNER_H_
#define MIRI_SERVICES_PLANNING_PLANNER_H_

#include <string_view>

#include "domain/result.h"
#include "ports/director.h"
#include "services/planning/lyrics.h"

namespace miri {

// Errors: invalid limits, unparsable lyrics, a song shorter than
// min_shot_ms. Lyrics warnings are carried into Plan::warnings.
Result<Plan> PlanFromAnalysis(const SongAnalysis& analysis,
                              std::string_view lyrics_text,
                              std::string_view lyrics_format,
                              const PlanLimits& limits);

// Same, with lyrics already parsed (not yet fitted to the song).
Result<Plan> PlanWithLyrics(const SongAnalysis& analysis, Lyrics lyrics,
                            const PlanLimits& limits);

// The tiling rules every plan leaving a Director must meet; the error
// lists every violation (shots and scenes contiguous from 0 to the
// duration, shot durations within limits, scene edges on shot edges,
// shots' sceneIds naming their scene).
Result<void> CheckTiling(const Plan& plan, const PlanLimits& limits);

}  // namespace miri

#endif  // MIRI_SERVICES_PLANNING_PLANNER_H_
