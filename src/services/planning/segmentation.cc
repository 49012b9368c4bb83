#include "services/planning/segmentation.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace miri {

namespace {

constexpr int kContextBeats = 8;
constexpr int64_t kMaxSectionMs = 40000;
constexpr int64_t kFallbackStepMs = 500;  // interval length without beats

// Interval boundaries: 0, the beats, the end.
std::vector<int64_t> Grid(const SongAnalysis& a) {
  std::vector<int64_t> g{0};
  if (a.beats_ms.size() >= 4) {
    for (int64_t b : a.beats_ms)
      if (b > g.back() && b < a.duration_ms) g.push_back(b);
  } else {
    for (int64_t t = kFallbackStepMs; t < a.duration_ms; t += kFallbackStepMs)
      g.push_back(t);
  }
  g.push_back(a.duration_ms);
  return g;
}

// Row range [first, last) of the feature rows centred in [s, e).
std::pair<size_t, size_t> Rows(const SongAnalysis& a, int64_t s, int64_t e) {
  if (a.frame_ms <= 0) return {0, 0};
  size_t n = a.energy_db.size();
  auto row = [&](int64_t t) {
    double r = std::ceil(t / a.frame_ms - 0.5);
    return std::min(n, static_cast<size_t>(std::max(0.0, r)));
  };
  return {row(s), row(e)};
}

// Beat-synchronous, z-scored features: one row per interval; the energy
// column counts double.
std::vector<std::vector<double>> IntervalFeatures(
    const SongAnalysis& a, const std::vector<int64_t>& g) {
  const int dims = a.dims + 1;
  std::vector<std::vector<double>> f(g.size() - 1,
                                     std::vector<double>(dims, 0));
  for (size_t i = 0; i + 1 < g.size(); ++i) {
    auto [r0, r1] = Rows(a, g[i], g[i + 1]);
    if (r1 <= r0) {
      if (r0 >= a.energy_db.size()) continue;
      r1 = r0 + 1;
    }
    for (size_t r = r0; r < r1; ++r) {
      for (int d = 0; d < a.dims; ++d) f[i][d] += a.features[r * a.dims + d];
      f[i][a.dims] += a.energy_db[r];
    }
    for (double& x : f[i]) x /= static_cast<double>(r1 - r0);
  }
  for (int d = 0; d < dims; ++d) {
    double mean = 0, var = 0;
    for (const auto& row : f) mean += row[d];
    mean /= f.size();
    for (const auto& row : f) var += (row[d] - mean) * (row[d] - mean);
    double sd = std::sqrt(var / f.size()) + 1e-9;
    double w = d == a.dims ? 2.0 : 1.0;
    for (auto& row : f) row[d] = w * (row[d] - mean) / sd;
  }
  return f;
}

std::vector<double> Novelty(const std::vector<std::vector<double>>& f) {
  std::vector<double> nov(f.size() + 1, 0);
  if (f.empty()) return nov;
  const size_t dims = f[0].size();
  for (size_t j = 1; j < f.size(); ++j) {
    size_t lo = j >= kContextBeats ? j - kContextBeats : 0;
    size_t hi = std::min(f.size(), j + kContextBeats);
    double dist = 0;
    for (size_t d = 0; d < dims; ++d) {
      double before = 0, after = 0;
      for (size_t i = lo; i < j; ++i) before += f[i][d];
      for (size_t i = j; i < hi; ++i) after += f[i][d];
      double diff = before / (j - lo) - after / (hi - j);
      dist += diff * diff;
    }
    nov[j] = std::sqrt(dist);
  }
  return nov;
}

}  // namespace

double MeanEnergyDb(const SongAnalysis& a, int64_t start_ms, int64_t end_ms) {
  auto [r0, r1] = Rows(a, start_ms, end_ms);
  if (r1 <= r0)
    return a.energy_db.empty()
               ? -120.0
               : a.energy_db[std::min(r0, a.energy_db.size() - 1)];
  double s = 0;
  for (size_t r = r0; r < r1; ++r) s += a.energy_db[r];
  return s / (r1 - r0);
}

std::vector<Section> SegmentSong(const SongAnalysis& a,
                                 const PlanLimits& limits) {
  const int64_t min_len = limits.min_scene_ms;
  std::vector<int64_t> cuts{0, a.duration_ms};
  if (a.duration_ms >= 2 * min_len && !a.energy_db.empty()) {
    std::vector<int64_t> g = Grid(a);
    std::vector<double> nov = Novelty(IntervalFeatures(a, g));
    double mean = std::accumulate(nov.begin(), nov.end(), 0.0) / nov.size();
    std::vector<size_t> order(g.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t x, size_t y) { return nov[x] > nov[y]; });
    auto fits = [&](int64_t t) {
      for (int64_t c : cuts)
        if (std::llabs(c - t) < min_len) return false;
      return true;
    };
    for (size_t j : order) {
      if (j == 0 || j + 1 >= g.size()) continue;
      if (nov[j] > mean && fits(g[j])) cuts.push_back(g[j]);
    }
    std::sort(cuts.begin(), cuts.end());
    // Split over-long sections at their strongest interior novelty.
    for (bool split = true; split;) {
      split = false;
      for (size_t k = 0; k + 1 < cuts.size(); ++k) {
        if (cuts[k + 1] - cuts[k] <= kMaxSectionMs) continue;
        size_t best = 0;
        for (size_t j = 1; j + 1 < g.size(); ++j) {
          if (g[j] - cuts[k] >= min_len && cuts[k + 1] - g[j] >= min_len &&
              (best == 0 || nov[j] > nov[best]))
            best = j;
        }
        if (best == 0) continue;
        cuts.insert(cuts.begin() + k + 1, g[best]);
        split = true;
        break;
      }
    }
  }
  std::vector<Section> out;
  for (size_t k = 0; k + 1 < cuts.size(); ++k) {
    out.push_back(
        {cuts[k], cuts[k + 1], MeanEnergyDb(a, cuts[k], cuts[k + 1])});
  }
  return out;
}

}  // namespace miri
