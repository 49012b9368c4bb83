// Local song analysis with aubio: tempo, beats (refined by a fitted grid,
// beat_grid.h), onsets, and per-frame features (MFCC, energy) for section
// segmentation.
#ifndef MIRI_ADAPTERS_AUBIO_ANALYZE_H_
#define MIRI_ADAPTERS_AUBIO_ANALYZE_H_

#include <string>

#include "adapters/ffmpeg_audio/decode.h"
#include "domain/result.h"
#include "ports/director.h"

namespace miri {

// Analyses decoded audio. Hop and window follow the sample rate (512/2048
// at 44.1 kHz, 256/1024 at 22.05 kHz); features come every 4 hops.
Result<SongAnalysis> AnalyzePcm(const PcmAudio& pcm);

// SongAnalyzer over files: decodes with libav* (DecodeAudioFile, with its
// refusals), then AnalyzePcm. Stateless; safe to share across threads.
// Decodes at 11025 Hz: beats, onsets and timbre need nothing higher, and
// it halves the analysis time (bench/planner).
// Thread-safe: every call decodes and analyses with objects of its own.
class AubioSongAnalyzer final : public SongAnalyzer {
 public:
  static constexpr int kSampleRate = 11025;
  explicit AubioSongAnalyzer(DecodeLimits limits = {}) : limits_(limits) {
    limits_.sample_rate = kSampleRate;
  }
  Result<SongAnalysis> Analyze(const std::string& audio_path) override;

 private:
  DecodeLimits limits_;
};

}  // namespace miri

#endif  // MIRI_ADAPTERS_AUBIO_ANALYZE_H_
