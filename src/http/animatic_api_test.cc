// POST/GET /api/projects/{id}/animatic (issue 20): the route renders with
// the real FFmpeg renderer into the blob store, changes no shot, and names
// what is missing when it cannot.
#include <fstream>
#include <iterator>

#include "adapters/ffmpeg/ffmpeg_renderer.h"
#include "adapters/ffmpeg/test_media.h"
#include "http/api_test_fixture.h"

namespace miri::http::testing {
namespace {

const std::string kProject = std::string("/api/projects/") + kProjectId;
const std::string kSongKey =
    std::string("projects/") + kProjectId + "/audio/song.mp3";

std::string HeaderOf(const Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

class AnimaticApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    service_ = std::make_unique<render::AnimaticService>(
        *store_, *blobs_, renderer_, dir_ / "scratch",
        render::AnimaticSettings{12, 64, 36, "ultrafast"});
    animatic_ = service_.get();
    MakeApi(ApiConfig{});
  }
  void TearDown() override {
    api_.reset();
    service_.reset();
    ApiTest::TearDown();
  }

  SystemClock system_clock_;
  ffmpeg::FfmpegRenderer renderer_{system_clock_};
  std::unique_ptr<render::AnimaticService> service_;
};

TEST_F(AnimaticApiTest, AnUnknownProjectIs404) {
  Response r = Call(
      "POST", "/api/projects/00000000-0000-4000-8000-000000000000/animatic");
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(
      Call("GET", "/api/projects/00000000-0000-4000-8000-000000000000/animatic")
          .status,
      404);
}

TEST_F(AnimaticApiTest, NoPlanYetIs409NamingThePlanAndStoresNothing) {
  ASSERT_EQ(Call("POST", "/api/projects", ProjectJson().dump()).status, 201);
  ASSERT_TRUE(blobs_->Put(kSongKey, "ID3"));
  const size_t events = EventCount();
  Response r = Call("POST", kProject + "/animatic");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(FirstIssue(r), "plan");
  EXPECT_EQ(EventCount(), events);
  Response get = Call("GET", kProject + "/animatic");
  EXPECT_EQ(get.status, 404);
  EXPECT_EQ(FirstIssue(get), "animatic");
}

TEST_F(AnimaticApiTest, NoSongYetIs409NamingTheSong) {
  CreatePlannedProject();
  Response r = Call("POST", kProject + "/animatic");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(FirstIssue(r), "song");
}

TEST_F(AnimaticApiTest, RendersCardsForAFreshPlanAndServesTheMp4WithRanges) {
  CreatePlannedProject();
  const std::string song = (dir_ / "song.mp3").string();
  ASSERT_TRUE(ffmpeg::testing::MakeSong(song, 8.5));
  ASSERT_TRUE(blobs_->PutFile(kSongKey, song));
  const size_t events = EventCount();
  const std::string before = ShotStatus("sh1") + ShotStatus("sh2");

  Response r = Call("POST", kProject + "/animatic");
  ASSERT_EQ(r.status, 200) << r.body;
  nlohmann::json body = Body(r);
  EXPECT_EQ(body["frames"], 102);  // round(8500 * 12 / 1000)
  EXPECT_EQ(body["durationMs"], 8500);
  EXPECT_EQ(body["cards"], 2);
  EXPECT_EQ(body["url"], kProject + "/animatic");
  // Nothing about the project changed.
  EXPECT_EQ(EventCount(), events);
  EXPECT_EQ(ShotStatus("sh1") + ShotStatus("sh2"), before);
  EXPECT_TRUE(store_->ListLedger(kProjectId).value().empty());

  Response get = Call("GET", kProject + "/animatic");
  ASSERT_EQ(get.status, 200) << get.body;
  EXPECT_EQ(get.content_type, "video/mp4");
  EXPECT_EQ(HeaderOf(get, "Accept-Ranges"), "bytes");
  ffmpeg::testing::ProbeResult p = ffmpeg::testing::Probe(get.file);
  EXPECT_EQ(p.video_frames, 102);
  EXPECT_EQ(p.width, 64);
  Response part =
      Call("GET", kProject + "/animatic", "", {{"range", "bytes=0-7"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.file_length, 8);
}

TEST_F(AnimaticApiTest, CaptionsOfTheAnimaticAndTheRenderAreServed) {
  CreatePlannedProject();
  const std::string song = (dir_ / "song.mp3").string();
  ASSERT_TRUE(ffmpeg::testing::MakeSong(song, 6.0));
  ASSERT_TRUE(blobs_->PutFile(kSongKey, song));
  EXPECT_EQ(FirstIssue(Call("GET", kProject + "/animatic/vtt")), "format");
  EXPECT_EQ(FirstIssue(Call("GET", kProject + "/animatic/ass")), "format");
  EXPECT_EQ(Call("GET", kProject + "/animatic/ass").status, 400);
  ASSERT_TRUE(blobs_->Put(std::string("projects/") + kProjectId + "/lyrics.txt",
                          "[00:01.00]rain on the roof\n"));
  Response r = Call("POST", kProject + "/animatic");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["captions"], 1);
  Response vtt = Call("GET", kProject + "/animatic/vtt");
  ASSERT_EQ(vtt.status, 200) << vtt.body;
  EXPECT_EQ(vtt.content_type, "text/vtt; charset=utf-8");
  std::ifstream in(vtt.file, std::ios::binary);
  std::string text(std::istreambuf_iterator<char>(in), {});
  std::vector<ffmpeg::testing::TextCue> cues = ffmpeg::testing::ParseCues(text);
  ASSERT_EQ(cues.size(), 1u);
  EXPECT_EQ(cues[0].start_ms, 1000);
  EXPECT_EQ(cues[0].text, "rain on the roof");
  EXPECT_EQ(Call("GET", kProject + "/animatic/srt").content_type,
            "application/x-subrip; charset=utf-8");
  // The final render's captions: 404 naming the format until there are.
  Response none = Call("GET", kProject + "/render/srt");
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(FirstIssue(none), "format");
  ASSERT_TRUE(
      blobs_->Put(std::string("projects/") + kProjectId + "/render/output.srt",
                  "1\n00:00:01,000 --> 00:00:02,000\nrain\n\n"));
  EXPECT_EQ(Call("GET", kProject + "/render/srt").status, 200);
}

}  // namespace
}  // namespace miri::http::testing
