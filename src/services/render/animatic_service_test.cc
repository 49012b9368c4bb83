// The animatic use case (issue 20) on the embedded adapters (SQLite file,
// local blobs) and the real FFmpeg renderer: a plan whose shots have a
// clip, only a frame, and only a description renders on the final cut's
// frame grid, and nothing about the project changes.
#include "services/render/animatic.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "adapters/ffmpeg/ffmpeg_renderer.h"
#include "adapters/ffmpeg/test_media.h"
#include "adapters/localfs/localfs_blob_store.h"
#include "adapters/sqlite/sqlite_store.h"
#include "testing/store_fixtures.h"

namespace miri::render {
namespace {

namespace testing = ::miri::testing;
namespace fs = std::filesystem;

constexpr int kW = 96, kH = 54, kFps = 24;

class AnimaticServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteStore::Open((dir_.path() / "miri.db").string());
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    auto blobs = LocalFsBlobStore::Open(dir_.path() / "blobs");
    ASSERT_TRUE(blobs) << blobs.error().ToString();
    blobs_ = std::move(*blobs);
    ProjectConfig project = testing::SampleProject();
    project_ = project.project_id;
    ASSERT_TRUE(store_->CreateProject(project));
    Event e;
    e.event_id = "t-1";
    e.to = std::string(ProjectStatusName(ProjectStatus::kAudioAnalysis));
    e.cause = "new";
    e.at = "2026-03-02T10:15:04Z";
    e.idempotency_key = "test:new";
    ASSERT_TRUE(store_->AppendEvent(project_, e));
    service_ = std::make_unique<AnimaticService>(
        *store_, *blobs_, renderer_, dir_.path() / "scratch",
        AnimaticSettings{kFps, kW, kH, "ultrafast"});
  }

  // Three 4 s shots: s-0 has a clip, s-1 an image, s-2 nothing; a 12.3 s
  // song.
  void PlanAndMedia() {
    ASSERT_TRUE(store_->CommitPlan(project_, testing::SamplePlan("s", 3)));
    const std::string base = "projects/" + project_;
    ASSERT_TRUE(ffmpeg::testing::MakeSong(dir_.File("song.mp3"), 12.3));
    ASSERT_TRUE(
        blobs_->PutFile(base + "/audio/song.mp3", dir_.File("song.mp3")));
    ASSERT_TRUE(ffmpeg::testing::MakeColorClip(dir_.File("red.mp4"), "red", kW,
                                               kH, kFps, 2.0));
    ASSERT_TRUE(ffmpeg::testing::Run(
        "ffmpeg -nostdin -v error -y -f lavfi -i color=c=green:s=160x90 "
        "-frames:v 1 " +
        dir_.File("green.png")));
    ASSERT_TRUE(blobs_->PutFile(base + "/clips/s-0.mp4", dir_.File("red.mp4")));
    ASSERT_TRUE(
        blobs_->PutFile(base + "/images/s-1.png", dir_.File("green.png")));
    Version clip = testing::SampleVersion("v-clip", "s-0");
    clip.kind = VersionKind::kVideo;
    clip.outputs = {base + "/clips/s-0.mp4"};
    ASSERT_TRUE(store_->AppendVersion(project_, clip));
    Version image = testing::SampleVersion("v-image", "s-1");
    image.kind = VersionKind::kImage;
    image.outputs = {base + "/images/s-1.png"};
    ASSERT_TRUE(store_->AppendVersion(project_, image));
  }

  ffmpeg::testing::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<LocalFsBlobStore> blobs_;
  SystemClock clock_;
  ffmpeg::FfmpegRenderer renderer_{clock_};
  std::unique_ptr<AnimaticService> service_;
  std::string project_;
};

