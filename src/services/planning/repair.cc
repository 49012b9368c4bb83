#include "services/planning/repair.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "domain/json_reader.h"
#include "services/planning/describe.h"
#include "services/planning/planner.h"

namespace miri {

namespace {

class Repairer {
 public:
  Repairer(Plan& plan, const PlanLimits& lim) : p_(plan), lim_(lim) {}

  void Run() {
    ShotSpans();
    Lengths();
    SnapToBeats();
    Scenes();
    Ids();
  }

 private:
  void Log(std::string msg) {
    p_.warnings.push_back({"PLAN_REPAIRED", std::move(msg)});
  }
  int64_t Len(const Shot& s) const {
    return s.timestamps.end_ms - s.timestamps.start_ms;
  }

  void ShotSpans() {
    const int64_t dur = p_.duration_ms;
    std::vector<Shot> kept;
    for (Shot& s : p_.shots) {
      Timestamps& t = s.timestamps;
      if (t.end_ms <= t.start_ms) {
        Log(
            fmt::format("dropped shot {}: ends at {} ms, before it starts at "
                        "{} ms",
                        s.shot_id, t.end_ms, t.start_ms));
        continue;
      }
      if (t.start_ms < 0 || t.end_ms > dur) {
        Log(fmt::format("clamped shot {} ({}..{} ms) to the song (0..{} ms)",
                        s.shot_id, t.start_ms, t.end_ms, dur));
        t.start_ms = std::clamp<int64_t>(t.start_ms, 0, dur);
        t.end_ms = std::clamp<int64_t>(t.end_ms, 0, dur);
        if (t.end_ms <= t.start_ms) {
          Log(fmt::format("dropped shot {}: outside the song", s.shot_id));
          continue;
        }
      }
      kept.push_back(std::move(s));
    }
    if (!std::is_sorted(kept.begin(), kept.end(), ByStart)) {
      std::stable_sort(kept.begin(), kept.end(), ByStart);
      Log("sorted shots by start time");
    }
    std::vector<Shot> tiled;
    for (Shot& s : kept) {
      if (!tiled.empty() &&
          s.timestamps.start_ms < tiled.back().timestamps.end_ms) {
        Log(fmt::format("trimmed shot {}: it overlapped shot {}", s.shot_id,
                        tiled.back().shot_id));
        s.timestamps.start_ms = tiled.back().timestamps.end_ms;
        if (s.timestamps.end_ms <= s.timestamps.start_ms) {
          Log(fmt::format("dropped shot {}: covered by shot {}", s.shot_id,
                          tiled.back().shot_id));
          continue;
        }
      }
      if (!tiled.empty() &&
          s.timestamps.start_ms > tiled.back().timestamps.end_ms) {
        Log(fmt::format("filled the gap {}..{} ms by extending shot {}",
                        tiled.back().timestamps.end_ms, s.timestamps.start_ms,
                        tiled.back().shot_id));
        tiled.back().timestamps.end_ms = s.timestamps.start_ms;
      }
      tiled.push_back(std::move(s));
    }
    if (tiled.empty()) {
      Log("no usable shot: one shot now covers the song");
      Shot s;
      s.shot_id = "shot-001";
      s.timestamps = {0, dur};
      tiled.push_back(s);
    }
    if (tiled.front().timestamps.start_ms != 0) {
      Log(fmt::format("extended shot {} back to the song's start",
                      tiled.front().shot_id));
      tiled.front().timestamps.start_ms = 0;
    }
    if (tiled.back().timestamps.end_ms != dur) {
      Log(fmt::format("extended shot {} to the song's end at {} ms",
                      tiled.back().shot_id, dur));
      tiled.back().timestamps.end_ms = dur;
    }
    p_.shots = std::move(tiled);
  }

