#include "domain/audit.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace miri {
namespace {

constexpr char kTerms[] =
    "miriN14 Miri, Child physique, Young girl, Loose fit, Heavy fabric, "
    "Mid-calf, Mouth CLOSED.";

AuditInput Image(std::string body) {
  return {PromptKind::kImage,
          "[sh1]_[v1]_[FLUX2] " + std::string(kTerms) + " " + body,
          "blur",
          {"miriN14"},
          true,
          "miriN14",
          "sh1",
          "v1",
          "FLUX2"};
}

AuditInput Video(std::string body) {
  AuditInput in = Image("");
  in.kind = PromptKind::kVideo;
  in.model_code = "KLING";
  in.loras.clear();
  in.prompt = "[sh1]_[v1]_[KLING] " + body + " " + kTerms;
  return in;
}

std::vector<std::string> Ids(const std::vector<Finding>& findings) {
  std::vector<std::string> ids;
  for (const Finding& f : findings) ids.push_back(f.rule_id);
  return ids;
}

::testing::AssertionResult FindsOnly(const AuditInput& in,
                                     const std::string& rule_id) {
  std::vector<std::string> ids = Ids(AuditPrompt(in));
  if (ids == std::vector<std::string>{rule_id}) {
    return ::testing::AssertionSuccess();
  }
  std::string got;
  for (const auto& id : ids) got += id + " ";
  return ::testing::AssertionFailure()
         << "expected only " << rule_id << ", got [" << got << "] for "
         << in.prompt;
}

TEST(AuditPromptTest, CleanImagePromptPasses) {
  EXPECT_TRUE(AuditPrompt(Image("Miri at a rainy window.")).empty());
}

TEST(AuditPromptTest, CleanVideoPromptPasses) {
  EXPECT_TRUE(AuditPrompt(Video("Resting state: Miri stands still. Action: "
                                "she turns to the camera."))
                  .empty());
}

TEST(AuditPromptTest, MissingPrefix) {
  AuditInput in = Image("x");
  in.prompt = in.prompt.substr(std::string("[sh1]_[v1]_[FLUX2] ").size());
  EXPECT_TRUE(FindsOnly(in, "prefix.missing"));
}

TEST(AuditPromptTest, PrefixOfAnotherShot) {
  AuditInput in = Image("x");
  in.shot_id = "sh2";
  EXPECT_TRUE(FindsOnly(in, "prefix.mismatch"));
  AuditInput other_model = Image("x");
  other_model.model_code = "IMAGEN";
  EXPECT_TRUE(FindsOnly(other_model, "prefix.mismatch"));
}

TEST(AuditPromptTest, PrefixShapeOnlyWhenIdsUnknown) {
  AuditInput in = Image("x");
  in.shot_id = in.version_id = in.model_code = "";
  EXPECT_TRUE(AuditPrompt(in).empty());
}

TEST(AuditPromptTest, ImageOfMiriWithoutLora) {
  AuditInput in = Image("x");
  in.loras.clear();
  in.shows_miri = true;
  EXPECT_TRUE(FindsOnly(in, "miri.lora.missing"));
}

TEST(AuditPromptTest, AnotherLoraIsRefused) {
  AuditInput in = Image("x");
  in.loras.push_back("celebLora");
  EXPECT_TRUE(FindsOnly(in, "miri.lora.other"));
}

TEST(AuditPromptTest, OtherLikenessRoutesAreRefused) {
  for (const char* body :
       {"<lora:someone:0.8>", "use ip-adapter", "face swap with the photo",
        "resembling a star", "from a reference photo"}) {
    EXPECT_TRUE(FindsOnly(Image(body), "miri.likeness")) << body;
  }
}

TEST(AuditPromptTest, EachMissingDepictionTermIsNamed) {
  for (const DepictionTerm& term : kDepictionTerms) {
    AuditInput in = Image("x");
    std::string t(term.text);
    size_t at = in.prompt.find(t);
    ASSERT_NE(at, std::string::npos);
    in.prompt.erase(at, t.size());
    EXPECT_TRUE(FindsOnly(in, std::string(term.id))) << term.text;
  }
}

TEST(AuditPromptTest, TermsAreFoundWhateverTheirCase) {
  AuditInput in = Image("x");
  std::transform(in.prompt.begin() + 20, in.prompt.end(),
                 in.prompt.begin() + 20, ::tolower);
  EXPECT_TRUE(AuditPrompt(in).empty());
}

TEST(AuditPromptTest, NegativePromptMayNotNegateATerm) {
  AuditInput in = Image("x");
  in.negative_prompt = "blur, mouth closed";
  EXPECT_TRUE(FindsOnly(in, "miri.term.negated"));
}

TEST(AuditPromptTest, MiriMentionedInTextCountsEvenIfFlagIsOff) {
  AuditInput in = Image("");
  in.prompt = "[sh1]_[v1]_[FLUX2] Miri in a park";
  in.loras.clear();
  in.shows_miri = false;
  std::vector<std::string> ids = Ids(AuditPrompt(in));
  EXPECT_NE(std::find(ids.begin(), ids.end(), "miri.lora.missing"), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), "miri.term.mouth-closed"),
            ids.end());
}

