// Lyric captions in the MP4 (issue 20): a soft mov_text track whose cues
// fall on the render's frame grid, and a picture with nothing drawn on it.
#include <gtest/gtest.h>

#include "adapters/ffmpeg/render_executor.h"
#include "adapters/ffmpeg/test_media.h"

namespace miri::ffmpeg {
namespace {

using testing::TempDir;

constexpr int kW = 64, kH = 36, kFps = 24;

TEST(CaptionsRenderTest, CuesAreASoftMovTextTrackOnTheFrameGrid) {
  TempDir dir;
  ASSERT_TRUE(
      testing::MakeColorClip(dir.File("red.mp4"), "red", kW, kH, kFps, 4.0));
  ASSERT_TRUE(testing::MakeSong(dir.File("song.mp3"), 4.0));
  render::Timeline timeline;
  timeline.shots = {{"s1", 0, 4000, dir.File("red.mp4")}};
  Result<render::RenderPlan> plan =
      render::BuildRenderPlan(timeline, 4000, {kFps, kW, kH});
  ASSERT_TRUE(plan);
  plan->captions = render::SnapCaptions(
      {{1021, 2000, "rain on the roof"}, {2479, 3600, "and {the} street"}},
      kFps, plan->total_frames);
  RenderOptions opts;
  opts.output = dir.File("out.mp4");
  opts.song = dir.File("song.mp3");
  opts.preset = "ultrafast";
  ASSERT_TRUE(ExecuteRenderPlan(*plan, opts));

  testing::ProbeResult p = testing::Probe(opts.output.string());
  EXPECT_EQ(p.subtitle_codec, "mov_text");
  EXPECT_EQ(p.video_frames, 96);
  std::vector<testing::TextCue> cues =
      testing::ParseCues(testing::SubtitlesAsSrt(opts.output.string()));
  ASSERT_EQ(cues.size(), 2u);
  // Frames 25..48 and 59..86: 1041.67 -> 1042 ms, 2000, 2458.33 -> 2458,
  // 3583.33 -> 3583.
  EXPECT_EQ(cues[0].start_ms, 1042);
  EXPECT_EQ(cues[0].end_ms, 2000);
  EXPECT_EQ(cues[0].text, "rain on the roof");
  EXPECT_EQ(cues[1].start_ms, 2458);
  EXPECT_EQ(cues[1].end_ms, 3583);
  EXPECT_EQ(cues[1].text, "and (the) street");
  // Nothing is burned in: the bottom of the picture, where a caption would
  // sit, is the clip's red in every frame.
  std::vector<testing::Rgb> bottom =
      testing::FrameColors(opts.output.string(), kW, kH, kW / 2, kH - 4);
  ASSERT_EQ(bottom.size(), 96u);
  for (size_t n = 0; n < bottom.size(); ++n) {
    ASSERT_TRUE(testing::Near(bottom[n], {255, 0, 0})) << "frame " << n;
  }
}

}  // namespace
}  // namespace miri::ffmpeg
