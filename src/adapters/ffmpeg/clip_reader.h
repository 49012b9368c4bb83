// ClipReader: decodes a clip's video and serves it on the output frame grid:
// FrameAt(k) is the picture the clip shows k/fps seconds after its first
// frame, scaled (aspect kept) and padded black to the output size, yuv420p.
// Past the clip's end it holds the last frame. Works for any input frame
// rate, including variable: the frame chosen for output time t is the last
// one whose timestamp is at most t + half an output frame (as the ffmpeg
// `fps` filter rounds).
//
// Adapter-internal; one thread drives a reader.
#ifndef MIRI_ADAPTERS_FFMPEG_CLIP_READER_H_
#define MIRI_ADAPTERS_FFMPEG_CLIP_READER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "adapters/ffmpeg/frame_source.h"
#include "adapters/ffmpeg/libav_util.h"
#include "domain/result.h"

namespace miri::ffmpeg {

class ClipReader final : public FrameSource {
 public:
  // Fails (naming `path`) when the file is missing, corrupt, has no video
  // stream, or no frame of it decodes. `draft` (the animatic) trades
  // picture for speed: no deblocking, non-reference frames skipped (the
  // previous picture holds for them) and a bilinear scaler; the frame
  // grid is the same.
  static Result<std::unique_ptr<ClipReader>> Open(const std::string& path,
                                                  int width, int height,
                                                  int fps, bool draft = false);

  // The frame for output index k (k never decreases between calls). The
  // frame stays owned by the reader and valid until the next call.
  Result<AVFrame*> FrameAt(int64_t k) override;

  // Frames decoded so far (for tests and statistics).
  int64_t frames_decoded() const override { return decoded_; }

 private:
  ClipReader() = default;
  // Decodes the next frame into next_; false at the end of the clip.
  Result<bool> DecodeNext();
  // Converts cur_ to the output format (or passes it through).
  Result<AVFrame*> Convert();
  // True when next_ is due at output index k.
  bool Due(int64_t pts, int64_t k) const;

  std::string path_;
  int width_ = 0, height_ = 0, fps_ = 24;
  InputPtr input_;
  CodecPtr decoder_;
  int stream_index_ = -1;
  AVRational time_base_{1, 1};
  PacketPtr packet_;
  FramePtr cur_, next_, scaled_;
  bool have_next_ = false;
  bool eof_ = false;
  bool scaled_fresh_ = false;  // scaled_ holds cur_ already
  int64_t origin_pts_ = 0;     // the first frame's timestamp
  int64_t last_pts_ = 0;       // for frames without timestamps
  int64_t decoded_ = 0;
  SwsPtr sws_;
  int sws_w_ = 0, sws_h_ = 0, sws_fmt_ = -1;
  int sws_flags_ = SWS_BICUBIC;
};

}  // namespace miri::ffmpeg

#endif  // MIRI_ADAPTERS_FFMPEG_CLIP_READER_H_
