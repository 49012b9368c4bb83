#include "domain/captions.h"

#include <gtest/gtest.h>

#include "domain/render_plan.h"

namespace miri::render {
namespace {

TEST(SnapCaptionsTest, LinesFallOnTheFrameGridWithoutOverlap) {
  // At 24 fps: 1021 ms -> frame 25 (24.504), 2979 -> 71 (71.496).
  std::vector<CaptionCue> cues = SnapCaptions(
      {{1021, 2979, " rain on\nthe roof "},
       {2990, 4000, "second"},  // starts in the frame grid's frame 72
       {3990, 4010, "blink"},   // 96 to 96: no frame of its own
       {4500, 4600, "   "},     // no text
       {5000, 9000, "past end"}},
      24, 200);
  ASSERT_EQ(cues.size(), 3u);
  EXPECT_EQ(cues[0], (CaptionCue{25, 71, "rain on the roof"}));
  EXPECT_EQ(cues[1], (CaptionCue{72, 96, "second"}));
  EXPECT_EQ(cues[2], (CaptionCue{120, 200, "past end"}));  // cut at the end
}

TEST(SnapCaptionsTest, AnOverlappingLineEndsWhereTheNextBegins) {
  std::vector<CaptionCue> cues =
      SnapCaptions({{0, 5000, "a"}, {2000, 3000, "b"}}, 25, 1000);
  ASSERT_EQ(cues.size(), 2u);
  EXPECT_EQ(cues[0].end_frame, 50);
  EXPECT_EQ(cues[1].first_frame, 50);
}

TEST(CaptionTextTest, SrtAndVttCarryFrameTimes) {
  std::vector<CaptionCue> cues = {{25, 71, "rain & <roof>"},
                                  {86400, 86424, "late"}};
  EXPECT_EQ(ToSrt(cues, 24),
            "1\n00:00:01,042 --> 00:00:02,958\nrain & <roof>\n\n"
            "2\n01:00:00,000 --> 01:00:01,000\nlate\n\n");
  EXPECT_EQ(ToWebVtt(cues, 24),
            "WEBVTT\n\n00:00:01.042 --> 00:00:02.958\nrain &amp; &lt;roof&gt;"
            "\n\n01:00:00.000 --> 01:00:01.000\nlate\n\n");
}

TEST(CaptionTextTest, FrameTimesReadBackAsTheSameFrame) {
  for (int fps : {24, 25, 30, 60, 240}) {
    for (int64_t n = 0; n < 5000; ++n) {
      ASSERT_EQ(FrameAtMs(FrameTimeMs(n, fps), fps), n) << fps << " " << n;
    }
  }
}

}  // namespace
}  // namespace miri::render
