#include "adapters/ffmpeg/frame_source.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>

extern "C" {
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavutil/opt.h>
}

#include "adapters/ffmpeg/clip_reader.h"

namespace miri::ffmpeg {

namespace {

int Even(double v) { return 2 * static_cast<int>(std::lround(v / 2)); }

class StillSource final : public FrameSource {
 public:
  StillSource(std::unique_ptr<ClipReader> reader, int width, int height,
              int64_t frame_count, int variant)
      : reader_(std::move(reader)),
        width_(width),
        height_(height),
        frames_(frame_count),
        variant_(variant) {}

  Result<AVFrame*> FrameAt(int64_t k) override {
    // The picture itself: the image's only frame, already on the canvas.
    ASSIGN_OR_RETURN(AVFrame * canvas, reader_->FrameAt(0), "still");
    if (!out_) {
      out_ = MakeFrame();
      out_->format = AV_PIX_FMT_YUV420P;
      out_->width = width_;
      out_->height = height_;
      if (av_frame_get_buffer(out_.get(), 0) < 0)
        return MakeError(ErrorCode::kInternal, "frame buffer");
    }
    // Copies the buffer first if the encoder still holds the last picture.
    if (av_frame_make_writable(out_.get()) < 0)
      return MakeError(ErrorCode::kInternal, "frame buffer");
    const double t =
        frames_ > 1 ? static_cast<double>(k) / static_cast<double>(frames_ - 1)
                    : 0.0;
    const double along = variant_ % 2 == 0 ? t : 1.0 - t;
    const int x = Even(along * (canvas->width - width_));
    const int y = Even(t * (canvas->height - height_));
    for (int p = 0; p < 3; ++p) {
      const int shift = p == 0 ? 0 : 1;
      const int rows = height_ >> shift, bytes = width_ >> shift;
      const uint8_t* src =
          canvas->data[p] + (y >> shift) * canvas->linesize[p] + (x >> shift);
      for (int r = 0; r < rows; ++r) {
        std::memcpy(out_->data[p] + r * out_->linesize[p],
                    src + r * canvas->linesize[p], bytes);
      }
    }
    return out_.get();
  }

  int64_t frames_decoded() const override { return reader_->frames_decoded(); }

 private:
  std::unique_ptr<ClipReader> reader_;
  int width_, height_;
  int64_t frames_;
  int variant_;
  FramePtr out_;
};

class CardSource final : public FrameSource {
 public:
  explicit CardSource(FramePtr frame) : frame_(std::move(frame)) {}
  Result<AVFrame*> FrameAt(int64_t) override { return frame_.get(); }

