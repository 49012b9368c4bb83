// Bad inputs to the final render: each fails with an error naming the shot
// (or the song) and leaves nothing under the output's name.
#include <gtest/gtest.h>

#include <fstream>

#include "adapters/ffmpeg/render_executor.h"
#include "adapters/ffmpeg/test_media.h"

namespace miri::ffmpeg {
namespace {

using testing::TempDir;

constexpr int kW = 64, kH = 36, kFps = 24;

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::MakeColorClip(dir_.File("good.mp4"), "0xFF0000", kW,
                                       kH, kFps, 1.0));
    ASSERT_TRUE(testing::MakeSong(dir_.File("song.mp3"), 2.0));
  }

  // Renders "good" then "bad" (whose clip is `bad_clip`) over the song.
  Result<RenderStats> RenderWithSecondClip(const std::string& bad_clip,
                                           const std::string& song = "") {
    render::Timeline t;
    t.shots = {{"good", 0, 1000, dir_.File("good.mp4")},
               {"bad", 1000, 2000, bad_clip}};
    Result<render::RenderPlan> plan =
        render::BuildRenderPlan(t, 2000, {kFps, kW, kH});
    EXPECT_TRUE(plan);
    RenderOptions opts;
    opts.output = dir_.File("out.mp4");
    opts.song = song.empty() ? dir_.File("song.mp3") : song;
    return ExecuteRenderPlan(*plan, opts);
  }

  // Nothing but the inputs (and `extra`) is left in the directory.
  void ExpectNoOutputLeft(std::vector<std::string> inputs) {
    inputs.push_back("good.mp4");
    inputs.push_back("song.mp3");
    std::sort(inputs.begin(), inputs.end());
    EXPECT_EQ(dir_.List(), inputs);
  }

  TempDir dir_;
};

TEST_F(BadInputTest, MissingClipNamesTheShot) {
  Result<RenderStats> r = RenderWithSecondClip(dir_.File("nowhere.mp4"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_NE(r.error().ToString().find("shot \"bad\""), std::string::npos)
      << r.error().ToString();
  ExpectNoOutputLeft({});
}

TEST_F(BadInputTest, CorruptClipNamesTheShotAndLeavesNoPartialOutput) {
  // Garbage: fails only when the render reaches the second shot, after the
  // first shot's frames were encoded.
  WriteFile(dir_.File("corrupt.mp4"), std::string(4096, '\x5a'));
  Result<RenderStats> r = RenderWithSecondClip(dir_.File("corrupt.mp4"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().ToString().find("shot \"bad\""), std::string::npos)
      << r.error().ToString();
  ExpectNoOutputLeft({"corrupt.mp4"});
}

TEST_F(BadInputTest, TruncatedClipNamesTheShot) {
  std::ifstream in(dir_.File("good.mp4"), std::ios::binary);
  std::string bytes(std::istreambuf_iterator<char>(in), {});
  WriteFile(dir_.File("truncated.mp4"), bytes.substr(0, bytes.size() / 3));
  Result<RenderStats> r = RenderWithSecondClip(dir_.File("truncated.mp4"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().ToString().find("shot \"bad\""), std::string::npos)
      << r.error().ToString();
  ExpectNoOutputLeft({"truncated.mp4"});
}

TEST_F(BadInputTest, ClipWithoutVideoNamesTheShot) {
  ASSERT_TRUE(testing::MakeSong(dir_.File("voice.m4a"), 1.0));
  Result<RenderStats> r = RenderWithSecondClip(dir_.File("voice.m4a"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().ToString().find("shot \"bad\""), std::string::npos);
  EXPECT_NE(r.error().ToString().find("no video stream"), std::string::npos)
      << r.error().ToString();
  ExpectNoOutputLeft({"voice.m4a"});
}

TEST_F(BadInputTest, UndecodableSongIsNamed) {
  WriteFile(dir_.File("noise.mp3"), "this is not an mp3\n");
  Result<SongInfo> probe = ProbeSong(dir_.File("noise.mp3"));
  ASSERT_FALSE(probe);
  EXPECT_NE(probe.error().ToString().find("song"), std::string::npos);
  EXPECT_NE(probe.error().ToString().find("noise.mp3"), std::string::npos)
      << probe.error().ToString();
  // The executor refuses it too, before writing anything.
  Result<RenderStats> r =
      RenderWithSecondClip(dir_.File("good.mp4"), dir_.File("noise.mp3"));
  ASSERT_FALSE(r);
  ExpectNoOutputLeft({"noise.mp3"});
}

TEST_F(BadInputTest, MissingSongIsNotFound) {
  Result<SongInfo> probe = ProbeSong(dir_.File("absent.mp3"));
  ASSERT_FALSE(probe);
  EXPECT_EQ(probe.error().code, ErrorCode::kNotFound);
}

TEST_F(BadInputTest, FailedRenderKeepsAnEarlierFileUnderTheFinalName) {
  WriteFile(dir_.File("out.mp4"), "earlier render");
  WriteFile(dir_.File("corrupt.mp4"), std::string(4096, '\x5a'));
  ASSERT_FALSE(RenderWithSecondClip(dir_.File("corrupt.mp4")));
  std::ifstream in(dir_.File("out.mp4"));
  std::string text(std::istreambuf_iterator<char>(in), {});
  EXPECT_EQ(text, "earlier render");
  ExpectNoOutputLeft({"corrupt.mp4", "out.mp4"});
}

}  // namespace
}  // namespace miri::ffmpeg
