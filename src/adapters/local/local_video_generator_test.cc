#include "adapters/local/local_video_generator.h"

#include <gtest/gtest.h>

#include <cmath>

#include "adapters/ffmpeg/clip_reader.h"
#include "adapters/ffmpeg/libav_util.h"
#include "adapters/local/animator.h"
#include "adapters/localfs/localfs_blob_store.h"
#include "testing/video_generator_contract.h"

namespace miri::local {
namespace {

using miri::testing::RectMaskPng;
using miri::testing::TempDir;
using miri::testing::VideoGeneratorContractTest;
using miri::testing::VideoGeneratorFactory;

INSTANTIATE_TEST_SUITE_P(Local, VideoGeneratorContractTest,
                         ::testing::Values(VideoGeneratorFactory{
                             .name = "local",
                             .make = [](BlobStore* blobs, ResultSink* sink)
                                 -> std::unique_ptr<VideoGenerator> {
                               LocalVideoOptions o;
                               o.provider.workers = 2;
                               return std::make_unique<LocalVideoGenerator>(
                                   blobs, sink, o);
                             }}),
                         [](const auto& info) { return info.param.name; });

constexpr int kW = 160, kH = 96;
constexpr Pixel kDark = MakePixel(20, 20, 20);
constexpr Pixel kBright = MakePixel(235, 235, 235);

struct ClipInfo {
  int frames = 0, width = 0, height = 0;
  double fps = 0;
};

ClipInfo Probe(const std::string& path) {
  ClipInfo info;
  auto input = ffmpeg::OpenInput(path, "clip");
  EXPECT_TRUE(input) << input.error().ToString();
  if (!input) return info;
  int vs =
      av_find_best_stream(input->get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  EXPECT_GE(vs, 0);
  AVStream* s = (*input)->streams[vs];
  info.width = s->codecpar->width;
  info.height = s->codecpar->height;
  info.fps = av_q2d(s->avg_frame_rate);
  ffmpeg::PacketPtr pkt = ffmpeg::MakePacket();
  for (int guard = 0;
       guard < 100000 && av_read_frame(input->get(), pkt.get()) >= 0; ++guard) {
    if (pkt->stream_index == vs) ++info.frames;
    av_packet_unref(pkt.get());
  }
  return info;
}

struct Stats {
  double mean_y = 0;
  double cx = -1, cy = -1;  // centroid of bright pixels (Y > 128)
  int bright = 0;
};

Stats Measure(AVFrame* f, int x0 = 0, int y0 = 0, int x1 = kW, int y1 = kH) {
  Stats s;
  double sum = 0, sx = 0, sy = 0;
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      int v = f->data[0][y * f->linesize[0] + x];
      sum += v;
      if (v > 128) sx += x, sy += y, ++s.bright;
    }
  }
  s.mean_y = sum / ((x1 - x0) * (y1 - y0));
  if (s.bright > 0) s.cx = sx / s.bright, s.cy = sy / s.bright;
  return s;
}

class LocalVideoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    blobs_ = LocalFsBlobStore::Open(dir_.path()).value();
  }

  void PutSquare(const std::string& key, int x, int y, int side,
                 Pixel bg = kDark) {
    Image img(kW, kH, bg);
    for (int j = y; j < y + side; ++j) {
      for (int i = x; i < x + side; ++i) img.at(i, j) = kBright;
    }
    ASSERT_TRUE(blobs_->Put(key, EncodePng(img).value()));
  }

  VideoRequest Request(const std::string& key, const std::string& prompt) {
    VideoRequest r;
    r.job_id = key;
    r.prompt = prompt;
    r.start_frame_blob = "v/start.png";
    r.duration_ms = 1000;
    r.fps = 12;
    r.width = kW;
    r.height = kH;
    r.output_key = "v/" + key + ".mp4";
    return r;
  }

  std::string Generate(const VideoRequest& r) {
    auto key = GenerateClip(*blobs_, r, LocalVideoOptions{});
    EXPECT_TRUE(key) << key.error().ToString();
    return blobs_->LocalPath(r.output_key).value().string();
  }

  std::unique_ptr<ffmpeg::ClipReader> Read(const std::string& path, int fps,
                                           int w = kW, int h = kH) {
    auto reader = ffmpeg::ClipReader::Open(path, w, h, fps);
    EXPECT_TRUE(reader) << reader.error().ToString();
    return reader ? std::move(*reader) : nullptr;
  }

  TempDir dir_;
  std::unique_ptr<LocalFsBlobStore> blobs_;
};

TEST_F(LocalVideoTest, FrameCountSizeAndRateFollowTheRequest) {
  PutSquare("v/start.png", 10, 10, 8);
  VideoRequest a = Request("a", "static camera");
  a.duration_ms = 500, a.fps = 10;
  ClipInfo ia = Probe(Generate(a));
  EXPECT_EQ(ia.frames, 5);
  EXPECT_EQ(ia.width, kW);
  EXPECT_EQ(ia.height, kH);
  EXPECT_NEAR(ia.fps, 10.0, 0.01);
  VideoRequest b = Request("b", "zoom in");
  b.duration_ms = 1200, b.fps = 30, b.width = 128, b.height = 72;
  ClipInfo ib = Probe(Generate(b));
  EXPECT_EQ(ib.frames, 36);
  EXPECT_EQ(ib.width, 128);
  EXPECT_EQ(ib.height, 72);
  EXPECT_NEAR(ib.fps, 30.0, 0.01);
}