 private:
  FramePtr frame_;
};

struct GraphFree {
  void operator()(AVFilterGraph* g) const { avfilter_graph_free(&g); }
};

// A font file for drawtext: naming one skips fontconfig, which drawtext
// would otherwise initialise anew for every filter (tens of ms each).
const std::string& FontFile() {
  static const std::string font = [] {
    for (const char* path :
         {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
          "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
          "/usr/share/fonts/TTF/DejaVuSans.ttf"}) {
      std::error_code ec;
      if (std::filesystem::is_regular_file(path, ec)) return std::string(path);
    }
    return std::string();  // fontconfig's default sans
  }();
  return font;
}

int CardFontSize(int height) { return std::max(8, height / 15); }

// One drawtext filter for one line, centred, linked after `prev`.
Result<AVFilterContext*> AddText(AVFilterGraph* g, AVFilterContext* prev,
                                 const std::string& text, int size, int y,
                                 const char* color, int index) {
  const AVFilter* f = avfilter_get_by_name("drawtext");
  if (f == nullptr)
    return MakeError(ErrorCode::kInternal, "libavfilter lacks drawtext");
  std::string name = "text" + std::to_string(index);
  AVFilterContext* dt = avfilter_graph_alloc_filter(g, f, name.c_str());
  if (dt == nullptr) return MakeError(ErrorCode::kInternal, "drawtext");
  // Options set one by one, so the text needs no filtergraph escaping;
  // expansion=none keeps a "%{" in a description literal. See
  // https://ffmpeg.org/ffmpeg-filters.html#drawtext-1
  const std::string sz = std::to_string(size), ys = std::to_string(y);
  const std::pair<const char*, std::string> opts[] = {
      {"text", text},          {"expansion", "none"}, {"fontcolor", color},
      {"fontsize", sz},        {"x", "(w-text_w)/2"}, {"y", ys},
      {"fontfile", FontFile()}};
  for (const auto& [key, value] : opts) {
    if (value.empty()) continue;
    int rc = av_opt_set(dt, key, value.c_str(), AV_OPT_SEARCH_CHILDREN);
    if (rc < 0)
      return AvError(ErrorCode::kInternal, "drawtext " + std::string(key), rc);
  }
  int rc = avfilter_init_str(dt, nullptr);
  if (rc < 0) return AvError(ErrorCode::kInternal, "drawtext", rc);
  rc = avfilter_link(prev, 0, dt, 0);
  if (rc < 0) return AvError(ErrorCode::kInternal, "linking drawtext", rc);
  return dt;
}

Result<FramePtr> PaintCard(int width, int height, const std::string& heading,
                           const std::vector<std::string>& lines) {
  std::unique_ptr<AVFilterGraph, GraphFree> g(avfilter_graph_alloc());
  if (!g) return MakeError(ErrorCode::kInternal, "filter graph");
  AVFilterContext* src = nullptr;
  const std::string args = "c=0x1d2430:s=" + std::to_string(width) + "x" +
                           std::to_string(height) + ":r=1:d=1";
  int rc = avfilter_graph_create_filter(&src, avfilter_get_by_name("color"),
                                        "bg", args.c_str(), nullptr, g.get());
  if (rc < 0) return AvError(ErrorCode::kInternal, "card background", rc);
  AVFilterContext* prev = src;
  const int size = CardFontSize(height), small = std::max(8, size * 3 / 4);
  int index = 0;
  if (!heading.empty()) {
    ASSIGN_OR_RETURN(
        prev, AddText(g.get(), prev, heading, small, size, "0x8fa3bf", index++),
        "card");
  }
  const int step = size * 3 / 2;
  int y = (height - static_cast<int>(lines.size()) * step) / 2 + size / 2;
  for (const std::string& line : lines) {
    ASSIGN_OR_RETURN(
        prev, AddText(g.get(), prev, line, size, y, "white", index++), "card");
    y += step;
  }
  AVFilterContext* fmt = nullptr;
  rc = avfilter_graph_create_filter(&fmt, avfilter_get_by_name("format"), "fmt",
                                    "pix_fmts=yuv420p", nullptr, g.get());
  if (rc < 0) return AvError(ErrorCode::kInternal, "card format", rc);
  AVFilterContext* sink = nullptr;
  rc = avfilter_graph_create_filter(&sink, avfilter_get_by_name("buffersink"),
                                    "out", nullptr, nullptr, g.get());
  if (rc < 0) return AvError(ErrorCode::kInternal, "card sink", rc);
  if ((rc = avfilter_link(prev, 0, fmt, 0)) < 0 ||
      (rc = avfilter_link(fmt, 0, sink, 0)) < 0 ||
      (rc = avfilter_graph_config(g.get(), nullptr)) < 0) {
    return AvError(ErrorCode::kInternal, "card filter graph", rc);
  }
  FramePtr frame = MakeFrame();
  rc = av_buffersink_get_frame(sink, frame.get());
  if (rc < 0) return AvError(ErrorCode::kInternal, "painting a card", rc);
  frame->sample_aspect_ratio = AVRational{1, 1};
  return frame;
}

}  // namespace

Result<std::unique_ptr<FrameSource>> OpenStill(const std::string& path,
                                               int width, int height,
                                               int64_t frame_count,
                                               int variant) {
  const int cw = std::max(width + 2, Even(width * 1.12));
  const int ch = std::max(height + 2, Even(height * 1.12));
  ASSIGN_OR_RETURN(std::unique_ptr<ClipReader> reader,
                   ClipReader::Open(path, cw, ch, 1), "still");
  return std::unique_ptr<FrameSource>(std::make_unique<StillSource>(
      std::move(reader), width, height, frame_count, variant));
}

Result<std::unique_ptr<FrameSource>> OpenCard(
    int width, int height, const std::string& heading,
    const std::vector<std::string>& lines) {
  ASSIGN_OR_RETURN(FramePtr frame, PaintCard(width, height, heading, lines),
                   "card");
  return std::unique_ptr<FrameSource>(
      std::make_unique<CardSource>(std::move(frame)));
}

int CardLineChars(int width, int height) {
  // DejaVu Sans averages about 0.55 em per character.
  return std::max(
      8, static_cast<int>(width * 0.85 / (CardFontSize(height) * 0.55)));
}

int CardMaxLines(int height) {
  return std::max(1, (height * 3 / 4) / (CardFontSize(height) * 3 / 2));
}

}  // namespace miri::ffmpeg
