#include "services/planning/planner.h"

#include "domain/text.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <regex>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "domain/audit.h"
#include "domain/screen.h"
#include "domain/text.h"
#include "services/planning/describe.h"
#include "services/planning/lyrics.h"
#include "services/planning/plan_json.h"
#include "services/planning/propose.h"

namespace miri {
namespace {

// A synthetic analysis: a steady pulse (or none) and sections of different
// energy and timbre, which is all the planner reads.
SongAnalysis SyntheticSong(std::mt19937& rng, int64_t duration_ms, double bpm) {
  SongAnalysis a;
  a.duration_ms = duration_ms;
  a.tempo_bpm = bpm;
  if (bpm > 0) {
    double period = 60000.0 / bpm;
    double phase = std::uniform_real_distribution<double>(0, period)(rng);
    for (double t = phase; t < duration_ms; t += period)
      a.beats_ms.push_back(std::llround(t));
  }
  a.frame_ms = 46.4;
  a.dims = 12;
  std::uniform_int_distribution<int64_t> sec_len(4000, 30000);
  std::normal_distribution<float> noise(0, 0.3f);
  int64_t next = sec_len(rng);
  float level = -20, timbre = 0;
  for (double t = 0; t < duration_ms; t += a.frame_ms) {
    if (t >= next) {
      next += sec_len(rng);
      level = std::uniform_real_distribution<float>(-35, -8)(rng);
      timbre = std::uniform_real_distribution<float>(-3, 3)(rng);
    }
    for (int d = 0; d < a.dims; ++d)
      a.features.push_back(timbre * (d % 3) + noise(rng));
    a.energy_db.push_back(level + noise(rng));
  }
  return a;
}

std::string Lrc(const std::vector<std::pair<int64_t, std::string>>& lines) {
  std::string out = "[ti:test]\n";
  for (const auto& [t, text] : lines)
    out += fmt::format("[{:02}:{:02}.{:02}]{}\n", t / 60000, t / 1000 % 60,
                       t % 1000 / 10, text);
  return out;
}

void ExpectFirstWordsWhole(const Plan& p, const std::vector<int64_t>& starts) {
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t limit = std::min(
        starts[i] + 200, i + 1 < starts.size() ? starts[i + 1] : p.duration_ms);
    for (const Shot& s : p.shots) {
      int64_t c = s.timestamps.start_ms;
      EXPECT_FALSE(c > starts[i] && c < limit)
          << "cut at " << c << " splits the line starting at " << starts[i];
    }
  }
}

TEST(PlannerTest, TilesTheSampleLayoutAndFillsSnippets) {
  std::mt19937 rng(7);
  SongAnalysis a = SyntheticSong(rng, 60000, 120);
  std::string lrc = Lrc({{8000, "Raindrops tap the window glass"},
                         {12000, "I count them one by one"},
                         {24000, "Miri walks in the rain"},
                         {28000, "Every puddle sings a song"}});
  Result<Plan> p = PlanFromAnalysis(a, lrc, "", PlanLimits{});
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  ASSERT_TRUE(CheckTiling(*p, PlanLimits{}).has_value())
      << CheckTiling(*p, PlanLimits{}).error().ToString();
  std::string all;
  for (const Shot& s : p->shots) all += s.lyrics_snippet + "|";
  EXPECT_NE(all.find("Raindrops tap the window glass"), std::string::npos);
  EXPECT_NE(all.find("Every puddle sings a song"), std::string::npos);
  ExpectFirstWordsWhole(*p, {8000, 12000, 24000, 28000});
  for (const Shot& s : p->shots) {
    EXPECT_FALSE(s.description.empty());
    EXPECT_EQ(s.status, ShotStatus::kDraft);
  }
}

// Regression: the sample's "Every puddle sings a song" was quoted into the
// description, which then could not be committed (descriptions are prompt
// text, and Miri does not sing).
TEST(PlannerTest, EveryDescriptionIsSafePromptTextEvenWhenTheLyricsAreNot) {
  std::mt19937 rng(7);
  SongAnalysis a = SyntheticSong(rng, 60000, 120);
  std::string lrc = Lrc({{8000, "Raindrops tap the window glass"},
                         {28000, "Every puddle sings a song"},
                         {40000, "She opens her mouth wide"}});
  Result<Plan> p = PlanFromAnalysis(a, lrc, "", PlanLimits{});
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  for (const Shot& s : p->shots) {
    auto safe = RequireSafePromptText("description", s.description);
    EXPECT_TRUE(safe.has_value()) << s.shot_id << ": " << s.description;
    // Every shot says where it ends (the end frame's change), safely.
    EXPECT_FALSE(s.end_state.empty()) << s.shot_id;
    EXPECT_TRUE(
        ScreenText(s.end_state, TextChannel::kPlanEdit, s.shows_miri).allowed())
        << s.shot_id << ": " << s.end_state;
  }
  SceneTraits verse{.energy_db = -20, .vocal = true, .label = "verse"};
  EXPECT_NE(DescribeShot(verse, -20, 0, "Raindrops tap the window glass")
                .description.find("evoking"),
            std::string::npos);
  EXPECT_EQ(DescribeShot(verse, -20, 0, "Every puddle sings a song")
                .description.find("sings"),
            std::string::npos);
}

TEST(PlannerTest, CutsSnapToBeatsWhenNoLyricsPull) {
  std::mt19937 rng(3);
  SongAnalysis a = SyntheticSong(rng, 90000, 100);
  Result<Plan> p = PlanFromAnalysis(a, Lrc({{1000, "only line"}}), "lrc", {});
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  int on_beat = 0;
  for (const Shot& s : p->shots) {
    int64_t c = s.timestamps.start_ms;
    for (int64_t b : a.beats_ms) on_beat += (b == c);
  }
  EXPECT_GE(on_beat, static_cast<int>(p->shots.size()) * 3 / 4);
}

TEST(PlannerTest, PlainLyricsAreEstimatedWithANamedWarning) {
  std::mt19937 rng(5);
  SongAnalysis a = SyntheticSong(rng, 120000, 90);
  Result<Plan> p = PlanFromAnalysis(a, "one line\ntwo line\n\nthree\n", "", {});
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  ASSERT_FALSE(p->warnings.empty());
  bool estimated = false;
  for (const PlanWarning& w : p->warnings)
    estimated |= w.code == "LYRICS_ESTIMATED";
  EXPECT_TRUE(estimated);
  std::string all;
  for (const Shot& s : p->shots) all += s.lyrics_snippet + "|";
  EXPECT_NE(all.find("three"), std::string::npos);
}

TEST(PlannerTest, LyricsPastTheEndAreANamedWarning) {
  std::mt19937 rng(1);
  SongAnalysis a = SyntheticSong(rng, 30000, 120);
  Result<Plan> p =
      PlanFromAnalysis(a, Lrc({{1000, "a"}, {45000, "late"}}), "", {});
  ASSERT_TRUE(p.has_value());
  ASSERT_FALSE(p->warnings.empty());
  EXPECT_EQ(p->warnings[0].code, "LYRICS_PAST_END");
}

TEST(PlannerTest, RefusesASongShorterThanAShot) {
  std::mt19937 rng(1);
  SongAnalysis a = SyntheticSong(rng, 1500, 120);
  Result<Plan> p = PlanFromAnalysis(a, "la\n", "", {});
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().message.find("minShotMs"), std::string::npos);
}

