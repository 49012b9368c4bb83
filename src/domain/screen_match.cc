#include "domain/screen_internal.h"

#include <algorithm>
#include <regex>

namespace miri::screen {

bool Screen::Blocks(const WordSet* set, size_t k) const {
  return set != nullptr && k < t_.size() && set->Match(t_, k) > 0;
}

std::vector<size_t> OrderOf(const Frame& f, uint8_t which) {
  if (f.any_order && f.slots.size() == 2) {
    return which == 0 ? std::vector<size_t>{0, 1} : std::vector<size_t>{1, 0};
  }
  std::vector<size_t> o(f.slots.size());
  for (size_t i = 0; i < o.size(); ++i) o[i] = i;
  return o;
}

// Only the frames whose first slot can start at a token are tried there.
void Screen::FindFrames(std::vector<Match>* out) const {
  std::vector<FrameStart> tried;
  for (size_t i = 0; i < t_.size(); ++i) {
    tried.clear();
    for (const std::string* w : {&t_[i].word, &t_[i].alias}) {
      if (w->empty()) continue;
      auto it = lex_.frame_starts.find(*w);
      if (it == lex_.frame_starts.end()) continue;
      for (const FrameStart& fs : it->second) {
        if (std::find(tried.begin(), tried.end(), fs) != tried.end()) continue;
        tried.push_back(fs);
        const Frame& f = lex_.frames[fs.frame];
        FindFrameAt(f, fs.frame, OrderOf(f, fs.order), i, out);
      }
    }
  }
  std::stable_sort(
      out->begin(), out->end(), [](const Match& a, const Match& b) {
        return a.first != b.first ? a.first < b.first : a.frame < b.frame;
      });
}

void Screen::FindFrameAt(const Frame& f, size_t frame,
                         const std::vector<size_t>& order, size_t i,
                         std::vector<Match>* out) const {
  const int n = f.slots[order[0]]->Match(t_, i);
  if (n == 0) return;
  std::vector<std::pair<size_t, size_t>> ranges = {{i, i + n}};
  if (!Extend(f, order, &ranges)) return;
  const size_t first = ranges.front().first;
  const size_t last = ranges.back().second - 1;
  if (Around(f, first, last)) return;
  // A refine or a reason mixes what is seen with what is asked, so some
  // frames must not reach across a comma there; prompt text is a list of
  // what the frame shows, and they may.
  if (f.same_clause && IsComplaintChannel(channel_) &&
      t_[first].clause != t_[last].clause) {
    return;
  }
  // A pronoun stands in for its noun only inside one clause ("make it
  // shorter"), never alone ("it must be closed" is not "teeth").
  bool alias = false;
  for (size_t r = 0; r < ranges.size(); ++r) {
    alias = alias || f.slots[order[r]]->MatchLiteral(t_, ranges[r].first) == 0;
  }
  const std::string& w = t_[first].word;
  const bool quantifier = w == "some" || w == "any" || w == "more";
  if (alias &&
      (t_[first].clause != t_[last].clause ||
       (ranges.size() == 1 && f.kind != Kind::kEntity && !quantifier))) {
    return;
  }
  // "Miri's mother" is her mother, not Miri as a mother.
  for (size_t r = 0; r + 1 < ranges.size(); ++r) {
    if (t_[ranges[r].second - 1].possessive &&
        ranges[r].second == ranges[r + 1].first) {
      return;
    }
  }
  Match m{f.topic, f.pole, f.kind, first, last, ranges};
  m.frame = frame;
  out->push_back(std::move(m));
}

bool Screen::Extend(const Frame& f, const std::vector<size_t>& order,
                    std::vector<std::pair<size_t, size_t>>* ranges) const {
  for (size_t s = 1; s < order.size(); ++s) {
    const size_t from = ranges->back().second;
    const int sentence = t_[from - 1].sentence;
    bool found = false;
    for (size_t j = from; j < t_.size() && j <= from + f.gap; ++j) {
      if (t_[j].sentence != sentence) break;
      if (const int n = f.slots[order[s]]->Match(t_, j); n > 0) {
        ranges->push_back({j, j + n});
        found = true;
        break;
      }
      if (Blocks(f.blockers, j)) break;
      if (f.between_only != nullptr && f.between_only->Match(t_, j) == 0) {
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

// Just before the first slot or just after the last, in its sentence.
bool Screen::Around(const Frame& f, size_t first, size_t last) const {
  if (f.around == nullptr) return false;
  if (last + 1 < t_.size() && t_[last + 1].sentence == t_[last].sentence &&
      Blocks(f.around, last + 1)) {
    return true;
  }
  for (size_t back = 1; back <= 2 && back <= first; ++back) {
    const size_t k = first - back;
    if (t_[k].sentence != t_[first].sentence) break;
    if (static_cast<size_t>(f.around->Match(t_, k)) == back) return true;
  }
  return false;
}

// LoRA syntax and model files other than Miri's.
void Screen::FindRaw(std::vector<Match>* out) const {
  static const std::regex kLora(R"(<\s*lora\s*:\s*([^:>\s]+))",
                                std::regex::icase);
  static const std::regex kLoraParam(
      R"(\blora[s]?\s*[=:]\s*["'\[]?\s*([A-Za-z0-9_./-]+))", std::regex::icase);
  static const std::regex kFiles(
      R"(\.safetensors|\.ckpt\b|huggingface\.co|\bhf\.co/|civitai\.com)",
      std::regex::icase);
  const std::string text(text_);
  auto add = [&](size_t begin, size_t end) {
    size_t first = t_.size(), last = 0;
    for (size_t k = 0; k < t_.size(); ++k) {
      if (t_[k].end > begin && t_[k].begin < end) {
        first = std::min(first, k);
        last = std::max(last, k);
      }
    }
    if (first == t_.size()) return;
    out->push_back({Concept::kLikeness,
                    Pole::kViolates,
                    Kind::kFixed,
                    first,
                    last,
                    {{first, last + 1}}});
  };
  for (const std::regex* re : {&kLora, &kLoraParam}) {
    for (auto it = std::sregex_iterator(text.begin(), text.end(), *re);
         it != std::sregex_iterator(); ++it) {
      std::string id = (*it)[1].str();
      std::transform(id.begin(), id.end(), id.begin(), ::tolower);
      if (id != "mirin14") {
        add(it->position(0), it->position(0) + it->length(0));
      }
    }
  }
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kFiles);
       it != std::sregex_iterator(); ++it) {
    add(it->position(0), it->position(0) + it->length(0));
  }
  // "the lora emma-watson-v2": a LoRA named by its id.
  static const WordSet kLoraWord("lora|loras|lycoris");
  static const WordSet kNotAnId(
      "weights|weight|strength|scale|model|id|miri|mirin14|for|is|are|was|"
      "were|should|must|can|could|to|on|in|at|of|with|and|or|the|a|an|"
      "this|that|it|her|be|only|please|so|too|here|there|now|off|again|"
      "stays|stay|does|did|do|has|have|not|no|but|as|by|from|used|applied|"
      "file|files|settings|setting|route|path|endpoint|version");
  for (size_t k = 0; k + 1 < t_.size(); ++k) {
    if (kLoraWord.Match(t_, k) == 0 || t_[k + 1].sentence != t_[k].sentence ||
        t_[k + 1].clause != t_[k].clause || kNotAnId.Match(t_, k + 1) > 0) {
      continue;
    }
    add(t_[k].begin, t_[k + 1].end);
  }
}

std::vector<ChildRef> Screen::ChildRefs() const {
  const ChildWords& c = lex_.child;
  std::vector<ChildRef> refs;
  for (size_t i = 0; i < t_.size();) {
    struct Try {
      const WordSet* set;
      RefType type;
    };
    const Try tries[] = {
        {&c.plural, RefType::kPlural}, {&c.boy, RefType::kBoy},
        {&c.infant, RefType::kInfant}, {&c.kin, RefType::kKin},
        {&c.girl, RefType::kGirl},     {&c.neutral, RefType::kNeutral},
        {&c.miri, RefType::kMiri}};
    int best = 0;
    RefType type = RefType::kGirl;
    for (const Try& tr : tries) {
      const int n = tr.set->Match(t_, i);
      if (n > best) best = n, type = tr.type;
    }
    if (best == 0) {
      ++i;
      continue;
    }
    const size_t last = i + best - 1;
    const std::string& w = t_[i].word;
    const bool blocked =
        (last + 1 < t_.size() && t_[last + 1].sentence == t_[i].sentence &&
         c.blockers.Match(t_, last + 1) > 0 && type != RefType::kMiri) ||
        ((w == "pupil" || w == "pupils") && i > 0 &&
         (t_[i - 1].word == "her" || t_[i - 1].word == "his" ||
          t_[i - 1].word == "its" || t_[i - 1].word == "their" ||
          t_[i - 1].word == "eye" || t_[i - 1].word == "eyes"));
    if (!blocked) {
      // "a 12-year-old girl" is one child.
      if (!refs.empty() && refs.back().last + 1 == i &&
          refs.back().type != RefType::kMiri && type != RefType::kMiri) {
        refs.back().last = last;
        refs.back().type = type;
      } else {
        refs.push_back({i, last, type, t_[last].possessive});
      }
    }
    i = last + 1;
  }
  return refs;
}

bool Screen::Between(size_t from, size_t to, const WordSet& set) const {
  for (size_t k = from; k < to; ++k) {
    if (set.Match(t_, k) > 0) return true;
  }
  return false;
}

// Children other than Miri, as violating matches (negation and intent
// are read around them like any other match).
void Screen::FindOtherChildren(const std::vector<ChildRef>& refs,
                               std::vector<Match>* out) const {
  const ChildWords& c = lex_.child;
  // A refine instruction or a rejection is about an image of the shot.
  bool context = shows_miri_ || IsComplaintChannel(channel_);
  for (const ChildRef& r : refs) {
    context = context || r.type == RefType::kMiri || r.type == RefType::kGirl ||
              r.type == RefType::kNeutral;
  }
  auto add = [&](const ChildRef& r) {
    size_t first = r.first;
    // "two kids", "another girl": the count belongs to the match.
    for (size_t back = 1; back <= 3 && back <= r.first; ++back) {
      const size_t k = r.first - back;
      if (t_[k].sentence != t_[r.first].sentence) break;
      if (c.count.Match(t_, k) > 0 || c.other.Match(t_, k) > 0) first = k;
    }
    out->push_back({Concept::kOtherChild,
                    Pole::kViolates,
                    Kind::kFrame,
                    first,
                    r.last,
                    {{first, r.last + 1}}});
  };
  auto single = [](const ChildRef& r) {
    return r.type == RefType::kMiri || r.type == RefType::kGirl ||
           r.type == RefType::kNeutral;
  };
  for (size_t i = 0; i < refs.size(); ++i) {
    const ChildRef& r = refs[i];
    switch (r.type) {
      case RefType::kPlural:
        if (!r.possessive) add(r);
        continue;
      case RefType::kBoy:
      case RefType::kInfant:
        add(r);
        continue;
      case RefType::kKin:
        if (context) add(r);
        continue;
      case RefType::kMiri:
        break;
      case RefType::kGirl:
      case RefType::kNeutral: {
        bool other = false;
        for (size_t back = 1; back <= 2 && back <= r.first; ++back) {
          const size_t k = r.first - back;
          if (t_[k].sentence != t_[r.first].sentence) break;
          other = other || c.other.Match(t_, k) > 0 || c.count.Match(t_, k) > 0;
        }
        if (other) {
          add(r);
          continue;
        }
        break;
      }
    }
    // Two single children in one sentence joined by a relation ("Miri
    // and a girl", "a girl waves at Miri"); or a new one introduced in a
    // later sentence ("Miri walks home. A girl waves.").
    for (size_t j = 0; j < i; ++j) {
      const ChildRef& a = refs[j];
      if (!single(a) || !single(r)) continue;
      if (a.type == RefType::kMiri && r.type == RefType::kMiri) continue;
      if (t_[a.first].sentence == t_[r.first].sentence) {
        if (Between(a.last + 1, r.first, c.relation)) {
          add(r);
          break;
        }
      } else if (r.type != RefType::kMiri && r.first > 0 &&
                 (t_[r.first - 1].word == "a" || t_[r.first - 1].word == "an" ||
                  t_[r.first - 1].word == "another")) {
        add(r);
        break;
      }
    }
  }
}

// A protected thing named alone is dropped when a longer match covers it.
void Screen::DropCoveredEntities(std::vector<Match>* matches) const {
  std::vector<Match> kept;
  for (const Match& e : *matches) {
    const bool entity =
        e.kind == Kind::kEntity || e.kind == Kind::kGarmentEntity;
    bool covered = false;
    for (const Match& o : *matches) {
      if (&o == &e || o.kind == Kind::kEntity ||
          o.kind == Kind::kGarmentEntity) {
        continue;
      }
      if (entity && o.Covers(e.first)) covered = true;
    }
    if (!covered) kept.push_back(e);
  }
  *matches = std::move(kept);
}

}  // namespace miri::screen
