// Internal to the request screen (screen.h): the Screen that reads one
// text. Split over screen.cc (verdicts), screen_match.cc (frames, LoRA ids,
// children) and screen_intent.cc (negation and intent).
#ifndef MIRI_DOMAIN_SCREEN_INTERNAL_H_
#define MIRI_DOMAIN_SCREEN_INTERNAL_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/screen.h"
#include "domain/screen_lexicon.h"
#include "domain/screen_text.h"

namespace miri::screen {

struct Match {
  Concept topic = Concept::kRules;
  Pole pole = Pole::kProtects;
  Kind kind = Kind::kFrame;
  size_t first = 0, last = 0;                    // inclusive
  std::vector<std::pair<size_t, size_t>> slots;  // [begin, end)
  size_t frame = SIZE_MAX;  // index into the lexicon's frames, if from one
  bool Covers(size_t k) const {
    for (const auto& [b, e] : slots) {
      if (k >= b && k < e) return true;
    }
    return false;
  }
};

inline Pole Invert(Pole p) {
  return p == Pole::kViolates ? Pole::kProtects : Pole::kViolates;
}

inline bool IsComplaintChannel(TextChannel c) {
  return c == TextChannel::kRefine || c == TextChannel::kRejectReason;
}

enum class RefType { kMiri, kGirl, kNeutral, kBoy, kInfant, kPlural, kKin };

struct ChildRef {
  size_t first = 0, last = 0;
  RefType type = RefType::kGirl;
  bool possessive = false;
};

struct Verdict {
  bool violates = false;
  bool complaint = false;
  bool bare = false;
};

class Screen {
 public:
  Screen(std::string_view text, TextChannel channel, bool shows_miri);
  Screening Run();
  // Names a child (Miri or another) who is not negated.
  bool ShowsChild() const;
  // Clause by clause: complaints become the words that restore the rule.
  std::string Restated();

 private:
  struct FlipCount {
    int flips = 0;
    int negations = 0;            // of flips: "not", "no", "never" before it
    bool too = false;             // of flips: "too short" (a complaint)
    bool forced_request = false;  // "too long", "not short enough"
  };
  enum MoodKind { kRequest, kComplaint, kBare };

  bool ShowsChild(const std::vector<ChildRef>& refs) const;
  std::string Span(size_t first, size_t last) const;
  void MarkNames();
  bool Blocks(const WordSet* set, size_t k) const;
  void FindFrames(std::vector<Match>* out) const;
  void FindFrameAt(const Frame& f, size_t frame,
                   const std::vector<size_t>& order, size_t i,
                   std::vector<Match>* out) const;
  bool Extend(const Frame& f, const std::vector<size_t>& order,
              std::vector<std::pair<size_t, size_t>>* ranges) const;
  bool Around(const Frame& f, size_t first, size_t last) const;
  void FindRaw(std::vector<Match>* out) const;
  std::vector<ChildRef> ChildRefs() const;
  bool Between(size_t from, size_t to, const WordSet& set) const;
  void FindOtherChildren(const std::vector<ChildRef>& refs,
                         std::vector<Match>* out) const;
  void DropCoveredEntities(std::vector<Match>* matches) const;
  size_t ClauseStart(size_t k) const;
  FlipCount Flips(const Match& mt) const;
  size_t ClauseFirst(int clause) const;
  bool AnyInClause(int clause, const WordSet& set) const;
  bool Imperative(int clause) const;
  bool VerbEndingInS(size_t k, size_t clause_first) const;
  bool Statement(int clause) const;
  bool Negated(size_t k) const;
  bool EndorsedIn(int clause, size_t from) const;
  bool Endorsed(const Match& mt) const;
  Pole Resolved(const Match& mt, const FlipCount& fc) const;
  bool Relevant(const Match& mt) const;
  void NoteViolations(const std::vector<Match>& matches);
  bool NamesAProblem(int clause) const;
  Verdict Decide(const Match& mt) const;
  bool PurposeSo(int clause) const;
  MoodKind Mood(const Match& mt, const FlipCount& fc) const;

  std::string_view text_;
  TextChannel channel_;
  bool shows_miri_;
  const Lexicon& lex_;
  const Markers& m_;
  std::vector<Token> t_;
  std::vector<bool> consumed_;
  std::vector<size_t> clause_first_;  // by clause number: its first token
  std::set<int> violating_clauses_;
  std::map<std::pair<Concept, Pole>, std::vector<bool>> slot_words_;
};

}  // namespace miri::screen

#endif  // MIRI_DOMAIN_SCREEN_INTERNAL_H_
