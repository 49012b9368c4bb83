// The request screen: decides whether text asks to move away from one of
// Miri's depiction rules, or to show a child other than Miri, and whether
// it shows a child at all (any child is drawn as Miri, through her LoRA).
//
// It reads requests, not just words. The concepts the rules protect (hem
// length, coverage, fit, fabric weight, swimwear, sexualising words, poses
// and framing, her age and figure, her mouth, makeup and heels, her
// likeness, other children, the rules themselves) are word sets with their
// paraphrases, combined in frames matched within a window of tokens ("a
// short sleeveless summer dress", "a dress that shows her knees"; see
// screen_lexicon.h). Around each match it reads negation ("no teeth",
// "don't show her knees"), direction ("too long" moves away from a rule,
// "too short" towards it) and intent:
//   - text that becomes prompt text (a shot description, a prompt override,
//     a positive rule, project settings) may not name a violation at all;
//   - in a refine instruction or a rejection reason, a request to move away
//     from a rule is refused, while a complaint that the image breaks one
//     ("her mouth is slightly open, it must be closed") or a request to
//     restore it is allowed. A bare phrase ("a big toothy smile") is read
//     as a request;
//   - a negative rule lists what to avoid: it may not list what protects.
//
// Hand-written on purpose: no library packaged for Debian or npm does this
// for C++ (there is no tagger or classifier to depend on here), and the
// screen must run offline and deterministically in microseconds. It is the
// floor under every prompt; a model's second opinion may only add to it.
// Its precision and recall per channel are measured on the labelled corpus
// in testdata/screen_corpus.tsv (screen_test.cc).
#ifndef MIRI_DOMAIN_SCREEN_H_
#define MIRI_DOMAIN_SCREEN_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/project.h"
#include "domain/records.h"

namespace miri {

// Where text comes from: that decides how it is read.
enum class TextChannel {
  kRefine,          // a mini-chat instruction about the image on screen
  kRejectReason,    // why a person rejected an image
  kPlanEdit,        // a shot description: becomes prompt text
  kPromptOverride,  // prompt text sent with "generate"
  kSettings,        // a project name or a model string
  kPositiveRule,    // a positive or audit-check rule: becomes prompt text
  kNegativeRule,    // a negative rule: what the image must avoid
  kPrompt,          // a rendered prompt (the auditor's view)
};
std::string_view TextChannelName(TextChannel channel);
std::optional<TextChannel> ParseTextChannel(std::string_view name);

struct Screening {
  // What the text asks for that the rules forbid: refuse when not empty.
  // One per rule, each with a readable message and the words it found.
  std::vector<Finding> findings;
  // Rules the text says an image breaks (allowed complaints), e.g.
  // "miri.mouth" for "her mouth is slightly open".
  std::vector<std::string> complaints;
  // Names a child (Miri, a girl, a kid, ...) who is not negated.
  bool shows_child = false;
  bool allowed() const { return findings.empty(); }
};

// `shows_miri`: the text belongs to a shot known to show Miri (then "her
// friend" is another child even when Miri is not named).
Screening ScreenText(std::string_view text, TextChannel channel,
                     bool shows_miri = false);

// True when `text` shows a child: Miri by name, or any girl, boy, kid,
// baby, ... that is not negated ("no children" shows none).
bool DepictsChild(std::string_view text);

// Whether a shot is drawn as showing Miri: its flag, or any child in its
// description, lyrics or `extra` text (an override, a refine instruction).
// The flag may add Miri to a shot; it never takes her protections away.
bool EffectiveShowsMiri(const Shot& shot, std::string_view extra = {});

// A refine instruction as prompt text: each clause that complains about a
// broken rule ("her mouth is slightly open") becomes the words that restore
// it ("Mouth CLOSED, lips together"); other clauses are kept as written.
std::string RestateComplaints(std::string_view instruction);

}  // namespace miri

#endif  // MIRI_DOMAIN_SCREEN_H_
