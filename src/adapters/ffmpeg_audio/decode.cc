#include "adapters/ffmpeg_audio/decode.h"

#include <sys/stat.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>

#include <fmt/format.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/log.h>
#include <libswresample/swresample.h>
}

namespace miri {

namespace {

struct FormatCloser {
  void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
struct CodecFreer {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct PacketFreer {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct FrameFreer {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct SwrFreer {
  void operator()(SwrContext* s) const { swr_free(&s); }
};

std::string AvError(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, buf, sizeof buf);
  return buf;
}

std::string Seconds(int64_t ms) { return fmt::format("{:.1f} s", ms / 1000.0); }

uint32_t Le32(const unsigned char* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
}

// libavformat sizes a WAV from the file when its data chunk runs past the
// end, which hides truncation; the RIFF header states the real size.
// Returns the bytes missing from the data chunk (0 when complete/unknown).
int64_t MissingWavBytes(const std::string& path, int64_t file_size) {
  std::ifstream in(path, std::ios::binary);
  unsigned char buf[65536];
  in.read(reinterpret_cast<char*>(buf), sizeof buf);
  int64_t n = in.gcount();
  if (n < 12 || std::memcmp(buf, "RIFF", 4) != 0 ||
      std::memcmp(buf + 8, "WAVE", 4) != 0) {
    return 0;
  }
  for (int64_t at = 12; at + 8 <= n;) {
    uint32_t size = Le32(buf + at + 4);
    if (std::memcmp(buf + at, "data", 4) == 0) {
      // 0 and 0xFFFFFFFF mark streamed WAVs whose size was never written.
      if (size == 0 || size == 0xFFFFFFFFu) return 0;
      int64_t end = at + 8 + static_cast<int64_t>(size);
      return end > file_size ? end - file_size : 0;
    }
    at += 8 + size + (size & 1);
  }
  return 0;
}

// Everything the decode loop carries between packets.
class Decoder {
 public:
  Decoder(std::string path, const DecodeLimits& limits)
      : path_(std::move(path)), limits_(limits) {}

  Result<PcmAudio> Run();

 private:
  tl::unexpected<Error> Fail(ErrorCode code, std::string what) const {
    return MakeError(code, path_ + ": " + what);
  }
  Result<void> Open();
  Result<void> Drain();  // receives every ready frame from the decoder
  Result<void> Convert(const AVFrame* frame);
  int64_t DecodedMs() const {
    return static_cast<int64_t>(out_.samples.size()) * 1000 /
           limits_.sample_rate;
  }

