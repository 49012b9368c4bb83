#include "adapters/aubio/beat_grid.h"

#include <cmath>

#include <gtest/gtest.h>

namespace miri {
namespace {

// An envelope with spikes at the given times (kick in the low band when
// `low`, hats only in the full band otherwise).
OnsetEnvelope Spikes(const std::vector<double>& kicks,
                     const std::vector<double>& hats, double duration_ms) {
  OnsetEnvelope e;
  e.hop_ms = 10;
  size_t n = static_cast<size_t>(duration_ms / e.hop_ms);
  e.low.assign(n, 0.01f);
  e.full.assign(n, 0.01f);
  for (double t : kicks) {
    size_t i = static_cast<size_t>(std::lround(t / e.hop_ms));
    if (i < n) e.low[i] += 1, e.full[i] += 1;
  }
  for (double t : hats) {
    size_t i = static_cast<size_t>(std::lround(t / e.hop_ms));
    if (i < n) e.full[i] += 1.5;
  }
  return e;
}

TEST(BeatGridTest, FewerThanFourBeatsIsNoPulse) {
  BeatTrack t = FitBeats({100, 600, 1100}, Spikes({}, {}, 2000), 2000);
  EXPECT_EQ(t.tempo_bpm, 0);
  EXPECT_TRUE(t.beats_ms.empty());
}

TEST(BeatGridTest, FitsAGridAndFillsTheStart) {
  std::vector<double> kicks, raw;
  for (double t = 250; t < 30000; t += 600) kicks.push_back(t);  // 100 BPM
  // The tracker starts late and wobbles around the kicks.
  for (size_t i = 4; i < kicks.size(); ++i)
    raw.push_back(kicks[i] + (i % 3) * 15.0 - 15);
  BeatTrack t = FitBeats(raw, Spikes(kicks, {}, 30000), 30000);
  EXPECT_TRUE(t.grid);
  EXPECT_NEAR(t.tempo_bpm, 100, 0.5);
  ASSERT_FALSE(t.beats_ms.empty());
  EXPECT_NEAR(t.beats_ms.front(), 250, 10);
  EXPECT_NEAR(t.beats_ms.back(), kicks.back(), 15);
}

TEST(BeatGridTest, PrefersKicksOverOffBeatHats) {
  std::vector<double> kicks, hats, raw;
  for (double t = 0; t < 20000; t += 500) {
    kicks.push_back(t);
    hats.push_back(t + 250);
    raw.push_back(t + 250);  // the tracker locked to the hats
  }
  BeatTrack t = FitBeats(raw, Spikes(kicks, hats, 20000), 20000);
  ASSERT_FALSE(t.beats_ms.empty());
  EXPECT_NEAR(t.beats_ms[0] % 500, 0, 10);
}

TEST(BeatGridTest, AnUnsteadySongKeepsTheTrackersBeats) {
  std::vector<double> raw;
  double t = 0;
  for (int i = 0; i < 40; ++i) raw.push_back(t += 400 + 10 * i);  // slows
  BeatTrack b = FitBeats(raw, Spikes(raw, {}, 25000), 25000);
  EXPECT_FALSE(b.grid);
  EXPECT_EQ(b.beats_ms.size(), raw.size());
}

}  // namespace
}  // namespace miri
