#include "adapters/ffmpeg/audio_muxer.h"

#include <algorithm>

extern "C" {
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
}

namespace miri::ffmpeg {

AudioMuxer::~AudioMuxer() {
  if (fifo_ != nullptr) av_audio_fifo_free(fifo_);
}

Result<std::unique_ptr<AudioMuxer>> AudioMuxer::Open(const std::string& song,
                                                     AudioMode mode,
                                                     int bitrate,
                                                     AVFormatContext* out) {
  std::unique_ptr<AudioMuxer> m(new AudioMuxer());
  m->mode_ = mode;
  m->out_ = out;
  m->packet_ = MakePacket();
  m->frame_ = MakeFrame();
  ASSIGN_OR_RETURN(m->in_, OpenInput(song, "song"), "audio");
  m->in_index_ =
      av_find_best_stream(m->in_.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (m->in_index_ < 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "song (" + song + ") has no audio stream");
  }
  if (mode == AudioMode::kCopy) {
    RETURN_IF_ERROR(m->AddCopyStream(), "audio (" + song + ")");
  } else {
    RETURN_IF_ERROR(m->AddAacStream(bitrate), "audio (" + song + ")");
  }
  return m;
}

Result<void> AudioMuxer::AddCopyStream() {
  AVStream* in = in_->streams[in_index_];
  if (avformat_query_codec(out_->oformat, in->codecpar->codec_id,
                           FF_COMPLIANCE_NORMAL) != 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string("the container cannot hold ") +
                         avcodec_get_name(in->codecpar->codec_id) +
                         " audio as is; use AAC");
  }
  stream_ = avformat_new_stream(out_, nullptr);
  if (stream_ == nullptr) return MakeError(ErrorCode::kInternal, "new stream");
  int rc = avcodec_parameters_copy(stream_->codecpar, in->codecpar);
  if (rc < 0) return AvError(ErrorCode::kInternal, "copying parameters", rc);
  stream_->codecpar->codec_tag = 0;
  stream_->time_base = in->time_base;
  return {};
}

Result<void> AudioMuxer::AddAacStream(int bitrate) {
  ASSIGN_OR_RETURN(decoder_, OpenDecoder(in_.get(), in_index_, "song"),
                   "decoding");
  const AVCodec* aac = avcodec_find_encoder(AV_CODEC_ID_AAC);
  if (aac == nullptr) return MakeError(ErrorCode::kInternal, "no AAC encoder");
  encoder_.reset(avcodec_alloc_context3(aac));
  encoder_->sample_fmt = AV_SAMPLE_FMT_FLTP;
  encoder_->sample_rate = decoder_->sample_rate;
  int rc = av_channel_layout_copy(&encoder_->ch_layout, &decoder_->ch_layout);
  if (rc < 0) return AvError(ErrorCode::kInternal, "channel layout", rc);
  if (encoder_->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
    av_channel_layout_default(&encoder_->ch_layout,
                              encoder_->ch_layout.nb_channels);
  }
  encoder_->bit_rate = bitrate;
  encoder_->time_base = AVRational{1, encoder_->sample_rate};
  if (out_->oformat->flags & AVFMT_GLOBALHEADER)
    encoder_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  rc = avcodec_open2(encoder_.get(), aac, nullptr);
  if (rc < 0) return AvError(ErrorCode::kInternal, "opening AAC encoder", rc);

  SwrContext* swr = nullptr;
  rc = swr_alloc_set_opts2(&swr, &encoder_->ch_layout, encoder_->sample_fmt,
                           encoder_->sample_rate, &decoder_->ch_layout,
                           decoder_->sample_fmt, decoder_->sample_rate, 0,
                           nullptr);
  swr_.reset(swr);
  if (rc < 0 || (rc = swr_init(swr)) < 0)
    return AvError(ErrorCode::kInternal, "resampler", rc);
  fifo_ = av_audio_fifo_alloc(encoder_->sample_fmt,
                              encoder_->ch_layout.nb_channels, 4096);

  stream_ = avformat_new_stream(out_, nullptr);
  if (stream_ == nullptr) return MakeError(ErrorCode::kInternal, "new stream");
  rc = avcodec_parameters_from_context(stream_->codecpar, encoder_.get());
  if (rc < 0) return AvError(ErrorCode::kInternal, "AAC parameters", rc);
  stream_->time_base = encoder_->time_base;
  return {};
}

double AudioMuxer::WrittenSeconds() const {
  return static_cast<double>(last_pts_out_) * av_q2d(stream_->time_base);
}

Result<void> AudioMuxer::WriteUntil(double seconds) {
  // Bounded: each Pump consumes one packet of a finite file.
  while (!eof_ && WrittenSeconds() < seconds) {
    ASSIGN_OR_RETURN(bool more, Pump(), "audio");
    if (!more) eof_ = true;
  }
  return {};
}

Result<void> AudioMuxer::Finish() {
  RETURN_IF_ERROR(WriteUntil(1e12), "audio");
  if (mode_ == AudioMode::kAac) {
    RETURN_IF_ERROR(EncodeFifo(true), "audio");
    int rc = avcodec_send_frame(encoder_.get(), nullptr);
    if (rc < 0) return AvError(ErrorCode::kInternal, "flushing AAC", rc);
    RETURN_IF_ERROR(DrainEncoder(), "audio");
  }
  return {};
}

