#include "services/orchestration/requests.h"

#include <gtest/gtest.h>

#include "testing/store_fixtures.h"

namespace miri::testing {
namespace {

TEST(JobIdTest, RoundTripsWithAttempts) {
  EXPECT_EQ(JobIdWithAttempt("p", "v1", 0), "p:v1");
  EXPECT_EQ(JobIdWithAttempt("p", "v1", 2), "p:v1#2");
  Result<JobRef> ref = ParseJobId("p:v1#2");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->project_id, "p");
  EXPECT_EQ(ref->version_id, "v1");
  EXPECT_EQ(ref->attempt, 2);
  EXPECT_FALSE(ParseJobId("nocolon"));
  EXPECT_FALSE(ParseJobId("p:"));
}

TEST(VersionIdTest, DeterministicPerShotAndKey) {
  EXPECT_EQ(VersionIdFor("sh", "k"), VersionIdFor("sh", "k"));
  EXPECT_NE(VersionIdFor("sh", "k"), VersionIdFor("sh", "k2"));
  EXPECT_NE(VersionIdFor("sh", "k"), VersionIdFor("sh2", "k"));
  EXPECT_TRUE(IsSafeId(VersionIdFor("sh", "k")));
}

TEST(ParseIsoMsTest, ReadsUtcWithMillis) {
  EXPECT_EQ(ParseIsoMs("1970-01-01T00:00:01.250Z"), 1250);
  EXPECT_EQ(ParseIsoMs(FormatIsoMs(1'772'446'504'123)), 1'772'446'504'123);
  EXPECT_EQ(ParseIsoMs("garbage"), 0);
}

TEST(RequestsTest, ImageRequestIsRebuiltFromTheStoredVersion) {
  ProjectConfig p = SampleProject();
  Shot shot = SampleShot("sh", 0, 4000);
  OrchestratorOptions o;
  Version v =
      ImageVersion(p, p.project_id, shot, "Miri at a window", {}, {"ref.png"},
                   nullptr, "k", o, "2026-03-02T10:15:04Z");
  ImageRequest r = ImageRequestOf(p.project_id, v);
  EXPECT_EQ(r.job_id, p.project_id + ":" + v.version_id);
  EXPECT_EQ(r.mode, ImageRequest::Mode::kEdit);
  EXPECT_EQ(r.reference_blobs, std::vector<std::string>{"ref.png"});
  EXPECT_EQ(r.loras, std::vector<std::string>{"miriN14"});
  EXPECT_EQ(r.width, o.image_width);
  EXPECT_EQ(r.output_key, v.outputs[0]);
  EXPECT_EQ(r.prompt, v.prompt);
}

// Regression (issue 18): a shot with showsMiri false that shows a child went
// out with no LoRA, none of the six terms and an empty negative prompt.
TEST(RequestsTest, AChildInTheShotIsDrawnAsMiriWhateverTheFlag) {
  ProjectConfig p = SampleProject();
  Shot shot = SampleShot("sh", 0, 4000);
  shot.shows_miri = false;
  shot.description = "a young girl walks home alone in the rain";
  OrchestratorOptions o;
  Version v = ImageVersion(p, p.project_id, shot, shot.description, {}, {},
                           nullptr, "k", o, "2026-03-02T10:15:04Z");
  ImageRequest r = ImageRequestOf(p.project_id, v);
  EXPECT_EQ(r.loras, std::vector<std::string>{"miriN14"});
  EXPECT_NE(r.prompt.find("Child physique"), std::string::npos);
  EXPECT_NE(r.prompt.find("Mouth CLOSED"), std::string::npos);
  EXPECT_FALSE(r.negative_prompt.empty());
  EXPECT_EQ(ForecastImageRequest(p, shot, o).loras,
            std::vector<std::string>{"miriN14"});
  // A child only in the lyrics, or only in an override, counts too.
  shot.description = "rain on an empty street";
  shot.lyrics_snippet = "little girl, don't you cry";
  v = ImageVersion(p, p.project_id, shot, shot.description, {}, {}, nullptr,
                   "k2", o, "2026-03-02T10:15:04Z");
  EXPECT_EQ(ImageRequestOf(p.project_id, v).loras,
            std::vector<std::string>{"miriN14"});
  shot.lyrics_snippet = "";
  v = ImageVersion(p, p.project_id, shot, "a schoolgirl at the bus stop", {},
                   {}, nullptr, "k3", o, "2026-03-02T10:15:04Z");
  EXPECT_EQ(ImageRequestOf(p.project_id, v).loras,
            std::vector<std::string>{"miriN14"});
  // Scenery stays scenery.
  v = ImageVersion(p, p.project_id, shot, shot.description, {}, {}, nullptr,
                   "k4", o, "2026-03-02T10:15:04Z");
  EXPECT_TRUE(ImageRequestOf(p.project_id, v).loras.empty());
}

TEST(RequestsTest, TheClipOfAChildIsPromptedAsMiri) {
  ProjectConfig p = SampleProject();
  Shot shot = SampleShot("sh", 1000, 4500);
  shot.shows_miri = false;
  shot.description = "a schoolgirl waits at the bus stop";
  Version image;
  image.version_id = "vimg";
  image.outputs = {"img.png"};
  image.parameters = {{"subject", shot.description}};
  OrchestratorOptions o;
  Version v = VideoVersion(p, p.project_id, shot, image, std::nullopt, "k", o,
                           "2026-03-02T10:15:04Z");
  EXPECT_NE(v.prompt.find("Child physique"), std::string::npos);
  EXPECT_FALSE(v.negative_prompt.empty());
}

TEST(RequestsTest, VideoRequestCarriesStartFrameDurationAndBrush) {
  ProjectConfig p = SampleProject();
  Shot shot = SampleShot("sh", 1000, 4500);
  Version image;
  image.version_id = "vimg";
  image.outputs = {"img.png"};
  MotionBrush brush;
  brush.dynamic_masks.push_back({"mask.png", {{1, 2}, {30, 40}}});
  OrchestratorOptions o;
  Version v = VideoVersion(p, p.project_id, shot, image, brush, "k", o,
                           "2026-03-02T10:15:04Z");
  VideoRequest r = VideoRequestOf(p.project_id, v);
  EXPECT_EQ(r.start_frame_blob, "img.png");
  EXPECT_EQ(r.duration_ms, 3500);
  ASSERT_TRUE(r.motion_brush);
  EXPECT_EQ(r.motion_brush->dynamic_masks[0].mask_blob, "mask.png");
  EXPECT_EQ(r.motion_brush->dynamic_masks[0].trajectory,
            (std::vector<TrajectoryPoint>{{1, 2}, {30, 40}}));
}

// The project's choice on rerouting goes with the clip version, so every
// submission of it (a retry, the reconciler's) asks the same.
TEST(RequestsTest, TheProjectsRerouteChoiceTravelsWithTheClip) {
  ProjectConfig p = SampleProject();
  Shot shot = SampleShot("sh", 1000, 4500);
  Version image;
  image.version_id = "vimg";
  image.outputs = {"img.png"};
  OrchestratorOptions o;
  auto clip = [&] {
    return VideoRequestOf(
        p.project_id, VideoVersion(p, p.project_id, shot, image, std::nullopt,
                                   "k", o, "2026-03-02T10:15:04Z"));
  };
  EXPECT_TRUE(clip().allow_reroute);
  p.global_settings.allow_video_reroute = false;
  EXPECT_FALSE(clip().allow_reroute);
}

}  // namespace
}  // namespace miri::testing
