#include "adapters/ffmpeg/libav_util.h"

#include <mutex>

extern "C" {
#include <libavutil/error.h>
#include <libavutil/log.h>
}

namespace miri::ffmpeg {

std::string AvErrorString(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(code, buf, sizeof(buf));
  return buf;
}

tl::unexpected<Error> AvError(ErrorCode code, std::string_view what,
                              int av_code) {
  return MakeError(code, std::string(what) + ": " + AvErrorString(av_code));
}

Result<InputPtr> OpenInput(const std::string& path, std::string_view what) {
  QuietLibavLogs();
  AVFormatContext* raw = nullptr;
  int rc = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (rc < 0) {
    ErrorCode code = rc == AVERROR(ENOENT) ? ErrorCode::kNotFound
                                           : ErrorCode::kInvalidArgument;
    return AvError(code, std::string(what) + " (" + path + ")", rc);
  }
  InputPtr input(raw);
  rc = avformat_find_stream_info(input.get(), nullptr);
  if (rc < 0) {
    return AvError(ErrorCode::kInvalidArgument,
                   std::string(what) + " (" + path + "): reading stream info",
                   rc);
  }
  return input;
}

Result<CodecPtr> OpenDecoder(AVFormatContext* input, int index,
                             std::string_view what) {
  const AVCodecParameters* par = input->streams[index]->codecpar;
  const AVCodec* codec = avcodec_find_decoder(par->codec_id);
  if (codec == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(what) + ": no decoder for codec " +
                         avcodec_get_name(par->codec_id));
  }
  CodecPtr ctx(avcodec_alloc_context3(codec));
  int rc = avcodec_parameters_to_context(ctx.get(), par);
  if (rc < 0) return AvError(ErrorCode::kInternal, what, rc);
  ctx->pkt_timebase = input->streams[index]->time_base;
  ctx->thread_count = 0;
  rc = avcodec_open2(ctx.get(), codec, nullptr);
  if (rc < 0) {
    return AvError(ErrorCode::kInvalidArgument,
                   std::string(what) + ": opening decoder", rc);
  }
  return ctx;
}

void QuietLibavLogs() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_level(AV_LOG_ERROR); });
}

}  // namespace miri::ffmpeg
