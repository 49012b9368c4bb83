// Fitting a constant-tempo beat grid to a song. aubio's tracker reads a
// little fast, misses the first seconds and may lock to off-beats
// (platform-notes.md); a grid fitted to the onset envelope fixes all three
// when the song keeps a steady tempo, which the fit checks.
#ifndef MIRI_ADAPTERS_AUBIO_BEAT_GRID_H_
#define MIRI_ADAPTERS_AUBIO_BEAT_GRID_H_

#include <cstdint>
#include <vector>

namespace miri {

// Onset strength per analysis hop; `time_of_first_ms` is when hop 0's
// value is centred.
struct OnsetEnvelope {
  double hop_ms = 0;
  double time_of_first_ms = 0;
  std::vector<float> low;   // spectral flux below ~200 Hz (kick, bass)
  std::vector<float> full;  // spectral flux of the whole spectrum
};

struct BeatTrack {
  double tempo_bpm = 0;
  std::vector<int64_t> beats_ms;
  bool grid = false;  // true when a constant-tempo grid was fitted
};

// `raw_beats_ms`: the tracker's beats. With fewer than 4 there is no pulse
// (tempo 0, no beats). When a grid explains most raw beats (within 70 ms),
// returns the grid across the whole song; otherwise the raw beats and their
// median tempo.
BeatTrack FitBeats(const std::vector<double>& raw_beats_ms,
                   const OnsetEnvelope& env, int64_t duration_ms);

}  // namespace miri

#endif  // MIRI_ADAPTERS_AUBIO_BEAT_GRID_H_
