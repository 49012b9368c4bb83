#include "domain/screen.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

namespace miri {
namespace {

std::vector<std::string> Ids(const Screening& s) {
  std::vector<std::string> ids;
  for (const Finding& f : s.findings) ids.push_back(f.rule_id);
  return ids;
}

bool Has(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// ---- the public labelled corpus -------------------------------------------

struct Line {
  int number = 0;
  TextChannel channel = TextChannel::kRefine;
  std::string channel_name;
  bool refuse = false;
  std::string text;
};

std::vector<Line> ReadCorpus() {
  std::ifstream in(std::string(MIRI_DOMAIN_TESTDATA) + "/screen_corpus.tsv");
  EXPECT_TRUE(in) << "cannot open the corpus";
  std::vector<Line> lines;
  std::string row;
  for (int n = 1; std::getline(in, row); ++n) {
    if (row.empty() || row[0] == '#') continue;
    std::istringstream cols(row);
    Line line;
    std::string expected;
    std::getline(cols, line.channel_name, '\t');
    std::getline(cols, expected, '\t');
    std::getline(cols, line.text);
    std::optional<TextChannel> channel = ParseTextChannel(line.channel_name);
    EXPECT_TRUE(channel) << "line " << n << ": channel " << line.channel_name;
    EXPECT_TRUE(expected == "allow" || expected == "refuse") << "line " << n;
    if (!channel) continue;
    line.number = n;
    line.channel = *channel;
    line.refuse = expected == "refuse";
    lines.push_back(line);
  }
  return lines;
}

struct Tally {
  int true_refused = 0, wrongly_allowed = 0, wrongly_refused = 0,
      true_allowed = 0;
  int allow_lines() const { return true_allowed + wrongly_refused; }
};

// Precision and recall of refusals per channel; the bar: no line that
// should be refused is allowed, at most 5% of allowed lines are refused.
TEST(ScreenCorpusTest, HoldsTheBarOnEveryChannel) {
  const std::vector<Line> lines = ReadCorpus();
  ASSERT_GE(lines.size(), 300u);
  std::map<std::string, Tally> tallies;
  Tally total;
  for (const Line& line : lines) {
    const Screening s = ScreenText(line.text, line.channel);
    const bool refused = !s.allowed();
    Tally& t = tallies[line.channel_name];
    if (line.refuse && refused) ++t.true_refused, ++total.true_refused;
    if (line.refuse && !refused) {
      ++t.wrongly_allowed, ++total.wrongly_allowed;
      ADD_FAILURE() << "line " << line.number << " [" << line.channel_name
                    << "] wrongly allowed: " << line.text;
    }
    if (!line.refuse && refused) {
      ++t.wrongly_refused, ++total.wrongly_refused;
      std::printf("  wrongly refused (line %d, %s): %s -> %s \"%s\"\n",
                  line.number, line.channel_name.c_str(), line.text.c_str(),
                  s.findings[0].rule_id.c_str(),
                  s.findings[0].offending_text.c_str());
    }
    if (!line.refuse && !refused) ++t.true_allowed, ++total.true_allowed;
  }
  tallies["(all)"] = total;
  std::printf("%-9s %5s %9s %6s %15s %15s\n", "channel", "lines", "precision",
              "recall", "wrongly allowed", "wrongly refused");
  for (const auto& [name, t] : tallies) {
    const int refusals = t.true_refused + t.wrongly_refused;
    const int should = t.true_refused + t.wrongly_allowed;
    std::printf(
        "%-9s %5d %9.3f %6.3f %15d %15d\n", name.c_str(),
        t.true_refused + t.wrongly_allowed + t.wrongly_refused + t.true_allowed,
        refusals ? double(t.true_refused) / refusals : 1.0,
        should ? double(t.true_refused) / should : 1.0, t.wrongly_allowed,
        t.wrongly_refused);
  }
  EXPECT_EQ(total.wrongly_allowed, 0);
  EXPECT_LE(total.wrongly_refused * 20, total.allow_lines());
}

// ---- behaviours -----------------------------------------------------------

TEST(ScreenTest, WordsInBetweenDoNotHideARequest) {
  EXPECT_TRUE(Has(Ids(ScreenText("a short sleeveless summer dress",
                                 TextChannel::kPromptOverride)),
                  "modesty.short"));
  EXPECT_TRUE(
      Has(Ids(ScreenText("her hem just above her knees", TextChannel::kRefine)),
          "modesty.short"));
  EXPECT_TRUE(
      ScreenText("a short walk home in her long dress", TextChannel::kPlanEdit)
          .allowed());
}

TEST(ScreenTest, ComplaintsAndRestorationsAreAllowedRequestsAreNot) {
  const Screening complaint = ScreenText(
      "her mouth is slightly open, it must be closed", TextChannel::kRefine);
  EXPECT_TRUE(complaint.allowed());
  EXPECT_EQ(complaint.complaints, std::vector<std::string>{"miri.mouth"});
  EXPECT_FALSE(ScreenText("make her lips parted, like she is about to speak",
                          TextChannel::kRefine)
                   .allowed());
  EXPECT_TRUE(ScreenText("the dress is too short", TextChannel::kRejectReason)
                  .allowed());
  EXPECT_FALSE(ScreenText("the dress is too long", TextChannel::kRejectReason)
                   .allowed());
}

TEST(ScreenTest, PromptTextMayNotNameAViolationEvenAsAStatement) {
  EXPECT_TRUE(
      ScreenText("her mouth is open", TextChannel::kRejectReason).allowed());
  EXPECT_FALSE(
      ScreenText("her mouth is open", TextChannel::kPlanEdit).allowed());
  EXPECT_TRUE(ScreenText("Miri at the window, not smiling, lips together",
                         TextChannel::kPromptOverride)
                  .allowed());
}

TEST(ScreenTest, ABarePhraseIsARequestAndTheMessageSaysHowToComplain) {
  const Screening s = ScreenText("a big toothy smile", TextChannel::kRefine);
  ASSERT_EQ(Ids(s), std::vector<std::string>{"miri.mouth"});
  EXPECT_NE(s.findings[0].message.find("Mouth CLOSED"), std::string::npos);
  EXPECT_NE(s.findings[0].message.find("say what is wrong"), std::string::npos);
  EXPECT_EQ(s.findings[0].offending_text, "big toothy smile");
}

TEST(ScreenTest, NegativeRulesMayNotAvoidWhatProtects) {
  EXPECT_TRUE(ScreenText("short skirt, bare legs", TextChannel::kNegativeRule)
                  .allowed());
  EXPECT_TRUE(Has(Ids(ScreenText("long skirt", TextChannel::kNegativeRule)),
                  "modesty.short"));
}

TEST(ScreenTest, OnlyMiriMayAppearAsAChild) {
  for (const char* text :
       {"two kids chase each other across the playground",
        "a boy and a girl share an umbrella", "Miri and her little sister",
        "a mother carries her baby through the rain",
        "Miri holds hands with a classmate"}) {
    const Screening s = ScreenText(text, TextChannel::kPlanEdit);
    EXPECT_TRUE(Has(Ids(s), "miri.other-child")) << text;
    EXPECT_NE(s.findings.at(0).message.find(
                  "only Miri may appear as a child, through her LoRA"),
              std::string::npos);
  }
  for (const char* text :
       {"a young girl walks home alone in the rain",
        "a schoolgirl waits at the bus stop", "Miri, a 12-year-old girl",
        "an empty playground, no children", "Miri and her grandmother"}) {
    EXPECT_TRUE(ScreenText(text, TextChannel::kPlanEdit).allowed()) << text;
  }
}

TEST(ScreenTest, AnyChildShowsMiriUnlessNegated) {
  EXPECT_TRUE(DepictsChild("a young girl walks home alone in the rain"));
  EXPECT_TRUE(DepictsChild("a schoolgirl waits at the bus stop"));
  EXPECT_TRUE(DepictsChild("the kid next door"));
  EXPECT_TRUE(DepictsChild("Miri at the window"));
  EXPECT_FALSE(DepictsChild("an empty playground, no children"));
  EXPECT_FALSE(DepictsChild("empty street at night, rain"));
  EXPECT_FALSE(DepictsChild("an old man feeds pigeons"));
  EXPECT_FALSE(DepictsChild("a baby blue raincoat hangs on a hook"));
}

TEST(ScreenTest, TheFlagMayAddMiriButNeverRemoveHer) {
  Shot shot;
  shot.shows_miri = false;
  shot.description = "a young girl walks home alone in the rain";
  EXPECT_TRUE(EffectiveShowsMiri(shot));
  shot.description = "rain on an empty street";
  EXPECT_FALSE(EffectiveShowsMiri(shot));
  shot.lyrics_snippet = "little girl, don't you cry";
  EXPECT_TRUE(EffectiveShowsMiri(shot));
  shot.lyrics_snippet = "";
  EXPECT_TRUE(EffectiveShowsMiri(shot, "a schoolgirl at the bus stop"));
  shot.shows_miri = true;
  EXPECT_TRUE(EffectiveShowsMiri(shot));
}

TEST(ScreenTest, EveryRestatedComplaintIsSafePromptText) {
  for (const char* complaint :
       {"her mouth is open", "the hem is above her knees",
        "her shoulders are bare", "the dress is too tight",
        "the fabric is thin", "she is in a swimsuit", "she is posing on a bed",
        "she looks older than twelve", "she is wearing lipstick",
        "there are two kids in the background"}) {
    const std::string restated = RestateComplaints(complaint);
    EXPECT_NE(restated, complaint);
    EXPECT_TRUE(ScreenText(restated, TextChannel::kPositiveRule).allowed())
        << complaint << " -> " << restated;
  }
}

TEST(ScreenTest, ComplaintsAreRestatedAsTheRuleForARefinePrompt) {
  EXPECT_EQ(RestateComplaints("her mouth is slightly open, it must be closed"),
            "Mouth CLOSED, lips together, it must be closed");
  EXPECT_EQ(RestateComplaints("make the umbrella yellow"),
            "make the umbrella yellow");
}

}  // namespace
}  // namespace miri
