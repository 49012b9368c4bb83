// The request screen's knowledge, as data: the concepts Miri's depiction
// rules protect, the word sets that name them (with their inflections and
// paraphrases), the frames that combine word sets within a token window,
// and the markers of negation and intent the screen reads around a match.
//
// A frame is a few word sets that must occur in order (or either order),
// each within `gap` tokens of the previous one in the same sentence, with
// nothing from `blockers` in between or right around them: "short" ...
// "dress" finds "a short sleeveless summer dress" but not "a short walk
// home in her long dress". Each frame either violates a rule ("short
// dress") or protects it ("long dress"); negation and intent decide what
// the text asks for (screen.cc).
#ifndef MIRI_DOMAIN_SCREEN_LEXICON_H_
#define MIRI_DOMAIN_SCREEN_LEXICON_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "domain/screen_text.h"

namespace miri::screen {

// How single words of a set are inflected (multi-word phrases inflect
// their first word, nouns their last).
enum class Morph { kNone, kNoun, kVerb, kAdj };

class WordSet {
 public:
  WordSet() = default;
  // `spec`: phrases separated by '|'; words in a phrase by spaces or
  // hyphens ("knee length" also matches "knee-length").
  explicit WordSet(std::string_view spec, Morph morph = Morph::kNone);
  void Add(std::string_view spec, Morph morph = Morph::kNone);
  // The number of tokens of the longest phrase matching at tokens[i] (all
  // in one sentence), or 0. A pronoun matches the noun it stands for.
  int Match(const std::vector<Token>& tokens, size_t i) const;
  // As Match, but a pronoun matches only as the word it is.
  int MatchLiteral(const std::vector<Token>& tokens, size_t i) const;
  // Calls `fn` with every word a match can start with.
  template <typename Fn>
  void ForEachFirstWord(Fn fn) const {
    for (const std::string& w : single_) fn(w);
    for (const auto& [w, phrases] : multi_) fn(w);
  }
  bool Contains(std::string_view word) const {
    return single_.count(std::string(word)) > 0;
  }

 private:
  int MatchAt(const std::vector<Token>& tokens, size_t i, bool by_alias) const;

