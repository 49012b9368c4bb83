#include "services/render/exports.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace miri::render {
namespace {

// 24 fps: "a" frames [12, 37), gap [37, 48), "b & c" [48, 96), tail black
// to 100.
RenderPlan SamplePlan() {
  Timeline t;
  t.shots = {{"a", 500, 1521, "/media/a.mp4"},
             {"b & c", 2000, 4000, "/media/my clip.mp4"}};
  Result<RenderPlan> p =
      BuildRenderPlan(t, 4170, RenderSettings{24, 1280, 720});
  EXPECT_TRUE(p) << p.error().ToString();
  return *p;
}

TEST(ExportsTest, TimecodeIsNonDropFrame) {
  EXPECT_EQ(FrameTimecode(0, 24), "00:00:00:00");
  EXPECT_EQ(FrameTimecode(25, 24), "00:00:01:01");
  EXPECT_EQ(FrameTimecode(24 * 3661 + 23, 24), "01:01:01:23");
}

TEST(ExportsTest, FileUrlPercentEncodes) {
  EXPECT_EQ(FileUrl("/media/my clip#1.mp4"), "file:///media/my%20clip%231.mp4");
}

TEST(ExportsTest, EdlCarriesTheCut) {
  RenderPlan plan = SamplePlan();
  std::string edl = ExportEdl({&plan, "/media/song.mp3", "Miri"});
  const char* want =
      "TITLE: Miri\n"
      "FCM: NON-DROP FRAME\n\n"
      "001  BL       V     C        00:00:00:00 00:00:00:12 00:00:00:00 "
      "00:00:00:12\n\n"
      "002  AX       V     C        00:00:00:00 00:00:01:01 00:00:00:12 "
      "00:00:01:13\n"
      "* FROM CLIP NAME: a\n* SOURCE FILE: /media/a.mp4\n\n"
      "003  BL       V     C        00:00:00:00 00:00:00:11 00:00:01:13 "
      "00:00:02:00\n\n"
      "004  AX       V     C        00:00:00:00 00:00:02:00 00:00:02:00 "
      "00:00:04:00\n"
      "* FROM CLIP NAME: b & c\n* SOURCE FILE: /media/my clip.mp4\n\n"
      "005  BL       V     C        00:00:00:00 00:00:00:04 00:00:04:00 "
      "00:00:04:04\n\n"
      "006  AX       AA    C        00:00:00:00 00:00:04:04 00:00:00:00 "
      "00:00:04:04\n"
      "* FROM CLIP NAME: song.mp3\n* SOURCE FILE: /media/song.mp3\n";
  EXPECT_EQ(edl, want);
}

TEST(ExportsTest, OtioTracksSumToTheRender) {
  RenderPlan plan = SamplePlan();
  auto j =
      nlohmann::json::parse(ExportOtioJson({&plan, "/media/song.mp3", "Miri"}));
  EXPECT_EQ(j["OTIO_SCHEMA"], "Timeline.1");
  const auto& tracks = j["tracks"]["children"];
  ASSERT_EQ(tracks.size(), 2u);
  EXPECT_EQ(tracks[0]["kind"], "Video");
  EXPECT_EQ(tracks[1]["kind"], "Audio");
  std::vector<std::string> kinds;
  double frames = 0;
  for (const auto& item : tracks[0]["children"]) {
    kinds.push_back(item["OTIO_SCHEMA"]);
    EXPECT_EQ(item["source_range"]["duration"]["rate"], 24.0);
    frames += item["source_range"]["duration"]["value"].get<double>();
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"Gap.1", "Clip.1", "Gap.1",
                                             "Clip.1", "Gap.1"}));
  EXPECT_EQ(frames, 100.0);
  const auto& b = tracks[0]["children"][3];
  EXPECT_EQ(b["name"], "b & c");
  EXPECT_EQ(b["media_reference"]["target_url"], "file:///media/my%20clip.mp4");
  const auto& song = tracks[1]["children"][0];
  EXPECT_EQ(song["source_range"]["duration"]["value"], 100.0);
  EXPECT_EQ(song["media_reference"]["target_url"], "file:///media/song.mp3");
}

TEST(ExportsTest, FcpxmlPlacesEachShotOnTheFrameGrid) {
  RenderPlan plan = SamplePlan();
  std::string x = ExportFcpxml({&plan, "/media/song.mp3", "Miri"});
  EXPECT_NE(x.find("frameDuration=\"1/24s\" width=\"1280\" height=\"720\""),
            std::string::npos);
  EXPECT_NE(x.find("<asset-clip ref=\"a1\" name=\"a\" offset=\"12/24s\" "
                   "start=\"0s\" duration=\"25/24s\""),
            std::string::npos)
      << x;
  EXPECT_NE(x.find("name=\"b &amp; c\" offset=\"48/24s\""), std::string::npos);
  EXPECT_NE(x.find("<gap name=\"Gap\" offset=\"37/24s\" start=\"0s\" "
                   "duration=\"11/24s\"/>"),
            std::string::npos);
  EXPECT_NE(x.find("<asset-clip ref=\"song\" lane=\"-1\" name=\"song\" "
                   "offset=\"0s\" start=\"0s\" duration=\"100/24s\"/>"),
            std::string::npos);
  EXPECT_NE(x.find("src=\"file:///media/my%20clip.mp4\""), std::string::npos);
  EXPECT_NE(x.find("<sequence format=\"r1\" duration=\"100/24s\""),
            std::string::npos);
}

}  // namespace
}  // namespace miri::render
