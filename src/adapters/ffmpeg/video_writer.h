// VideoWriter: encodes frames to an H.264 (libx264, yuv420p) MP4 with
// faststart, optionally muxing a song as its audio track, in one pass.
//
// The file is written under a temporary name beside the output and renamed
// to the final name only by a successful Finish(); a writer destroyed
// before that removes its temporary file, so a failed render never leaves a
// partial file under the final name.
//
// Usage:
//   ASSIGN_OR_RETURN(auto w, VideoWriter::Open(opts), "render");
//   FramePtr f = w->AllocFrame();        // yuv420p, opts' size
//   ... fill f, then w->WriteFrame(f.get()) once per output frame ...
//   RETURN_IF_ERROR(w->Finish(), "render");
// WriteFrame stamps the frame's pts (the frame index) and may be given the
// same frame again to repeat it. Not thread-safe: one thread drives it.
#ifndef MIRI_ADAPTERS_FFMPEG_VIDEO_WRITER_H_
#define MIRI_ADAPTERS_FFMPEG_VIDEO_WRITER_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/ffmpeg/libav_util.h"
#include "adapters/ffmpeg/subtitle_muxer.h"
#include "domain/result.h"

namespace miri::ffmpeg {

enum class AudioMode {
  kCopy,  // the song's stream copied as is (MP3 in MP4), bit-exact
  kAac,   // the song decoded and encoded to AAC-LC
};

struct VideoWriterOptions {
  std::filesystem::path output;
  int width = 1920;
  int height = 1080;
  int fps = 24;
  std::string preset = "veryfast";  // an x264 preset
  int crf = 20;
  int threads = 0;  // x264 threads; 0 = one per core (auto)
  std::optional<std::filesystem::path> audio;  // none = silent video
  AudioMode audio_mode = AudioMode::kCopy;
  int aac_bitrate = 192'000;
  // A soft subtitle track (mov_text) with these cues; empty: none.
  std::vector<SubtitleCue> subtitles;
};

class AudioMuxer;  // video_writer_audio.cc

class VideoWriter {
 public:
  static Result<std::unique_ptr<VideoWriter>> Open(
      const VideoWriterOptions& options);
  ~VideoWriter();
  VideoWriter(const VideoWriter&) = delete;
  VideoWriter& operator=(const VideoWriter&) = delete;

  // A writable yuv420p frame of the output size, filled black.
  FramePtr AllocFrame() const;

  // Encodes `frame` (yuv420p, output size) as the next frame.
  Result<void> WriteFrame(AVFrame* frame);

  // Flushes the encoder, writes the rest of the audio, the trailer (moving
  // the index to the front) and renames the file to its final name.
  Result<void> Finish();

  int64_t frames_written() const { return next_pts_; }
  const std::filesystem::path& temp_path() const { return temp_path_; }

 private:
  explicit VideoWriter(VideoWriterOptions options);
  Result<void> Init();
  Result<void> OpenEncoder();
  Result<void> DrainPackets(bool flushing);

  VideoWriterOptions options_;
  std::filesystem::path temp_path_;
  AVFormatContext* out_ = nullptr;  // owned; closed in the destructor
  CodecPtr encoder_;
  AVStream* video_stream_ = nullptr;
  std::unique_ptr<AudioMuxer> audio_;
  std::unique_ptr<SubtitleMuxer> subtitles_;
  PacketPtr packet_;
  int64_t next_pts_ = 0;
  bool finished_ = false;
};

}  // namespace miri::ffmpeg

#endif  // MIRI_ADAPTERS_FFMPEG_VIDEO_WRITER_H_
