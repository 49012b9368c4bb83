#include "adapters/aubio/beat_grid.h"

#include <algorithm>
#include <cmath>

namespace miri {

namespace {

// Mean envelope on the beats over the mean envelope: below this there is
// no pulse to speak of.
constexpr double kMinContrast = 1.25;

// Combined, normalised envelope: the low band weighs double so a kick on
// the beat outranks hi-hats between beats.
std::vector<float> Combined(const OnsetEnvelope& env) {
  auto mean = [](const std::vector<float>& v) {
    double s = 0;
    for (float x : v) s += x;
    return v.empty() ? 1.0 : std::max(s / v.size(), 1e-9);
  };
  double ml = mean(env.low), mf = mean(env.full);
  std::vector<float> e(std::min(env.low.size(), env.full.size()));
  for (size_t i = 0; i < e.size(); ++i)
    e[i] = static_cast<float>(2 * env.low[i] / ml + env.full[i] / mf);
  return e;
}

class GridScorer {
 public:
  GridScorer(const std::vector<float>& e, const OnsetEnvelope& env,
             double duration_ms)
      : e_(e),
        hop_(env.hop_ms),
        t0_(env.time_of_first_ms),
        duration_(duration_ms) {}

  // Mean envelope at phase + k * period across the song.
  double Score(double period, double phase) const {
    double sum = 0;
    int n = 0;
    for (double t = phase; t < duration_; t += period, ++n) sum += At(t);
    return n == 0 ? 0 : sum / n;
  }

  // The envelope at time t, interpolated between hops.
  double At(double t) const {
    double x = (t - t0_) / hop_;
    if (x < 0 || x >= e_.size() - 1.0) return 0;
    size_t i = static_cast<size_t>(x);
    double f = x - i;
    return e_[i] * (1 - f) + e_[i + 1] * f;
  }

 private:
  const std::vector<float>& e_;
  double hop_, t0_, duration_;
};

double Median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

// Best (period, phase) in the given ranges and steps.
void Search(const GridScorer& s, double p_lo, double p_hi, double p_step,
            double ph_lo, double ph_hi, double ph_step, double* best_p,
            double* best_ph) {
  double best = -1;
  for (double p = p_lo; p <= p_hi; p += p_step) {
    for (double ph = ph_lo; ph < ph_hi; ph += ph_step) {
      double sc = s.Score(p, ph < 0 ? ph + p : ph);
      if (sc > best) best = sc, *best_p = p, *best_ph = ph < 0 ? ph + p : ph;
    }
  }
}

}  // namespace

BeatTrack FitBeats(const std::vector<double>& raw, const OnsetEnvelope& env,
                   int64_t duration_ms) {
  BeatTrack out;
  if (raw.size() < 4) return out;
  std::vector<double> ioi;
  for (size_t i = 1; i < raw.size(); ++i) ioi.push_back(raw[i] - raw[i - 1]);
  double p0 = Median(ioi);
  auto raw_result = [&] {
    out.tempo_bpm = 60000.0 / p0;
    for (double b : raw) out.beats_ms.push_back(std::llround(b));
    return out;
  };
  if (p0 <= 0 || env.hop_ms <= 0 || env.low.empty()) return raw_result();

  std::vector<float> e = Combined(env);
  GridScorer scorer(e, env, static_cast<double>(duration_ms));
  double hop = env.hop_ms;
  double p = p0, ph = 0;
  // Coarse to fine; the period step keeps the drift across the song under
  // a hop or so at each stage.
  Search(scorer, p0 * 0.96, p0 * 1.04, 0.2, 0, p0, hop, &p, &ph);
  double p1 = p, ph1 = ph;
  Search(scorer, p1 - 0.3, p1 + 0.3, 0.02, ph1 - hop, ph1 + hop, hop / 8, &p,
         &ph);

  // Evidence of a pulse: the envelope on the beats stands out.
  double mean = 0;
  for (float x : e) mean += x;
  mean = std::max(mean / e.size(), 1e-9);
  auto contrast = [&](const std::vector<double>& beats) {
    double sum = 0;
    for (double b : beats) sum += scorer.At(b);
    return beats.empty() ? 0 : sum / beats.size() / mean;
  };
  // A steady song: most tracker beats sit on the grid, or half a beat off
  // it when the tracker locked to off-beats.
  int on_grid = 0;
  for (double b : raw) {
    double half = p / 2;
    double k = std::round((b - ph) / half);
    if (std::abs(b - (ph + k * half)) <= 70) ++on_grid;
  }
  if (on_grid < 0.6 * raw.size() || scorer.Score(p, ph) / mean < kMinContrast) {
    if (contrast(raw) < kMinContrast) return out;  // no pulse
    return raw_result();
  }
  ph = std::fmod(ph, p);
  if (ph - p > -2 * hop) ph = std::max(0.0, ph - p);  // a beat at the start
  out.grid = true;
  out.tempo_bpm = 60000.0 / p;
  for (double t = ph; t < duration_ms; t += p) {
    out.beats_ms.push_back(std::llround(t));
  }
  return out;
}

}  // namespace miri
