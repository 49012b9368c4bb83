#include "domain/screen_internal.h"

#include <algorithm>

namespace miri::screen {

size_t Screen::ClauseStart(size_t k) const {
  while (k > 0 && t_[k - 1].clause == t_[k].clause) --k;
  return k;
}

Screen::FlipCount Screen::Flips(const Match& mt) const {
  FlipCount fc;
  const bool complaint_channel = IsComplaintChannel(channel_);
  size_t start = ClauseStart(mt.first);
  for (size_t k = start; k < mt.first; ++k) {
    if (const int n = m_.scope_end.Match(t_, k); n > 0) start = k + n;
  }
  const bool garment = mt.kind == Kind::kGarmentEntity;
  const bool rules = mt.topic == Concept::kRules;
  const WordSet& negate = garment ? m_.negate_garment : m_.negate;
  const auto own = slot_words_.find({mt.topic, mt.pole});
  if (garment) {
    // "no sleeves", "without a top": only right before the garment.
    static const WordSet kArticle("a|an|the|her|any|more|of|his");
    size_t k = mt.first;
    while (k > start && kArticle.Match(t_, k - 1) > 0) --k;
    for (size_t j = k >= start + 3 ? k - 3 : start; j < k; ++j) {
      int n = m_.negate_garment.Match(t_, j);
      if (n == 0) n = m_.remove.Match(t_, j);
      if (n > 0 && j + n == k && !consumed_[j]) {
        ++fc.flips;
        break;
      }
    }
    start = mt.first;  // nothing else before it turns a garment round
  }
  for (size_t k = start; k <= mt.last;) {
    if (mt.Covers(k) || consumed_[k] ||
        (own != slot_words_.end() && own->second[k])) {
      ++k;
      continue;
    }
    if (const int n = negate.Match(t_, k); n > 0) {
      bool enough = false;
      for (size_t e = k + n; e < t_.size() && e <= mt.last + 2 &&
                             t_[e].clause == t_[mt.last].clause;
           ++e) {
        enough = enough || m_.enough.Match(t_, e) > 0;
      }
      if (enough && complaint_channel) {
        fc.forced_request = true;
      } else {
        ++fc.flips;
        ++fc.negations;
      }
      k += n;
      continue;
    }
    int n = m_.remove.Match(t_, k);
    if (n == 0 && mt.pole == Pole::kViolates) n = m_.conceal.Match(t_, k);
    if (n == 0) n = m_.reduce.Match(t_, k);
    if (n == 0 && rules) n = m_.relax.Match(t_, k);
    if (n > 0) {
      ++fc.flips;
      k += n;
      continue;
    }
    if (const int tn = m_.transform.Match(t_, k);
        tn > 0 && mt.pole == Pole::kViolates && !garment) {
      if (!Between(k + tn, mt.first, m_.transform_end)) ++fc.flips;
      k += tn;
      continue;
    }
    ++k;
  }
  // "too long": a complaint about a rule asks to move away from it.
  for (const auto& [b, e] : mt.slots) {
    for (size_t back = 1; back <= 4 && back <= b; ++back) {
      const size_t p = b - back;
      if (t_[p].clause != t_[b].clause || consumed_[p]) break;
      const int n = m_.too.Match(t_, p);
      if (n > 0 && p + n <= b) {
        bool filler = true;
        for (size_t q = p + n; q < b; ++q) {
          filler = filler && m_.intensifier.Match(t_, q) > 0;
        }
        if (filler && complaint_channel) {
          ++fc.flips;
          fc.forced_request = true;
          fc.too = true;
        }
        if (filler) break;
      }
      if (m_.intensifier.Match(t_, p) == 0) break;
    }
  }
  // "covers too much", "makeup-free", "short dresses are not allowed".
  static const WordSet kCopula(
      "is|are|be|should|must|was|were|been|get|gets|can|need|needs|to|"
      "should be|must be|has|have|had|it|they|totally|completely|so|really");
  for (size_t k = mt.last + 1, skipped = 0;
       k < t_.size() && t_[k].sentence == t_[mt.last].sentence &&
       k <= mt.last + 4;
       ++k) {
    if (consumed_[k]) break;
    if (complaint_channel && k == mt.last + 1 && (t_[k].word == "too") &&
        k + 1 < t_.size() &&
        (t_[k + 1].word == "much" || t_[k + 1].word == "well" ||
         t_[k + 1].word == "far")) {
      ++fc.flips;
      fc.forced_request = true;
      break;
    }
    if (m_.post_negate.Match(t_, k) > 0) {
      ++fc.flips;
      break;
    }
    if (kCopula.Match(t_, k) == 0 || ++skipped > 2) break;
  }
  // "the boy in the background shouldn't be there".
  for (size_t k = mt.last + 1;
       k < t_.size() && t_[k].clause == t_[mt.last].clause; ++k) {
    if (m_.prohibit.Match(t_, k) > 0) {
      ++fc.flips;
      break;
    }
  }
  return fc;
}

// ---- intent ---------------------------------------------------------
size_t Screen::ClauseFirst(int clause) const {
  return clause >= 0 && static_cast<size_t>(clause) < clause_first_.size()
             ? clause_first_[clause]
             : t_.size();
}

bool Screen::AnyInClause(int clause, const WordSet& set) const {
  for (size_t k = ClauseFirst(clause); k < t_.size() && t_[k].clause == clause;
       ++k) {
    if (!consumed_[k] && set.Match(t_, k) > 0) return true;
  }
  return false;
}

bool Screen::Imperative(int clause) const {
  size_t k = ClauseFirst(clause);
  for (int skipped = 0; k < t_.size() && t_[k].clause == clause && skipped < 6;
       ++skipped) {
    const int n = m_.imperative_filler.Match(t_, k);
    if (n == 0) break;
    k += n;
  }
  if (k >= t_.size() || t_[k].clause != clause) return false;
  const int n = m_.imperative.Match(t_, k);
  if (n == 0) return false;
  const size_t next = k + n;
  return next >= t_.size() || t_[next].clause != clause ||
         m_.state_verb.Match(t_, next) == 0;
}

bool Screen::VerbEndingInS(size_t k, size_t clause_first) const {
  const std::string& w = t_[k].word;
  if (k == clause_first || w.size() < 4 || w.back() != 's' ||
      t_[k].possessive) {
    return false;
  }
  const std::string_view tail = std::string_view(w).substr(w.size() - 2);
  if (tail == "ss" || tail == "us" || tail == "is") return false;
  if (m_.plural_noun.Match(t_, k) > 0) return false;
  return m_.determiner.Match(t_, k - 1) == 0;
}

// A finite verb after its subject: the text says how things are.
bool Screen::Statement(int clause) const {
  static const WordSet kThatHeads(
      "think|know|see|notice|feel|seems|looks|sure|say|says|said|means|"
      "shows|believe|guess|so|is|was|and|but|i|it|clear|obvious|noticed|"
      "saw|mean|hope|realise|realize|bothers|hate|annoying");
  const size_t first = ClauseFirst(clause);
  if (first >= t_.size()) return false;
  if (m_.question_start.Match(t_, first) > 0) return true;
  static const WordSet kSubject(
      "i|you|we|they|she|he|it|can|could|would|will|to|knees|legs|lips|"
      "teeth|shoulders|arms|thighs|clothes|sleeves|clothing");
  for (size_t k = first + 1; k < t_.size() && t_[k].clause == clause; ++k) {
    // "look" is a verb in "they look" and a noun in "a grown-up look".
    const bool weak =
        m_.weak_verb.Match(t_, k) > 0 && kSubject.Match(t_, k - 1) > 0;
    if (m_.state_verb.Match(t_, k) == 0 && !weak && !VerbEndingInS(k, first)) {
      continue;
    }
    if (m_.determiner.Match(t_, k - 1) > 0 && t_[k - 1].word != "it" &&
        t_[k - 1].word != "that" && t_[k - 1].word != "this" &&
        t_[k - 1].word != "miri") {
      continue;  // "her shows", "a looks": not a verb here
    }
    bool relative = false;
    for (size_t r = first + 1; r < k; ++r) {
      relative = relative || (m_.relative.Match(t_, r) > 0 &&
                              kThatHeads.Match(t_, r - 1) == 0);
    }
    if (!relative) return true;
  }
  return false;
}

bool Screen::Negated(size_t k) const {
  for (size_t back = 1; back <= 2 && back <= k; ++back) {
    if (t_[k - back].clause != t_[k].clause) break;
    if (m_.negate.Match(t_, k - back) > 0 && !consumed_[k - back]) {
      return true;
    }
  }
  return false;
}

bool Screen::EndorsedIn(int clause, size_t from) const {
  for (size_t k = std::max(from, ClauseFirst(clause));
       k < t_.size() && t_[k].clause == clause; ++k) {
    if (m_.contrast.Match(t_, k) > 0) return false;
    if (m_.endorse.Match(t_, k) > 0 && !Negated(k)) return true;
  }
  return false;
}

// "her mouth is open, I love it": approval of what breaks a rule asks
// for it.
bool Screen::Endorsed(const Match& mt) const {
  static const WordSet kNewSubject(
      "the|a|an|her|his|their|its|my|your|our|some|miri|she|he|they|"
      "everything|rest|otherwise|but|however|though|although|except");
  for (int c = t_[mt.first].clause; c <= t_[mt.last].clause; ++c) {
    if (EndorsedIn(c, 0)) return true;
  }
  int clause = t_[mt.last].clause;
  for (int hops = 0; hops < 3; ++hops) {
    ++clause;
    const size_t first = ClauseFirst(clause);
    if (first >= t_.size()) break;
    if (m_.contrast.Match(t_, first) > 0 || kNewSubject.Match(t_, first) > 0) {
      break;
    }
    if (EndorsedIn(clause, first)) return true;
  }
  return false;
}

// "wearing heels, should be boots": a bare phrase followed by what it
// should be instead names the problem; so does "..., like lipstick"
// after a statement.
bool Screen::NamesAProblem(int clause) const {
  static const WordSet kCorrection(
      "should|must|needs to|need to|has to|have to|supposed to|instead|"
      "rather|not|never|wrong|please fix|fix");
  static const WordSet kLike("like|as if|as though|looks like|almost");
  const size_t first = ClauseFirst(clause);
  if (first < t_.size() && kLike.Match(t_, first) > 0 && clause > 0 &&
      (Statement(clause - 1) || AnyInClause(clause - 1, m_.problem))) {
    return true;
  }
  const size_t next = ClauseFirst(clause + 1);
  return next < t_.size() &&
         t_[next].sentence == t_[first < t_.size() ? first : 0].sentence &&
         !violating_clauses_.count(clause + 1) &&
         AnyInClause(clause + 1, kCorrection) &&
         !AnyInClause(clause + 1, m_.endorse);
}

// "a dress cut so her knees are visible": "so" after no verb states a
// purpose (a wish); after a statement it states a result.
bool Screen::PurposeSo(int clause) const {
  static const WordSet kSo(
      "so that|such that|in order that|so her|so she|so it|so the|so we|"
      "so you|so they|so his|so everyone|so people|so we can|so you can");
  const size_t first = ClauseFirst(clause);
  for (size_t k = first; k < t_.size() && t_[k].clause == clause; ++k) {
    if (kSo.Match(t_, k) > 0) {
      for (size_t v = first; v < k; ++v) {
        if (m_.state_verb.Match(t_, v) > 0) return false;
      }
      return true;
    }
  }
  return false;
}

Screen::MoodKind Screen::Mood(const Match& mt, const FlipCount& fc) const {
  bool request = fc.forced_request;
  for (int c = t_[mt.first].clause; c <= t_[mt.last].clause && !request; ++c) {
    request =
        AnyInClause(c, m_.strong_request) || Imperative(c) || PurposeSo(c);
  }
  if (request || Endorsed(mt)) return kRequest;
  for (int c = t_[mt.first].clause; c <= t_[mt.last].clause; ++c) {
    if (Statement(c) || AnyInClause(c, m_.problem) || NamesAProblem(c)) {
      return kComplaint;
    }
  }
  return kBare;
}

}  // namespace miri::screen
