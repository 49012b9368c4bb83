// RenderProject on the embedded adapters (SQLite file, local blobs,
// in-process bus) with real clips: how each render attempt ends.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "adapters/ffmpeg/ffmpeg_renderer.h"
#include "adapters/ffmpeg/test_media.h"
#include "adapters/inproc_bus/inproc_bus.h"
#include "adapters/localfs/localfs_blob_store.h"
#include "adapters/sqlite/sqlite_store.h"
#include "services/render/render_project.h"
#include "testing/store_fixtures.h"

namespace miri::render {
namespace {

namespace testing = ::miri::testing;

namespace fs = std::filesystem;
using P = ProjectStatus;

constexpr int kW = 64, kH = 36, kFps = 12;

class RenderProjectTest : public ::testing::Test {
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
    Move(std::nullopt, P::kAudioAnalysis, "new");
    ASSERT_TRUE(store_->CommitPlan(project_, testing::SamplePlan("s", 2)));
    Move(P::kAudioAnalysis, P::kPlanned, "planned");

    const std::string song = dir_.File("song.mp3");
    ASSERT_TRUE(ffmpeg::testing::MakeSong(song, 8.0));
    ASSERT_TRUE(blobs_->PutFile(SongKey(), song));
    ASSERT_TRUE(ffmpeg::testing::MakeColorClip(dir_.File("red.mp4"), "red", kW,
                                               kH, kFps, 4.0));
    ASSERT_TRUE(ffmpeg::testing::MakeColorClip(dir_.File("blue.mp4"), "blue",
                                               kW, kH, kFps, 4.0));
    ASSERT_TRUE(blobs_->PutFile(ClipKey("s-0"), dir_.File("red.mp4")));
    for (const std::string& shot : std::vector<std::string>{"s-0", "s-1"}) {
      Version v = testing::SampleVersion("v-" + shot, shot);
      v.kind = VersionKind::kVideo;
      v.outputs = {ClipKey(shot)};
      ASSERT_TRUE(store_->AppendVersion(project_, v));
      Complete(shot);
    }
    Move(P::kPlanned, P::kFinalRender, "every shot is COMPLETED");
    fs::create_directories(Output().parent_path());
  }

  std::string SongKey() const {
    return "projects/" + project_ + "/audio/song.mp3";
  }
  std::string ClipKey(const std::string& shot) const {
    return "projects/" + project_ + "/clips/" + shot + ".mp4";
  }
  std::string RenderKey() const {
    return "projects/" + project_ + "/render/output.mp4";
  }

  void Move(std::optional<P> from, P to, const std::string& key) {
    Event e;
    e.event_id = "t-" + std::to_string(++events_);
    if (from) e.from = std::string(ProjectStatusName(*from));
    e.to = std::string(ProjectStatusName(to));
    e.cause = key;
    e.at = "2026-03-02T10:15:04Z";
    e.idempotency_key = "test:" + key;
    Result<AppendEventResult> r = store_->AppendEvent(project_, e);
    ASSERT_TRUE(r) << r.error().ToString();
    ASSERT_FALSE(r->duplicate);
  }

  void Complete(const std::string& shot) {
    Result<void> r =
        testing::WalkShot(*store_, project_, shot, ShotStatus::kCompleted);
    ASSERT_TRUE(r) << r.error().ToString();
  }

  Result<RenderReport> Render(const std::string& song_key = "") {
    RenderRequest request;
    request.song_key = song_key.empty() ? SongKey() : song_key;
    request.output = Output();
    request.fps = kFps;
    request.width = kW;
    request.height = kH;
    request.preset = "ultrafast";
    return RenderProject({*store_, *blobs_, bus_, renderer_, clock_}, project_,
                         request, [](const std::string&, bool) {});
  }
  fs::path Output() const { return dir_.path() / "renders" / "out.mp4"; }

  std::optional<P> Status() {
    return store_->GetProjectStatus(project_).value();
  }

  // The project's status events after the test's own.
  std::vector<Event> RenderOutcomes() {
    std::vector<Event> out;
    const std::vector<Event> log =
        static_cast<Store&>(*store_).ListEvents(project_).value();
    for (const Event& e : log) {
      if (!e.is_shot_event() && e.event_id.rfind("t-", 0) != 0)
        out.push_back(e);
    }
    return out;
  }

