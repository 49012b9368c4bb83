#include "adapters/ffmpeg/render_executor.h"

#include <system_error>
#include <thread>

#include "adapters/ffmpeg/clip_reader.h"
#include "adapters/ffmpeg/frame_queue.h"
#include "adapters/ffmpeg/frame_source.h"

namespace miri::ffmpeg {

namespace {

std::string ShotLabel(const render::RenderPlan& plan, int index) {
  return "shot \"" + plan.shots[index].shot_id + "\" (shots[" +
         std::to_string(index) + "])";
}

class ProgressReporter {
 public:
  ProgressReporter(const RenderOptions& o, int64_t total, int fps)
      : on_progress_(o.on_progress),
        clock_(o.clock),
        total_(total),
        every_(fps),
        start_ms_(o.clock ? o.clock->NowMs() : 0) {}

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
    const render::ShotLook look = plan.VisualOf(i).look;
    if (look == render::ShotLook::kCard) continue;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(plan.shots[i].clip, ec)) {
      return MakeError(
          ErrorCode::kNotFound,
          ShotLabel(plan, static_cast<int>(i)) +
              (look == render::ShotLook::kStill ? ": frame (" : ": clip (") +
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
  int index =
      av_find_best_stream(in.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (index < 0)
    return MakeError(ErrorCode::kInvalidArgument, what + " has no audio");
  for (unsigned i = 0; i < in->nb_streams; ++i) {
    if (static_cast<int>(i) != index) in->streams[i]->discard = AVDISCARD_ALL;
  }
  ASSIGN_OR_RETURN(CodecPtr dec, OpenDecoder(in.get(), index, what), "probing");
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
      if (pkt->stream_index == index &&
          avcodec_send_packet(dec.get(), pkt.get()) < 0)
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

namespace {

// What fills the segment's frames: its clip, a still or a card.
Result<std::unique_ptr<FrameSource>> OpenSegment(const render::RenderPlan& plan,
                                                 const render::PlanSegment& seg,
                                                 bool draft) {
  const render::RenderSettings& s = plan.settings;
  const render::TimelineShot& shot = plan.shots[seg.shot_index];
  const render::ShotVisual visual = plan.VisualOf(seg.shot_index);
  switch (visual.look) {
    case render::ShotLook::kStill:
      return OpenStill(shot.clip, s.width, s.height, seg.frame_count,
                       seg.shot_index);
    case render::ShotLook::kCard:
      return OpenCard(s.width, s.height, shot.shot_id,
                      render::WrapCardText(visual.card_text,
                                           CardLineChars(s.width, s.height),
                                           CardMaxLines(s.height)));
    case render::ShotLook::kClip:
      break;
  }
  ASSIGN_OR_RETURN(std::unique_ptr<ClipReader> clip,
                   ClipReader::Open(shot.clip, s.width, s.height, s.fps, draft),
                   "");
  return std::unique_ptr<FrameSource>(std::move(clip));
}

// The decoding side, on its own thread: puts every output frame of the
// plan, in order, on `queue`. Returns the number of frames decoded.
Result<int64_t> ProduceFrames(const render::RenderPlan& plan, bool draft,
                              const AVFrame* black, FrameQueue& queue) {
  int64_t decoded = 0;
  for (const render::PlanSegment& seg : plan.segments) {
    std::unique_ptr<FrameSource> clip;
    if (!seg.is_black()) {
      ASSIGN_OR_RETURN(clip, OpenSegment(plan, seg, draft),
                       ShotLabel(plan, seg.shot_index));
    }
    for (int64_t k = 0; k < seg.frame_count; ++k) {
      const AVFrame* frame = black;
      if (clip) {
        ASSIGN_OR_RETURN(frame, clip->FrameAt(k),
                         ShotLabel(plan, seg.shot_index));
      }
      // A new reference to the same pixels: cheap, and the reader may
      // reuse its own frame meanwhile (it never writes a shared buffer).
      FramePtr ref(av_frame_clone(frame));
      if (!ref) return MakeError(ErrorCode::kInternal, "frame reference");
      if (!queue.Push(std::move(ref))) return decoded;  // consumer gave up
    }
    if (clip) decoded += clip->frames_decoded();
  }
  return decoded;
}

// The encoding side: writes every frame the producer queues.
Result<void> ConsumeFrames(FrameQueue& queue, VideoWriter& writer,
                           ProgressReporter& progress) {
  // Bounded: the producer closes the queue after a finite plan.
  while (FramePtr frame = queue.Pop()) {
    RETURN_IF_ERROR(writer.WriteFrame(frame.get()), "encoding");
    progress.Frame(writer.frames_written());
  }
  return {};
}

}  // namespace

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
  for (const render::CaptionCue& c : plan.captions) {
    wo.subtitles.push_back(
        {render::FrameTimeMs(c.first_frame, plan.settings.fps),
         render::FrameTimeMs(c.end_frame, plan.settings.fps), c.text});
  }
  ASSIGN_OR_RETURN(std::unique_ptr<VideoWriter> writer, VideoWriter::Open(wo),
                   "output");
  FramePtr black = writer->AllocFrame();
  if (!black) return MakeError(ErrorCode::kInternal, "frame buffer");
  ProgressReporter progress(options, plan.total_frames, plan.settings.fps);

  // Decoding and scaling run one frame queue ahead of encoding, so the two
  // overlap (x264 adds its own threads on top).
  FrameQueue queue(8);
  Result<int64_t> decoded = 0;
  std::thread producer([&] {
    decoded = ProduceFrames(plan, options.draft, black.get(), queue);
    queue.Close();
  });
  Result<void> written = ConsumeFrames(queue, *writer, progress);
  if (!written) queue.Abort();
  producer.join();
  if (!decoded) return tl::unexpected<Error>(std::move(decoded).error());
  if (!written) return tl::unexpected<Error>(std::move(written).error());
  if (writer->frames_written() != plan.total_frames) {
    return MakeError(ErrorCode::kInternal,
                     "wrote " + std::to_string(writer->frames_written()) +
                         " of " + std::to_string(plan.total_frames) +
                         " frames");
  }
  RETURN_IF_ERROR(writer->Finish(), "finishing");
  RenderStats stats;
  stats.frames_written = writer->frames_written();
  stats.frames_decoded = *decoded;
  return stats;
}

}  // namespace miri::ffmpeg
