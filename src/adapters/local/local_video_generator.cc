#include "adapters/local/local_video_generator.h"

#include <unistd.h>

#include <atomic>
#include <cmath>

#include <fmt/format.h>

#include "adapters/ffmpeg/video_writer.h"
#include "adapters/local/animator.h"

namespace miri::local {
namespace {

constexpr int kMaxDynamicMasks = 6;
constexpr size_t kMinPoints = 2, kMaxPoints = 77;

// Scales and centre-crops `image` to fill width x height; maps points alike.
struct Cover {
  double scale = 1;
  double off_x = 0, off_y = 0;
  TrajectoryPoint Map(TrajectoryPoint p) const {
    return {static_cast<int>(std::lround(p.x * scale - off_x)),
            static_cast<int>(std::lround(p.y * scale - off_y))};
  }
};

Cover CoverFor(int src_w, int src_h, int w, int h) {
  Cover c;
  c.scale =
      std::max(static_cast<double>(w) / src_w, static_cast<double>(h) / src_h);
  c.off_x = (src_w * c.scale - w) / 2;
  c.off_y = (src_h * c.scale - h) / 2;
  return c;
}

Image ApplyCover(const Image& src, const Cover& c, int w, int h) {
  if (src.width == w && src.height == h) return src;
  int sw = static_cast<int>(std::ceil(src.width * c.scale));
  int sh = static_cast<int>(std::ceil(src.height * c.scale));
  Image scaled = Resize(src, std::max(sw, w), std::max(sh, h));
  Image out(w, h);
  int ox = static_cast<int>(std::lround(c.off_x)),
      oy = static_cast<int>(std::lround(c.off_y));
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      out.at(x, y) = scaled.at(std::clamp(x + ox, 0, scaled.width - 1),
                               std::clamp(y + oy, 0, scaled.height - 1));
    }
  }
  return out;
}

Result<Image> LoadPng(BlobStore& blobs, const std::string& key,
                      std::string_view field) {
  ASSIGN_OR_RETURN(std::string bytes, blobs.Get(key), std::string(field));
  ASSIGN_OR_RETURN(Image image, DecodePng(bytes), std::string(field));
  return image;
}

Result<AnimationPlan> Plan(BlobStore& blobs, const VideoRequest& r) {
  AnimationPlan plan;
  ASSIGN_OR_RETURN(Image start,
                   LoadPng(blobs, r.start_frame_blob, "start_frame_blob"),
                   "local-video");
  Cover cover = CoverFor(start.width, start.height, r.width, r.height);
  plan.start = ToPlanes(ApplyCover(start, cover, r.width, r.height));
  if (!r.end_frame_blob.empty()) {
    ASSIGN_OR_RETURN(Image end,
                     LoadPng(blobs, r.end_frame_blob, "end_frame_blob"),
                     "local-video");
    Cover end_cover = CoverFor(end.width, end.height, r.width, r.height);
    plan.end = ToPlanes(ApplyCover(end, end_cover, r.width, r.height));
  }
  plan.camera = CameraMoveFor(r.prompt);
  if (!r.motion_brush) return plan;
  // Masks and trajectories are in start-frame pixels: map them like it.
  for (size_t i = 0; i < r.motion_brush->dynamic_masks.size(); ++i) {
    const DynamicMask& dm = r.motion_brush->dynamic_masks[i];
    std::string field =
        fmt::format("motion_brush.dynamic_masks[{}].mask_blob", i);
    ASSIGN_OR_RETURN(Image m, LoadPng(blobs, dm.mask_blob, field),
                     "local-video");
    MotionLayer layer;
    layer.mask = MaskFromImage(ApplyCover(Resize(m, start.width, start.height),
                                          cover, r.width, r.height));
    for (const TrajectoryPoint& p : dm.trajectory)
      layer.path.push_back(cover.Map(p));
    plan.layers.push_back(std::move(layer));
  }
  if (!r.motion_brush->static_mask_blob.empty()) {
    ASSIGN_OR_RETURN(Image m,
                     LoadPng(blobs, r.motion_brush->static_mask_blob,
                             "motion_brush.static_mask_blob"),
                     "local-video");
    plan.still = MaskFromImage(ApplyCover(Resize(m, start.width, start.height),
                                          cover, r.width, r.height));
  }
  return plan;
}

std::filesystem::path ScratchPath(const std::filesystem::path& dir) {
  static std::atomic<uint64_t> counter{0};
  return dir / fmt::format("miri-local-clip-{}-{}.mp4", ::getpid(),
                           counter.fetch_add(1));
}

JobOutcome ToOutcome(Result<std::string> r) {
  JobOutcome out;
  if (r) {
    out.output_blobs.push_back(std::move(*r));
  } else {
    out.error = std::move(r.error());
  }
  return out;
}

}  // namespace