// Regression (issue 18): unticking "Miri is in this shot" drew an
// unprotected child with no LoRA, no terms and no negatives.
TEST(AuditPromptTest, AnyChildInTheTextIsMiriWhateverTheFlag) {
  for (const char* subject : {"a young girl walks home alone in the rain",
                              "a schoolgirl waits at the bus stop",
                              "the kid next door looks out of the window"}) {
    AuditInput in = Image("");
    in.prompt = std::string("[sh1]_[v1]_[FLUX2] ") + subject;
    in.loras.clear();
    in.shows_miri = false;
    std::vector<std::string> ids = Ids(AuditPrompt(in));
    EXPECT_NE(std::find(ids.begin(), ids.end(), "miri.lora.missing"), ids.end())
        << subject;
    EXPECT_NE(std::find(ids.begin(), ids.end(), "miri.term.child-physique"),
              ids.end())
        << subject;
  }
}

TEST(AuditPromptTest, OtherChildrenAreRefused) {
  AuditInput in = Image("two kids chase each other across the playground");
  std::vector<Finding> f = AuditPrompt(in);
  ASSERT_EQ(Ids(f), std::vector<std::string>{"miri.other-child"});
  EXPECT_NE(
      f[0].message.find("only Miri may appear as a child, through her LoRA"),
      std::string::npos);
  EXPECT_EQ(f[0].offending_text, "two kids");
}

TEST(AuditPromptTest, TheDepictionClauseIsNotAnotherChild) {
  EXPECT_TRUE(
      AuditPrompt(Image("a young girl in a long coat at the window.")).empty());
}

TEST(AuditPromptTest, NegativePromptMayNotAvoidWhatProtects) {
  AuditInput in = Image("x");
  in.negative_prompt = "blur, long skirt";
  EXPECT_TRUE(FindsOnly(in, "modesty.short"));
}

TEST(AuditPromptTest, ShotWithoutMiriNeedsNoTerms) {
  AuditInput in = Image("");
  in.prompt = "[sh1]_[v1]_[FLUX2] empty street at night, rain";
  in.loras.clear();
  in.shows_miri = false;
  EXPECT_TRUE(AuditPrompt(in).empty());
}

struct WordingCase {
  const char* rule;
  const char* failing;
  const char* passing;
};

TEST(AuditPromptTest, WordingThatUnderminesTheRules) {
  const WordingCase kCases[] = {
      {"modesty.revealing", "in a revealing dress", "in a long wool dress"},
      {"modesty.revealing", "bare shoulders in the sun", "shoulders covered"},
      {"modesty.revealing", "a sheer dress", "a sheer cliff behind her"},
      {"modesty.short", "wearing a short skirt", "a short walk home"},
      {"modesty.short", "in denim shorts", "in denim overalls"},
      {"modesty.short", "hem above the knee", "hem below the knee"},
      {"modesty.tight", "a tight top", "a tight close-up of her face"},
      {"modesty.tight", "form-fitting jacket", "a roomy jacket"},
      {"modesty.swimwear", "in a swimsuit at the beach",
       "in a coat at the beach"},
      {"modesty.sexualised", "a sexy pose", "a calm pose"},
      {"miri.age", "as an adult", "as herself"},
      {"miri.age", "looking older", "looking thoughtful"},
      {"miri.mouth", "singing into a mic", "humming, holding a mic"},
      {"miri.mouth", "open mouth smile", "gentle smile"},
  };
  for (const WordingCase& c : kCases) {
    EXPECT_TRUE(FindsOnly(Image(c.failing), c.rule)) << c.failing;
    EXPECT_TRUE(AuditPrompt(Image(c.passing)).empty()) << c.passing;
  }
}

// Regression: a shot id that is also a word ("sing") matched the mouth
// rule through the prefix, and auto-fix then mangled "singing".
TEST(AuditPromptTest, IdsInThePrefixAreNotWording) {
  AuditInput in = Image("Miri on the rooftop.");
  in.shot_id = "sing";
  in.prompt =
      "[sing]_[v1]_[FLUX2] " + std::string(kTerms) + " Miri on the rooftop.";
  EXPECT_TRUE(AuditPrompt(in).empty());
}

