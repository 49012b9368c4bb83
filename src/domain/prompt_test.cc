#include "domain/prompt.h"

#include <gtest/gtest.h>

#include "domain/audit.h"

namespace miri {
namespace {

PromptSpec ImageSpec() {
  PromptSpec s;
  s.kind = PromptKind::kImage;
  s.shot_id = "sh3";
  s.version_id = "v2";
  s.model_code = "FLUX2";
  s.lora_id = "miriN14";
  s.subject = "Miri at a rainy window, dusk light";
  s.rules = {"keep the raincoat yellow"};
  s.negative_terms = {"text", "watermark"};
  return s;
}

TEST(PromptTest, PrefixHasShotVersionAndModel) {
  EXPECT_EQ(PromptPrefix("sh3", "v2", "FLUX2"), "[sh3]_[v2]_[FLUX2]");
}

TEST(PromptTest, ImagePromptCarriesPrefixLoraAndEveryDepictionTerm) {
  RenderedPrompt p = RenderPrompt(ImageSpec());
  EXPECT_EQ(p.prompt,
            "[sh3]_[v2]_[FLUX2] miriN14 Miri, Child physique, Young girl, "
            "Loose fit, Heavy fabric, Mid-calf, Mouth CLOSED. Miri at a rainy "
            "window, dusk light. keep the raincoat yellow.");
  EXPECT_EQ(p.loras, std::vector<std::string>{"miriN14"});
  EXPECT_EQ(p.negative_prompt,
            "open mouth, revealing clothing, tight clothing, short hemline, "
            "adult proportions, text, watermark");
}

TEST(PromptTest, ShotWithoutMiriHasNoLoraOrDepictionTerms) {
  PromptSpec s = ImageSpec();
  s.shows_miri = false;
  s.subject = "empty street at night, rain";
  RenderedPrompt p = RenderPrompt(s);
  EXPECT_EQ(p.prompt,
            "[sh3]_[v2]_[FLUX2] empty street at night, rain. keep the raincoat "
            "yellow.");
  EXPECT_TRUE(p.loras.empty());
  EXPECT_EQ(p.negative_prompt, "text, watermark");
}

// Regression (issue 18): with the flag off, a child in the subject was drawn
// with no LoRA, none of the six terms and no negatives.
TEST(PromptTest, AChildInTheSubjectIsMiriWhateverTheFlag) {
  PromptSpec s = ImageSpec();
  s.shows_miri = false;
  s.rules.clear();
  s.negative_terms.clear();
  s.subject = "a young girl walks home alone in the rain";
  RenderedPrompt p = RenderPrompt(s);
  EXPECT_EQ(p.loras, std::vector<std::string>{"miriN14"});
  for (const DepictionTerm& t : kDepictionTerms) {
    EXPECT_NE(p.prompt.find(t.text), std::string::npos) << t.text;
  }
  EXPECT_NE(p.negative_prompt.find("open mouth"), std::string::npos);
  AuditInput in{PromptKind::kImage,
                p.prompt,
                p.negative_prompt,
                p.loras,
                false,
                "miriN14",
                "sh3",
                "v2",
                "FLUX2"};
  EXPECT_TRUE(AuditPrompt(in).empty()) << p.prompt;
}

TEST(PromptTest, VideoPromptStatesRestingStateBeforeAction) {
  PromptSpec s = ImageSpec();
  s.kind = PromptKind::kVideo;
  s.model_code = "KLING";
  s.resting_state = "Miri stands still by the window";
  s.subject = "she turns her head towards the camera";
  s.rules.clear();
  RenderedPrompt p = RenderPrompt(s);
  EXPECT_EQ(
      p.prompt,
      "[sh3]_[v2]_[KLING] Resting state: Miri stands still by the window. "
      "Action: she turns her head towards the camera. miriN14 Miri, Child "
      "physique, Young girl, Loose fit, Heavy fabric, Mid-calf, Mouth "
      "CLOSED.");
  EXPECT_LT(p.prompt.find("Resting state:"), p.prompt.find("Action:"));
}

TEST(PromptTest, RenderedPromptsPassTheAuditor) {
  for (PromptKind kind : {PromptKind::kImage, PromptKind::kVideo}) {
    PromptSpec s = ImageSpec();
    s.kind = kind;
    s.resting_state = "Miri stands by the window";
    RenderedPrompt p = RenderPrompt(s);
    AuditInput in{kind,    p.prompt, p.negative_prompt,
                  p.loras, true,     "miriN14",
                  "sh3",   "v2",     "FLUX2"};
    EXPECT_TRUE(AuditPrompt(in).empty()) << p.prompt;
  }
}

}  // namespace
}  // namespace miri
