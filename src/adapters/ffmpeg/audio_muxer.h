// AudioMuxer: feeds a song into an output container as its audio track,
// either stream-copied or re-encoded to AAC, interleaved with the video by
// the caller asking for audio up to a time. Adapter-internal.
#ifndef MIRI_ADAPTERS_FFMPEG_AUDIO_MUXER_H_
#define MIRI_ADAPTERS_FFMPEG_AUDIO_MUXER_H_

#include <memory>
#include <string>

#include "adapters/ffmpeg/libav_util.h"
#include "adapters/ffmpeg/video_writer.h"

struct AVAudioFifo;

namespace miri::ffmpeg {

class AudioMuxer {
 public:
  // Opens the song and adds its output stream to `out` (before the header).
  static Result<std::unique_ptr<AudioMuxer>> Open(const std::string& song,
                                                  AudioMode mode, int bitrate,
                                                  AVFormatContext* out);
  ~AudioMuxer();

  // Writes audio packets until the song reaches `seconds` (or its end).
  Result<void> WriteUntil(double seconds);
  // Writes the rest of the song (and flushes the AAC encoder).
  Result<void> Finish();

 private:
  AudioMuxer() = default;
  Result<void> AddCopyStream();
  Result<void> AddAacStream(int bitrate);
  // Reads one packet of the song; false at its end.
  Result<bool> Pump();
  Result<void> EncodeFifo(bool flush);
  Result<void> DrainEncoder();
  double WrittenSeconds() const;

  AudioMode mode_ = AudioMode::kCopy;
  AVFormatContext* out_ = nullptr;  // not owned
  InputPtr in_;
  int in_index_ = -1;
  AVStream* stream_ = nullptr;
  CodecPtr decoder_;
  CodecPtr encoder_;
  SwrPtr swr_;
  AVAudioFifo* fifo_ = nullptr;
  PacketPtr packet_;
  FramePtr frame_;
  int64_t next_sample_ = 0;   // AAC: samples sent to the encoder
  int64_t last_pts_out_ = 0;  // in stream_ time base
  bool eof_ = false;
};

}  // namespace miri::ffmpeg

#endif  // MIRI_ADAPTERS_FFMPEG_AUDIO_MUXER_H_
