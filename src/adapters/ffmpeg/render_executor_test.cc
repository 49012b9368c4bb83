// Frame accuracy and bad-input behaviour of the final render, on real media
// made in a temp dir: tiny (64x36) clips of solid colours at awkward
// millisecond boundaries, decoded back frame by frame.
#include "adapters/ffmpeg/render_executor.h"

#include <gtest/gtest.h>

#include <cmath>

#include "adapters/ffmpeg/test_media.h"

namespace miri::ffmpeg {
namespace {

using testing::FrameColors;
using testing::Near;
using testing::Probe;
using testing::Rgb;
using testing::TempDir;

constexpr int kW = 64, kH = 36, kFps = 24;
const Rgb kRed{255, 0, 0}, kWhite{255, 255, 255}, kGreen{0, 255, 0},
    kBlue{0, 0, 255}, kMagenta{255, 0, 255}, kYellow{255, 255, 0},
    kCyan{0, 255, 255}, kBlack{0, 0, 0};

render::RenderSettings Small() { return {kFps, kW, kH}; }

std::string Show(const Rgb& c) {
  return "(" + std::to_string(c[0]) + "," + std::to_string(c[1]) + "," +
         std::to_string(c[2]) + ")";
}

// Five shots exercising trim, gap, hold, other size and frame rate, and VFR.
class FrameAccuracyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // 0.5 s red then 1.5 s white: trimmed to 25 frames.
    ASSERT_TRUE(testing::MakeColorSequence(dir_.File("trim.mp4"),
                                           {"0xFF0000", "0xFFFFFF"}, {0.5, 1.5},
                                           kW, kH, kFps));
    // 0.25 s green then 0.25 s blue: shorter than its slot, held on blue.
    ASSERT_TRUE(testing::MakeColorSequence(dir_.File("hold.mp4"),
                                           {"0x00FF00", "0x0000FF"},
                                           {0.25, 0.25}, kW, kH, kFps));
    // 4:3 at 30 fps: scaled and pillarboxed.
    ASSERT_TRUE(testing::MakeColorClip(dir_.File("other.mp4"), "0xFF00FF", 80,
                                       60, 30, 1.5));
    // Variable frame rate: 0.5 s of yellow at 10 fps, 0.5 s of cyan at 50.
    ASSERT_TRUE(testing::MakeVfrClip(dir_.File("vfr.mp4"),
                                     {"0xFFFF00", "0x00FFFF"}, {0.5, 0.5},
                                     {10, 50}, kW, kH));
    ASSERT_TRUE(testing::MakeSong(dir_.File("song.mp3"), 5.2));
    timeline_.shots = {
        {"trim", 0, 1021, dir_.File("trim.mp4")},
        // gap 1021..1479: black
        {"hold", 1479, 2979, dir_.File("hold.mp4")},
        {"other", 2979, 4013, dir_.File("other.mp4")},
        {"vfr", 4013, 5000, dir_.File("vfr.mp4")},
        // tail 5000..5200: black
    };
  }

  // The colour frame n must show, from the plan worked out by hand.
  static Rgb Expected(int n) {
    if (n < 12) return kRed;      // trim: clip frames 0..11
    if (n < 25) return kWhite;    // trim: ends at round(1021*24/1000) = 25
    if (n < 35) return kBlack;    // gap to round(1479*24/1000) = 35
    if (n < 41) return kGreen;    // hold: 6 green frames
    if (n < 71) return kBlue;     // 6 blue, then held to round(71.496) = 71
    if (n < 96) return kMagenta;  // other: to round(96.312) = 96
    if (n < 108) return kYellow;  // vfr: cyan due at (k+0.5)/24 >= 0.5
    if (n < 120) return kCyan;    // to round(5000*24/1000) = 120
    return kBlack;                // to round(5200*24/1000) = 125
  }

  TempDir dir_;
  render::Timeline timeline_;
};

