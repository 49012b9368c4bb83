// Repair of a proposed plan (from a cloud Director, or any source) so it
// tiles the song: drop shots that end before they start, clamp to the song,
// sort, trim overlaps, fill gaps, split long shots, merge short ones, move
// scene edges onto shot edges, reassign sceneIds, rename unsafe or
// duplicate ids. Each repair is logged as a PLAN_REPAIRED warning.
//
// CheckedDirector wraps any Director with this repair plus CheckTiling, so
// every plan that leaves it keeps the tiling rules; and with
// KeepDescriptionsSafe (describe.h), so every description keeps Miri's.
#ifndef MIRI_SERVICES_PLANNING_REPAIR_H_
#define MIRI_SERVICES_PLANNING_REPAIR_H_

#include "domain/result.h"
#include "ports/director.h"

namespace miri {

// `plan.duration_ms` must be the true duration (>= limits.min_shot_ms).
// Interior cuts within snap tolerance of a beat move onto it when the
// durations allow.
Plan RepairPlan(Plan plan, const PlanLimits& limits);

class CheckedDirector final : public Director {
 public:
  explicit CheckedDirector(Director& inner) : inner_(inner) {}
  Result<Plan> MakePlan(const PlanRequest& request) override;

 private:
  Director& inner_;
};

}  // namespace miri

#endif  // MIRI_SERVICES_PLANNING_REPAIR_H_