Result<bool> AudioMuxer::Pump() {
  int rc = av_read_frame(in_.get(), packet_.get());
  if (rc == AVERROR_EOF) {
    if (mode_ == AudioMode::kCopy) return false;
    packet_.reset(nullptr);  // signals the decoder to flush below
  } else if (rc < 0) {
    return AvError(ErrorCode::kInvalidArgument, "reading the song", rc);
  }
  if (packet_ && packet_->stream_index != in_index_) {
    av_packet_unref(packet_.get());
    return true;
  }
  if (mode_ == AudioMode::kCopy) {
    // As the ffmpeg CLI does: the song's start_time becomes 0, so encoder
    // delay before it becomes an edit list in the MP4.
    AVStream* in = in_->streams[in_index_];
    int64_t start = in->start_time == AV_NOPTS_VALUE ? 0 : in->start_time;
    if (packet_->pts != AV_NOPTS_VALUE) packet_->pts -= start;
    if (packet_->dts != AV_NOPTS_VALUE) packet_->dts -= start;
    av_packet_rescale_ts(packet_.get(), in->time_base, stream_->time_base);
    packet_->stream_index = stream_->index;
    packet_->pos = -1;
    if (packet_->pts != AV_NOPTS_VALUE)
      last_pts_out_ = packet_->pts + packet_->duration;
    rc = av_interleaved_write_frame(out_, packet_.get());
    if (rc < 0) return AvError(ErrorCode::kInternal, "writing audio", rc);
    return true;
  }
  // AAC: decode, resample into the FIFO, encode whole frames.
  bool at_end = !packet_;
  rc = avcodec_send_packet(decoder_.get(), packet_.get());
  if (packet_) av_packet_unref(packet_.get());
  if (at_end) packet_ = MakePacket();
  if (rc < 0 && rc != AVERROR_EOF) {
    return AvError(ErrorCode::kInvalidArgument, "decoding the song", rc);
  }
  for (;;) {
    rc = avcodec_receive_frame(decoder_.get(), frame_.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) break;
    if (rc < 0) return AvError(ErrorCode::kInvalidArgument, "decoding", rc);
    int out_samples = swr_get_out_samples(swr_.get(), frame_->nb_samples);
    FramePtr conv = MakeFrame();
    conv->format = encoder_->sample_fmt;
    conv->nb_samples = out_samples;
    av_channel_layout_copy(&conv->ch_layout, &encoder_->ch_layout);
    conv->sample_rate = encoder_->sample_rate;
    if ((rc = av_frame_get_buffer(conv.get(), 0)) < 0)
      return AvError(ErrorCode::kInternal, "audio buffer", rc);
    int got = swr_convert(swr_.get(), conv->data, out_samples,
                          const_cast<const uint8_t**>(frame_->extended_data),
                          frame_->nb_samples);
    av_frame_unref(frame_.get());
    if (got < 0) return AvError(ErrorCode::kInternal, "resampling", got);
    av_audio_fifo_write(fifo_, reinterpret_cast<void**>(conv->data), got);
  }
  RETURN_IF_ERROR(EncodeFifo(false), "audio");
  return !at_end;
}

Result<void> AudioMuxer::EncodeFifo(bool flush) {
  const int size = encoder_->frame_size;
  while (av_audio_fifo_size(fifo_) >= size ||
         (flush && av_audio_fifo_size(fifo_) > 0)) {
    int n = std::min(size, av_audio_fifo_size(fifo_));
    FramePtr f = MakeFrame();
    f->format = encoder_->sample_fmt;
    f->nb_samples = n;
    av_channel_layout_copy(&f->ch_layout, &encoder_->ch_layout);
    f->sample_rate = encoder_->sample_rate;
    int rc = av_frame_get_buffer(f.get(), 0);
    if (rc < 0) return AvError(ErrorCode::kInternal, "audio buffer", rc);
    av_audio_fifo_read(fifo_, reinterpret_cast<void**>(f->data), n);
    f->pts = next_sample_;
    next_sample_ += n;
    rc = avcodec_send_frame(encoder_.get(), f.get());
    if (rc < 0) return AvError(ErrorCode::kInternal, "encoding AAC", rc);
    RETURN_IF_ERROR(DrainEncoder(), "AAC");
  }
  return {};
}

Result<void> AudioMuxer::DrainEncoder() {
  PacketPtr pkt = MakePacket();
  for (;;) {
    int rc = avcodec_receive_packet(encoder_.get(), pkt.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return {};
    if (rc < 0) return AvError(ErrorCode::kInternal, "encoding AAC", rc);
    av_packet_rescale_ts(pkt.get(), encoder_->time_base, stream_->time_base);
    pkt->stream_index = stream_->index;
    last_pts_out_ = pkt->pts + pkt->duration;
    rc = av_interleaved_write_frame(out_, pkt.get());
    if (rc < 0) return AvError(ErrorCode::kInternal, "writing audio", rc);
  }
}

}  // namespace miri::ffmpeg
