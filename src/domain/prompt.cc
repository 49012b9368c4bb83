#include "domain/prompt.h"

#include "domain/screen.h"

namespace miri {

namespace {

void AppendSentence(std::string& out, std::string_view sentence) {
  if (sentence.empty()) return;
  if (!out.empty() && out.back() != ' ') out += ' ';
  out += sentence;
  char last = out.back();
  if (last != '.' && last != '!' && last != '?') out += '.';
}

std::string DepictionClause(std::string_view lora_id) {
  std::string s = std::string(lora_id) + " Miri";
  for (const DepictionTerm& t : kDepictionTerms) {
    s += ", ";
    s += t.text;
  }
  return s;
}

// Negative terms that always accompany Miri: the opposites of her rules.
constexpr std::string_view kMiriNegatives =
    "open mouth, revealing clothing, tight clothing, short hemline, "
    "adult proportions";

// The flag may add Miri to a prompt, never take her protections away: a
// child anywhere in what the prompt says is drawn as Miri.
bool ShowsMiri(const PromptSpec& spec) {
  if (spec.shows_miri || DepictsChild(spec.subject) ||
      DepictsChild(spec.resting_state)) {
    return true;
  }
  for (const std::string& rule : spec.rules) {
    if (DepictsChild(rule)) return true;
  }
  return false;
}

}  // namespace

std::string PromptPrefix(std::string_view shot_id, std::string_view version_id,
                         std::string_view model_code) {
  return "[" + std::string(shot_id) + "]_[" + std::string(version_id) + "]_[" +
         std::string(model_code) + "]";
}

RenderedPrompt RenderPrompt(const PromptSpec& spec) {
  RenderedPrompt out;
  const bool miri = ShowsMiri(spec);
  std::string body;
  if (spec.kind == PromptKind::kVideo) {
    // The static resting state comes first, then the action (design.md 6).
    AppendSentence(body, "Resting state: " + spec.resting_state);
    AppendSentence(body, "Action: " + spec.subject);
    if (miri) AppendSentence(body, DepictionClause(spec.lora_id));
  } else {
    if (miri) AppendSentence(body, DepictionClause(spec.lora_id));
    AppendSentence(body, spec.subject);
  }
  for (const std::string& rule : spec.rules) AppendSentence(body, rule);
  out.prompt =
      PromptPrefix(spec.shot_id, spec.version_id, spec.model_code) + " " + body;

  std::string negative;
  if (miri) negative = kMiriNegatives;
  for (const std::string& term : spec.negative_terms) {
    if (!negative.empty()) negative += ", ";
    negative += term;
  }
  out.negative_prompt = negative;
  if (miri && spec.kind == PromptKind::kImage) {
    out.loras.push_back(spec.lora_id);
  }
  return out;
}

}  // namespace miri