  // Splits shot i into equal parts no longer than the maximum.
  void Split(size_t i) {
    Shot s = p_.shots[i];
    int64_t n = (Len(s) + lim_.max_shot_ms - 1) / lim_.max_shot_ms;
    Log(fmt::format("split shot {} ({} ms, over the {} ms maximum) into {}",
                    s.shot_id, Len(s), lim_.max_shot_ms, n));
    std::vector<Shot> parts;
    for (int64_t k = 0; k < n; ++k) {
      Shot part = s;
      part.timestamps = {s.timestamps.start_ms + Len(s) * k / n,
                         s.timestamps.start_ms + Len(s) * (k + 1) / n};
      if (k > 0) part.shot_id = s.shot_id + "-" + std::to_string(k + 1);
      parts.push_back(std::move(part));
    }
    p_.shots.erase(p_.shots.begin() + i);
    p_.shots.insert(p_.shots.begin() + i, parts.begin(), parts.end());
  }

  void Lengths() {
    for (size_t i = 0; i < p_.shots.size(); ++i)
      if (Len(p_.shots[i]) > lim_.max_shot_ms) Split(i);
    // Merging a short shot into a neighbour; a merge past the maximum splits
    // in two, each at least max/2 >= min. Bounded: each pass removes one
    // short shot.
    for (size_t guard = p_.shots.size() + 1; guard-- > 0;) {
      auto it = std::find_if(
          p_.shots.begin(), p_.shots.end(),
          [&](const Shot& s) { return Len(s) < lim_.min_shot_ms; });
      if (it == p_.shots.end() || p_.shots.size() == 1) break;
      size_t i = it - p_.shots.begin();
      size_t into = i == 0 ? 1
                    : i + 1 < p_.shots.size() &&
                            Len(p_.shots[i + 1]) < Len(p_.shots[i - 1])
                        ? i + 1
                        : i - 1;
      Log(
          fmt::format("merged shot {} ({} ms, under the {} ms minimum) into "
                      "shot {}",
                      p_.shots[i].shot_id, Len(p_.shots[i]), lim_.min_shot_ms,
                      p_.shots[into].shot_id));
      Timestamps& t = p_.shots[into].timestamps;
      t.start_ms = std::min(t.start_ms, p_.shots[i].timestamps.start_ms);
      t.end_ms = std::max(t.end_ms, p_.shots[i].timestamps.end_ms);
      p_.shots.erase(p_.shots.begin() + i);
      size_t merged = into > i ? into - 1 : into;
      if (Len(p_.shots[merged]) > lim_.max_shot_ms) Split(merged);
    }
  }

  void SnapToBeats() {
    const std::vector<int64_t>& beats = p_.beats_ms;
    for (size_t i = 1; i < p_.shots.size(); ++i) {
      int64_t c = p_.shots[i].timestamps.start_ms;
      auto it = std::lower_bound(beats.begin(), beats.end(), c);
      int64_t best = c, gap = lim_.snap_tolerance_ms + 1;
      if (it != beats.end() && *it - c < gap) best = *it, gap = *it - c;
      if (it != beats.begin() && c - *(it - 1) < gap) best = *(it - 1);
      int64_t before = best - p_.shots[i - 1].timestamps.start_ms;
      int64_t after = p_.shots[i].timestamps.end_ms - best;
      if (before >= lim_.min_shot_ms && before <= lim_.max_shot_ms &&
          after >= lim_.min_shot_ms && after <= lim_.max_shot_ms) {
        p_.shots[i - 1].timestamps.end_ms = best;
        p_.shots[i].timestamps.start_ms = best;
      }
    }
  }

