// Small RAII helpers around libav* handles, shared by the FFmpeg adapter's
// files. Adapter-internal: other layers never see libav types.
#ifndef MIRI_ADAPTERS_FFMPEG_LIBAV_UTIL_H_
#define MIRI_ADAPTERS_FFMPEG_LIBAV_UTIL_H_

#include <memory>
#include <string>
#include <string_view>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

#include "domain/result.h"

namespace miri::ffmpeg {

struct InputCloser {
  void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
struct CodecCloser {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFree {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFree {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsFree {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
struct SwrFree {
  void operator()(SwrContext* s) const { swr_free(&s); }
};

using InputPtr = std::unique_ptr<AVFormatContext, InputCloser>;
using CodecPtr = std::unique_ptr<AVCodecContext, CodecCloser>;
using FramePtr = std::unique_ptr<AVFrame, FrameFree>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFree>;
using SwsPtr = std::unique_ptr<SwsContext, SwsFree>;
using SwrPtr = std::unique_ptr<SwrContext, SwrFree>;

inline FramePtr MakeFrame() { return FramePtr(av_frame_alloc()); }
inline PacketPtr MakePacket() { return PacketPtr(av_packet_alloc()); }

// "Invalid data found when processing input" for an AVERROR code.
std::string AvErrorString(int code);

// An error for a failed libav call: "<what>: <libav message>".
tl::unexpected<Error> AvError(ErrorCode code, std::string_view what,
                              int av_code);

// Opens `path` and finds stream info. `what` names the file in errors.
Result<InputPtr> OpenInput(const std::string& path, std::string_view what);

// Opens a decoder for stream `index` of `input` (thread_count 0 = auto).
Result<CodecPtr> OpenDecoder(AVFormatContext* input, int index,
                             std::string_view what);

// Quiets libav's log (once per process) to errors only.
void QuietLibavLogs();

}  // namespace miri::ffmpeg

#endif  // MIRI_ADAPTERS_FFMPEG_LIBAV_UTIL_H_
