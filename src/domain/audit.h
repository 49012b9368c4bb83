// The deterministic auditor: checks a rendered prompt against the prompt
// rules and Miri's depiction rules, and screens free text a person types
// (refine chat, rejection reasons, plan edits, prompt overrides) for requests
// that would undo those rules. Findings are data; an empty list passes.
//
// Lexical by design: it matches words and phrases, not meaning. It is the
// floor every prompt must clear whatever else (a vision model, a person)
// looks at it later, and it errs on the side of refusing.
#ifndef MIRI_DOMAIN_AUDIT_H_
#define MIRI_DOMAIN_AUDIT_H_

#include <string>
#include <string_view>
#include <vector>

#include "domain/prompt.h"
#include "domain/records.h"
#include "domain/result.h"

namespace miri {

struct AuditInput {
  PromptKind kind = PromptKind::kImage;
  std::string prompt;
  std::string negative_prompt;
  std::vector<std::string> loras;  // LoRA ids the request carries
  bool shows_miri = true;  // the shot's flag; the text can only add to it
  std::string lora_id;     // the project's loraWeightsId
  // The prefix the prompt must carry; empty parts are checked for shape only.
  std::string shot_id;
  std::string version_id;
  std::string model_code;
};

// Rule ids reported (besides kDepictionTerms' ids):
//   prefix.missing, prefix.mismatch, miri.lora.missing, miri.lora.other,
//   miri.likeness, miri.term.negated, miri.age, miri.mouth,
//   modesty.revealing, modesty.short, modesty.tight, modesty.swimwear,
//   modesty.sexualised, video.resting-first, video.resting-has-action.
std::vector<Finding> AuditPrompt(const AuditInput& input);

// Findings for the text of a rule before it joins the rulebook: a positive
// or audit rule is prompt text and may not carry wording that undermines
// the depiction rules; a negative rule lists what to avoid and may not
// negate a depiction term.
std::vector<Finding> AuditRuleText(std::string_view text, RuleKind kind);

// Findings for text a person typed that asks to undo a depiction rule.
// Complaints that push towards the rules ("the skirt is too short") pass.
// Rule ids: guard.remove-rule, guard.direction, guard.request, guard.likeness.
std::vector<Finding> ScreenUserText(std::string_view text);

// For text a person types that becomes prompt text itself (a prompt
// override, a shot description): ScreenUserText plus the forbidden wording
// and likeness checks of AuditRuleText, since here "a short skirt" is a
// request, not a complaint. REFUSED with readable issues at `field`.
Result<void> RequireSafePromptText(std::string_view field,
                                   std::string_view text);

// ScreenUserText as a Result: REFUSED with one FieldIssue per finding at
// `field`, each message readable by the person who typed it.
Result<void> RequireSafeUserText(std::string_view field, std::string_view text);

}  // namespace miri

#endif  // MIRI_DOMAIN_AUDIT_H_
