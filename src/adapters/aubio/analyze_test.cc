#include "adapters/aubio/analyze.h"

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace miri {
namespace {

namespace fs = std::filesystem;

struct Truth {
  double bpm = 0;
  std::vector<double> beats_ms;
};

// Makes the sample song with scripts/make-sample.sh (known click tempo).
class SampleSongTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/miri-aubio-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  Truth Make(const std::string& args) {
    std::string cmd = "bash scripts/make-sample.sh " + dir_.string() + " " +
                      args + " >/dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    nlohmann::json j =
        nlohmann::json::parse(std::ifstream(dir_ / "truth.json"));
    return {j["bpm"].get<double>(), j["beatsMs"].get<std::vector<double>>()};
  }

  // Largest distance from any true beat to the nearest detected beat and
  // from any detected beat to the nearest true beat.
  static double WorstBeatErrorMs(const std::vector<int64_t>& got,
                                 const std::vector<double>& truth) {
    auto nearest = [](double t, const auto& v) {
      double best = 1e18;
      for (auto x : v)
        best = std::min(best, std::abs(static_cast<double>(x) - t));
      return best;
    };
    double worst = 0;
    for (double t : truth) worst = std::max(worst, nearest(t, got));
    for (int64_t b : got)
      worst = std::max(worst, nearest(static_cast<double>(b), truth));
    return worst;
  }

  void ExpectAccurate(const std::string& args) {
    Truth truth = Make(args);
    AubioSongAnalyzer analyzer;
    Result<SongAnalysis> a =
        analyzer.Analyze((dir_ / "rain-song.mp3").string());
    ASSERT_TRUE(a.has_value()) << a.error().ToString();
    double tempo_err = std::abs(a->tempo_bpm - truth.bpm) / truth.bpm;
    double beat_err = WorstBeatErrorMs(a->beats_ms, truth.beats_ms);
    std::cout << "[figures] " << args << ": tempo " << a->tempo_bpm
              << " BPM (truth " << truth.bpm << ", error " << tempo_err * 100
              << "%), worst beat error " << beat_err << " ms over "
              << truth.beats_ms.size() << " beats\n";
    EXPECT_LT(tempo_err, 0.02);
    EXPECT_LT(beat_err, 50.0);
    EXPECT_NEAR(a->duration_ms, 60000, 100);
    EXPECT_FALSE(a->onsets_ms.empty());
    EXPECT_EQ(a->features.size(), a->energy_db.size() * a->dims);
  }

  fs::path dir_;
};

TEST_F(SampleSongTest, TempoAndBeatsMatchTheClickAt120) { ExpectAccurate(""); }

TEST_F(SampleSongTest, TempoAndBeatsMatchWithOffBeatHatsAt97) {
  ExpectAccurate("--bpm 97 --hats");
}

TEST_F(SampleSongTest, TempoAndBeatsMatchAt137) { ExpectAccurate("--bpm 137"); }

TEST(AnalyzePcmTest, ASteadyToneHasNoPulse) {
  PcmAudio pcm;
  pcm.sample_rate = 22050;
  for (int i = 0; i < 22050 * 5; ++i)
    pcm.samples.push_back(0.5f * std::sin(2 * M_PI * 440 * i / 22050.0));
  Result<SongAnalysis> a = AnalyzePcm(pcm);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->duration_ms, 5000);
  EXPECT_LT(a->beats_ms.size(), 4u);
}

TEST(AnalyzePcmTest, AudioShorterThanAWindowGivesDurationOnly) {
  PcmAudio pcm;
  pcm.sample_rate = 22050;
  pcm.samples.assign(100, 0.1f);
  Result<SongAnalysis> a = AnalyzePcm(pcm);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->duration_ms, 4);
  EXPECT_TRUE(a->beats_ms.empty());
}

TEST(AnalyzerTest, RefusalsFromDecodingCarryThrough) {
  AubioSongAnalyzer analyzer;
  Result<SongAnalysis> a = analyzer.Analyze("/nonexistent/song.mp3");
  ASSERT_FALSE(a.has_value());
  EXPECT_NE(a.error().ToString().find("no such file"), std::string::npos);
}

}  // namespace
}  // namespace miri