  void Scenes() {
    std::vector<int64_t> edges;  // shot boundaries
    for (const Shot& s : p_.shots) edges.push_back(s.timestamps.start_ms);
    edges.push_back(p_.duration_ms);
    auto nearest_edge = [&](int64_t t) {
      auto it = std::lower_bound(edges.begin(), edges.end(), t);
      if (it == edges.end()) return edges.back();
      if (it != edges.begin() && t - *(it - 1) < *it - t) return *(it - 1);
      return *it;
    };
    std::vector<Scene> scenes;
    for (Scene& s : p_.scenes) {
      if (s.end_ms > s.start_ms)
        scenes.push_back(std::move(s));
      else
        Log(fmt::format("dropped scene {}: ends before it starts", s.scene_id));
    }
    std::stable_sort(
        scenes.begin(), scenes.end(),
        [](const Scene& a, const Scene& b) { return a.start_ms < b.start_ms; });
    std::vector<Scene> out;
    for (Scene& s : scenes) {
      int64_t start = out.empty() ? 0 : out.back().end_ms;
      int64_t end =
          nearest_edge(std::clamp<int64_t>(s.end_ms, 0, p_.duration_ms));
      if (s.start_ms != start || s.end_ms != end)
        Log(
            fmt::format("moved scene {} from {}..{} ms to {}..{} ms (shot "
                        "edges, no gaps or overlaps)",
                        s.scene_id, s.start_ms, s.end_ms, start, end));
      if (end <= start) {
        Log(fmt::format("dropped scene {}: no whole shot in it", s.scene_id));
        continue;
      }
      s.start_ms = start;
      s.end_ms = end;
      out.push_back(std::move(s));
    }
    if (out.empty()) {
      Log("no usable scene: one scene now covers the song");
      out.push_back({"scene-01", 0, p_.duration_ms, "song", ""});
    }
    if (out.back().end_ms != p_.duration_ms) {
      Log(fmt::format("extended scene {} to the song's end",
                      out.back().scene_id));
      out.back().end_ms = p_.duration_ms;
    }
    p_.scenes = std::move(out);
  }

  void Ids() {
    std::set<std::string> seen;
    for (size_t k = 0; k < p_.scenes.size(); ++k) {
      Scene& s = p_.scenes[k];
      if (!IsSafeId(s.scene_id) || !seen.insert(s.scene_id).second) {
        std::string id = fmt::format("scene-{:02}", k + 1);
        while (!seen.insert(id).second) id += "x";
        Log(fmt::format("renamed scene \"{}\" to {}", s.scene_id, id));
        s.scene_id = id;
      }
    }
    seen.clear();
    size_t scene = 0;
    for (size_t i = 0; i < p_.shots.size(); ++i) {
      Shot& s = p_.shots[i];
      if (!IsSafeId(s.shot_id) || !seen.insert(s.shot_id).second) {
        std::string id = fmt::format("shot-{:03}", i + 1);
        while (!seen.insert(id).second) id += "x";
        Log(fmt::format("renamed shot \"{}\" to {}", s.shot_id, id));
        s.shot_id = id;
      }
      while (p_.scenes[scene].end_ms < s.timestamps.end_ms) ++scene;
      if (s.scene_id != p_.scenes[scene].scene_id) {
        if (!s.scene_id.empty())
          Log(fmt::format("moved shot {} from scene \"{}\" to {}", s.shot_id,
                          s.scene_id, p_.scenes[scene].scene_id));
        s.scene_id = p_.scenes[scene].scene_id;
      }
      s.status = ShotStatus::kDraft;
      s.versions.clear();
    }
  }

  static bool ByStart(const Shot& a, const Shot& b) {
    return a.timestamps.start_ms < b.timestamps.start_ms;
  }

  Plan& p_;
  const PlanLimits& lim_;
};

}  // namespace

Plan RepairPlan(Plan plan, const PlanLimits& limits) {
  Repairer(plan, limits).Run();
  return plan;
}

Result<Plan> CheckedDirector::MakePlan(const PlanRequest& request) {
  RETURN_IF_ERROR(request.limits.Validate(), "planning");
  ASSIGN_OR_RETURN(Plan plan, inner_.MakePlan(request), "planning");
  KeepDescriptionsSafe(&plan.shots, &plan.warnings);
  if (CheckTiling(plan, request.limits).has_value()) return plan;
  if (plan.duration_ms < request.limits.min_shot_ms) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("the song lasts {} ms; a plan needs at least "
                                 "minShotMs ({} ms)",
                                 plan.duration_ms, request.limits.min_shot_ms));
  }
  Plan fixed = RepairPlan(std::move(plan), request.limits);
  RETURN_IF_ERROR(CheckTiling(fixed, request.limits), "after repair");
  return fixed;
}

}  // namespace miri