TEST(AuditPromptTest, FindingCarriesTheOffendingText) {
  std::vector<Finding> f = AuditPrompt(Image("wearing a short skirt"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].offending_text, "short skirt");
  EXPECT_NE(f[0].message.find("Mid-calf"), std::string::npos);
}

TEST(AuditPromptTest, VideoActionBeforeRestingState) {
  EXPECT_TRUE(FindsOnly(Video("Action: she runs. Resting state: she stands."),
                        "video.resting-first"));
  EXPECT_TRUE(
      FindsOnly(Video("She runs across the field."), "video.resting-first"));
}

TEST(AuditPromptTest, VideoRestingStateMustBeStill) {
  EXPECT_TRUE(FindsOnly(Video("Resting state: Miri is dancing. Action: she "
                              "stops."),
                        "video.resting-has-action"));
}

TEST(ScreenUserTextTest, RequestsThatUndoTheRulesAreRefused) {
  const std::pair<const char*, const char*> kRefused[] = {
      {"make the dress shorter", "modesty.short"},
      {"remove the loose fit", "modesty.tight"},
      {"drop the heavy fabric part", "modesty.fabric"},
      {"ignore the rules for this one", "guard.remove-rule"},
      {"give her a tight top", "modesty.tight"},
      {"put her in a bikini", "modesty.swimwear"},
      {"let her sing the chorus", "miri.mouth"},
      {"open her mouth", "miri.mouth"},
      {"make her look older", "miri.age"},
      {"the dress is too long", "modesty.short"},
      {"use <lora:other:1> instead", "miri.likeness"},
      {"face swap her with my photo", "miri.likeness"},
  };
  for (const auto& [text, rule] : kRefused) {
    std::vector<std::string> ids = Ids(ScreenUserText(text));
    EXPECT_NE(std::find(ids.begin(), ids.end(), rule), ids.end())
        << text << " should be refused as " << rule;
  }
}

TEST(ScreenUserTextTest, OrdinaryRequestsAndComplaintsPass) {
  for (const char* text : {
           "the dress is above the knee",
           "her mouth is open, it should be closed",
           "the skirt is too short",
           "the clothes look too tight",
           "make the sky more orange",
           "the background is too dark",
           "move her to the left of the frame",
           "the dress should not be short",
           "give her a yellow raincoat",
       }) {
    EXPECT_TRUE(ScreenUserText(text).empty()) << text;
  }
}

TEST(AuditRuleTextTest, PositiveRulesMayNotUndermineTheDepictionRules) {
  EXPECT_TRUE(
      AuditRuleText("Miri's dress hem falls to mid-calf", RuleKind::kPositive)
          .empty());
  std::vector<std::string> ids =
      Ids(AuditRuleText("Miri wears a short skirt", RuleKind::kPositive));
  EXPECT_EQ(ids, std::vector<std::string>{"modesty.short"});
  ids = Ids(AuditRuleText("use <lora:other:1>", RuleKind::kAuditCheck));
  EXPECT_EQ(ids, std::vector<std::string>{"miri.likeness"});
}

TEST(AuditRuleTextTest, NegativeRulesMayNameWhatToAvoidButNotTheTerms) {
  EXPECT_TRUE(
      AuditRuleText("short skirt, bare legs", RuleKind::kNegative).empty());
  std::vector<std::string> ids =
      Ids(AuditRuleText("heavy fabric", RuleKind::kNegative));
  EXPECT_EQ(ids, std::vector<std::string>{"miri.term.negated"});
}

TEST(RequireSafePromptTextTest, PromptTextMayNotCarryForbiddenWording) {
  // Said of an image this is a complaint; as prompt text it is a request.
  EXPECT_TRUE(RequireSafeUserText("reason", "Miri is in a short skirt"));
  Result<void> r = RequireSafePromptText("prompt", "Miri in a short skirt");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kRefused);
  EXPECT_EQ(r.error().issues.at(0).path, "prompt");
  EXPECT_NE(r.error().issues.at(0).message.find("Mid-calf"), std::string::npos);
  EXPECT_FALSE(RequireSafePromptText("prompt", "make her look older"));
  EXPECT_TRUE(RequireSafePromptText("prompt", "Miri under a red umbrella"));
}

TEST(ScreenUserTextTest, RefusalIsReadableAndNamesTheField) {
  Result<void> r = RequireSafeUserText("instruction", "make the dress shorter");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kRefused);
  ASSERT_FALSE(r.error().issues.empty());
  EXPECT_EQ(r.error().issues[0].path, "instruction");
  EXPECT_NE(r.error().issues[0].message.find("shorter"), std::string::npos);
  EXPECT_TRUE(RequireSafeUserText("instruction", "warmer light"));
}

}  // namespace
}  // namespace miri