TEST(PlannerTest, RefusesInconsistentLimits) {
  std::mt19937 rng(1);
  SongAnalysis a = SyntheticSong(rng, 30000, 120);
  PlanLimits lim;
  lim.max_shot_ms = 3000;
  Result<Plan> p = PlanFromAnalysis(a, "la\n", "", lim);
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().ToString().find("maxShotMs"), std::string::npos);
}

TEST(PlannerTest, RefusesBadLyrics) {
  std::mt19937 rng(1);
  SongAnalysis a = SyntheticSong(rng, 30000, 120);
  EXPECT_FALSE(PlanFromAnalysis(a, "", "", {}).has_value());
  EXPECT_FALSE(PlanFromAnalysis(a, "[00:xx]a\n", "lrc", {}).has_value());
  EXPECT_FALSE(PlanFromAnalysis(a, "a", "docx", {}).has_value());
}

TEST(CheckTilingTest, NamesEveryViolation) {
  Plan p;
  p.duration_ms = 10000;
  p.scenes.push_back({"scene-01", 0, 10000, "verse", ""});
  Shot a, b;
  a.shot_id = "a", a.scene_id = "scene-01", a.timestamps = {0, 4000};
  b.shot_id = "b", b.scene_id = "scene-01", b.timestamps = {4500, 9000};
  p.shots = {a, b};
  Result<void> r = CheckTiling(p, {});
  ASSERT_FALSE(r.has_value());
  std::string s = r.error().ToString();
  EXPECT_NE(s.find("shots[1].timestamps.startMs"), std::string::npos) << s;
  EXPECT_NE(s.find("end at 9000 ms"), std::string::npos) << s;
}

