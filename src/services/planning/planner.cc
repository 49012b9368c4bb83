#include "services/planning/planner.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "domain/text.h"
#include "services/planning/describe.h"
#include "services/planning/segmentation.h"

namespace miri {

namespace {

constexpr int64_t kGridMs = 250;
// How far a scene edge moves to reach the start of a sung line.
constexpr int64_t kSceneSnapMs = 2000;
// Shot.lyricsSnippet holds at most 4000 characters (domain/project.cc).
constexpr size_t kMaxSnippetBytes = 4000;
constexpr double kBeatCost = 0, kBarCost = -0.3, kLineStartCost = -3.0,
                 kGridCost = 1.5, kInsideLineCost = 2.0;

struct Cand {
  int64_t t;
  double cost;
};

class LineIndex {
 public:
  explicit LineIndex(const std::vector<LyricLine>& lines) : lines_(lines) {}
  // True when a cut at t would split a line before its first word ends.
  bool SplitsFirstWord(int64_t t) const {
    for (const LyricLine& l : lines_)
      if (l.start_ms < t && t < l.first_word_end_ms) return true;
    return false;
  }
  bool InsideLine(int64_t t) const {
    for (const LyricLine& l : lines_)
      if (l.first_word_end_ms <= t && t < l.end_ms - 200) return true;
    return false;
  }
  // Where a cut for this line goes: the beat just before its start when
  // within tolerance (and harmless), else the start itself.
  int64_t CutFor(const LyricLine& l, const std::vector<int64_t>& beats,
                 int64_t tol) const {
    auto it = std::upper_bound(beats.begin(), beats.end(), l.start_ms);
    if (it != beats.begin()) {
      int64_t b = *(it - 1);
      if (l.start_ms - b <= tol && !SplitsFirstWord(b)) return b;
    }
    return l.start_ms;
  }