TEST_F(FrameAccuracyTest, EveryFrameShowsTheShotThatOwnsIt) {
  Result<SongInfo> song = ProbeSong(dir_.File("song.mp3"));
  ASSERT_TRUE(song) << song.error().ToString();
  EXPECT_EQ(song->duration_ms, 5200);
  Result<render::RenderPlan> plan =
      render::BuildRenderPlan(timeline_, song->duration_ms, Small());
  ASSERT_TRUE(plan) << plan.error().ToString();
  ASSERT_EQ(plan->total_frames, 125);

  RenderOptions opts;
  opts.output = dir_.File("out.mp4");
  opts.song = dir_.File("song.mp3");
  Result<RenderStats> stats = ExecuteRenderPlan(*plan, opts);
  ASSERT_TRUE(stats) << stats.error().ToString();
  EXPECT_EQ(stats->frames_written, 125);

  std::vector<Rgb> colors = FrameColors(opts.output.string(), kW, kH, 32, 18);
  ASSERT_EQ(colors.size(), 125u);
  int wrong = 0;
  for (int n = 0; n < 125; ++n) {
    if (!Near(colors[n], Expected(n))) {
      ADD_FAILURE() << "frame " << n << " is " << Show(colors[n])
                    << ", expected " << Show(Expected(n));
      if (++wrong > 10) break;
    }
  }
  // The 4:3 shot is pillarboxed: its left edge is black.
  std::vector<Rgb> edge = FrameColors(opts.output.string(), kW, kH, 2, 18);
  ASSERT_EQ(edge.size(), 125u);
  EXPECT_TRUE(Near(edge[80], kBlack)) << Show(edge[80]);
  EXPECT_TRUE(Near(edge[0], kRed)) << Show(edge[0]);
}

TEST_F(FrameAccuracyTest, DurationsMatchTheSongWithinOneFrame) {
  for (AudioMode mode : {AudioMode::kCopy, AudioMode::kAac}) {
    Result<SongInfo> song = ProbeSong(dir_.File("song.mp3"));
    ASSERT_TRUE(song);
    Result<render::RenderPlan> plan =
        render::BuildRenderPlan(timeline_, song->duration_ms, Small());
    ASSERT_TRUE(plan);
    RenderOptions opts;
    opts.output = dir_.File(mode == AudioMode::kCopy ? "copy.mp4" : "aac.mp4");
    opts.song = dir_.File("song.mp3");
    opts.audio_mode = mode;
    ASSERT_TRUE(ExecuteRenderPlan(*plan, opts));
    testing::ProbeResult p = Probe(opts.output.string());
    const double song_s = 5.2, frame = 1.0 / kFps;
    EXPECT_EQ(p.video_frames, 125);
    EXPECT_EQ(p.video_codec, "h264");
    EXPECT_EQ(p.pix_fmt, "yuv420p");
    EXPECT_EQ(p.width, kW);
    EXPECT_EQ(p.height, kH);
    EXPECT_TRUE(p.moov_first) << "not faststart";
    EXPECT_EQ(p.audio_codec, mode == AudioMode::kCopy ? "mp3" : "aac");
    EXPECT_LE(std::abs(p.video_duration - song_s), frame) << p.video_duration;
    EXPECT_LE(std::abs(p.audio_duration - song_s), frame) << p.audio_duration;
  }
}

TEST_F(FrameAccuracyTest, ReportsProgressToTheEnd) {
  Result<render::RenderPlan> plan =
      render::BuildRenderPlan(timeline_, 5200, Small());
  ASSERT_TRUE(plan);
  RenderOptions opts;
  opts.output = dir_.File("out.mp4");
  opts.song = dir_.File("song.mp3");
  std::vector<render::RenderProgress> seen;
  opts.on_progress = [&](const render::RenderProgress& p) {
    seen.push_back(p);
  };
  ASSERT_TRUE(ExecuteRenderPlan(*plan, opts));
  ASSERT_GE(seen.size(), 5u);
  EXPECT_EQ(seen.front().frames_done, kFps);
  EXPECT_EQ(seen.back().frames_done, 125);
  EXPECT_DOUBLE_EQ(seen.back().percent, 100.0);
}

}  // namespace
}  // namespace miri::ffmpeg