// Property test: many generated songs and lyric layouts, bounded.
TEST(PlannerPropertyTest, EveryPlanTilesTheSongWithinLimits) {
  std::mt19937 rng(20260302);
  for (int round = 0; round < 150; ++round) {
    int64_t duration =
        std::uniform_int_distribution<int64_t>(2000, 360000)(rng);
    double bpm = round % 7 == 0
                     ? 0
                     : std::uniform_real_distribution<double>(60, 180)(rng);
    PlanLimits lim;
    if (round % 5 == 1)
      lim = {.min_shot_ms = 1500,
             .max_shot_ms = 4000,
             .snap_tolerance_ms = 100,
             .min_scene_ms = 4000};
    SongAnalysis a = SyntheticSong(rng, duration, bpm);
    std::vector<int64_t> starts;
    std::string text;
    if (round % 3 == 2) {
      text = "la la\nla\n\nmore words here\n";
    } else {
      std::vector<std::pair<int64_t, std::string>> lines;
      int n = std::uniform_int_distribution<int>(1, 60)(rng);
      for (int i = 0; i < n; ++i) {
        int64_t t =
            std::uniform_int_distribution<int64_t>(0, duration + 5000)(rng);
        t -= t % 10;
        lines.push_back({t, fmt::format("line {} words", i)});
      }
      text = Lrc(lines);
      for (auto& [t, _] : lines)
        if (t < duration) starts.push_back(t);
      std::sort(starts.begin(), starts.end());
      starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
    }
    SCOPED_TRACE(
        fmt::format("round {} duration {} bpm {:.1f}", round, duration, bpm));
    Result<Plan> p = PlanFromAnalysis(a, text, "", lim);
    if (duration < lim.min_shot_ms) {
      EXPECT_FALSE(p.has_value());
      continue;
    }
    ASSERT_TRUE(p.has_value()) << p.error().ToString();
    Result<void> ok = CheckTiling(*p, lim);
    ASSERT_TRUE(ok.has_value()) << ok.error().ToString();
    EXPECT_EQ(p->shots.front().timestamps.start_ms, 0);
    EXPECT_EQ(p->shots.back().timestamps.end_ms, duration);
    ExpectFirstWordsWhole(*p, starts);
    if (duration >= 4 * lim.max_shot_ms) {
      int at_max = 0;
      for (const Shot& s : p->shots)
        at_max +=
            s.timestamps.end_ms - s.timestamps.start_ms == lim.max_shot_ms;
      EXPECT_LT(at_max, static_cast<int>(p->shots.size()));
    }
    Result<Plan> again = PlanFromAnalysis(a, text, "", lim);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(PlanToJson(*p), PlanToJson(*again)) << "not deterministic";
  }
}

// Plain lyrics of 400 lines on a short song (reliability review): every
// line lands in the few shots there are, and the snippet stays within the
// 4000 characters a committed shot may hold, cut on a character boundary.
TEST(PlannerTest, SnippetsStayWithinTheSchemaBoundOnManyLines) {
  std::mt19937 rng(7);
  SongAnalysis a = SyntheticSong(rng, 20000, 120);
  std::string plain;
  for (int i = 0; i < 400; ++i)
    plain += "la la la \xC3\xA9t\xC3\xA9 " + std::to_string(i) + "\n";
  Result<Plan> p = PlanFromAnalysis(a, plain, "", PlanLimits{});
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  for (const Shot& s : p->shots) {
    EXPECT_LE(s.lyrics_snippet.size(), 4000u);
    EXPECT_TRUE(IsValidUtf8(s.lyrics_snippet));
  }
}

// Real songs' published line timings (testdata/line_timings/README.md):
// at least 85% of the timed lines that could start a shot start one.
// Lines closer together than minShotMs cannot all start shots: the bar is
// the most line starts a plan could cut (earliest first, each at least
// minShotMs after the last and from either end of the song; greedy is
// optimal for spacing points), and a line starts a shot when a cut falls
// on its start or on the beat just before it (within the snap tolerance).
struct LineCoverage {
  int possible = 0, started = 0;
  double share() const {
    return possible ? std::min(1.0, 1.0 * started / possible) : 1;
  }
};