 private:
  const std::vector<LyricLine>& lines_;
};

// Scene edges moved out of first-word windows, then edges that leave a
// scene shorter than a shot dropped.
std::vector<int64_t> SceneCuts(const std::vector<Section>& sections,
                               const LineIndex& idx,
                               const std::vector<LyricLine>& lines,
                               const SongAnalysis& a, const PlanLimits& lim) {
  std::vector<int64_t> cuts{0};
  for (size_t k = 1; k < sections.size(); ++k) {
    int64_t c = sections[k].start_ms;
    // A section's edge from the audio is approximate; a sung line starting
    // near it is where the new scene begins (a scene edge just before a
    // line would leave that line unable to start a shot).
    int64_t nearest = -1;
    for (const LyricLine& l : lines) {
      if (l.text.empty()) continue;
      int64_t t = idx.CutFor(l, a.beats_ms, lim.snap_tolerance_ms);
      if (std::abs(t - c) <= kSceneSnapMs &&
          (nearest < 0 || std::abs(t - c) < std::abs(nearest - c))) {
        nearest = t;
      }
    }
    if (nearest >= 0) c = nearest;
    for (const LyricLine& l : lines) {
      if (l.start_ms < c && c < l.first_word_end_ms) {
        c = idx.CutFor(l, a.beats_ms, lim.snap_tolerance_ms);
        break;
      }
    }
    if (c - cuts.back() >= lim.min_shot_ms &&
        a.duration_ms - c >= lim.min_shot_ms)
      cuts.push_back(c);
  }
  cuts.push_back(a.duration_ms);
  return cuts;
}

double Target(double energy_db, double median_db, const PlanLimits& lim) {
  double z = std::clamp((energy_db - median_db) / 6.0, -1.0, 1.0);
  double t = 4500 - 1500 * z;
  return std::clamp(t, static_cast<double>(lim.min_shot_ms),
                    (lim.min_shot_ms + lim.max_shot_ms) / 2.0);
}

std::vector<Cand> Candidates(int64_t s, int64_t e, const SongAnalysis& a,
                             const std::vector<LyricLine>& lines,
                             const LineIndex& idx, const PlanLimits& lim) {
  std::vector<Cand> c{{s, 0}, {e, 0}};
  int bar = 0;
  for (int64_t b : a.beats_ms) {
    if (b <= s || b >= e) continue;
    c.push_back({b, bar++ % 4 == 0 ? kBarCost : kBeatCost});
  }
  for (const LyricLine& l : lines) {
    int64_t t = idx.CutFor(l, a.beats_ms, lim.snap_tolerance_ms);
    if (t > s && t < e) c.push_back({t, kLineStartCost});
  }
  for (int64_t t = s + kGridMs; t < e; t += kGridMs)
    c.push_back({t, kGridCost});
  std::sort(c.begin(), c.end(), [](const Cand& x, const Cand& y) {
    return x.t != y.t ? x.t < y.t : x.cost < y.cost;
  });
  std::vector<Cand> out;
  for (const Cand& x : c) {
    if (!out.empty() && out.back().t == x.t) continue;  // keeps the cheapest
    if (x.t != s && x.t != e && idx.SplitsFirstWord(x.t)) continue;
    Cand y = x;
    if (x.t != e && idx.InsideLine(x.t)) y.cost += kInsideLineCost;
    out.push_back(y);
  }
  return out;
}

// Cut points from s to e (both included) by dynamic programming.
std::vector<int64_t> CutScene(int64_t s, int64_t e, double target,
                              const std::vector<Cand>& c, const PlanLimits& lim,
                              bool* fallback) {
  const double kInf = std::numeric_limits<double>::infinity();
  std::vector<double> best(c.size(), kInf);
  std::vector<size_t> from(c.size(), 0);
  best[0] = 0;
  for (size_t j = 1; j < c.size(); ++j) {
    for (size_t i = j; i-- > 0;) {
      int64_t d = c[j].t - c[i].t;
      if (d > lim.max_shot_ms) break;
      if (d < lim.min_shot_ms || best[i] == kInf) continue;
      double dev = (d - target) / target;
      double v = best[i] + 4 * dev * dev + c[j].cost;
      if (v < best[j]) best[j] = v, from[j] = i;
    }
  }
  std::vector<int64_t> cuts;
  if (best.back() == kInf) {
    *fallback = true;
    int64_t n =
        std::max<int64_t>(1, (e - s + lim.max_shot_ms - 1) / lim.max_shot_ms);
    for (int64_t k = 0; k <= n; ++k) cuts.push_back(s + (e - s) * k / n);
    return cuts;
  }
  for (size_t j = c.size() - 1;; j = from[j]) {
    cuts.push_back(c[j].t);
    if (j == 0) break;
  }
  std::reverse(cuts.begin(), cuts.end());
  return cuts;
}

std::string Snippet(const std::vector<LyricLine>& lines, int64_t s, int64_t e) {
  std::string out;
  for (const LyricLine& l : lines) {
    bool starts_here = l.start_ms >= s && l.start_ms < e;
    bool carries_on = l.start_ms < s && l.end_ms - s >= 300;
    if (!starts_here && !carries_on) continue;
    if (!out.empty()) out += " / ";
    out += l.text;
    // The schema's bound on lyricsSnippet (shots commit with it).
    if (out.size() >= kMaxSnippetBytes) break;
  }
  return TruncateUtf8(out, kMaxSnippetBytes);
}

bool SpanHasLyrics(const std::vector<LyricLine>& lines, int64_t s, int64_t e) {
  for (const LyricLine& l : lines) {
    if (l.start_ms >= s && l.start_ms < e) return true;
    if (std::min(l.end_ms, e) - std::max(l.start_ms, s) >= 1000) return true;
  }
  return false;
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Plain lyrics: the spans judged to carry singing (module comment in
// lyrics.h).
std::vector<Span> VocalSpans(const std::vector<Section>& sections) {
  std::vector<double> e;
  for (const Section& s : sections) e.push_back(s.energy_db);
  double med = Median(e);
  std::vector<Span> spans;
  for (size_t k = 0; k < sections.size(); ++k) {
    const Section& s = sections[k];
    bool edge = (k == 0 || k + 1 == sections.size()) && sections.size() > 2;
    if (edge && s.energy_db < med - 3) continue;
    if (s.energy_db < med - 6) continue;
    spans.push_back({s.start_ms, s.end_ms});
  }
  return spans;
}

}  // namespace

Result<Plan> PlanWithLyrics(const SongAnalysis& a, Lyrics lyrics,
                            const PlanLimits& lim) {
  RETURN_IF_ERROR(lim.Validate(), "planning");
  if (a.duration_ms < lim.min_shot_ms) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        fmt::format("the song lasts {:.1f} s; a plan needs at "
                    "least minShotMs ({:.1f} s)",
                    a.duration_ms / 1000.0, lim.min_shot_ms / 1000.0));
  }
  std::vector<Section> sections = SegmentSong(a, lim);
  if (lyrics.timed()) {
    FitLyricsToSong(lyrics, a.duration_ms);
  } else {
    PlaceUntimedLines(lyrics, VocalSpans(sections), a.beats_ms, a.duration_ms);
  }
  const std::vector<LyricLine>& lines = lyrics.lines;
  LineIndex idx(lines);
  std::vector<int64_t> scene_cuts = SceneCuts(sections, idx, lines, a, lim);

  Plan plan;
  plan.duration_ms = a.duration_ms;
  plan.tempo_bpm = a.tempo_bpm;
  plan.beats_ms = a.beats_ms;
  plan.warnings = lyrics.warnings;