TEST_F(AnimaticServiceTest, ClipFrameAndCardShotsRenderOnTheCutsFrameGrid) {
  PlanAndMedia();
  const std::vector<Shot> before = store_->ListShots(project_).value();
  const size_t events =
      static_cast<Store&>(*store_).ListEvents(project_).value().size();

  Result<AnimaticReport> report = service_->Render(project_);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->clips, 1);
  EXPECT_EQ(report->stills, 1);
  EXPECT_EQ(report->cards, 1);
  EXPECT_EQ(report->duration_ms, 12300);
  // The song fixes the length: round(12300 * 24 / 1000) = 295 frames.
  EXPECT_EQ(report->frames, FrameAtMs(12300, kFps));
  EXPECT_EQ(report->frames, 295);
  EXPECT_EQ(report->blob_key, "projects/" + project_ + "/render/animatic.mp4");
  fs::path stored = blobs_->LocalPath(report->blob_key).value();
  ffmpeg::testing::ProbeResult p = ffmpeg::testing::Probe(stored.string());
  EXPECT_EQ(p.video_frames, 295);
  EXPECT_EQ(p.width, kW);
  EXPECT_EQ(p.height, kH);
  EXPECT_LE(std::abs(p.video_duration - 12.3), 1.0 / kFps);
  EXPECT_LE(std::abs(p.audio_duration - 12.3), 1.0 / kFps);
  // Shot s-1 shows its frame from round(4000 * 24 / 1000) = 96 on.
  std::vector<ffmpeg::testing::Rgb> colors =
      ffmpeg::testing::FrameColors(stored.string(), kW, kH, 48, 27);
  ASSERT_EQ(colors.size(), 295u);
  EXPECT_TRUE(ffmpeg::testing::Near(colors[95], {255, 0, 0}));
  EXPECT_TRUE(ffmpeg::testing::Near(colors[96], {0, 128, 0}));
  EXPECT_TRUE(ffmpeg::testing::Near(colors[191], {0, 128, 0}));
  EXPECT_FALSE(ffmpeg::testing::Near(colors[192], {0, 128, 0}));

  // Nothing about the project changed: no event, no shot state.
  EXPECT_EQ(store_->ListShots(project_).value(), before);
  EXPECT_EQ(static_cast<Store&>(*store_).ListEvents(project_).value().size(),
            events);
  EXPECT_TRUE(store_->ListLedger(project_).value().empty());
}

TEST_F(AnimaticServiceTest, AProjectWithoutAPlanIsRefusedNamingThePlan) {
  Result<AnimaticReport> report = service_->Render(project_);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::kFailedPrecondition);
  ASSERT_FALSE(report.error().issues.empty());
  EXPECT_EQ(report.error().issues.front().path, "plan");
  EXPECT_FALSE(blobs_->Exists(AnimaticService::BlobKey(project_)).value());
}

TEST_F(AnimaticServiceTest, AProjectWithoutASongIsRefusedNamingTheSong) {
  ASSERT_TRUE(store_->CommitPlan(project_, testing::SamplePlan("s", 2)));
  Result<AnimaticReport> report = service_->Render(project_);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::kFailedPrecondition);
  ASSERT_FALSE(report.error().issues.empty());
  EXPECT_EQ(report.error().issues.front().path, "song");
}

TEST_F(AnimaticServiceTest, AnUnknownProjectIsNotFound) {
  Result<AnimaticReport> report =
      service_->Render("00000000-0000-0000-0000-000000000000");
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::kNotFound);
}

TEST_F(AnimaticServiceTest, TimedLyricsAreCaptionsBesideTheAnimatic) {
  PlanAndMedia();
  ASSERT_TRUE(blobs_->Put("projects/" + project_ + "/lyrics.txt",
                          "[00:00.50]first line\n[00:04.98]second line\n"));
  Result<AnimaticReport> report = service_->Render(project_);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->captions, 2);
  const std::string base = "projects/" + project_ + "/render/animatic.";
  std::vector<ffmpeg::testing::TextCue> cues =
      ffmpeg::testing::ParseCues(blobs_->Get(base + "vtt").value());
  ASSERT_EQ(cues.size(), 2u);
  EXPECT_EQ(cues[0].start_ms, 500);   // frame 12 at 24 fps
  EXPECT_EQ(cues[1].start_ms, 5000);  // 119.52 -> frame 120
  EXPECT_EQ(
      ffmpeg::testing::ParseCues(blobs_->Get(base + "srt").value()).size(), 2u);
  fs::path mp4 = blobs_->LocalPath(report->blob_key).value();
  EXPECT_EQ(ffmpeg::testing::Probe(mp4.string()).subtitle_codec, "mov_text");
}

}  // namespace
}  // namespace miri::render
