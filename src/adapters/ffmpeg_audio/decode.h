// Decoding of song files (MP3, WAV, FLAC, OGG, M4A, anything libav* reads)
// to mono float PCM, with the refusals the upload path needs: not audio,
// truncated or corrupt, zero length, too long, too large.
//
// Thread-safety: DecodeAudioFile may run on several threads at once.
#ifndef MIRI_ADAPTERS_FFMPEG_AUDIO_DECODE_H_
#define MIRI_ADAPTERS_FFMPEG_AUDIO_DECODE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "domain/result.h"

namespace miri {

struct DecodeLimits {
  int64_t max_duration_ms = 15 * 60 * 1000;      // longest song accepted
  int64_t max_file_bytes = 100LL * 1024 * 1024;  // the upload cap
  int sample_rate = 22050;                       // output rate, Hz
};

// Mono PCM in [-1, 1].
struct PcmAudio {
  int sample_rate = 0;
  std::vector<float> samples;
  std::string format_name;  // the demuxer's name, e.g. "mp3", "wav"
  int64_t DurationMs() const {
    return sample_rate == 0
               ? 0
               : static_cast<int64_t>(samples.size()) * 1000 / sample_rate;
  }
};

// Decodes the whole file. Errors are INVALID_ARGUMENT whose message names
// the problem and the file ("song.mp3: truncated: ..."), NOT_FOUND when the
// file does not exist, RESOURCE_EXHAUSTED for the duration and size caps.
Result<PcmAudio> DecodeAudioFile(const std::string& path,
                                 const DecodeLimits& limits = {});

}  // namespace miri

#endif  // MIRI_ADAPTERS_FFMPEG_AUDIO_DECODE_H_