  std::vector<SceneTraits> traits;
  std::vector<double> energies;
  for (size_t k = 0; k + 1 < scene_cuts.size(); ++k) {
    SceneTraits t;
    t.energy_db = MeanEnergyDb(a, scene_cuts[k], scene_cuts[k + 1]);
    t.vocal = SpanHasLyrics(lines, scene_cuts[k], scene_cuts[k + 1]);
    t.first = k == 0;
    t.last = k + 2 == scene_cuts.size();
    traits.push_back(t);
    energies.push_back(t.energy_db);
  }
  LabelScenes(traits);
  double median = Median(energies);
  bool fallback = false;
  int shot_no = 0;
  for (size_t k = 0; k + 1 < scene_cuts.size(); ++k) {
    int64_t s = scene_cuts[k], e = scene_cuts[k + 1];
    Scene scene;
    scene.scene_id = fmt::format("scene-{:02}", k + 1);
    scene.start_ms = s;
    scene.end_ms = e;
    scene.label = traits[k].label;
    scene.description = SceneDescription(traits[k], median);
    std::vector<Cand> c = Candidates(s, e, a, lines, idx, lim);
    std::vector<int64_t> cuts = CutScene(
        s, e, Target(traits[k].energy_db, median, lim), c, lim, &fallback);
    for (size_t i = 0; i + 1 < cuts.size(); ++i) {
      Shot shot;
      shot.shot_id = fmt::format("shot-{:03}", ++shot_no);
      shot.scene_id = scene.scene_id;
      shot.timestamps = {cuts[i], cuts[i + 1]};
      shot.lyrics_snippet = Snippet(lines, cuts[i], cuts[i + 1]);
      shot.status = ShotStatus::kDraft;
      ShotLook look = DescribeShot(traits[k], median, static_cast<int>(i),
                                   shot.lyrics_snippet);
      shot.description = std::move(look.description);
      shot.shows_miri = look.shows_miri;
      shot.end_state = std::move(look.end_state);
      plan.shots.push_back(std::move(shot));
    }
    plan.scenes.push_back(std::move(scene));
  }
  if (fallback) {
    plan.warnings.push_back({"SHOT_FALLBACK",
                             "a scene could not be cut on beats or lyrics; "
                             "it was split evenly"});
  }
  return plan;
}

Result<Plan> PlanFromAnalysis(const SongAnalysis& a, std::string_view text,
                              std::string_view format, const PlanLimits& lim) {
  ASSIGN_OR_RETURN(LyricsFormat f, ParseLyricsFormatName(format, text),
                   "planning");
  ASSIGN_OR_RETURN(Lyrics lyrics, ParseLyrics(text, f), "planning");
  return PlanWithLyrics(a, std::move(lyrics), lim);
}

Result<void> CheckTiling(const Plan& p, const PlanLimits& lim) {
  std::vector<FieldIssue> issues;
  auto add = [&](std::string path, std::string msg) {
    issues.push_back({std::move(path), std::move(msg)});
  };
  if (p.shots.empty()) add("shots", "no shots");
  if (p.scenes.empty()) add("scenes", "no scenes");
  int64_t at = 0;
  for (size_t i = 0; i < p.shots.size(); ++i) {
    const Timestamps& t = p.shots[i].timestamps;
    std::string path = fmt::format("shots[{}]", i);
    if (t.start_ms != at)
      add(path + ".timestamps.startMs",
          fmt::format("is {}, expected {} (gap or overlap)", t.start_ms, at));
    int64_t d = t.end_ms - t.start_ms;
    if (d < lim.min_shot_ms || d > lim.max_shot_ms)
      add(path, fmt::format("lasts {} ms, outside {}..{}", d, lim.min_shot_ms,
                            lim.max_shot_ms));
    at = t.end_ms;
  }
  if (at != p.duration_ms)
    add("shots",
        fmt::format("end at {} ms, the song at {}", at, p.duration_ms));
  at = 0;
  size_t shot = 0;
  for (size_t k = 0; k < p.scenes.size(); ++k) {
    const Scene& s = p.scenes[k];
    std::string path = fmt::format("scenes[{}]", k);
    if (s.start_ms != at) add(path + ".startMs", "gap or overlap");
    at = s.end_ms;
    while (shot < p.shots.size() &&
           p.shots[shot].timestamps.end_ms <= s.end_ms) {
      if (p.shots[shot].scene_id != s.scene_id)
        add(fmt::format("shots[{}].sceneId", shot),
            "is \"" + p.shots[shot].scene_id + "\", expected \"" + s.scene_id +
                "\"");
      ++shot;
    }
    if (shot > 0 && p.shots[shot - 1].timestamps.end_ms != s.end_ms)
      add(path + ".endMs", "does not fall on a shot boundary");
  }
  if (at != p.duration_ms) add("scenes", "do not end at the song's end");
  if (!issues.empty()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "the plan does not tile the song", std::move(issues));
  }
  return {};
}

}  // namespace miri