Result<void> ValidateVideoRequest(const VideoRequest& r) {
  std::vector<FieldIssue> issues;
  if (r.job_id.empty()) issues.push_back({"job_id", "required"});
  if (r.start_frame_blob.empty())
    issues.push_back({"start_frame_blob", "required"});
  if (r.duration_ms <= 0 || r.duration_ms > 120'000) {
    issues.push_back({"duration_ms",
                      fmt::format("must be 1..120000, got {}", r.duration_ms)});
  }
  if (r.fps < 1 || r.fps > 120)
    issues.push_back({"fps", fmt::format("must be 1..120, got {}", r.fps)});
  if (r.width < 16 || r.width > 4096 || r.width % 2 != 0) {
    issues.push_back(
        {"width", fmt::format("must be even and 16..4096, got {}", r.width)});
  }
  if (r.height < 16 || r.height > 4096 || r.height % 2 != 0) {
    issues.push_back(
        {"height", fmt::format("must be even and 16..4096, got {}", r.height)});
  }
  if (!IsValidBlobKey(r.output_key))
    issues.push_back({"output_key", "not a valid blob key"});
  if (r.motion_brush) {
    const auto& masks = r.motion_brush->dynamic_masks;
    if (masks.size() > kMaxDynamicMasks) {
      issues.push_back({"motion_brush.dynamic_masks",
                        fmt::format("at most {}", kMaxDynamicMasks)});
    }
    for (size_t i = 0; i < masks.size(); ++i) {
      if (masks[i].mask_blob.empty()) {
        issues.push_back(
            {fmt::format("motion_brush.dynamic_masks[{}].mask_blob", i),
             "required"});
      }
      size_t n = masks[i].trajectory.size();
      if (n < kMinPoints || n > kMaxPoints) {
        issues.push_back(
            {fmt::format("motion_brush.dynamic_masks[{}].trajectory", i),
             fmt::format("needs {}..{} points, got {}", kMinPoints, kMaxPoints,
                         n)});
      }
    }
  }
  if (!issues.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid video request",
                     std::move(issues));
  }
  return {};
}

Result<std::string> GenerateClip(BlobStore& blobs, const VideoRequest& r,
                                 const LocalVideoOptions& options) {
  ASSIGN_OR_RETURN(AnimationPlan plan, Plan(blobs, r), "planning the clip");
  Animator animator(std::move(plan));
  const int frames = std::max<int>(
      1, static_cast<int>(std::llround(r.duration_ms * r.fps / 1000.0)));

  ffmpeg::VideoWriterOptions wo;
  wo.output = ScratchPath(options.scratch_dir);
  wo.width = r.width;
  wo.height = r.height;
  wo.fps = r.fps;
  wo.preset = options.preset;
  wo.crf = options.crf;
  wo.threads = options.encoder_threads;
  ASSIGN_OR_RETURN(auto writer, ffmpeg::VideoWriter::Open(wo),
                   "opening the encoder");
  ffmpeg::FramePtr frame = writer->AllocFrame();
  for (int k = 0; k < frames; ++k) {
    if (av_frame_make_writable(frame.get()) < 0) {
      return MakeError(ErrorCode::kInternal, "av_frame_make_writable failed");
    }
    animator.Render(k, frames, {frame->data[0], frame->linesize[0]},
                    {frame->data[1], frame->linesize[1]},
                    {frame->data[2], frame->linesize[2]});
    RETURN_IF_ERROR(writer->WriteFrame(frame.get()),
                    fmt::format("encoding frame {}", k));
  }
  RETURN_IF_ERROR(writer->Finish(), "finishing the clip");
  writer.reset();
  auto put = blobs.PutFile(r.output_key, wo.output);
  std::error_code ec;
  std::filesystem::remove(wo.output, ec);
  RETURN_IF_ERROR(put, "writing " + r.output_key);
  return r.output_key;
}

LocalVideoGenerator::LocalVideoGenerator(BlobStore* blobs, ResultSink* sink,
                                         LocalVideoOptions options)
    : blobs_(blobs),
      options_(std::move(options)),
      runner_("local-video", sink, options_.provider) {}

Result<Dispatch> LocalVideoGenerator::Submit(const VideoRequest& request) {
  RETURN_IF_ERROR(ValidateVideoRequest(request), "local-video");
  return runner_.Submit(
      request.job_id, EstimateCostMicros(request), [this, request] {
        return ToOutcome(GenerateClip(*blobs_, request, options_));
      });
}

Result<std::optional<ProviderResult>> LocalVideoGenerator::Poll(
    std::string_view job_id) {
  return runner_.Poll(job_id);
}

}  // namespace miri::local
