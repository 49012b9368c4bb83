#include "domain/audit.h"

#include <algorithm>
#include <cctype>
#include <regex>

#include "domain/screen.h"

namespace miri {

namespace {

// Motion in what should be the still opening of a video prompt.
const std::regex& MotionPattern() {
  static const std::regex kPattern(
      R"(\b(runs?|running|jumps?|jumping|dances?|dancing|spins?|spinning|twirls?|twirling|walks?|walking|turns?|turning|moves?|moving|waves?|waving|throws?|throwing|leaps?|leaping|rises?|rising|falls?|falling)\b)",
      std::regex::ECMAScript | std::regex::icase | std::regex::optimize);
  return kPattern;
}

const std::regex& MiriMentionPattern() {
  static const std::regex kPattern(R"(\b(miri|mirin14)\b)",
                                   std::regex::ECMAScript | std::regex::icase);
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
    out->push_back({"miri.lora.missing",
                    "a child in an image is Miri, drawn only through the "
                    "LoRA " +
                        in.lora_id,
                    ""});
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

// The body with the depiction clause ("miriN14 Miri, Child physique, ...")
// blanked out (same length, so spans stay put): it protects, and "Young
// girl" there is Miri herself, not another child.
std::string WithoutDepictionClause(std::string body, std::string_view lora) {
  std::string clause = std::string(lora) + " Miri";
  for (const DepictionTerm& t : kDepictionTerms) {
    clause += ", ";
    clause += t.text;
  }
  for (size_t at = Lower(body).find(Lower(clause)); at != std::string::npos;
       at = Lower(body).find(Lower(clause), at + 1)) {
    std::fill(body.begin() + at, body.begin() + at + clause.size(), ' ');
  }
  return body;
}

bool NamesATerm(std::string_view text) {
  for (const DepictionTerm& term : kDepictionTerms) {
    if (ContainsIcase(text, term.text) || ContainsIcase(term.text, text)) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<Finding> AuditPrompt(const AuditInput& in) {
  std::vector<Finding> out;
  CheckPrefix(in, &out);
  const std::string body = Body(in.prompt);
  const Screening screening =
      ScreenText(WithoutDepictionClause(body, in.lora_id), TextChannel::kPrompt,
                 in.shows_miri);
  // Whatever the flag says, a child in the text is Miri and gets her LoRA,
  // her six terms and her negatives.
  const bool shows_miri = in.shows_miri ||
                          std::regex_search(body, MiriMentionPattern()) ||
                          !in.loras.empty() || screening.shows_child;
  if (shows_miri) CheckMiri(in, &out);
  for (const Finding& f : screening.findings) out.push_back(f);
  for (Finding& f :
       ScreenText(in.negative_prompt, TextChannel::kNegativeRule).findings) {
    if (!NamesATerm(f.offending_text)) {
      f.message =
          "the negative prompt may not avoid what protects Miri: " + f.message;
      out.push_back(std::move(f));
    }
  }
  if (in.kind == PromptKind::kVideo) CheckVideoOrder(in, &out);
  return out;
}

std::vector<Finding> AuditRuleText(std::string_view text, RuleKind kind) {
  std::vector<Finding> out;
  if (kind == RuleKind::kNegative) {
    for (const DepictionTerm& term : kDepictionTerms) {
      if (ContainsIcase(text, term.text)) {
        out.push_back({"miri.term.negated",
                       "a negative rule may not negate \"" +
                           std::string(term.text) + "\"",
                       std::string(term.text)});
      }
    }
    for (Finding& f : ScreenText(text, TextChannel::kNegativeRule).findings) {
      if (!NamesATerm(f.offending_text)) {
        f.message =
            "a negative rule lists what to avoid; it may not avoid "
            "what protects Miri: " +
            f.message;
        out.push_back(std::move(f));
      }
    }
    return out;
  }
  return ScreenText(text, TextChannel::kPositiveRule).findings;
}

std::vector<Finding> ScreenUserText(std::string_view text) {
  return ScreenText(text, TextChannel::kRefine).findings;
}

Result<void> RefuseFindings(std::string_view field,
                            const std::vector<Finding>& findings) {
  if (findings.empty()) return {};
  std::vector<FieldIssue> issues;
  for (const Finding& f : findings) {
    issues.push_back(
        {std::string(field), f.message + " (\"" + f.offending_text + "\")"});
  }
  std::string message =
      "refused: Miri's depiction rules protect a child and this would undo "
      "them: ";
  for (size_t i = 0; i < findings.size(); ++i) {
    if (i > 0) message += "; ";
    message += findings[i].message;
  }
  return MakeError(ErrorCode::kRefused, std::move(message), std::move(issues));
}

Result<void> RequireSafeText(std::string_view field, std::string_view text,
                             TextChannel channel, bool shows_miri) {
  return RefuseFindings(field, ScreenText(text, channel, shows_miri).findings);
}

Result<void> RequireSafeSettings(const ProjectConfig& project,
                                 const std::vector<AgentConfig>& agents) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"projectName", project.project_name},
      {"globalSettings.llmModel", project.global_settings.llm_model},
      {"globalSettings.imageModel", project.global_settings.image_model},
      {"globalSettings.videoModel", project.global_settings.video_model}};
  for (size_t i = 0; i < agents.size(); ++i) {
    fields.push_back({"agentConfigs[" + std::to_string(i) + "].modelString",
                      agents[i].model_string});
  }
  std::vector<Finding> all;
  std::vector<FieldIssue> issues;
  for (const auto& [path, text] : fields) {
    for (Finding& f : ScreenText(text, TextChannel::kSettings).findings) {
      issues.push_back({path, f.message + " (\"" + f.offending_text + "\")"});
      all.push_back(std::move(f));
    }
  }
  if (issues.empty()) return {};
  return MakeError(ErrorCode::kRefused, RefuseFindings("", all).error().message,
                   std::move(issues));
}

Result<void> RequireSafeUserText(std::string_view field,
                                 std::string_view text) {
  return RequireSafeText(field, text, TextChannel::kRefine);
}

Result<void> RequireSafePromptText(std::string_view field,
                                   std::string_view text) {
  return RequireSafeText(field, text, TextChannel::kPromptOverride);
}

}  // namespace miri
