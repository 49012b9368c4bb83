#include "services/orchestration/requests.h"

#include <filesystem>
#include <random>

#include <gtest/gtest.h>

#include "adapters/sqlite/sqlite_store.h"
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

// How the references of a new image are picked (issue 16 item 7): the
// approved images of the same scene first, then approved images of other
// shots showing Miri, each group nearest in time first, at most 3.
class ApprovedReferencesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("miri-refs-" + std::to_string(std::random_device{}()) + ".db");
    store_ = std::move(*SqliteStore::Open(path_.string()));
    ASSERT_TRUE(store_->CreateProject(project_));
    // sc1: s0 s1 s2 s3 (0-16 s); sc2: t0 t1 t2 t3 (16-32 s).
    PlanCommit plan;
    plan.at = "2026-03-02T10:15:04Z";
    plan.scenes = {{"sc1", 0, 16000, "verse", "rain"},
                   {"sc2", 16000, 32000, "chorus", "city"}};
    for (int i = 0; i < 8; ++i) {
      Shot s = SampleShot((i < 4 ? "s" : "t") + std::to_string(i % 4), 4000 * i,
                          4000 * (i + 1));
      s.scene_id = i < 4 ? "sc1" : "sc2";
      plan.shots.push_back(s);
    }
    plan.shots[5].shows_miri = false;  // t1: an empty street
    plan.shots[5].description = "an empty street";
    plan.shots[5].lyrics_snippet = "";
    ASSERT_TRUE(store_->CommitPlan(project_.project_id, plan));
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove(path_);
  }
  // An image version of the shot, walked to `last`; approved (its clip
  // made from it) when `last` is past AWAITING_APPROVAL.
  void Image(const std::string& shot, const std::string& version,
             ShotStatus last) {
    Version v = SampleVersion(version, shot);
    v.outputs = {version + ".png"};
    ASSERT_TRUE(store_->AppendVersion(project_.project_id, v));
    ASSERT_TRUE(WalkShot(*store_, project_.project_id, shot, last));
    if (last == ShotStatus::kGeneratingVideo ||
        last == ShotStatus::kCompleted) {
      Version clip = SampleVersion(version + "-clip", shot);
      clip.kind = VersionKind::kVideo;
      clip.parent_version_id = version;
      clip.outputs = {version + "-clip.mp4"};
      ASSERT_TRUE(store_->AppendVersion(project_.project_id, clip));
    }
  }
  std::vector<std::string> For(const std::string& shot_id) {
    Shot shot = *store_->GetShot(project_.project_id, shot_id);
    return *ApprovedReferences(*store_, project_.project_id, shot);
  }

  std::filesystem::path path_;
  ProjectConfig project_ = SampleProject();
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(ApprovedReferencesTest, SameSceneFirstThenMiriNearestFirstAtMostThree) {
  Image("s0", "vs0", ShotStatus::kCompleted);
  Image("s1", "vs1", ShotStatus::kAwaitingApproval);  // not approved
  Image("s3", "vs3", ShotStatus::kGeneratingVideo);
  Image("t0", "vt0", ShotStatus::kCompleted);
  Image("t1", "vt1", ShotStatus::kCompleted);  // no Miri: not for her shots
  Image("t2", "vt2", ShotStatus::kCompleted);
  // s2 at 8 s: s3 (4 s away) before s0 (8 s away), then t0 (8 s away)
  // before t2; three at most.
  EXPECT_EQ(For("s2"),
            (std::vector<std::string>{"vs3.png", "vs0.png", "vt0.png"}));
  // t3 at 28 s: its scene's t2, t1, t0 fill the three.
  EXPECT_EQ(For("t3"),
            (std::vector<std::string>{"vt2.png", "vt1.png", "vt0.png"}));
}

TEST_F(ApprovedReferencesTest, OnlyTheApprovedImageOfAShotIsTaken) {
  Image("s0", "vs0-first", ShotStatus::kAwaitingApproval);
  // Rejected (back to DRAFT), drawn again and approved.
  ASSERT_TRUE(store_->AppendEvent(project_.project_id,
                                  ShotEvent("s0", ShotStatus::kAwaitingApproval,
                                            ShotStatus::kDraft, "s0-reject")));
  Version again = SampleVersion("vs0-again", "s0");
  again.outputs = {"vs0-again.png"};
  ASSERT_TRUE(store_->AppendVersion(project_.project_id, again));
  for (auto [from, to] :
       {std::pair{ShotStatus::kDraft, ShotStatus::kValidation},
        {ShotStatus::kValidation, ShotStatus::kGeneratingImage},
        {ShotStatus::kGeneratingImage, ShotStatus::kAwaitingApproval},
        {ShotStatus::kAwaitingApproval, ShotStatus::kGeneratingVideo}}) {
    ASSERT_TRUE(store_->AppendEvent(
        project_.project_id,
        ShotEvent("s0", from, to,
                  "s0-again-" + std::string(ShotStatusName(to)))));
  }
  Version clip = SampleVersion("vs0-clip", "s0");
  clip.kind = VersionKind::kVideo;
  clip.parent_version_id = "vs0-again";
  ASSERT_TRUE(store_->AppendVersion(project_.project_id, clip));
  EXPECT_EQ(For("s1"), std::vector<std::string>{"vs0-again.png"});
}

// Regression: `miri produce` generates the rest of a scene the moment its
// anchor is approved, before the anchor's clip version is stored; the
// anchor's image was left out.
TEST_F(ApprovedReferencesTest, AShotJustApprovedIsTakenBeforeItsClipIsStored) {
  Image("s0", "vs0", ShotStatus::kAwaitingApproval);
  ASSERT_TRUE(store_->AppendEvent(
      project_.project_id,
      ShotEvent("s0", ShotStatus::kAwaitingApproval,
                ShotStatus::kGeneratingVideo, "s0-approve")));
  EXPECT_EQ(For("s1"), std::vector<std::string>{"vs0.png"});
}

TEST_F(ApprovedReferencesTest, AShotWithoutMiriTakesOnlyItsOwnScene) {
  // Nothing approved yet: no references (a text-to-image request).
  EXPECT_TRUE(For("s1").empty());
  Image("s0", "vs0", ShotStatus::kCompleted);
  Image("t0", "vt0", ShotStatus::kCompleted);
  EXPECT_EQ(For("t1"), std::vector<std::string>{"vt0.png"});
  EXPECT_EQ(For("s1"), (std::vector<std::string>{"vs0.png", "vt0.png"}));
}

}  // namespace
}  // namespace miri::testing
