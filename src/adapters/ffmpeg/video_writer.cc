#include "adapters/ffmpeg/video_writer.h"

#include <unistd.h>

#include <cstring>
#include <system_error>

extern "C" {
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
}

#include "adapters/ffmpeg/audio_muxer.h"

namespace miri::ffmpeg {

namespace {

// "<dir>/.<name>.<pid>.tmp.mp4": beside the output (same file system, so
// the final rename is atomic), hidden, and still recognisably MP4 to libav.
std::filesystem::path TempPathFor(const std::filesystem::path& out) {
  std::filesystem::path dir = out.parent_path();
  std::string name = "." + out.filename().string() + "." +
                     std::to_string(::getpid()) + ".tmp.mp4";
  return dir.empty() ? std::filesystem::path(name) : dir / name;
}

}  // namespace

VideoWriter::VideoWriter(VideoWriterOptions options)
    : options_(std::move(options)), temp_path_(TempPathFor(options_.output)) {}

VideoWriter::~VideoWriter() {
  if (out_ != nullptr) {
    if (out_->pb != nullptr) avio_closep(&out_->pb);
    avformat_free_context(out_);
  }
  if (!finished_) {
    std::error_code ec;
    std::filesystem::remove(temp_path_, ec);
  }
}

Result<std::unique_ptr<VideoWriter>> VideoWriter::Open(
    const VideoWriterOptions& options) {
  QuietLibavLogs();
  std::unique_ptr<VideoWriter> w(new VideoWriter(options));
  RETURN_IF_ERROR(w->Init(), "writing " + options.output.string());
  return w;
}

Result<void> VideoWriter::Init() {
  packet_ = MakePacket();
  int rc =
      avformat_alloc_output_context2(&out_, nullptr, "mp4", temp_path_.c_str());
  if (rc < 0) return AvError(ErrorCode::kInternal, "output context", rc);
  RETURN_IF_ERROR(OpenEncoder(), "video encoder");
  if (options_.audio) {
    ASSIGN_OR_RETURN(
        audio_,
        AudioMuxer::Open(options_.audio->string(), options_.audio_mode,
                         options_.aac_bitrate, out_),
        "audio");
  }
  if (!options_.subtitles.empty()) {
    ASSIGN_OR_RETURN(subtitles_, SubtitleMuxer::Open(options_.subtitles, out_),
                     "captions");
  }
  rc = avio_open(&out_->pb, temp_path_.c_str(), AVIO_FLAG_WRITE);
  if (rc < 0) {
    return AvError(ErrorCode::kUnavailable, "opening " + temp_path_.string(),
                   rc);
  }
  AVDictionary* mux_opts = nullptr;
  av_dict_set(&mux_opts, "movflags", "+faststart", 0);
  rc = avformat_write_header(out_, &mux_opts);
  av_dict_free(&mux_opts);
  if (rc < 0) return AvError(ErrorCode::kInternal, "writing header", rc);
  return {};
}

Result<void> VideoWriter::OpenEncoder() {
  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  if (codec == nullptr)
    return MakeError(ErrorCode::kInternal, "libavcodec lacks libx264");
  encoder_.reset(avcodec_alloc_context3(codec));
  AVCodecContext* c = encoder_.get();
  c->width = options_.width;
  c->height = options_.height;
  c->pix_fmt = AV_PIX_FMT_YUV420P;
  c->time_base = AVRational{1, options_.fps};
  c->framerate = AVRational{options_.fps, 1};
  c->sample_aspect_ratio = AVRational{1, 1};
  c->thread_count = options_.threads;
  if (out_->oformat->flags & AVFMT_GLOBALHEADER)
    c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "preset", options_.preset.c_str(), 0);
  av_dict_set_int(&opts, "crf", options_.crf, 0);
  int rc = avcodec_open2(c, codec, &opts);
  av_dict_free(&opts);
  if (rc < 0) {
    return AvError(ErrorCode::kInvalidArgument,
                   "opening libx264 (preset \"" + options_.preset + "\")", rc);
  }
  video_stream_ = avformat_new_stream(out_, nullptr);
  if (video_stream_ == nullptr)
    return MakeError(ErrorCode::kInternal, "new stream");
  rc = avcodec_parameters_from_context(video_stream_->codecpar, c);
  if (rc < 0) return AvError(ErrorCode::kInternal, "stream parameters", rc);
  video_stream_->time_base = c->time_base;
  video_stream_->avg_frame_rate = c->framerate;
  video_stream_->r_frame_rate = c->framerate;
  return {};
}

