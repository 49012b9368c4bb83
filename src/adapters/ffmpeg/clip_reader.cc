#include "adapters/ffmpeg/clip_reader.h"

#include <cmath>
#include <cstring>
#include <utility>

namespace miri::ffmpeg {

namespace {

void FillBlack(AVFrame* f) {
  for (int y = 0; y < f->height; ++y)
    std::memset(f->data[0] + y * f->linesize[0], 16, f->width);
  for (int p = 1; p < 3; ++p) {
    for (int y = 0; y < f->height / 2; ++y)
      std::memset(f->data[p] + y * f->linesize[p], 128, f->width / 2);
  }
}

int EvenRound(double v) { return 2 * static_cast<int>(std::lround(v / 2)); }

}  // namespace

Result<std::unique_ptr<ClipReader>> ClipReader::Open(const std::string& path,
                                                     int width, int height,
                                                     int fps, bool draft) {
  std::unique_ptr<ClipReader> r(new ClipReader());
  r->path_ = path;
  r->width_ = width;
  r->height_ = height;
  r->fps_ = fps;
  r->packet_ = MakePacket();
  r->cur_ = MakeFrame();
  r->next_ = MakeFrame();
  ASSIGN_OR_RETURN(r->input_, OpenInput(path, "clip"), "opening");
  r->stream_index_ = av_find_best_stream(r->input_.get(), AVMEDIA_TYPE_VIDEO,
                                         -1, -1, nullptr, 0);
  if (r->stream_index_ < 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "clip (" + path + ") has no video stream");
  }
  for (unsigned i = 0; i < r->input_->nb_streams; ++i) {
    if (static_cast<int>(i) != r->stream_index_)
      r->input_->streams[i]->discard = AVDISCARD_ALL;
  }
  r->time_base_ = r->input_->streams[r->stream_index_]->time_base;
  ASSIGN_OR_RETURN(
      r->decoder_,
      OpenDecoder(r->input_.get(), r->stream_index_, "clip (" + path + ")"),
      "opening");
  if (draft) {
    // Read by the decoder for every packet; see AVCodecContext in
    // https://ffmpeg.org/doxygen/5.1/structAVCodecContext.html
    r->decoder_->skip_loop_filter = AVDISCARD_ALL;
    r->decoder_->skip_frame = AVDISCARD_NONREF;
    r->sws_flags_ = SWS_FAST_BILINEAR;
  }
  ASSIGN_OR_RETURN(bool got, r->DecodeNext(), "decoding");
  if (!got) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "clip (" + path + "): no video frame decodes");
  }
  std::swap(r->cur_, r->next_);
  r->origin_pts_ = r->cur_->pts;
  ASSIGN_OR_RETURN(r->have_next_, r->DecodeNext(), "decoding");
  return r;
}

Result<bool> ClipReader::DecodeNext() {
  av_frame_unref(next_.get());
  // Each pass either returns, consumes a packet, or reaches EOF: bounded by
  // the file's size.
  for (;;) {
    int rc = avcodec_receive_frame(decoder_.get(), next_.get());
    if (rc == 0) {
      int64_t pts = next_->best_effort_timestamp;
      if (pts == AV_NOPTS_VALUE) {
        pts = decoded_ == 0
                  ? 0
                  : last_pts_ + std::max<int64_t>(next_->pkt_duration, 1);
      }
      if (decoded_ > 0 && pts <= last_pts_) pts = last_pts_ + 1;
      next_->pts = last_pts_ = pts;
      ++decoded_;
      return true;
    }
    if (rc == AVERROR_EOF) return false;
    if (rc != AVERROR(EAGAIN)) {
      return AvError(ErrorCode::kInvalidArgument, "clip (" + path_ + ")", rc);
    }
    if (eof_) return false;  // flushed and drained
    rc = av_read_frame(input_.get(), packet_.get());
    if (rc == AVERROR_EOF) {
      eof_ = true;
      avcodec_send_packet(decoder_.get(), nullptr);
      continue;
    }
    if (rc < 0) {
      return AvError(ErrorCode::kInvalidArgument,
                     "clip (" + path_ + "): reading", rc);
    }
    if (packet_->stream_index == stream_index_) {
      // A damaged packet is skipped, as the ffmpeg CLI does; a clip none of
      // whose frames decode fails in Open.
      avcodec_send_packet(decoder_.get(), packet_.get());
    }
    av_packet_unref(packet_.get());
  }
}