  std::unordered_set<std::string> single_;
  // Phrases of two or more words, by their first word, longest first.
  std::unordered_map<std::string, std::vector<std::vector<std::string>>> multi_;
};

enum class Concept {
  kLength,      // hem at Mid-calf
  kCoverage,    // shoulders, arms, back, middle and legs covered
  kFit,         // Loose fit
  kFabric,      // Heavy fabric
  kSwimwear,    // no swimwear, underwear or bath scenes
  kSexualised,  // no sexualising words, poses or framing
  kAge,         // Child physique, Young girl: never older
  kMouth,       // Mouth CLOSED
  kMakeup,      // no makeup, no heels
  kLikeness,    // her likeness only through her LoRA
  kPhoto,       // no photo or likeness of a real person, ever
  kOtherChild,  // only Miri may appear as a child
  kRules,       // the rules themselves
  kCount,
};

struct ConceptInfo {
  std::string_view rule_id;
  std::string_view message;     // the rule, readable, and what to do instead
  std::string_view correction;  // prompt words that restore it
};
const ConceptInfo& InfoOf(Concept c);

enum class Pole { kViolates, kProtects };

enum class Kind {
  kFrame,          // negation turns it round
  kEntity,         // a protected thing named alone ("the rules", "fabric"):
                   // dropped when a longer match covers it
  kGarmentEntity,  // a piece of clothing named alone: only "no", "without"
                   // and removal ("take off") turn it round
  kFixed,          // negation does not turn it round ("doesn't reach her
                   // knees" is as short as "reaches her knees")
  kAlways,         // fixed, and not excused as a complaint either
  kDisparage,      // scorn for a protection ("frumpy", "like a sack"): in a
                   // complaint or a negative rule it asks to move away;
                   // in prompt text it is harmless
};

struct Frame {
  Concept topic;
  Pole pole;
  std::vector<const WordSet*> slots;
  int gap = 3;             // tokens allowed between consecutive slots
  bool any_order = false;  // two slots, either order
  Kind kind = Kind::kFrame;
  // Words that break the frame when they stand between its slots: in
  // "a short walk home in her dress" the walk is short, not the dress.
  const WordSet* blockers = nullptr;
  // When set, only these words may stand between the slots.
  const WordSet* between_only = nullptr;
  // Words that break it just before its first slot or just after its last
  // ("baby blue", "loose hair", "the house looks older").
  const WordSet* around = nullptr;
  bool same_clause = false;  // all slots in one clause
};

// Negation and intent around a match.
struct Markers {
  WordSet negate;          // not, no, never, without, avoid, ...
  WordSet negate_garment;  // what also turns a garment named alone round
  WordSet remove;          // remove, take off, drop, ...
  WordSet conceal;         // cover, hide, fix: turn round a violation only
  WordSet reduce;          // less, fewer, lower, reduce, tone down, ...
  WordSet transform;       // replace, change, swap, turn, ...
  WordSet transform_end;   // with, to, into, for, by
  WordSet instead;         // instead of, rather than
  WordSet too;             // too, overly, excessively
  WordSet intensifier;     // way, much, far, a bit, ...
  WordSet relax;           // ignore, bypass, loosen, ...: only for the rules
  WordSet scope_end;       // "so that", "to make": ends a negation's reach
  WordSet post_negate;     // free, removed, gone, off, not allowed, ...
  WordSet prohibit;        // "should not be there", "has to go": later in
                           // the clause, it turns the match round
  WordSet not_negation;    // why not, nothing but, no matter, ...
  WordSet enough;
  WordSet strong_request;     // should, must, want, would like, can you, ...
  WordSet imperative;         // make, give, put, show, lie, ...
  WordSet imperative_filler;  // please, just, now, do not, ...
  WordSet state_verb;         // is, are, looks, shows, wears, ...
  WordSet weak_verb;          // look, show, see: verbs only after a subject
  WordSet question_start;     // is, are, why, does, ...
  WordSet plural_noun;        // knees, legs, ...: not verbs ending in -s
  WordSet determiner;         // her, the, a, ...
  WordSet relative;           // that, which, who
  WordSet problem;            // wrong, not acceptable, against, fix, ...
  WordSet endorse;            // love it, perfect, keep it, fine, ...
  WordSet contrast;           // but, however, the rest, ...
};

// Words about children.
struct ChildWords {
  WordSet girl;      // one girl: may be Miri
  WordSet neutral;   // one child of either sex: may be Miri
  WordSet boy;       // one boy: never Miri
  WordSet infant;    // babies and toddlers: never Miri
  WordSet plural;    // several children
  WordSet kin;       // a sister, a friend: a child beside Miri
  WordSet other;     // another, other, second, ...
  WordSet count;     // two, both, a couple of, ...
  WordSet relation;  // and, with, meets, beside, ...
  WordSet miri;      // Miri, miriN14
  WordSet teen;      // teen, teenager, adolescent
  WordSet blockers;  // "baby blue", "her pupils dilate"
};

// A frame (and which of its slot orders) that may start at a word.
struct FrameStart {
  uint32_t frame = 0;
  uint8_t order = 0;
  friend bool operator==(const FrameStart&, const FrameStart&) = default;
};

struct Lexicon {
  std::vector<Frame> frames;
  // By word: the frames whose first slot holds it.
  std::unordered_map<std::string, std::vector<FrameStart>> frame_starts;
  Markers markers;
  ChildWords child;
  WordSet age_numbers;  // 13..99 in digits and words
};
const Lexicon& GetLexicon();

inline Frame MakeFrame(Concept topic, Pole pole,
                       std::vector<const WordSet*> slots, int gap = 1,
                       bool any_order = false, Kind kind = Kind::kFrame,
                       const WordSet* blockers = nullptr,
                       const WordSet* between_only = nullptr,
                       const WordSet* around = nullptr,
                       bool same_clause = false) {
  return Frame{topic, pole,     std::move(slots), gap,    any_order,
               kind,  blockers, between_only,     around, same_clause};
}

// The frames (screen_clothing_frames.cc, screen_person_frames.cc).
// `age_numbers` must outlive them.
void AddClothingFrames(std::vector<Frame>* frames);
void AddPersonFrames(std::vector<Frame>* frames, const WordSet* age_numbers);

// A word set that lives as long as the program (frames point at it).
WordSet* NewWordSet(const std::string& spec, Morph morph = Morph::kNone);

}  // namespace miri::screen

#endif  // MIRI_DOMAIN_SCREEN_LEXICON_H_
