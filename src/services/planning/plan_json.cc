#include "services/planning/plan_json.h"

#include <cmath>

#include <fmt/format.h>

namespace miri {

nlohmann::json PlanToJson(const Plan& plan) {
  nlohmann::json scenes = nlohmann::json::array(),
                 shots = nlohmann::json::array(),
                 warnings = nlohmann::json::array();
  for (const Scene& s : plan.scenes) scenes.push_back(s.ToJson());
  for (const Shot& s : plan.shots) shots.push_back(s.ToJson());
  for (const PlanWarning& w : plan.warnings)
    warnings.push_back({{"code", w.code}, {"message", w.message}});
  return {{"durationMs", plan.duration_ms},
          {"tempoBpm", std::round(plan.tempo_bpm * 100) / 100},
          {"beatsMs", plan.beats_ms},
          {"scenes", std::move(scenes)},
          {"shots", std::move(shots)},
          {"warnings", std::move(warnings)}};
}

namespace {
std::string Clock(int64_t ms) {
  return fmt::format("{}:{:02}.{:03}", ms / 60000, ms / 1000 % 60, ms % 1000);
}
}  // namespace

std::string FormatPlanTable(const Plan& plan) {
  std::string out =
      fmt::format("song {}  tempo {:.2f} BPM  {} beats  {} scenes  {} shots\n",
                  Clock(plan.duration_ms), plan.tempo_bpm, plan.beats_ms.size(),
                  plan.scenes.size(), plan.shots.size());
  size_t shot = 0;
  for (const Scene& s : plan.scenes) {
    out += fmt::format("\n{} {}  {} - {}  {}\n", s.scene_id, s.label,
                       Clock(s.start_ms), Clock(s.end_ms), s.description);
    out += fmt::format("  {:<9} {:>10} {:>10} {:>6}  {}\n", "shot", "start",
                       "end", "secs", "lyrics");
    for (; shot < plan.shots.size() && plan.shots[shot].scene_id == s.scene_id;
         ++shot) {
      const Shot& sh = plan.shots[shot];
      out += fmt::format(
          "  {:<9} {:>10} {:>10} {:>6.2f}  {}\n", sh.shot_id,
          Clock(sh.timestamps.start_ms), Clock(sh.timestamps.end_ms),
          (sh.timestamps.end_ms - sh.timestamps.start_ms) / 1000.0,
          sh.lyrics_snippet.empty() ? "-" : sh.lyrics_snippet);
    }
  }
  for (const PlanWarning& w : plan.warnings)
    out += fmt::format("\nwarning {}: {}", w.code, w.message);
  if (!plan.warnings.empty()) out += "\n";
  return out;
}

}  // namespace miri