TEST_F(LocalVideoTest, CrossFadesFromTheStartFrameToTheEndFrame) {
  ASSERT_TRUE(
      blobs_->Put("v/start.png", miri::testing::SolidPng(kW, kH, kDark)));
  ASSERT_TRUE(
      blobs_->Put("v/end.png", miri::testing::SolidPng(kW, kH, kBright)));
  VideoRequest r = Request("fade", "static camera");
  r.end_frame_blob = "v/end.png";
  r.fps = 11;  // 11 frames: frame 5 is the midpoint
  auto reader = Read(Generate(r), 11);
  ASSERT_NE(reader, nullptr);
  double y0 = Measure(reader->FrameAt(0).value()).mean_y;
  double y5 = Measure(reader->FrameAt(5).value()).mean_y;
  double y10 = Measure(reader->FrameAt(10).value()).mean_y;
  EXPECT_NEAR(y0, 33, 4);    // Y of RGB 20,20,20
  EXPECT_NEAR(y10, 218, 4);  // Y of RGB 235,235,235
  EXPECT_NEAR(y5, (33 + 218) / 2.0, 6);
}

TEST_F(LocalVideoTest, ZoomInMovesAnOffCentreDetailOutward) {
  PutSquare("v/start.png", 116, 44, 8);  // centred at (120, 48)
  auto reader = Read(
      Generate(Request("zoom", "Resting state: still. Action: slow zoom in")),
      12);
  ASSERT_NE(reader, nullptr);
  Stats first = Measure(reader->FrameAt(0).value());
  Stats last = Measure(reader->FrameAt(11).value());
  EXPECT_NEAR(first.cx, 119.5, 1.0);
  EXPECT_NEAR(last.cx, 80 + 39.5 * 1.15, 1.5);
  EXPECT_GT(last.bright, first.bright);  // and it grows
}

// Where a point moving through `path` at even spacing is at time t.
std::pair<double, double> Along(const std::vector<TrajectoryPoint>& path,
                                double t) {
  double s = t * (path.size() - 1);
  size_t j = std::min(static_cast<size_t>(s), path.size() - 2);
  double f = s - j;
  return {path[j].x + (path[j + 1].x - path[j].x) * f,
          path[j].y + (path[j + 1].y - path[j].y) * f};
}

TEST_F(LocalVideoTest, MotionBrushMovesTheRegionAlongItsTrajectory) {
  PutSquare("v/start.png", 24, 40, 16);  // centre (31.5, 47.5)
  ASSERT_TRUE(blobs_->Put("v/mask.png", RectMaskPng(kW, kH, 24, 40, 16, 16)));
  std::vector<TrajectoryPoint> path = {{32, 48}, {120, 48}, {120, 20}};
  VideoRequest r = Request("brush", "zoom in");  // the brush locks the camera
  r.motion_brush = MotionBrush{"", {DynamicMask{"v/mask.png", path}}};
  auto reader = Read(Generate(r), 12);
  ASSERT_NE(reader, nullptr);
  for (int k = 0; k < 12; ++k) {
    Stats s = Measure(reader->FrameAt(k).value());
    auto [ex, ey] = Along(path, k / 11.0);
    EXPECT_NEAR(s.cx, ex - 0.5, 1.5) << "frame " << k;
    EXPECT_NEAR(s.cy, ey - 0.5, 1.5) << "frame " << k;
    EXPECT_NEAR(s.bright, 256, 40) << "frame " << k;  // one square, not two
  }
  // The region left its start: the hole is background now.
  EXPECT_LT(Measure(reader->FrameAt(11).value(), 24, 40, 40, 56).mean_y, 50);
}

TEST_F(LocalVideoTest, TheStaticRegionStaysStillWhileARegionMovesThroughIt) {
  Image start(kW, kH, kDark);
  for (int y = 40; y < 56; ++y) {
    for (int x = 24; x < 40; ++x) start.at(x, y) = kBright;  // the mover
  }
  for (int y = 30; y < 66; ++y) {
    for (int x = 70; x < 90; ++x)
      start.at(x, y) = MakePixel(120, 60, 160);  // a still post
  }
  ASSERT_TRUE(blobs_->Put("v/start.png", EncodePng(start).value()));
  ASSERT_TRUE(blobs_->Put("v/mask.png", RectMaskPng(kW, kH, 24, 40, 16, 16)));
  ASSERT_TRUE(blobs_->Put("v/still.png", RectMaskPng(kW, kH, 70, 30, 20, 36)));
  VideoRequest r = Request("still", "");
  r.motion_brush = MotionBrush{
      "v/still.png", {DynamicMask{"v/mask.png", {{32, 48}, {140, 48}}}}};
  auto reader = Read(Generate(r), 12);
  ASSERT_NE(reader, nullptr);
  double post0 = Measure(reader->FrameAt(0).value(), 72, 32, 88, 64).mean_y;
  for (int k = 0; k < 12; ++k) {
    AVFrame* f = reader->FrameAt(k).value();
    EXPECT_NEAR(Measure(f, 72, 32, 88, 64).mean_y, post0, 3) << "frame " << k;
  }
  // The mover did travel: at the end it is right of the post.
  Stats end = Measure(reader->FrameAt(11).value(), 92, 0, kW, kH);
  EXPECT_NEAR(end.cx, 139.5, 1.5);
}

TEST(CameraMoveTest, WordsPickTheMove) {
  EXPECT_EQ(CameraMoveFor("static camera"), CameraMove{});
  EXPECT_GT(CameraMoveFor("Push in on her face").zoom_to, 1.1);
  EXPECT_GT(CameraMoveFor("pull back slowly").zoom_from, 1.1);
  EXPECT_LT(CameraMoveFor("pan left across the street").pan_x_to, 0);
  EXPECT_GT(CameraMoveFor("pan right").pan_x_to, 0);
  EXPECT_NEAR(CameraMoveFor("Resting state: she stands still.").zoom_to, 1.06,
              1e-9);
}

}  // namespace
}  // namespace miri::local
