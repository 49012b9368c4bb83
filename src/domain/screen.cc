#include "domain/screen.h"

#include <algorithm>
#include <cctype>

#include "domain/screen_internal.h"

namespace miri {

namespace screen {

namespace {

constexpr std::string_view kBareHint =
    ". If you meant that the image shows this, say what is wrong (for "
    "example \"her mouth is open\" or \"the hem is above her knees\") and "
    "it will be put right";

}  // namespace

Screen::Screen(std::string_view text, TextChannel channel, bool shows_miri)
    : text_(text),
      channel_(channel),
      shows_miri_(shows_miri),
      lex_(GetLexicon()),
      m_(lex_.markers),
      t_(Tokenize(text)),
      consumed_(t_.size(), false) {
  for (size_t k = 0; k < t_.size(); ++k) {
    const auto c = static_cast<size_t>(t_[k].clause);
    if (clause_first_.size() <= c) clause_first_.resize(c + 1, t_.size());
    if (clause_first_[c] == t_.size()) clause_first_[c] = k;
  }
  MarkNames();
  for (size_t i = 0; i < t_.size();) {
    const int n = m_.not_negation.Match(t_, i);
    for (int k = 0; k < n; ++k) consumed_[i + k] = true;
    i += n > 0 ? n : 1;
  }
}

bool Screen::ShowsChild(const std::vector<ChildRef>& refs) const {
  for (const ChildRef& r : refs) {
    Match probe{
        Concept::kOtherChild,   Pole::kProtects, Kind::kFrame, r.first, r.last,
        {{r.first, r.last + 1}}};
    if (Flips(probe).flips % 2 == 0) return true;  // "no children" is none
  }
  return false;
}

bool Screen::ShowsChild() const { return ShowsChild(ChildRefs()); }

Screening Screen::Run() {
  std::vector<Match> matches;
  FindFrames(&matches);
  FindRaw(&matches);
  const std::vector<ChildRef> refs = ChildRefs();
  Screening out;
  out.shows_child = ShowsChild(refs);
  FindOtherChildren(refs, &matches);
  DropCoveredEntities(&matches);
  NoteViolations(matches);
  std::stable_sort(
      matches.begin(), matches.end(),
      [](const Match& a, const Match& b) { return a.first < b.first; });
  std::set<Concept> complained;
  // One finding per rule; its words span every overlapping match of that
  // rule ("hem just above" and "above her knees": "hem just above her
  // knees").
  std::map<Concept, size_t> finding_of;
  std::vector<std::pair<size_t, size_t>> spans;
  for (const Match& mt : matches) {
    const Verdict v = Decide(mt);
    if (v.complaint && complained.insert(mt.topic).second) {
      out.complaints.emplace_back(InfoOf(mt.topic).rule_id);
    }
    if (!v.violates) continue;
    const Concept key =
        mt.topic == Concept::kPhoto ? Concept::kLikeness : mt.topic;
    if (auto it = finding_of.find(key); it != finding_of.end()) {
      auto& [first, last] = spans[it->second];
      if (mt.first <= last + 1 && mt.last > last) {
        last = mt.last;
        out.findings[it->second].offending_text = Span(first, last);
      }
      continue;
    }
    std::string message(InfoOf(mt.topic).message);
    if (v.bare) message += kBareHint;
    finding_of[key] = out.findings.size();
    spans.push_back({mt.first, mt.last});
    out.findings.push_back({std::string(InfoOf(mt.topic).rule_id),
                            std::move(message), Span(mt.first, mt.last)});
  }
  return out;
}

// Clause by clause: complaints become the words that restore the rule.
std::string Screen::Restated() {
  std::vector<Match> matches;
  FindFrames(&matches);
  FindRaw(&matches);
  FindOtherChildren(ChildRefs(), &matches);
  DropCoveredEntities(&matches);
  NoteViolations(matches);
  std::map<int, std::vector<Concept>> complaint_clauses;
  for (const Match& mt : matches) {
    if (!Decide(mt).complaint) continue;
    for (int c = t_[mt.first].clause; c <= t_[mt.last].clause; ++c) {
      complaint_clauses[c].push_back(mt.topic);
    }
  }
  std::string out;
  std::set<Concept> said;
  for (size_t i = 0; i < t_.size();) {
    size_t j = i;
    while (j + 1 < t_.size() && t_[j + 1].clause == t_[i].clause) ++j;
    std::string part;
    if (auto it = complaint_clauses.find(t_[i].clause);
        it != complaint_clauses.end()) {
      for (Concept c : it->second) {
        if (!said.insert(c).second) continue;
        std::string_view fix = InfoOf(c).correction;
        if (fix.empty()) continue;
        if (!part.empty()) part += ", ";
        part += fix;
      }
    } else {
      part = Span(i, j);
    }
    if (!part.empty()) {
      if (!out.empty()) out += ", ";
      out += part;
    }
    i = j + 1;
  }
  return out;
}

std::string Screen::Span(size_t first, size_t last) const {
  return std::string(
      text_.substr(t_[first].begin, t_[last].end - t_[first].begin));
}

// A capitalised word inside a sentence is a name ("look like Emma
// Watson"), unless the text is written in title case.
void Screen::MarkNames() {
  static const WordSet kNotNames(
      "miri|mirin14|i|flux|lora|kling|gemini|fal|sdxl|ok|okay|tv|uk|us|"
      "usa|a|the|and|of|in|on|with|for|to|at|by");
  size_t words = 0, caps = 0;
  for (size_t i = 0; i < t_.size(); ++i) {
    if (std::isalpha(static_cast<unsigned char>(t_[i].word[0])) &&
        t_[i].word != "miri" && !t_[i].sentence_start) {
      ++words;
      caps += t_[i].capitalised;
    }
  }
  if (words >= 2 && caps * 3 > words * 2) return;  // a title
  for (size_t i = 0; i < t_.size(); ++i) {
    Token& t = t_[i];
    if (t.capitalised && !t.sentence_start && t.alias.empty() &&
        std::isalpha(static_cast<unsigned char>(t.word[0])) &&
        kNotNames.Match(t_, i) == 0) {
      t.alias = "<name>";
    }
  }
}

// The pole a match has once negation is read (and, for a negative
// rule, once "avoid" is read), before intent.
Pole Screen::Resolved(const Match& mt, const FlipCount& fc) const {
  Pole pole = mt.pole;
  const bool fixed = mt.kind == Kind::kFixed || mt.kind == Kind::kAlways ||
                     mt.kind == Kind::kDisparage;
  if (!fixed && fc.flips % 2 == 1) pole = Invert(pole);
  if (channel_ == TextChannel::kNegativeRule && mt.kind != Kind::kDisparage) {
    pole = Invert(pole);  // what it lists is avoided
  }
  return pole;
}

bool Screen::Relevant(const Match& mt) const {
  if (mt.kind == Kind::kDisparage) {
    return IsComplaintChannel(channel_) ||
           channel_ == TextChannel::kNegativeRule;
  }
  if (channel_ == TextChannel::kNegativeRule) {
    return mt.kind != Kind::kEntity && mt.kind != Kind::kGarmentEntity;
  }
  return true;
}

// Clauses that ask for or name a violation, before intent is read; and
// the words each topic's matches are made of ("lower the hem to
// mid-calf": "lower" belongs to a match, it does not negate the other).
void Screen::NoteViolations(const std::vector<Match>& matches) {
  slot_words_.clear();
  for (const Match& mt : matches) {
    auto& words = slot_words_[{mt.topic, mt.pole}];
    words.resize(t_.size(), false);
    for (const auto& [b, e] : mt.slots) {
      for (size_t k = b; k < e; ++k) words[k] = true;
    }
  }
  violating_clauses_.clear();
  for (const Match& mt : matches) {
    if (!Relevant(mt) || Resolved(mt, Flips(mt)) != Pole::kViolates) {
      continue;
    }
    for (int c = t_[mt.first].clause; c <= t_[mt.last].clause; ++c) {
      violating_clauses_.insert(c);
    }
  }
}

Verdict Screen::Decide(const Match& mt) const {
  if (!Relevant(mt)) return {};
  const FlipCount fc = Flips(mt);
  if (Resolved(mt, fc) == Pole::kProtects) {
    // "She doesn't look sexy" as a complaint says what is missing: it
    // asks for it.
    const bool missing = IsComplaintChannel(channel_) &&
                         mt.pole == Pole::kViolates &&
                         mt.kind == Kind::kFrame && fc.negations % 2 == 1 &&
                         fc.flips == fc.negations && !fc.forced_request &&
                         Mood(mt, fc) == kComplaint;
    if (missing) return {true, false, false};
    // "Too short", "not long enough": a complaint about the image that
    // pushes towards the rule.
    const bool towards =
        IsComplaintChannel(channel_) &&
        ((mt.pole == Pole::kViolates && fc.too) ||
         (mt.pole == Pole::kProtects && fc.forced_request && fc.flips == 0));
    return {false, towards, false};
  }
  if (!IsComplaintChannel(channel_) || mt.kind == Kind::kAlways) {
    return {true, false, false};
  }
  if (mt.kind == Kind::kDisparage) return {true, false, false};
  switch (Mood(mt, fc)) {
    case kRequest:
      return {true, false, false};
    case kComplaint:
      return {false, true, false};
    case kBare:
      break;
  }
  return {true, false, true};
}

}  // namespace screen

std::string_view TextChannelName(TextChannel channel) {
  switch (channel) {
    case TextChannel::kRefine:
      return "refine";
    case TextChannel::kRejectReason:
      return "reject";
    case TextChannel::kPlanEdit:
      return "plan";
    case TextChannel::kPromptOverride:
      return "override";
    case TextChannel::kSettings:
      return "settings";
    case TextChannel::kPositiveRule:
      return "rule+";
    case TextChannel::kNegativeRule:
      return "rule-";
    case TextChannel::kPrompt:
      return "prompt";
  }
  return "prompt";
}

std::optional<TextChannel> ParseTextChannel(std::string_view name) {
  for (TextChannel c : {TextChannel::kRefine, TextChannel::kRejectReason,
                        TextChannel::kPlanEdit, TextChannel::kPromptOverride,
                        TextChannel::kSettings, TextChannel::kPositiveRule,
                        TextChannel::kNegativeRule, TextChannel::kPrompt}) {
    if (TextChannelName(c) == name) return c;
  }
  return std::nullopt;
}

Screening ScreenText(std::string_view text, TextChannel channel,
                     bool shows_miri) {
  return screen::Screen(text, channel, shows_miri).Run();
}

bool DepictsChild(std::string_view text) {
  // Only the words about children are read: this runs for every
  // description, lyric and rule a prompt is built from.
  return !text.empty() &&
         screen::Screen(text, TextChannel::kPrompt, false).ShowsChild();
}

bool EffectiveShowsMiri(const Shot& shot, std::string_view extra) {
  return shot.shows_miri || DepictsChild(shot.description) ||
         DepictsChild(shot.lyrics_snippet) || DepictsChild(extra);
}

std::string RestateComplaints(std::string_view instruction) {
  return screen::Screen(instruction, TextChannel::kRefine, true).Restated();
}

}  // namespace miri
