#include "domain/render_plan.h"

#include <gtest/gtest.h>

namespace miri::render {
namespace {

Timeline MakeTimeline(std::vector<TimelineShot> shots) {
  return Timeline{std::move(shots)};
}

RenderSettings Fps(int fps) {
  RenderSettings s;
  s.fps = fps;
  return s;
}

TEST(FrameAtMsTest, RoundsHalfUp) {
  EXPECT_EQ(FrameAtMs(0, 24), 0);
  EXPECT_EQ(FrameAtMs(1000, 24), 24);
  EXPECT_EQ(FrameAtMs(1020, 24), 24);  // 24.48
  EXPECT_EQ(FrameAtMs(1021, 24), 25);  // 24.504
  EXPECT_EQ(FrameAtMs(62'500, 24), 1500);
  EXPECT_EQ(FrameAtMs(20, 25), 1);  // 0.5 exactly rounds up
  EXPECT_EQ(FrameAtMs(3'600'000, 240), 864'000);
}

TEST(BuildRenderPlanTest, ShotsStartOnTheirRoundedFrame) {
  Result<RenderPlan> p = BuildRenderPlan(
      MakeTimeline({{"a", 0, 1021, "a.mp4"}, {"b", 1021, 2979, "b.mp4"}}), 2979,
      Fps(24));
  ASSERT_TRUE(p) << p.error().ToString();
  EXPECT_EQ(p->total_frames, 71);  // 71.496
  ASSERT_EQ(p->segments.size(), 2u);
  EXPECT_EQ(p->segments[0], (PlanSegment{0, 0, 25}));
  EXPECT_EQ(p->segments[1], (PlanSegment{1, 25, 46}));
}

TEST(BuildRenderPlanTest, GapsAndLeadInAndTailAreBlack) {
  Result<RenderPlan> p = BuildRenderPlan(
      MakeTimeline({{"a", 500, 1000, "a"}, {"b", 2000, 3000, "b"}}), 4000,
      Fps(24));
  ASSERT_TRUE(p) << p.error().ToString();
  EXPECT_EQ(p->total_frames, 96);
  std::vector<PlanSegment> want = {
      {-1, 0, 12}, {0, 12, 12}, {-1, 24, 24}, {1, 48, 24}, {-1, 72, 24}};
  EXPECT_EQ(p->segments, want);
}

TEST(BuildRenderPlanTest, LastShotIsCutAtTheSongsEnd) {
  Result<RenderPlan> p =
      BuildRenderPlan(MakeTimeline({{"a", 0, 5000, "a"}}), 2010, Fps(24));
  ASSERT_TRUE(p) << p.error().ToString();
  EXPECT_EQ(p->total_frames, 48);  // 48.24
  EXPECT_EQ(p->segments, (std::vector<PlanSegment>{{0, 0, 48}}));
}

TEST(BuildRenderPlanTest, SegmentsCoverEveryFrameExactlyOnce) {
  // Awkward boundaries at several frame rates.
  std::vector<TimelineShot> shots;
  int64_t t = 17;
  for (int i = 0; i < 40; ++i) {
    int64_t len = 3000 + (i * 523) % 2001;
    shots.push_back({"s" + std::to_string(i), t, t + len, "c"});
    t += len + (i % 3 == 0 ? 7 : 0);
  }
  for (int fps : {24, 25, 30, 60, 23}) {
    Result<RenderPlan> p =
        BuildRenderPlan(MakeTimeline(shots), t + 333, Fps(fps));
    ASSERT_TRUE(p) << p.error().ToString();
    int64_t next = 0;
    for (const PlanSegment& s : p->segments) {
      EXPECT_EQ(s.first_frame, next);
      EXPECT_GT(s.frame_count, 0);
      if (!s.is_black()) {
        EXPECT_EQ(s.first_frame, FrameAtMs(shots[s.shot_index].start_ms, fps));
      }
      next += s.frame_count;
    }
    EXPECT_EQ(next, p->total_frames);
    EXPECT_EQ(p->total_frames, FrameAtMs(t + 333, fps));
  }
}

TEST(BuildRenderPlanTest, ShotAfterTheSongsEndIsNamed) {
  Result<RenderPlan> p = BuildRenderPlan(
      MakeTimeline({{"a", 0, 1000, "a"}, {"late", 3000, 4000, "b"}}), 2000,
      Fps(24));
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().ToString().find("\"late\""), std::string::npos)
      << p.error().ToString();
}

TEST(BuildRenderPlanTest, ShotShorterThanAFrameIsNamed) {
  Result<RenderPlan> p = BuildRenderPlan(
      MakeTimeline({{"a", 0, 1000, "a"}, {"blip", 1000, 1010, "b"}}), 2000,
      Fps(24));
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().ToString().find("\"blip\""), std::string::npos)
      << p.error().ToString();
}

TEST(BuildRenderPlanTest, EmptyTimelineIsRefused) {
  Result<RenderPlan> p = BuildRenderPlan(Timeline{}, 2000, Fps(24));
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().ToString().find("shots: must not be empty"),
            std::string::npos);
}

TEST(BuildRenderPlanTest, SongShorterThanAFrameIsRefused) {
  Result<RenderPlan> p =
      BuildRenderPlan(MakeTimeline({{"a", 0, 10, "a"}}), 10, Fps(24));
  ASSERT_FALSE(p);
}

TEST(ValidateSettingsTest, RefusesOddSizesAndBadFps) {
  EXPECT_TRUE(ValidateSettings(RenderSettings{}));
  EXPECT_FALSE(ValidateSettings(RenderSettings{24, 1279, 720}));
  EXPECT_FALSE(ValidateSettings(RenderSettings{24, 1280, 0}));
  EXPECT_FALSE(ValidateSettings(RenderSettings{0, 1280, 720}));
  EXPECT_FALSE(ValidateSettings(RenderSettings{241, 1280, 720}));
}

TEST(MakeProgressTest, ExtrapolatesEta) {
  RenderProgress p = MakeProgress(25, 100, 2000);
  EXPECT_DOUBLE_EQ(p.percent, 25.0);
  ASSERT_TRUE(p.eta_ms.has_value());
  EXPECT_EQ(*p.eta_ms, 6000);
  EXPECT_FALSE(MakeProgress(0, 100, 10).eta_ms.has_value());
  EXPECT_EQ(MakeProgress(100, 100, 10).eta_ms, 0);
}

TEST(RenderProgressPayloadTest, CarriesPercentAndEta) {
  nlohmann::json j = RenderProgressPayload("p1", MakeProgress(30, 120, 1000));
  EXPECT_EQ(j["projectId"], "p1");
  EXPECT_EQ(j["framesDone"], 30);
  EXPECT_EQ(j["framesTotal"], 120);
  EXPECT_DOUBLE_EQ(j["fraction"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(j["percent"].get<double>(), 25.0);
  EXPECT_EQ(j["etaMs"], 3000);
  EXPECT_FALSE(
      RenderProgressPayload("p1", MakeProgress(0, 120, 0)).contains("etaMs"));
}

TEST(WrapCardTextTest, BreaksAtSpacesAndCutsWithAnEllipsis) {
  EXPECT_EQ(WrapCardText("  Miri   walks\n\nin the rain ", 12, 3),
            (std::vector<std::string>{"Miri walks", "in the rain"}));
  EXPECT_EQ(WrapCardText("one two three four five six", 9, 2),
            (std::vector<std::string>{"one two", "three..."}));
  // A word longer than a line is split; code points, not bytes, count.
  EXPECT_EQ(WrapCardText("éééééé", 4, 3),
            (std::vector<std::string>{"éééé", "éé"}));
  EXPECT_TRUE(WrapCardText("   ", 10, 3).empty());
}

}  // namespace
}  // namespace miri::render
