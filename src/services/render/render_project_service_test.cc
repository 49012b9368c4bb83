// RenderProject on the embedded adapters (SQLite file, local blobs,
// in-process bus) with real clips: how each render attempt ends.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "adapters/ffmpeg/ffmpeg_renderer.h"
#include "adapters/ffmpeg/test_media.h"
#include "adapters/inproc_bus/inproc_bus.h"
#include "adapters/localfs/localfs_blob_store.h"
#include "adapters/sqlite/sqlite_store.h"
#include "services/planning/lyrics.h"
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

// Issue 20 item 2: the timed lyrics as .srt and .vtt beside the render and
// as its soft mov_text track, every cue on the cut's frame grid.
TEST_F(RenderProjectTest, TimedLyricsBecomeCaptionsOnTheFrameGrid) {
  const std::string lrc =
      "[ti:Rain]\n[00:01.02]rain on the roof\n[00:02.48]and the street\n"
      "[00:05.00]& <home>\n";
  ASSERT_TRUE(blobs_->Put("projects/" + project_ + "/lyrics.txt", lrc));
  ASSERT_TRUE(blobs_->PutFile(ClipKey("s-1"), dir_.File("blue.mp4")));
  Result<RenderReport> r = Render();
  ASSERT_TRUE(r) << r.error().ToString();

  // The lyric lines as the song fits them, snapped to the 12 fps grid.
  Lyrics lyrics = ParseLyricsAuto(lrc).value();
  FitLyricsToSong(lyrics, 8000);
  ASSERT_EQ(lyrics.lines.size(), 3u);
  auto snap = [](int64_t ms) { return FrameTimeMs(FrameAtMs(ms, kFps), kFps); };
  EXPECT_EQ(snap(lyrics.lines[0].start_ms), 1000);  // 12.24 -> frame 12
  EXPECT_EQ(snap(lyrics.lines[1].start_ms), 2500);  // 29.76 -> frame 30

  const std::string base = "projects/" + project_ + "/render/output.";
  for (const char* ext : {"srt", "vtt"}) {
    SCOPED_TRACE(ext);
    std::string text = blobs_->Get(base + ext).value();
    if (std::string(ext) == "vtt") {
      EXPECT_EQ(text.rfind("WEBVTT\n", 0), 0u);
    }
    std::vector<ffmpeg::testing::TextCue> cues =
        ffmpeg::testing::ParseCues(text);
    ASSERT_EQ(cues.size(), 3u);
    for (size_t i = 0; i < cues.size(); ++i) {
      EXPECT_EQ(cues[i].start_ms, snap(lyrics.lines[i].start_ms)) << i;
      EXPECT_EQ(cues[i].end_ms, snap(lyrics.lines[i].end_ms)) << i;
    }
    EXPECT_EQ(cues[0].text, "rain on the roof");
    EXPECT_EQ(cues[2].text,
              std::string(ext) == "vtt" ? "&amp; &lt;home&gt;" : "& <home>");
    fs::path local = Output();
    local.replace_extension(ext);
    EXPECT_TRUE(fs::exists(local));
    EXPECT_NE(std::find(r->exports.begin(), r->exports.end(), local.string()),
              r->exports.end());
  }
  // The MP4's soft track holds the same cues.
  const std::string mp4 = blobs_->LocalPath(RenderKey()).value().string();
  EXPECT_EQ(ffmpeg::testing::Probe(mp4).subtitle_codec, "mov_text");
  std::vector<ffmpeg::testing::TextCue> track =
      ffmpeg::testing::ParseCues(ffmpeg::testing::SubtitlesAsSrt(mp4));
  ASSERT_EQ(track.size(), 3u);
  EXPECT_EQ(track[1].start_ms, 2500);
  EXPECT_EQ(track[1].text, "and the street");
  // Nothing is drawn into the final picture: no caption, no shot
  // description, no [ShotID]_[VersionID]_[ModelCode] tag. Where a caption
  // or a card's text would sit, every frame is its clip's colour.
  for (int y : {kH / 2, kH - 4}) {
    std::vector<ffmpeg::testing::Rgb> colors =
        ffmpeg::testing::FrameColors(mp4, kW, kH, kW / 2, y);
    ASSERT_EQ(colors.size(), static_cast<size_t>(8 * kFps));
    for (size_t n = 0; n < colors.size(); ++n) {
      const ffmpeg::testing::Rgb clip = n < 4u * kFps
                                            ? ffmpeg::testing::Rgb{255, 0, 0}
                                            : ffmpeg::testing::Rgb{0, 0, 255};
      ASSERT_TRUE(ffmpeg::testing::Near(colors[n], clip))
          << "frame " << n << " at y " << y;
    }
  }
}

TEST_F(RenderProjectTest, UntimedLyricsMakeNoCaptions) {
  ASSERT_TRUE(blobs_->Put("projects/" + project_ + "/lyrics.txt",
                          "rain on the roof\nand the street\n"));
  ASSERT_TRUE(blobs_->PutFile(ClipKey("s-1"), dir_.File("blue.mp4")));
  ASSERT_TRUE(Render());
  EXPECT_FALSE(
      blobs_->Exists("projects/" + project_ + "/render/output.srt").value());
  EXPECT_EQ(ffmpeg::testing::Probe(Output().string()).subtitle_codec, "");
}

}  // namespace
}  // namespace miri::render
