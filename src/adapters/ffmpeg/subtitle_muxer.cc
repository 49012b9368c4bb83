#include "adapters/ffmpeg/subtitle_muxer.h"

#include <cstring>

namespace miri::ffmpeg {

namespace {

constexpr AVRational kMs{1, 1000};

// The mov_text encoder reads its cues as ASS events and needs an ASS
// header (libavcodec's default one, as ffmpeg's CLI gives it when it
// converts SRT to mov_text).
constexpr char kAssHeader[] =
    "[Script Info]\r\n"
    "ScriptType: v4.00+\r\n"
    "PlayResX: 384\r\n"
    "PlayResY: 288\r\n"
    "ScaledBorderAndShadow: yes\r\n"
    "\r\n"
    "[V4+ Styles]\r\n"
    "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, "
    "OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, "
    "ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, "
    "MarginL, MarginR, MarginV, Encoding\r\n"
    "Style: Default,Arial,16,&Hffffff,&Hffffff,&H0,&H0,0,0,0,0,100,100,0,0,"
    "1,1,0,2,10,10,10,0\r\n"
    "\r\n"
    "[Events]\r\n"
    "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, "
    "Effect, Text\r\n";

// An ASS event as libavcodec's text encoders take it ("ReadOrder, Layer,
// Style, Name, MarginL, MarginR, MarginV, Effect, Text"); braces would open
// override blocks and backslashes escapes, so they are replaced.
std::string AssEvent(const std::string& text) {
  std::string out = "0,0,Default,,0,0,0,,";
  for (char c : text) {
    if (c == '{') {
      out += '(';
    } else if (c == '}') {
      out += ')';
    } else if (c == '\\') {
      out += '/';
    } else if (c == '\n') {
      out += "\\N";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<SubtitleMuxer>> SubtitleMuxer::Open(
    std::vector<SubtitleCue> cues, AVFormatContext* out) {
  std::unique_ptr<SubtitleMuxer> m(new SubtitleMuxer());
  m->cues_ = std::move(cues);
  m->out_ = out;
  m->packet_ = MakePacket();
  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_MOV_TEXT);
  if (codec == nullptr)
    return MakeError(ErrorCode::kInternal, "libavcodec lacks mov_text");
  m->encoder_.reset(avcodec_alloc_context3(codec));
  AVCodecContext* c = m->encoder_.get();
  c->time_base = kMs;
  c->subtitle_header = static_cast<uint8_t*>(
      av_mallocz(sizeof(kAssHeader)));  // freed by avcodec
  if (c->subtitle_header == nullptr)
    return MakeError(ErrorCode::kInternal, "subtitle header");
  std::memcpy(c->subtitle_header, kAssHeader, sizeof(kAssHeader));
  c->subtitle_header_size = sizeof(kAssHeader) - 1;
  int rc = avcodec_open2(c, codec, nullptr);
  if (rc < 0) return AvError(ErrorCode::kInternal, "opening mov_text", rc);
  m->stream_ = avformat_new_stream(out, nullptr);
  if (m->stream_ == nullptr)
    return MakeError(ErrorCode::kInternal, "new stream");
  rc = avcodec_parameters_from_context(m->stream_->codecpar, c);
  if (rc < 0) return AvError(ErrorCode::kInternal, "stream parameters", rc);
  m->stream_->time_base = kMs;
  av_dict_set(&m->stream_->metadata, "handler_name", "Lyrics", 0);
  return m;
}

Result<void> SubtitleMuxer::WriteUntil(double seconds) {
  while (next_ < cues_.size() &&
         static_cast<double>(cues_[next_].start_ms) / 1000.0 < seconds) {
    RETURN_IF_ERROR(Write(cues_[next_]), "captions");
    ++next_;
  }
  return {};
}

Result<void> SubtitleMuxer::Write(const SubtitleCue& cue) {
  const std::string event = AssEvent(cue.text);
  AVSubtitleRect rect{};
  rect.type = SUBTITLE_ASS;
  rect.ass = const_cast<char*>(event.c_str());
  AVSubtitleRect* rects[] = {&rect};
  AVSubtitle sub{};
  sub.format = 1;  // text
  sub.num_rects = 1;
  sub.rects = rects;
  sub.end_display_time = static_cast<uint32_t>(cue.end_ms - cue.start_ms);
  sub.pts = av_rescale_q(cue.start_ms, kMs, AV_TIME_BASE_Q);
  std::vector<uint8_t> buf(event.size() * 4 + 1024);
  int n = avcodec_encode_subtitle(encoder_.get(), buf.data(),
                                  static_cast<int>(buf.size()), &sub);
  if (n < 0) return AvError(ErrorCode::kInternal, "encoding a caption", n);
  av_packet_unref(packet_.get());
  int rc = av_new_packet(packet_.get(), n);
  if (rc < 0) return AvError(ErrorCode::kInternal, "caption packet", rc);
  std::memcpy(packet_->data, buf.data(), n);
  packet_->pts = packet_->dts = cue.start_ms;
  packet_->duration = cue.end_ms - cue.start_ms;
  packet_->stream_index = stream_->index;
  av_packet_rescale_ts(packet_.get(), kMs, stream_->time_base);
  rc = av_interleaved_write_frame(out_, packet_.get());
  if (rc < 0) return AvError(ErrorCode::kInternal, "writing a caption", rc);
  return {};
}

}  // namespace miri::ffmpeg
