// The deterministic auditor: checks a rendered prompt against the prompt
// rules and Miri's depiction rules, and screens free text a person types
// (refine chat, rejection reasons, plan edits, prompt overrides, settings,
// rule text) for requests that would undo those rules. Findings are data;
// an empty list passes.
//
// The wording is read by the request screen (domain/screen.h): concepts
// with their paraphrases, words in between, negation and intent. It is the
// floor every prompt must clear whatever else (a vision model, a person)
// looks at it later, and where it cannot tell a request from a complaint it
// refuses, saying how to put a complaint.
#ifndef MIRI_DOMAIN_AUDIT_H_
#define MIRI_DOMAIN_AUDIT_H_

#include <string>
#include <string_view>
#include <vector>

#include "domain/project.h"
#include "domain/prompt.h"
#include "domain/records.h"
#include "domain/result.h"
#include "domain/screen.h"

namespace miri {

struct AuditInput {
  PromptKind kind = PromptKind::kImage;
  std::string prompt;
  std::string negative_prompt;
  std::vector<std::string> loras;  // LoRA ids the request carries
  // The shot's flag. The text can only add to it: Miri named, a LoRA, or
  // any child in the prompt makes the prompt one that shows Miri.
  bool shows_miri = true;
  std::string lora_id;  // the project's loraWeightsId
  // The prefix the prompt must carry; empty parts are checked for shape only.
  std::string shot_id;
  std::string version_id;
  std::string model_code;
};

// Rule ids reported (besides kDepictionTerms' ids):
//   prefix.missing, prefix.mismatch, miri.lora.missing, miri.lora.other,
//   miri.likeness, miri.term.negated, miri.age, miri.mouth, miri.makeup,
//   miri.other-child, modesty.revealing, modesty.short, modesty.tight,
//   modesty.fabric, modesty.swimwear, modesty.sexualised,
//   guard.remove-rule, video.resting-first, video.resting-has-action.
std::vector<Finding> AuditPrompt(const AuditInput& input);

// Findings for the text of a rule before it joins the rulebook: a positive
// or audit rule is prompt text and may not carry wording that undermines
// the depiction rules; a negative rule lists what to avoid and may not
// negate a depiction term.
std::vector<Finding> AuditRuleText(std::string_view text, RuleKind kind);

// Findings for an instruction a person typed about an image (refine chat,
// a rejection reason) that asks to undo a depiction rule. Complaints that
// push towards the rules ("the skirt is too short", "her mouth is slightly
// open, it must be closed") pass. Rule ids as for AuditPrompt.
std::vector<Finding> ScreenUserText(std::string_view text);

// REFUSED with one FieldIssue per finding at `field` (the rule, why, what
// to do, and the words found); OK when there are none.
Result<void> RefuseFindings(std::string_view field,
                            const std::vector<Finding>& findings);

// ScreenText(text, channel) as a Result (see RefuseFindings).
Result<void> RequireSafeText(std::string_view field, std::string_view text,
                             TextChannel channel, bool shows_miri = false);

// For text a person types that becomes prompt text itself (a prompt
// override, a shot description): here "a short skirt" is a request, not a
// complaint, and any child but Miri is refused.
Result<void> RequireSafePromptText(std::string_view field,
                                   std::string_view text);

// Project settings a person types (the project name, the model strings,
// agent configs' model strings): no wording that would undo the rules
// ("Sexy Miri"), no other LoRA or route to a likeness ("...?loras=celeb",
// "face-swap"). REFUSED with one issue per field.
Result<void> RequireSafeSettings(const ProjectConfig& project,
                                 const std::vector<AgentConfig>& agents = {});

// For an instruction about an image (ScreenUserText as a Result).
Result<void> RequireSafeUserText(std::string_view field, std::string_view text);

}  // namespace miri

#endif  // MIRI_DOMAIN_AUDIT_H_
