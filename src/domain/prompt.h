// Prompt rules (design.md section 6) as data: a PromptSpec describes what a
// prompt must say; RenderPrompt turns it into the text and request fields a
// provider receives. The auditor (audit.h) checks the rendered result, so a
// prompt edited by hand is held to the same rules.
#ifndef MIRI_DOMAIN_PROMPT_H_
#define MIRI_DOMAIN_PROMPT_H_

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace miri {

// The depiction terms every prompt that shows Miri carries, with the id the
// auditor reports when one is missing. They protect a child; nothing a user
// types may remove them.
struct DepictionTerm {
  std::string_view id;
  std::string_view text;
};
inline constexpr std::array<DepictionTerm, 6> kDepictionTerms = {{
    {"miri.term.child-physique", "Child physique"},
    {"miri.term.young-girl", "Young girl"},
    {"miri.term.loose-fit", "Loose fit"},
    {"miri.term.heavy-fabric", "Heavy fabric"},
    {"miri.term.mid-calf", "Mid-calf"},
    {"miri.term.mouth-closed", "Mouth CLOSED"},
}};

enum class PromptKind { kImage, kVideo };

struct PromptSpec {
  PromptKind kind = PromptKind::kImage;
  std::string shot_id;
  std::string version_id;
  std::string model_code;  // e.g. FLUX2, KLING
  // The shot's flag. It may only add Miri: a child in the subject, the
  // resting state or a rule is drawn as Miri whatever the flag says.
  bool shows_miri = true;
  std::string lora_id;  // the project's loraWeightsId (kMiriLora)
  // Image: what the frame shows. Video: the action, after the resting state.
  std::string subject;
  std::string resting_state;  // video only: the still pose the clip starts in
  std::vector<std::string> rules;           // positive rules from the rulebook
  std::vector<std::string> negative_terms;  // negative rules
};

struct RenderedPrompt {
  std::string prompt;
  std::string negative_prompt;
  std::vector<std::string> loras;  // LoRA ids the request must carry
};

// "[ShotID]_[VersionID]_[ModelCode]".
std::string PromptPrefix(std::string_view shot_id, std::string_view version_id,
                         std::string_view model_code);

RenderedPrompt RenderPrompt(const PromptSpec& spec);

}  // namespace miri

#endif  // MIRI_DOMAIN_PROMPT_H_
