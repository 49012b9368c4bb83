// Retrieval quality of the Active Rulebook on a labelled set: rules learned
// from rejection reasons in one scene (about Miri: CHARACTER; about the
// world: SCENE), later shot descriptions of that scene, and which rules a
// person would want applied to each. Reports precision and recall over all
// shots (micro-averaged, rules that apply to every shot - GLOBAL - excluded)
// and fails below floors.
//
// Floors, and why: recall >= 0.80 because a missed rule costs a person
// another rejection of the same fault, the thing the rulebook exists to
// stop; precision >= 0.70 because a rule applied where it does not belong
// only adds a harmless sentence to a prompt (the auditor still guards the
// depiction rules), so recall matters more. The lexical embedder measured
// above both floors when they were set (see the printed figures).
#include <set>

#include "services/rulebook/rulebook_fixture.h"

namespace miri::testing {
namespace {

struct LabelledRule {
  const char* key;  // names the rule in the expectations
  const char* reason;
  const char* text;
  RuleKind kind;
  RuleScope scope;
};

struct LabelledShot {
  const char* description;
  bool shows_miri;
  std::set<std::string> expected;  // rule keys
};

const LabelledRule kRules[] = {
    {"hem", "the dress is above the knee", "Miri's dress hem falls to mid-calf",
     RuleKind::kPositive, RuleScope::kCharacter},
    {"hair", "her hair is blonde here", "Miri has dark brown hair in a braid",
     RuleKind::kPositive, RuleScope::kCharacter},
    {"coat", "her raincoat changed colour", "Miri's raincoat is yellow",
     RuleKind::kPositive, RuleScope::kCharacter},
    {"boots", "she is barefoot in the street", "Miri wears brown boots",
     RuleKind::kPositive, RuleScope::kCharacter},
    {"calm", "she looks too cheerful for this verse",
     "Miri's expression is calm and thoughtful", RuleKind::kPositive,
     RuleScope::kCharacter},
    {"framing", "the camera is too far, I can't see her face",
     "frame Miri from the waist up, face visible", RuleKind::kPositive,
     RuleScope::kCharacter},
    {"streetlights", "the street lights look blue",
     "street lights glow warm orange, not blue", RuleKind::kPositive,
     RuleScope::kGlobal},
    {"rain", "the rain looks like snow",
     "rain falls as thin streaks of water, not snowflakes", RuleKind::kPositive,
     RuleScope::kScene},
    {"sky", "the sky is oversaturated", "sky colours are muted pastel tones",
     RuleKind::kPositive, RuleScope::kScene},
    {"dog", "the dog has five legs", "extra legs or limbs on the dog",
     RuleKind::kNegative, RuleScope::kScene},
    {"guitar", "the guitar floats in the air",
     "the guitar rests in her hands or on a stand", RuleKind::kPositive,
     RuleScope::kScene},
    {"window", "the window frame is warped",
     "window frames are straight and square", RuleKind::kPositive,
     RuleScope::kScene},
};

const LabelledShot kShots[] = {
    {"Miri twirling in a summer dress", true, {"hem"}},
    {"empty street at night, rain", false, {"rain", "streetlights"}},
    {"Miri walks home in the rain in her raincoat and boots",
     true,
     {"rain", "coat", "boots"}},
    {"close-up of Miri's face by the window",
     true,
     {"framing", "calm", "window"}},
    {"Miri plays the guitar on her bed", true, {"guitar"}},
    {"a dog runs across the park", false, {"dog"}},
    {"wide shot of the sky at dusk over the city", false, {"sky"}},
    {"Miri brushes her braided hair", true, {"hair"}},
    {"Miri looks out of the window at the rain", true, {"window", "rain"}},
    {"Miri in her yellow raincoat under the street lights",
     true,
     {"coat", "streetlights"}},
    {"Miri sits quietly, thinking, in a long wool dress",
     true,
     {"calm", "hem"}},
    {"her dog sleeps at her feet by the guitar", true, {"dog", "guitar"}},
};

TEST_F(RulebookTest, LabelledSetMeetsPrecisionAndRecallFloors) {
  std::map<std::string, std::string> key_of_text;
  for (const LabelledRule& r : kRules) {
    analyzer_.script[r.reason] = {r.text, r.kind, r.scope, "labelled"};
    key_of_text[r.text] = r.key;
    ASSERT_TRUE(Reject("sh-0", r.reason));
  }
  ASSERT_EQ(rulebook_->List(project_.project_id)->size(), std::size(kRules));

  int true_pos = 0, false_pos = 0, false_neg = 0;
  for (const LabelledShot& s : kShots) {
    Shot shot = ShotWith("sh-1", s.description, s.shows_miri);
    std::vector<RuleMatch> got =
        *rulebook_->RulesFor(project_.project_id, shot);
    std::set<std::string> keys;
    for (const RuleMatch& m : got) {
      if (m.rule.scope != RuleScope::kGlobal)
        keys.insert(key_of_text[m.rule.text]);
    }
    std::set<std::string> expected;
    for (const std::string& k : s.expected) {
      // GLOBAL rules apply everywhere by design; score only retrieval.
      bool global = false;
      for (const LabelledRule& r : kRules) {
        global |= (k == r.key && r.scope == RuleScope::kGlobal);
      }
      if (!global) expected.insert(k);
    }
    std::string missed, extra;
    for (const std::string& k : keys) {
      if (expected.count(k)) {
        ++true_pos;
      } else {
        ++false_pos;
        extra += k + " ";
      }
    }
    for (const std::string& k : expected) {
      if (!keys.count(k)) {
        ++false_neg;
        missed += k + " ";
      }
    }
    if (!missed.empty() || !extra.empty()) {
      std::cout << "  \"" << s.description << "\": missed [" << missed
                << "] extra [" << extra << "]\n";
    }
  }
  double precision = true_pos / double(true_pos + false_pos);
  double recall = true_pos / double(true_pos + false_neg);
  std::cout << "rulebook retrieval: precision " << precision << ", recall "
            << recall << " (tp " << true_pos << ", fp " << false_pos << ", fn "
            << false_neg << ")\n";
  EXPECT_GE(recall, 0.80);
  EXPECT_GE(precision, 0.70);
}

}  // namespace
}  // namespace miri::testing
