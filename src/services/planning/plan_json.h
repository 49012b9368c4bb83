// The plan as `miri plan` prints it. JSON (a stable contract, scripts
// depend on it): {durationMs, tempoBpm, beatsMs: [...], scenes: [Scene],
// shots: [Shot], warnings: [{code, message}]} with Scene and Shot as
// domain/project.h writes them.
#ifndef MIRI_SERVICES_PLANNING_PLAN_JSON_H_
#define MIRI_SERVICES_PLANNING_PLAN_JSON_H_

#include <string>

#include <nlohmann/json.hpp>

#include "ports/director.h"

namespace miri {

nlohmann::json PlanToJson(const Plan& plan);

// A human-readable table: one row per shot (id, scene, start, end,
// length, lyrics), scene headers, then the warnings.
std::string FormatPlanTable(const Plan& plan);

}  // namespace miri

#endif  // MIRI_SERVICES_PLANNING_PLAN_JSON_H_
