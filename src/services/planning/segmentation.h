// Section segmentation: scene boundaries from beat-synchronous features.
// Each beat interval gets the mean of its feature rows (MFCC, energy),
// z-scored per dimension; novelty at a beat is the distance between the
// means of the 8 intervals before and after it; boundaries are novelty
// peaks at least `limits.min_scene_ms` apart (and from the song's ends),
// strongest first, above the mean novelty. Pure and deterministic.
#ifndef MIRI_SERVICES_PLANNING_SEGMENTATION_H_
#define MIRI_SERVICES_PLANNING_SEGMENTATION_H_

#include <cstdint>
#include <vector>

#include "ports/director.h"

namespace miri {

struct Section {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  double energy_db = 0;  // mean frame energy
};

// Sections tile [0, duration_ms]. A song shorter than 2 * min_scene_ms is
// one section. Sections longer than 40 s are split at their strongest
// novelty so scenes stay watchable.
std::vector<Section> SegmentSong(const SongAnalysis& analysis,
                                 const PlanLimits& limits);

// Mean energy of the feature rows inside [start_ms, end_ms).
double MeanEnergyDb(const SongAnalysis& analysis, int64_t start_ms,
                    int64_t end_ms);

}  // namespace miri

#endif  // MIRI_SERVICES_PLANNING_SEGMENTATION_H_