FramePtr VideoWriter::AllocFrame() const {
  FramePtr f = MakeFrame();
  f->format = AV_PIX_FMT_YUV420P;
  f->width = options_.width;
  f->height = options_.height;
  if (av_frame_get_buffer(f.get(), 0) < 0) return nullptr;
  for (int y = 0; y < f->height; ++y)
    memset(f->data[0] + y * f->linesize[0], 16, f->width);
  for (int p = 1; p < 3; ++p) {
    for (int y = 0; y < f->height / 2; ++y)
      memset(f->data[p] + y * f->linesize[p], 128, f->width / 2);
  }
  return f;
}

Result<void> VideoWriter::WriteFrame(AVFrame* frame) {
  if (frame->width != options_.width || frame->height != options_.height ||
      frame->format != AV_PIX_FMT_YUV420P) {
    return MakeError(ErrorCode::kInternal,
                     "frame is not yuv420p " + std::to_string(options_.width) +
                         "x" + std::to_string(options_.height));
  }
  frame->pts = next_pts_++;
  // A decoded frame's picture type would force x264's frame types: the
  // encoder decides them, as the ffmpeg CLI lets it.
  frame->pict_type = AV_PICTURE_TYPE_NONE;
  frame->sample_aspect_ratio = AVRational{1, 1};
  int rc = avcodec_send_frame(encoder_.get(), frame);
  if (rc < 0) return AvError(ErrorCode::kInternal, "encoding", rc);
  return DrainPackets(false);
}

Result<void> VideoWriter::DrainPackets(bool flushing) {
  for (;;) {
    int rc = avcodec_receive_packet(encoder_.get(), packet_.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return {};
    if (rc < 0) return AvError(ErrorCode::kInternal, "encoding", rc);
    av_packet_rescale_ts(packet_.get(), encoder_->time_base,
                         video_stream_->time_base);
    packet_->stream_index = video_stream_->index;
    double until =
        static_cast<double>(packet_->dts) * av_q2d(video_stream_->time_base);
    rc = av_interleaved_write_frame(out_, packet_.get());
    if (rc < 0) return AvError(ErrorCode::kInternal, "writing video", rc);
    // Keep audio about half a second ahead so the muxer's queue stays short.
    if (audio_ && !flushing)
      RETURN_IF_ERROR(audio_->WriteUntil(until + 0.5), "audio");
    if (subtitles_ && !flushing)
      RETURN_IF_ERROR(subtitles_->WriteUntil(until + 0.5), "captions");
  }
}

Result<void> VideoWriter::Finish() {
  const std::string context = "writing " + options_.output.string();
  if (finished_) return MakeError(ErrorCode::kFailedPrecondition, "finished");
  int rc = avcodec_send_frame(encoder_.get(), nullptr);
  if (rc < 0) return AvError(ErrorCode::kInternal, "flushing encoder", rc);
  RETURN_IF_ERROR(DrainPackets(true), context);
  if (audio_) RETURN_IF_ERROR(audio_->Finish(), context);
  if (subtitles_) RETURN_IF_ERROR(subtitles_->Finish(), context);
  rc = av_write_trailer(out_);
  if (rc < 0) return AvError(ErrorCode::kInternal, context + ": trailer", rc);
  rc = avio_closep(&out_->pb);
  if (rc < 0) return AvError(ErrorCode::kUnavailable, context + ": close", rc);
  std::error_code ec;
  std::filesystem::rename(temp_path_, options_.output, ec);
  if (ec) {
    return MakeError(ErrorCode::kUnavailable,
                     context + ": renaming the finished file: " + ec.message());
  }
  finished_ = true;
  return {};
}

}  // namespace miri::ffmpeg
