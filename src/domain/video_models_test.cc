#include "domain/video_models.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <utility>

namespace miri {
namespace {

ClipNeeds Needs(int64_t ms, bool end_frame = false, bool brush = false) {
  return ClipNeeds{ms, end_frame, brush};
}

TEST(VideoModels, OmniModelsSpeakTheOmniEndpoint) {
  ASSERT_NE(FindVideoModel("kling-v3-omni"), nullptr);
  EXPECT_EQ(FindVideoModel("kling-v3-omni")->api, VideoApi::kKlingOmniVideo);
  EXPECT_EQ(FindVideoModel("kling-video-o1")->api, VideoApi::kKlingOmniVideo);
  EXPECT_EQ(FindVideoModel("kling-v2-5-turbo")->api,
            VideoApi::kKlingImage2Video);
  EXPECT_EQ(FindVideoModel("kling-v3")->api, VideoApi::kKlingImage2Video);
  EXPECT_EQ(FindVideoModel("kling-o3"), nullptr) << "not an API model id";
}

TEST(VideoModels, EveryOfferNamesAKnownModelAndAscendingDurations) {
  for (const VideoOffer& o : VideoOffers()) {
    EXPECT_NE(FindVideoModel(o.model), nullptr) << o.model;
    EXPECT_TRUE(o.mode == "std" || o.mode == "pro") << o.model;
    ASSERT_FALSE(o.durations_s.empty()) << o.model;
    EXPECT_TRUE(std::is_sorted(o.durations_s.begin(), o.durations_s.end()));
  }
  for (const VideoModel& m : VideoModels()) {
    bool offered = false;
    for (const VideoOffer& o : VideoOffers()) offered |= o.model == m.id;
    EXPECT_TRUE(offered) << m.id;
  }
}

TEST(VideoModels, DurationIsTheShortestThatCoversTheClipElseTheLongest) {
  EXPECT_EQ(PlanClip("kling-v2-5-turbo", "pro", Needs(3200))->duration_s, 5);
  EXPECT_EQ(PlanClip("kling-v2-5-turbo", "pro", Needs(5001))->duration_s, 10);
  EXPECT_EQ(PlanClip("kling-v2-5-turbo", "pro", Needs(14000))->duration_s, 10);
  EXPECT_EQ(PlanClip("kling-v3", "std", Needs(4500))->duration_s, 5);
  EXPECT_EQ(PlanClip("kling-v3", "std", Needs(2000))->duration_s, 3);
  EXPECT_EQ(PlanClip("kling-v3-omni", "pro", Needs(12000, true))->duration_s,
            12);
}

TEST(VideoModels, O1TakesThreeToTenSecondsOnlyWithBothFrames) {
  // Omni-Video FAQ: text and first-frame-only video are 5 or 10 s; with
  // first and end frames 3..10 s.
  ClipPlan both = *PlanClip("kling-video-o1", "pro", Needs(7000, true));
  EXPECT_EQ(both,
            (ClipPlan{"kling-video-o1", "pro", 7, VideoApi::kKlingOmniVideo}));
  EXPECT_EQ(PlanClip("kling-video-o1", "pro", Needs(7000))->duration_s, 10);
  EXPECT_EQ(PlanClip("kling-video-o1", "std", Needs(3000))->duration_s, 5);
}

TEST(VideoModels, MotionBrushOnlyOnKlingV1AndV15At5s) {
  EXPECT_EQ(PlanClip("kling-v1-5", "pro", Needs(8000, false, true))->duration_s,
            5);
  EXPECT_TRUE(PlanClip("kling-v1", "std", Needs(5000, false, true)));
  for (auto [model, mode] : std::vector<std::pair<const char*, const char*>>{
           {"kling-v1-5", "std"},
           {"kling-v2-5-turbo", "pro"},
           {"kling-v3", "pro"},
           {"kling-v3-omni", "pro"},
           {"kling-video-o1", "pro"}}) {
    auto r = PlanClip(model, mode, Needs(5000, false, true));
    ASSERT_FALSE(r) << model << " " << mode;
    EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
    ASSERT_EQ(r.error().issues.size(), 1u);
    EXPECT_EQ(r.error().issues[0].path, "motion_brush");
    EXPECT_NE(r.error().issues[0].message.find(model), std::string::npos);
    EXPECT_NE(r.error().issues[0].message.find("kling-v1-5 pro 5 s"),
              std::string::npos)
        << r.error().issues[0].message;
  }
}

TEST(VideoModels, EndFrameIsRefusedWhereTheMapHasNone) {
  auto master = PlanClip("kling-v2-master", "pro", Needs(5000, true));
  ASSERT_FALSE(master);
  EXPECT_EQ(master.error().issues.at(0).path, "end_frame_blob");
  EXPECT_NE(master.error().message.find("kling-v2-master"), std::string::npos);
  // Standard mode has no end frame on v2.5 turbo; pro does.
  EXPECT_FALSE(PlanClip("kling-v2-5-turbo", "std", Needs(5000, true)));
  EXPECT_TRUE(PlanClip("kling-v2-5-turbo", "pro", Needs(10000, true)));
  // kling-v1 has its end frame only at 5 s: a 10 s clip gets 5 s.
  EXPECT_EQ(PlanClip("kling-v1", "pro", Needs(10000, true))->duration_s, 5);
}

TEST(VideoModels, UnknownModelAndModeAreNamed) {
  auto unknown = PlanClip("kling-o3", "pro", Needs(5000));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().issues.at(0).path, "model");
  EXPECT_NE(unknown.error().issues[0].message.find("kling-v3-omni"),
            std::string::npos)
      << "lists the known ids";
  auto mode = PlanClip("kling-v2-5-turbo", "4k", Needs(5000));
  ASSERT_FALSE(mode);
  EXPECT_EQ(mode.error().issues.at(0).path, "mode");
}

TEST(VideoModels, WhereOfferedListsTheRows) {
  EXPECT_EQ(WhereOffered(false, true),
            "kling-v1 std 5 s, kling-v1 pro 5 s, kling-v1-5 pro 5 s");
}

}  // namespace
}  // namespace miri
