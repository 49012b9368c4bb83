// The animatic's sources on the final render's executor (issue 20): a clip,
// a still frame with a slow camera move and a card with the description,
// on the same frame grid as the final cut, decoded back frame by frame.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "adapters/ffmpeg/render_executor.h"
#include "adapters/ffmpeg/test_media.h"

namespace miri::ffmpeg {
namespace {

using testing::FrameColors;
using testing::Near;
using testing::Rgb;
using testing::TempDir;

constexpr int kW = 96, kH = 54, kFps = 24;
const Rgb kRed{255, 0, 0}, kCardBg{29, 36, 48}, kBlack{0, 0, 0};

std::string Show(const Rgb& c) {
  return "(" + std::to_string(c[0]) + "," + std::to_string(c[1]) + "," +
         std::to_string(c[2]) + ")";
}

class AnimaticRenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::MakeColorClip(dir_.File("clip.mp4"), "red", kW, kH,
                                       kFps, 2.0));
    // A grey ramp, dark on the left: a pan shows as a changing grey.
    ASSERT_TRUE(testing::Run(
        "ffmpeg -nostdin -v error -y -f lavfi -i color=s=160x90 -vf "
        "\"format=yuv444p,geq=lum='16+X*219/W':cb=128:cr=128\" -frames:v 1 " +
        dir_.File("frame.png")));
    ASSERT_TRUE(testing::MakeSong(dir_.File("song.mp3"), 4.2));
    timeline_.shots = {
        {"clip", 0, 1000, dir_.File("clip.mp4")},
        {"still", 1000, 2479, dir_.File("frame.png")},
        {"card", 2479, 4000, "card"},
        // tail 4000..4200: black
    };
  }

  TempDir dir_;
  render::Timeline timeline_;
};

TEST_F(AnimaticRenderTest, ClipStillAndCardFillTheirFramesOnTheCutsGrid) {
  Result<render::RenderPlan> plan =
      render::BuildRenderPlan(timeline_, 4200, {kFps, kW, kH});
  ASSERT_TRUE(plan) << plan.error().ToString();
  plan->visuals = {{render::ShotLook::kClip, ""},
                   {render::ShotLook::kStill, ""},
                   {render::ShotLook::kCard, "Miri waits under the bridge"}};
  RenderOptions opts;
  opts.output = dir_.File("animatic.mp4");
  opts.song = dir_.File("song.mp3");
  opts.preset = "ultrafast";
  opts.draft = true;
  Result<RenderStats> stats = ExecuteRenderPlan(*plan, opts);
  ASSERT_TRUE(stats) << stats.error().ToString();
  // round(4200 * 24 / 1000) = 101 frames; the shots own [0, 24), [24, 59)
  // (round(59.496)), [59, 96); the tail is black.
  EXPECT_EQ(stats->frames_written, 101);
  testing::ProbeResult p = testing::Probe(opts.output.string());
  EXPECT_EQ(p.video_frames, 101);
  EXPECT_LE(std::abs(p.video_duration - 4.2), 1.0 / kFps) << p.video_duration;
  EXPECT_LE(std::abs(p.audio_duration - 4.2), 1.0 / kFps) << p.audio_duration;

  std::vector<Rgb> mid = FrameColors(opts.output.string(), kW, kH, 48, 27);
  std::vector<Rgb> corner = FrameColors(opts.output.string(), kW, kH, 3, 50);
  ASSERT_EQ(mid.size(), 101u);
  ASSERT_EQ(corner.size(), 101u);
  for (int n : {0, 23}) EXPECT_TRUE(Near(mid[n], kRed)) << n << Show(mid[n]);
  // The still: grey, and the window moves across the ramp.
  for (int n : {24, 58}) {
    EXPECT_LE(std::abs(mid[n][0] - mid[n][2]), 12) << n << Show(mid[n]);
    EXPECT_FALSE(Near(mid[n], kBlack, 12)) << n << Show(mid[n]);
  }
  EXPECT_GE(std::abs(mid[24][0] - mid[58][0]), 8)
      << Show(mid[24]) << " " << Show(mid[58]);
  // The card: its background where no text is, text in the middle.
  for (int n : {59, 95}) {
    EXPECT_TRUE(Near(corner[n], kCardBg, 12)) << n << Show(corner[n]);
  }
  EXPECT_TRUE(Near(corner[96], kBlack, 12)) << Show(corner[96]);
  EXPECT_TRUE(Near(corner[100], kBlack, 12)) << Show(corner[100]);
}

TEST_F(AnimaticRenderTest, AMissingFrameIsNamed) {
  Result<render::RenderPlan> plan =
      render::BuildRenderPlan(timeline_, 4200, {kFps, kW, kH});
  ASSERT_TRUE(plan);
  plan->shots[1].clip = dir_.File("gone.png");
  plan->visuals = {{render::ShotLook::kClip, ""},
                   {render::ShotLook::kStill, ""},
                   {render::ShotLook::kCard, "x"}};
  RenderOptions opts;
  opts.output = dir_.File("animatic.mp4");
  opts.song = dir_.File("song.mp3");
  Result<RenderStats> stats = ExecuteRenderPlan(*plan, opts);
  ASSERT_FALSE(stats);
  EXPECT_NE(stats.error().ToString().find("shot \"still\" (shots[1]): frame ("),
            std::string::npos)
      << stats.error().ToString();
  EXPECT_FALSE(std::filesystem::exists(opts.output));
}

}  // namespace
}  // namespace miri::ffmpeg
