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

}  // namespace
}  // namespace miri::testing