  std::string path_;
  DecodeLimits limits_;
  std::unique_ptr<AVFormatContext, FormatCloser> fmt_;
  std::unique_ptr<AVCodecContext, CodecFreer> codec_;
  std::unique_ptr<SwrContext, SwrFreer> swr_;
  std::unique_ptr<AVFrame, FrameFreer> frame_{av_frame_alloc()};
  int stream_index_ = -1;
  int64_t expected_ms_ = 0;  // what the container claims; 0 if unknown
  int64_t packets_ = 0;
  int64_t bad_packets_ = 0;
  PcmAudio out_;
};

Result<void> Decoder::Open() {
  AVFormatContext* raw = nullptr;
  int rc = avformat_open_input(&raw, path_.c_str(), nullptr, nullptr);
  if (rc < 0) {
    return Fail(ErrorCode::kInvalidArgument,
                "not audio: no known audio format (" + AvError(rc) + ")");
  }
  fmt_.reset(raw);
  out_.format_name = fmt_->iformat->name;
  rc = avformat_find_stream_info(fmt_.get(), nullptr);
  if (rc < 0) {
    return Fail(ErrorCode::kInvalidArgument,
                "not audio: cannot read stream info (" + AvError(rc) + ")");
  }
  const AVCodec* codec = nullptr;
  stream_index_ =
      av_find_best_stream(fmt_.get(), AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
  if (stream_index_ < 0 || codec == nullptr) {
    return Fail(ErrorCode::kInvalidArgument,
                "not audio: the file (format " + out_.format_name +
                    ") has no decodable audio stream");
  }
  AVStream* st = fmt_->streams[stream_index_];
  if (st->duration > 0 && st->duration != AV_NOPTS_VALUE) {
    expected_ms_ = av_rescale_q(st->duration, st->time_base, {1, 1000});
  } else if (fmt_->duration > 0 && fmt_->duration != AV_NOPTS_VALUE) {
    expected_ms_ = fmt_->duration / (AV_TIME_BASE / 1000);
  }
  if (expected_ms_ > limits_.max_duration_ms) {
    return Fail(ErrorCode::kResourceExhausted,
                "too long: the audio lasts " + Seconds(expected_ms_) +
                    "; the cap is " + Seconds(limits_.max_duration_ms));
  }
  codec_.reset(avcodec_alloc_context3(codec));
  if (!codec_ ||
      avcodec_parameters_to_context(codec_.get(), st->codecpar) < 0 ||
      avcodec_open2(codec_.get(), codec, nullptr) < 0) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string("corrupt: cannot open the ") + codec->name +
                    " decoder for this stream");
  }
  if (codec_->ch_layout.nb_channels <= 0 || codec_->sample_rate <= 0) {
    return Fail(ErrorCode::kInvalidArgument,
                "corrupt: the audio stream names no channels or sample rate");
  }
  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
  SwrContext* swr = nullptr;
  rc = swr_alloc_set_opts2(&swr, &mono, AV_SAMPLE_FMT_FLT, limits_.sample_rate,
                           &codec_->ch_layout, codec_->sample_fmt,
                           codec_->sample_rate, 0, nullptr);
  swr_.reset(swr);
  if (rc < 0 || swr_init(swr) < 0) {
    return Fail(ErrorCode::kInternal,
                "cannot set up resampling: " + AvError(rc));
  }
  return {};
}

Result<void> Decoder::Convert(const AVFrame* frame) {
  int max_out = swr_get_out_samples(swr_.get(), frame ? frame->nb_samples : 0);
  if (max_out <= 0) return {};
  size_t at = out_.samples.size();
  out_.samples.resize(at + max_out);
  uint8_t* dst = reinterpret_cast<uint8_t*>(out_.samples.data() + at);
  int got = swr_convert(
      swr_.get(), &dst, max_out,
      frame ? const_cast<const uint8_t**>(frame->extended_data) : nullptr,
      frame ? frame->nb_samples : 0);
  out_.samples.resize(at + std::max(got, 0));
  if (got < 0) {
    return Fail(ErrorCode::kInternal, "resampling failed: " + AvError(got));
  }
  if (DecodedMs() > limits_.max_duration_ms) {
    return Fail(ErrorCode::kResourceExhausted,
                "too long: more than " + Seconds(limits_.max_duration_ms) +
                    " of audio (the cap)");
  }
  return {};
}

Result<void> Decoder::Drain() {
  while (true) {
    int rc = avcodec_receive_frame(codec_.get(), frame_.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return {};
    if (rc < 0) {
      ++bad_packets_;
      return {};
    }
    Result<void> r = Convert(frame_.get());
    av_frame_unref(frame_.get());
    if (!r) return r;
  }
}

Result<PcmAudio> Decoder::Run() {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) {
    return Fail(ErrorCode::kNotFound, "no such file");
  }
  if (!S_ISREG(st.st_mode)) {
    return Fail(ErrorCode::kInvalidArgument, "not a regular file");
  }
  if (st.st_size == 0) {
    return Fail(ErrorCode::kInvalidArgument, "zero length: the file is empty");
  }
  if (st.st_size > limits_.max_file_bytes) {
    return Fail(ErrorCode::kResourceExhausted,
                fmt::format("too large: {:.1f} MB; the upload cap is {:.1f} MB",
                            st.st_size / 1048576.0,
                            limits_.max_file_bytes / 1048576.0));
  }
  RETURN_IF_ERROR(Open(), "decoding");
  if (int64_t missing = MissingWavBytes(path_, st.st_size); missing > 0) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("truncated: the WAV header announces {} more bytes "
                            "of audio than the file holds",
                            missing));
  }
  out_.sample_rate = limits_.sample_rate;
  if (expected_ms_ > 0) {
    out_.samples.reserve(expected_ms_ * limits_.sample_rate / 1000 + 4096);
  }
  std::unique_ptr<AVPacket, PacketFreer> pkt(av_packet_alloc());
  while (true) {
    int rc = av_read_frame(fmt_.get(), pkt.get());
    if (rc == AVERROR_EOF) break;
    if (rc < 0) {
      if (out_.samples.empty()) {
        return Fail(ErrorCode::kInvalidArgument,
                    "corrupt: cannot read audio data (" + AvError(rc) + ")");
      }
      ++bad_packets_;
      break;  // a read error after good audio: judged as truncation below
    }
    if (pkt->stream_index == stream_index_) {
      ++packets_;
      rc = avcodec_send_packet(codec_.get(), pkt.get());
      if (rc < 0 && rc != AVERROR(EAGAIN)) ++bad_packets_;
      Result<void> drained = Drain();
      if (!drained) return tl::unexpected(drained.error());
    }
    av_packet_unref(pkt.get());
  }
  avcodec_send_packet(codec_.get(), nullptr);
  if (auto r = Drain(); !r) return tl::unexpected(r.error());
  if (auto r = Convert(nullptr); !r) return tl::unexpected(r.error());

  if (out_.samples.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "zero length: the file holds no audio samples");
  }
  if (bad_packets_ > 2 + packets_ / 100) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("corrupt: {} of {} audio packets could not be "
                            "decoded",
                            bad_packets_, packets_));
  }
  // Containers that state a length (WAV data size, FLAC STREAMINFO, the
  // MP3 Xing/Info frame count) reveal a file cut short in transfer.
  int64_t got_ms = DecodedMs();
  if (expected_ms_ > 0 && got_ms + 250 < expected_ms_ * 97 / 100) {
    return Fail(ErrorCode::kInvalidArgument,
                "truncated: the header announces " + Seconds(expected_ms_) +
                    " but only " + Seconds(got_ms) + " of audio is present");
  }
  return std::move(out_);
}

}  // namespace

Result<PcmAudio> DecodeAudioFile(const std::string& path,
                                 const DecodeLimits& limits) {
  static std::once_flag quiet;
  std::call_once(quiet, [] { av_log_set_level(AV_LOG_QUIET); });
  if (limits.sample_rate < 8000 || limits.sample_rate > 192000) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("sample rate {} Hz is outside 8000..192000",
                                 limits.sample_rate));
  }
  Decoder decoder(path, limits);
  return decoder.Run();
}

}  // namespace miri
