#include "adapters/ffmpeg/render_executor.h"

#include <system_error>

#include "adapters/ffmpeg/clip_reader.h"

namespace miri::ffmpeg {

namespace {

std::string ShotLabel(const render::RenderPlan& plan, int index) {
  return "shot \"" + plan.shots[index].shot_id + "\" (shots[" +
         std::to_string(index) + "])";
}

class ProgressReporter {
 public:
  ProgressReporter(const RenderOptions& o, int64_t total, int fps)
      : on_progress_(o.on_progress), clock_(o.clock), total_(total),
        every_(fps), start_ms_(o.clock ? o.clock->NowMs() : 0) {}

  void Frame(int64_t done) {
    if (on_progress_ && (done % every_ == 0 || done == total_)) {
      int64_t elapsed = clock_ ? clock_->NowMs() - start_ms_ : 0;
      render::RenderProgress p = render::MakeProgress(done, total_, elapsed);
      if (!clock_) p.eta_ms.reset();
      on_progress_(p);
    }
  }

 private:
  std::function<void(const render::RenderProgress&)> on_progress_;
  const Clock* clock_;
  int64_t total_, every_, start_ms_;
};

Result<void> CheckClipsExist(const render::RenderPlan& plan) {
  for (size_t i = 0; i < plan.shots.size(); ++i) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(plan.shots[i].clip, ec)) {
      return MakeError(ErrorCode::kNotFound,
                       ShotLabel(plan, static_cast<int>(i)) + ": clip (" +
                           plan.shots[i].clip + ") not found");
    }
  }
  return {};
}

}  // namespace

Result<SongInfo> ProbeSong(const std::filesystem::path& song) {
  const std::string what = "song (" + song.string() + ")";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(song, ec))
    return MakeError(ErrorCode::kNotFound, what + " not found");
  ASSIGN_OR_RETURN(InputPtr in, OpenInput(song.string(), "song"), "probing");
  int index = av_find_best_stream(in.get(), AVMEDIA_TYPE_AUDIO, -1, -1,
                                  nullptr, 0);
  if (index < 0)
    return MakeError(ErrorCode::kInvalidArgument, what + " has no audio");
  for (unsigned i = 0; i < in->nb_streams; ++i) {
    if (static_cast<int>(i) != index) in->streams[i]->discard = AVDISCARD_ALL;
  }
  ASSIGN_OR_RETURN(CodecPtr dec, OpenDecoder(in.get(), index, what),
                   "probing");
  SongInfo info;
  info.sample_rate = dec->sample_rate;
  info.channels = dec->ch_layout.nb_channels;
  info.codec = avcodec_get_name(dec->codec_id);
  PacketPtr pkt = MakePacket();
  FramePtr frame = MakeFrame();
  int errors = 0;
  bool eof = false;
  // Bounded by the file: each pass reads one packet or ends.
  while (!eof) {
    int rc = av_read_frame(in.get(), pkt.get());
    if (rc == AVERROR_EOF) {
      eof = true;
      avcodec_send_packet(dec.get(), nullptr);
    } else if (rc < 0) {
      return AvError(ErrorCode::kInvalidArgument, what + ": reading", rc);
    } else {
      if (pkt->stream_index == index && avcodec_send_packet(dec.get(), pkt.get()) < 0)
        ++errors;
      av_packet_unref(pkt.get());
    }
    while ((rc = avcodec_receive_frame(dec.get(), frame.get())) == 0) {
      info.samples += frame->nb_samples;
      av_frame_unref(frame.get());
    }
    if (rc != AVERROR(EAGAIN) && rc != AVERROR_EOF) ++errors;
  }
  if (info.samples == 0 || info.sample_rate <= 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     what + " does not decode to any audio");
  }
  info.duration_ms = (info.samples * 2000 / info.sample_rate + 1) / 2;
  return info;
}

Result<RenderStats> ExecuteRenderPlan(const render::RenderPlan& plan,
                                      const RenderOptions& options) {
  if (Result<void> ok = CheckClipsExist(plan); !ok) {
    return tl::unexpected<Error>(std::move(ok).error());
  }
  VideoWriterOptions wo;
  wo.output = options.output;
  wo.width = plan.settings.width;
  wo.height = plan.settings.height;
  wo.fps = plan.settings.fps;
  wo.preset = options.preset;
  wo.crf = options.crf;
  wo.audio = options.song;
  wo.audio_mode = options.audio_mode;
  ASSIGN_OR_RETURN(std::unique_ptr<VideoWriter> writer, VideoWriter::Open(wo),
                   "output");
  FramePtr black = writer->AllocFrame();
  if (!black) return MakeError(ErrorCode::kInternal, "frame buffer");
  ProgressReporter progress(options, plan.total_frames, plan.settings.fps);
  RenderStats stats;
  for (const render::PlanSegment& seg : plan.segments) {
    std::unique_ptr<ClipReader> clip;
    if (!seg.is_black()) {
      const std::string label = ShotLabel(plan, seg.shot_index);
      ASSIGN_OR_RETURN(clip,
                       ClipReader::Open(plan.shots[seg.shot_index].clip,
                                        wo.width, wo.height, wo.fps),
                       label);
    }
    for (int64_t k = 0; k < seg.frame_count; ++k) {
      AVFrame* frame = black.get();
      if (clip) {
        ASSIGN_OR_RETURN(frame, clip->FrameAt(k),
                         ShotLabel(plan, seg.shot_index));
      }
      RETURN_IF_ERROR(writer->WriteFrame(frame), "encoding");
      progress.Frame(writer->frames_written());
    }
    if (clip) stats.frames_decoded += clip->frames_decoded();
  }
  RETURN_IF_ERROR(writer->Finish(), "finishing");
  stats.frames_written = writer->frames_written();
  return stats;
}

}  // namespace miri::ffmpeg
