// The embedded Director: local analysis (a SongAnalyzer, e.g. aubio over
// libav* decoding) and the planner (planner.h). No network.
// Thread-safety: MakePlan may run on several threads at once when the
// analyzer allows it (AubioSongAnalyzer does: its state is per call).
#ifndef MIRI_SERVICES_PLANNING_LOCAL_DIRECTOR_H_
#define MIRI_SERVICES_PLANNING_LOCAL_DIRECTOR_H_

#include "ports/director.h"

namespace miri {

class LocalDirector final : public Director {
 public:
  explicit LocalDirector(SongAnalyzer& analyzer) : analyzer_(analyzer) {}
  // Lyrics and limits are checked before the audio is decoded.
  Result<Plan> MakePlan(const PlanRequest& request) override;

 private:
  SongAnalyzer& analyzer_;
};

}  // namespace miri

#endif  // MIRI_SERVICES_PLANNING_LOCAL_DIRECTOR_H_
