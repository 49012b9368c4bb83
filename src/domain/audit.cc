#include "domain/audit.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace miri {

namespace {

struct Lexicon {
  std::string_view rule_id;
  std::string_view message;
  std::regex pattern;
};

std::regex Icase(const char* pattern) {
  return std::regex(pattern, std::regex::ECMAScript | std::regex::icase |
                                 std::regex::optimize);
}

// Words that must never describe Miri in a positive prompt. Each group names
// the rule it protects so the finding reads as a reason, not a word list.
const std::vector<Lexicon>& ForbiddenWording() {
  static const std::vector<Lexicon> kLexicon = {
      {"modesty.revealing",
       "Miri's clothing must cover her: revealing wording is not allowed",
       Icase(
           R"(\b(revealing|skimpy|low[- ]cut|plunging|cleavage|(sheer|transparent) (dress|top|shirt|blouse|clothing|clothes|fabric|skirt|sleeves?)|see[- ]through|midriff|bare (legs|shoulders?|skin|back|chest|arms|belly)|off[- ]the[- ]shoulders?|strapless|backless|exposed skin)\b)")},
      {"modesty.short",
       "Miri's hemlines stay Mid-calf: short clothing is not allowed",
       Icase(
           R"(\b(short(er)? (skirt|dress|hem|hemline|pants|trousers|top|tunic|sleeves?)|shorts|mini ?(skirt|dress)|mini|above[- ]the[- ]knees?|knee[- ]length|thigh[- ]length|thighs?|hot ?pants|crop(ped)? tops?|cropped)\b)")},
      {"modesty.tight",
       "Miri's clothing is a Loose fit: tight or fitted clothing is not "
       "allowed",
       Icase(
           R"(\b(tight(er)?|skin[- ]?tight|form[- ]fitting|figure[- ]hugging|body[- ]?hugging|bodycon|cling(y|ing)|fitted|spandex|lycra|leggings)\b(?! (shot|framing|close-?up|frame)))")},
      {"modesty.swimwear", "swimwear and underwear are not allowed for Miri",
       Icase(
           R"(\b(bikini|swimsuit|swimwear|bathing suit|lingerie|underwear|bra|negligee)\b)")},
      {"modesty.sexualised", "sexualised wording is never allowed for a child",
       Icase(
           R"(\b(sexy|seductive|sensual|provocative|sultry|alluring|erotic|nude|naked|undress(ed|ing)?|topless|flirt(y|ing|atious)?)\b)")},
      {"miri.age",
       "Miri is a 12-year-old girl (Child physique, Young girl): she may not "
       "be aged up",
       Icase(
           R"(\b(adult|woman|women|lady|older|mature|grown[- ]?up|aged[- ]up|teen(age|ager|aged)?|curvy|voluptuous|womanly)\b)")},
      {"miri.mouth",
       "Miri's Mouth stays CLOSED: no open mouth, singing or lip-sync",
       Icase(
           R"(\b(open[- ]mouth(ed)?|mouth (wide )?open|opens? (her|the) mouth|parted lips|lips parted|singing|sings?|lip[- ]?sync(ing|ed)?|shouting|screaming|yelling|teeth|tongue|grinning)\b)")},
  };
  return kLexicon;
}

// Routes to her likeness other than the LoRA.
const std::regex& LikenessPattern() {
  static const std::regex kPattern = Icase(
      R"((<lora:|\blora\b|ip[- ]?adapter|face ?swap|dreambooth|textual inversion|embedding:|instant ?id|photomaker|pulid|\bresembl(e|es|ing)\b|\blook-?alike\b|in the likeness of|reference photo))");
  return kPattern;
}

// Motion in what should be the still opening of a video prompt.
const std::regex& MotionPattern() {
  static const std::regex kPattern = Icase(
      R"(\b(runs?|running|jumps?|jumping|dances?|dancing|spins?|spinning|twirls?|twirling|walks?|walking|turns?|turning|moves?|moving|waves?|waving|throws?|throwing|leaps?|leaping|rises?|rising|falls?|falling)\b)");
  return kPattern;
}

const std::regex& MiriMentionPattern() {
  static const std::regex kPattern = Icase(R"(\b(miri|mirin14)\b)");
  return kPattern;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool ContainsIcase(std::string_view haystack, std::string_view needle) {
  return Lower(haystack).find(Lower(needle)) != std::string::npos;
}

void AddMatches(const Lexicon& lex, const std::string& text,
                std::vector<Finding>* out) {
  std::smatch m;
  if (std::regex_search(text, m, lex.pattern)) {
    out->push_back(
        {std::string(lex.rule_id), std::string(lex.message), m.str(0)});
  }
}

void CheckPrefix(const AuditInput& in, std::vector<Finding>* out) {
  static const std::regex kPrefix(
      R"(^\[([A-Za-z0-9_-]+)\]_\[([A-Za-z0-9_-]+)\]_\[([A-Za-z0-9_-]+)\] )");
  std::smatch m;
  if (!std::regex_search(in.prompt, m, kPrefix)) {
    out->push_back(
        {"prefix.missing",
         "the prompt must start with [ShotID]_[VersionID]_[ModelCode]",
         in.prompt.substr(0, 40)});
    return;
  }
  const std::string expected[] = {in.shot_id, in.version_id, in.model_code};
  for (int i = 0; i < 3; ++i) {
    if (!expected[i].empty() && m.str(i + 1) != expected[i]) {
      out->push_back(
          {"prefix.mismatch",
           "the prompt prefix must be " +
               PromptPrefix(in.shot_id, in.version_id, in.model_code),
           m.str(0)});
      return;
    }
  }
}

void CheckMiri(const AuditInput& in, std::vector<Finding>* out) {
  for (const std::string& lora : in.loras) {
    if (lora != in.lora_id) {
      out->push_back({"miri.lora.other",
                      "only the LoRA " + in.lora_id + " may be used", lora});
    }
  }
  bool has_lora =
      std::find(in.loras.begin(), in.loras.end(), in.lora_id) != in.loras.end();
  if (in.kind == PromptKind::kImage && !has_lora) {
    out->push_back(
        {"miri.lora.missing",
         "an image of Miri must be drawn through the LoRA " + in.lora_id, ""});
  }
  for (const DepictionTerm& term : kDepictionTerms) {
    if (!ContainsIcase(in.prompt, term.text)) {
      out->push_back({std::string(term.id),
                      "a prompt showing Miri must contain \"" +
                          std::string(term.text) + "\"",
                      ""});
    }
    if (ContainsIcase(in.negative_prompt, term.text)) {
      out->push_back({"miri.term.negated",
                      "the negative prompt may not negate \"" +
                          std::string(term.text) + "\"",
                      std::string(term.text)});
    }
  }
}

void CheckVideoOrder(const AuditInput& in, std::vector<Finding>* out) {
  std::string lower = Lower(in.prompt);
  size_t rest = lower.find("resting state:");
  size_t action = lower.find("action:");
  if (rest == std::string::npos ||
      (action != std::string::npos && action < rest)) {
    out->push_back({"video.resting-first",
                    "a video prompt describes the static resting state "
                    "(\"Resting state: ...\") before the action",
                    ""});
    return;
  }
  size_t end = action == std::string::npos ? lower.size() : action;
  std::string resting = in.prompt.substr(rest, end - rest);
  std::smatch m;
  if (std::regex_search(resting, m, MotionPattern())) {
    out->push_back({"video.resting-has-action",
                    "the resting state must be still; move the motion to "
                    "\"Action: ...\"",
                    m.str(0)});
  }
}

// The prompt after its [ShotID]_[VersionID]_[ModelCode] prefix: ids are
// not wording (a shot called "sing" says nothing about Miri's mouth).
std::string Body(const std::string& prompt) {
  static const std::regex kPrefix(R"(^\[[^\]]*\]_\[[^\]]*\]_\[[^\]]*\] ?)");
  return std::regex_replace(prompt, kPrefix, "",
                            std::regex_constants::format_first_only);
}

}  // namespace

std::vector<Finding> AuditPrompt(const AuditInput& in) {
  std::vector<Finding> out;
  CheckPrefix(in, &out);
  const std::string body = Body(in.prompt);
  bool shows_miri = in.shows_miri ||
                    std::regex_search(body, MiriMentionPattern()) ||
                    !in.loras.empty();
  if (shows_miri) {
    CheckMiri(in, &out);
    for (const Lexicon& lex : ForbiddenWording()) AddMatches(lex, body, &out);
  }
  std::smatch m;
  if (std::regex_search(body, m, LikenessPattern())) {
    out.push_back({"miri.likeness",
                   "Miri's likeness comes only from the LoRA " + in.lora_id +
                       "; no other route (other LoRAs, face swaps, "
                       "reference photos) is allowed",
                   m.str(0)});
  }
  if (in.kind == PromptKind::kVideo) CheckVideoOrder(in, &out);
  return out;
}

std::vector<Finding> AuditRuleText(std::string_view text_view, RuleKind kind) {
  const std::string text(text_view);
  std::vector<Finding> out;
  std::smatch m;
  if (kind == RuleKind::kNegative) {
    for (const DepictionTerm& term : kDepictionTerms) {
      if (ContainsIcase(text, term.text)) {
        out.push_back({"miri.term.negated",
                       "a negative rule may not negate \"" +
                           std::string(term.text) + "\"",
                       std::string(term.text)});
      }
    }
    return out;
  }
  for (const Lexicon& lex : ForbiddenWording()) AddMatches(lex, text, &out);
  if (std::regex_search(text, m, LikenessPattern())) {
    out.push_back({"miri.likeness",
                   "Miri's likeness comes only from her LoRA; a rule may not "
                   "name another route",
                   m.str(0)});
  }
  return out;
}

std::vector<Finding> ScreenUserText(std::string_view text_view) {
  static const std::regex kRemoval = Icase(
      R"(\b(remove|drop|delete|without|lose|ditch|skip|forget|ignore|disable|turn off|get rid of|take off|override|bypass|no more|less)\b[^.!?;]{0,30}?\b(loose|heavy|fabric|mid[- ]?calf|child|young|girl|mouth closed|closed mouth|lora|mirin14|modest(y)?|rules?|constraints?|guidelines?|safety|audit(or)?|restrictions?|filters?)\b)");
  static const std::regex kDirection = Icase(
      R"(\b(too (long|loose|baggy|modest|covered|heavy|childish|young|plain|conservative)|shorter|tighter|more (revealing|skin|fitted|grown[- ]?up|mature|adult|womanly|sexy)|less (fabric|clothing|covered|clothes|modest|childlike)|show(ing)? (more )?(skin|legs|thighs)|open (her|the|its) mouth|older|grown[- ]up|raise the hem|shorten)\b)");
  static const std::regex kRequest = Icase(
      R"(\b(make|making|give|put|dress|change|turn|want|wants|wanted|should|need|needs|let|use|add|show|wear|wearing|try|switch|replace)\b([^.!?;]{0,40}?)\b(revealing|skimpy|low[- ]cut|sheer|see[- ]through|transparent|bare|strapless|short|shorts|mini|miniskirt|tight|fitted|skin[- ]?tight|bikini|swimsuit|swimwear|lingerie|underwear|sexy|seductive|sultry|provocative|nude|naked|adult|woman|mature|teen(ager)?|sing|singing|lip[- ]?sync|open[- ]mouth(ed)?|smile with teeth|resembl(e|ing)|look like|photo of)\b)");
  static const std::regex kNegation = Icase(
      R"(\b(not|never|no|don'?t|doesn'?t|isn'?t|shouldn'?t|without)\b|n't\b)");

  const std::string text(text_view);
  std::vector<Finding> out;
  std::smatch m;
  if (std::regex_search(text, m, kRemoval)) {
    out.push_back({"guard.remove-rule",
                   "Miri's depiction rules (LoRA only, Child physique, Young "
                   "girl, Loose fit, Heavy fabric, Mid-calf, Mouth CLOSED) "
                   "protect a child and cannot be removed or relaxed",
                   m.str(0)});
  }
  if (std::regex_search(text, m, kDirection)) {
    out.push_back({"guard.direction",
                   "this asks for Miri to look older or for her clothing to "
                   "become shorter, tighter or more revealing, or her mouth "
                   "to open; her depiction rules do not allow it",
                   m.str(0)});
  }
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kRequest);
       it != std::sregex_iterator(); ++it) {
    if (std::regex_search((*it)[2].str(), kNegation)) continue;
    out.push_back({"guard.request",
                   "Miri is a 12-year-old girl: she is shown with a child "
                   "physique, in loose, heavy, mid-calf clothing, with her "
                   "mouth closed; \"" +
                       (*it)[3].str() + "\" cannot be requested",
                   it->str(0)});
    break;
  }
  if (std::regex_search(text, m, LikenessPattern()) &&
      !std::regex_search(text, kNegation)) {
    out.push_back({"guard.likeness",
                   "Miri's likeness comes only from her LoRA; other LoRAs, "
                   "face swaps or reference photos cannot be used",
                   m.str(0)});
  }
  return out;
}

namespace {

Result<void> Refuse(std::string_view field,
                    const std::vector<Finding>& findings) {
  std::vector<FieldIssue> issues;
  for (const Finding& f : findings) {
    issues.push_back(
        {std::string(field), f.message + " (\"" + f.offending_text + "\")"});
  }
  return MakeError(ErrorCode::kRefused,
                   "refused: this would undo Miri's depiction rules",
                   std::move(issues));
}

}  // namespace

Result<void> RequireSafeUserText(std::string_view field,
                                 std::string_view text) {
  std::vector<Finding> findings = ScreenUserText(text);
  if (findings.empty()) return {};
  return Refuse(field, findings);
}

Result<void> RequireSafePromptText(std::string_view field,
                                   std::string_view text) {
  std::vector<Finding> findings = ScreenUserText(text);
  for (Finding& f : AuditRuleText(text, RuleKind::kPositive)) {
    findings.push_back(std::move(f));
  }
  if (findings.empty()) return {};
  return Refuse(field, findings);
}

}  // namespace miri