  ffmpeg::testing::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<LocalFsBlobStore> blobs_;
  InProcessBus bus_;
  SystemClock clock_;
  ffmpeg::FfmpegRenderer renderer_{clock_};
  std::string project_;
  int events_ = 0;
};

TEST_F(RenderProjectTest, MissingClipFailsTheProjectNamingTheShot) {
  Result<RenderReport> r = Render();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("shot \"s-1\""), std::string::npos)
      << r.error().ToString();
  EXPECT_EQ(Status(), P::kFailed);
  std::vector<Event> outcomes = RenderOutcomes();
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].from, "FINAL_RENDER");
  EXPECT_EQ(outcomes[0].to, "FAILED");
  EXPECT_EQ(outcomes[0].cause, r.error().ToString());
  EXPECT_FALSE(fs::exists(Output()));
  EXPECT_FALSE(blobs_->Exists(RenderKey()).value());
}

TEST_F(RenderProjectTest, FailedRenderIsNotRecordedTwice) {
  ASSERT_FALSE(Render());
  // A second worker on the same attempt finds the project FAILED: refused,
  // and nothing more is written.
  Result<RenderReport> again = Render();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(again.error().message.find("FAILED, not FINAL_RENDER"),
            std::string::npos)
      << again.error().ToString();
  EXPECT_EQ(RenderOutcomes().size(), 1u);
}

TEST_F(RenderProjectTest, RetryAfterTheClipIsBackRenders) {
  ASSERT_FALSE(Render());
  ASSERT_TRUE(blobs_->PutFile(ClipKey("s-1"), dir_.File("blue.mp4")));
  Move(P::kFailed, P::kFinalRender, "render again");
  Result<RenderReport> r = Render();
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->frames, 8 * kFps);
  EXPECT_EQ(Status(), P::kRendered);
  EXPECT_TRUE(fs::exists(Output()));
  EXPECT_TRUE(blobs_->Exists(RenderKey()).value());
  std::vector<Event> outcomes = RenderOutcomes();
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[1].to, "RENDERED");
  EXPECT_NE(outcomes[0].event_id, outcomes[1].event_id);
}

// Regression: the second RENDERED event had the first one's idempotency key,
// so it was taken for a duplicate and the project stayed in FINAL_RENDER.
TEST_F(RenderProjectTest, RenderAgainEndsRenderedAgain) {
  ASSERT_TRUE(blobs_->PutFile(ClipKey("s-1"), dir_.File("blue.mp4")));
  ASSERT_TRUE(Render());
  EXPECT_EQ(Status(), P::kRendered);
  Move(P::kRendered, P::kFinalRender, "render again");
  Result<RenderReport> r = Render();
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(Status(), P::kRendered);
  std::vector<Event> outcomes = RenderOutcomes();
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].to, "RENDERED");
  EXPECT_EQ(outcomes[1].to, "RENDERED");
  EXPECT_NE(outcomes[0].event_id, outcomes[1].event_id);
}

TEST(BoundedCauseTest, LongErrorIsCutOnACharacterBoundary) {
  EXPECT_EQ(BoundedCause("short"), "short");
  EXPECT_EQ(BoundedCause(std::string(2000, 'a')), std::string(2000, 'a'));
  EXPECT_EQ(BoundedCause(std::string(2001, 'a')),
            std::string(1997, 'a') + "...");
  // Two-byte characters: byte 1997 is the second byte of one, which is
  // dropped whole.
  std::string accents;
  for (int i = 0; i < 1500; ++i) accents += "\xC3\xA9";
  std::string cut = BoundedCause(accents);
  EXPECT_EQ(cut.size(), 1999u);
  EXPECT_EQ(cut, accents.substr(0, 1996) + "...");
}

TEST_F(RenderProjectTest, ProjectNotInFinalRenderIsRefusedAndLeftAsItIs) {
  ASSERT_TRUE(blobs_->PutFile(ClipKey("s-1"), dir_.File("blue.mp4")));
  ASSERT_TRUE(Render());
  Result<RenderReport> again = Render();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(Status(), P::kRendered);
  EXPECT_EQ(RenderOutcomes().size(), 1u);
}

}  // namespace
}  // namespace miri::render