LineCoverage CoverageOf(const Plan& p, const std::vector<LyricLine>& lines,
                        const PlanLimits& lim) {
  LineCoverage c;
  int64_t last = -lim.min_shot_ms;
  for (const LyricLine& l : lines) {
    if (l.text.empty() || l.start_ms < lim.min_shot_ms ||
        l.start_ms > p.duration_ms - lim.min_shot_ms) {
      continue;
    }
    if (l.start_ms - last >= lim.min_shot_ms) {
      last = l.start_ms;
      ++c.possible;
    }
    for (const Shot& s : p.shots) {
      int64_t cut = s.timestamps.start_ms;
      if (cut <= l.start_ms && l.start_ms - cut <= lim.snap_tolerance_ms) {
        ++c.started;
        break;
      }
    }
  }
  return c;
}

TEST(PlannerRealSongsTest, AtLeast85PercentOfTimedLinesStartAShot) {
  const std::string dir = std::string(MIRI_PLANNING_TESTDATA) + "/line_timings";
  const PlanLimits lim;
  LineCoverage all;
  int songs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".lrc") continue;
    std::ifstream in(entry.path());
    std::string text((std::istreambuf_iterator<char>(in)), {});
    std::smatch m;
    ASSERT_TRUE(std::regex_search(
        text, m, std::regex(R"(\[length:(\d+):(\d+)\][\s\S]*\[bpm:(\d+)\])")))
        << entry.path();
    const int64_t duration = std::stoll(m[1]) * 60000 + std::stoll(m[2]) * 1000;
    std::mt19937 rng(11);
    SongAnalysis a = SyntheticSong(rng, duration, std::stod(m[3]));
    Result<Plan> p = PlanFromAnalysis(a, text, "lrc", lim);
    ASSERT_TRUE(p.has_value()) << entry.path() << ": " << p.error().ToString();
    ASSERT_TRUE(CheckTiling(*p, lim).has_value()) << entry.path();
    Result<Lyrics> lyrics = ParseLyrics(text, LyricsFormat::kLrc);
    ASSERT_TRUE(lyrics.has_value());
    FitLyricsToSong(*lyrics, duration);
    LineCoverage c = CoverageOf(*p, lyrics->lines, lim);
    std::cout << entry.path().filename().string() << ": " << c.started
              << " lines start a shot of " << c.possible << " that could ("
              << std::lround(100 * c.share()) << "%), " << p->shots.size()
              << " shots\n";
    EXPECT_GE(c.share(), 0.80) << entry.path();
    all.possible += c.possible;
    all.started += c.started;
    ++songs;
  }
  ASSERT_EQ(songs, 5);
  std::cout << "all songs: " << all.started << " of " << all.possible << " ("
            << std::lround(100 * all.share()) << "%)\n";
  EXPECT_GE(all.share(), 0.85);
}

// Issue 21 item 1: the answer of POST .../plan is bounded. A proposal
// within the bound is the whole plan; one past it is refused naming the
// limit, at the shot that passed it.
TEST(ProposalJsonTest, AProposalPastTheBoundIsRefusedNamingTheLimit) {
  std::mt19937 rng(7);
  SongAnalysis a = SyntheticSong(rng, 60000, 120);
  std::string plain;
  for (int i = 0; i < 400; ++i)
    plain += "la la la rain on the roof " + std::to_string(i) + "\n";
  Result<Plan> p = PlanFromAnalysis(a, plain, "", PlanLimits{});
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  Result<nlohmann::json> whole = ProposalJson(*p);
  ASSERT_TRUE(whole) << whole.error().ToString();
  EXPECT_EQ((*whole)["shots"].size(), p->shots.size());
  EXPECT_EQ((*whole)["scenes"].size(), p->scenes.size());
  EXPECT_EQ((*whole)["durationMs"], 60000);
  const size_t size = whole->dump().size();
  EXPECT_LE(size, kMaxProposalBytes);
  Result<nlohmann::json> refused = ProposalJson(*p, size / 2);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(refused.error().issues.size(), 1u);
  EXPECT_EQ(refused.error().issues[0].path, "plan");
  EXPECT_NE(refused.error().issues[0].message.find(
                "at most " + std::to_string(size / 2) + " bytes"),
            std::string::npos)
      << refused.error().ToString();
}

}  // namespace
}  // namespace miri