bool ClipReader::Due(int64_t pts, int64_t k) const {
  // (pts - origin) * tb <= (k + 1/2) / fps, in exact integers.
  __int128 lhs =
      static_cast<__int128>(pts - origin_pts_) * time_base_.num * 2 * fps_;
  __int128 rhs = static_cast<__int128>(2 * k + 1) * time_base_.den;
  return lhs <= rhs;
}

Result<AVFrame*> ClipReader::FrameAt(int64_t k) {
  // Bounded: each step consumes one decoded frame of a finite clip.
  while (have_next_ && Due(next_->pts, k)) {
    std::swap(cur_, next_);
    scaled_fresh_ = false;
    ASSIGN_OR_RETURN(have_next_, DecodeNext(), "decoding");
  }
  return Convert();
}

Result<AVFrame*> ClipReader::Convert() {
  AVFrame* src = cur_.get();
  bool square = src->sample_aspect_ratio.num == 0 ||
                src->sample_aspect_ratio.num == src->sample_aspect_ratio.den;
  if (src->format == AV_PIX_FMT_YUV420P && src->width == width_ &&
      src->height == height_ && square) {
    return src;  // already what the encoder wants
  }
  if (scaled_fresh_) return scaled_.get();
  bool reconfigure = !sws_ || src->width != sws_w_ || src->height != sws_h_ ||
                     src->format != sws_fmt_;
  if (!scaled_) {
    scaled_ = MakeFrame();
    scaled_->format = AV_PIX_FMT_YUV420P;
    scaled_->width = width_;
    scaled_->height = height_;
    if (av_frame_get_buffer(scaled_.get(), 0) < 0)
      return MakeError(ErrorCode::kInternal, "frame buffer");
    reconfigure = true;
  }
  if (av_frame_make_writable(scaled_.get()) < 0)
    return MakeError(ErrorCode::kInternal, "frame buffer");
  // Fit the picture's display aspect inside the output, centred.
  double sar = square ? 1.0 : av_q2d(src->sample_aspect_ratio);
  double dar = src->width * sar / src->height;
  int fit_w = width_, fit_h = height_;
  if (dar > static_cast<double>(width_) / height_) {
    fit_h = std::max(2, std::min(height_, EvenRound(width_ / dar)));
  } else {
    fit_w = std::max(2, std::min(width_, EvenRound(height_ * dar)));
  }
  int x = ((width_ - fit_w) / 2) & ~1, y = ((height_ - fit_h) / 2) & ~1;
  if (reconfigure) {
    sws_.reset(sws_getContext(
        src->width, src->height, static_cast<AVPixelFormat>(src->format), fit_w,
        fit_h, AV_PIX_FMT_YUV420P, sws_flags_, nullptr, nullptr, nullptr));
    if (!sws_) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "clip (" + path_ + "): cannot scale its pixel format");
    }
    sws_w_ = src->width;
    sws_h_ = src->height;
    sws_fmt_ = src->format;
    FillBlack(scaled_.get());
  }
  uint8_t* dst[4] = {scaled_->data[0] + y * scaled_->linesize[0] + x,
                     scaled_->data[1] + (y / 2) * scaled_->linesize[1] + x / 2,
                     scaled_->data[2] + (y / 2) * scaled_->linesize[2] + x / 2,
                     nullptr};
  sws_scale(sws_.get(), src->data, src->linesize, 0, src->height, dst,
            scaled_->linesize);
  scaled_fresh_ = true;
  return scaled_.get();
}

}  // namespace miri::ffmpeg
