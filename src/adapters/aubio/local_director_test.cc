// The local Director end to end on the synthesised sample song (real MP3,
// real aubio): scenes where the song's sections change, lyrics in the right
// shots, every lyrics format, refusals.
#include "services/planning/local_director.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "adapters/aubio/analyze.h"
#include "services/planning/planner.h"
#include "services/planning/repair.h"

namespace miri {
namespace {

namespace fs = std::filesystem;

class LocalDirectorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/miri-director-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = new fs::path(tmpl);
    std::string cmd =
        "bash scripts/make-sample.sh " + dir_->string() + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static std::string Read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  Result<Plan> PlanWith(const std::string& lyrics,
                        const std::string& format = "") {
    PlanRequest r;
    r.audio_path = (*dir_ / "rain-song.mp3").string();
    r.lyrics_text = lyrics;
    r.lyrics_format = format;
    LocalDirector local(analyzer_);
    CheckedDirector director(local);
    return director.MakePlan(r);
  }
  static bool HasWarning(const Plan& p, const std::string& code) {
    for (const PlanWarning& w : p.warnings)
      if (w.code == code) return true;
    return false;
  }

  static fs::path* dir_;
  AubioSongAnalyzer analyzer_;
};
fs::path* LocalDirectorTest::dir_ = nullptr;

TEST_F(LocalDirectorTest, ScenesFollowTheSectionsAndLyricsLandInTheirShots) {
  Result<Plan> p = PlanWith(Read(*dir_ / "rain-song.lrc"));
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  ASSERT_TRUE(CheckTiling(*p, PlanLimits{}).has_value());
  EXPECT_NEAR(p->tempo_bpm, 120, 120 * 0.02);
  // The synthesised structure changes at 8, 24, 40 and 48 s.
  for (int64_t edge : {8000, 24000, 40000, 48000}) {
    bool found = false;
    for (const Scene& s : p->scenes)
      found |= std::llabs(s.start_ms - edge) <= 600;
    EXPECT_TRUE(found) << "no scene starts near " << edge << " ms";
  }
  EXPECT_EQ(p->scenes.front().label, "intro");
  for (const Scene& s : p->scenes)
    if (s.start_ms >= 39000 && s.end_ms <= 49000) {
      EXPECT_EQ(s.label, "instrumental");
    }
  struct Line {
    int64_t at;
    const char* text;
  };
  for (Line l : {Line{8000, "Raindrops tap the window glass"},
                 Line{24000, "Miri walks in the rain"},
                 Line{48000, "Miri walks in the rain"},
                 Line{36000, "Nothing here feels wrong"}}) {
    bool found = false;
    for (const Shot& s : p->shots) {
      if (s.timestamps.start_ms <= l.at && l.at < s.timestamps.end_ms) {
        EXPECT_NE(s.lyrics_snippet.find(l.text), std::string::npos)
            << s.shot_id << " at " << l.at << ": " << s.lyrics_snippet;
        found = true;
      }
    }
    EXPECT_TRUE(found);
  }
}

TEST_F(LocalDirectorTest, PlainTextLyricsArePlacedAndMarkedEstimated) {
  Result<Plan> p = PlanWith(Read(*dir_ / "rain-song.txt"));
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  ASSERT_TRUE(CheckTiling(*p, PlanLimits{}).has_value());
  EXPECT_TRUE(HasWarning(*p, "LYRICS_ESTIMATED"));
  std::string all;
  for (const Shot& s : p->shots) all += s.lyrics_snippet + "|";
  EXPECT_NE(all.find("Nothing here feels wrong"), std::string::npos);
  // Nothing sung over the quiet intro.
  EXPECT_TRUE(p->shots.front().lyrics_snippet.empty())
      << p->shots.front().lyrics_snippet;
}

TEST_F(LocalDirectorTest, SrtLyricsWork) {
  Result<Plan> p = PlanWith(
      "1\n00:00:08,000 --> 00:00:11,000\nRaindrops tap the window glass\n\n"
      "2\n00:00:24,000 --> 00:00:27,000\nMiri walks in the rain\n");
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  ASSERT_TRUE(CheckTiling(*p, PlanLimits{}).has_value());
  std::string all;
  for (const Shot& s : p->shots) all += s.lyrics_snippet + "|";
  EXPECT_NE(all.find("Raindrops"), std::string::npos);
}

TEST_F(LocalDirectorTest, LyricsPastTheEndAreAWarning) {
  Result<Plan> p = PlanWith("[00:10.00]in time\n[01:30.00]too late\n");
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  EXPECT_TRUE(HasWarning(*p, "LYRICS_PAST_END"));
}

TEST_F(LocalDirectorTest, BadLyricsAreRefusedBeforeDecoding) {
  PlanRequest r;
  r.audio_path = "/nonexistent.mp3";
  r.lyrics_text = "[00:1x.00]bad\n";
  LocalDirector director(analyzer_);
  Result<Plan> p = director.MakePlan(r);
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().message.find("malformed time tag"), std::string::npos)
      << p.error().ToString();
}

TEST_F(LocalDirectorTest, NonAudioIsRefusedByName) {
  fs::path text = *dir_ / "not-a-song.mp3";
  std::ofstream(text) << "these are words, not audio\n";
  PlanRequest r;
  r.audio_path = text.string();
  r.lyrics_text = "la\n";
  LocalDirector director(analyzer_);
  Result<Plan> p = director.MakePlan(r);
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().message.find("not audio"), std::string::npos)
      << p.error().ToString();
}

}  // namespace
}  // namespace miri
