#include "domain/screen_text.h"

#include <array>
#include <cctype>
#include <unordered_set>

namespace miri::screen {

namespace {

using Set = std::unordered_set<std::string_view>;

bool IsAlnum(unsigned char c) { return std::isalnum(c) != 0 || c >= 0x80; }

// A raw word as written, with its span; contractions come apart later.
struct Raw {
  std::string text;
  size_t begin, end;
  bool capitalised;
};

enum class Break { kNone, kClause, kSentence };

// UTF-8 punctuation that separates words: curly quotes, dashes, ellipsis.
// Returns its length in bytes (0: not one) and the break it makes.
size_t Punctuation(std::string_view s, size_t i, Break* brk) {
  if (i + 2 >= s.size() || static_cast<unsigned char>(s[i]) != 0xE2) return 0;
  const auto b1 = static_cast<unsigned char>(s[i + 1]);
  const auto b2 = static_cast<unsigned char>(s[i + 2]);
  if (b1 != 0x80) return 0;
  if (b2 == 0x98 || b2 == 0x99) {  // curly single quotes: apostrophes
    *brk = Break::kNone;
    return 3;
  }
  if (b2 == 0x9C || b2 == 0x9D || b2 == 0x93 || b2 == 0x94) {
    *brk = Break::kClause;
    return 3;
  }
  if (b2 == 0xA6) {
    *brk = Break::kClause;
    return 3;
  }
  return 0;
}

const Set& PronounsWithIs() {
  static const Set kSet = {"she",  "he",   "it",         "that",   "there",
                           "what", "who",  "here",       "where",  "how",
                           "this", "miri", "everything", "nothing"};
  return kSet;
}

// Appends the tokens of one raw word: contractions expanded, possessives
// marked.
void Expand(const Raw& raw, std::vector<Token>* out) {
  std::string w = raw.text;
  for (char& c : w)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto push = [&](std::string word, bool possessive = false) {
    Token t;
    t.word = std::move(word);
    t.begin = raw.begin;
    t.end = raw.end;
    t.capitalised = raw.capitalised;
    t.possessive = possessive;
    out->push_back(std::move(t));
  };
  // The word without its last `cut` letters (callers check it is longer).
  auto head = [&](size_t cut) { return std::string(w.data(), w.size() - cut); };
  auto ends = [&](std::string_view suffix) {
    return w.size() > suffix.size() &&
           std::string_view(w).substr(w.size() - suffix.size()) == suffix;
  };
  if (w == "gonna") return push("going"), push("to");
  if (w == "wanna") return push("want"), push("to");
  if (w == "gotta") return push("got"), push("to");
  if (w == "cannot") return push("can"), push("not");
  if (w == "can't" || w == "cant") return push("can"), push("not");
  if (w == "won't") return push("will"), push("not");
  if (w == "shan't") return push("shall"), push("not");
  if (w == "ain't") return push("is"), push("not");
  if (w == "let's" || w == "lets") return push("let"), push("us");
  if (ends("n't")) return push(head(3)), push("not");
  if (ends("'re")) return push(head(3)), push("are");
  if (ends("'ve")) return push(head(3)), push("have");
  if (ends("'ll")) return push(head(3)), push("will");
  if (ends("'m")) return push(head(2)), push("am");
  if (ends("'d")) return push(head(2)), push("would");
  if (ends("'s")) {
    std::string stem = head(2);
    if (PronounsWithIs().count(stem) && stem != "miri") {
      return push(stem), push("is");
    }
    return push(stem, /*possessive=*/true);
  }
  if (ends("s'")) return push(head(1), true);
  // Stray apostrophes (quotes around a word) are not part of it.
  while (!w.empty() && w.back() == '\'') w.pop_back();
  while (!w.empty() && w.front() == '\'') w.erase(w.begin());
  if (!w.empty()) push(w);
}

const Set& ClauseStarters() {
  static const Set kSet = {"but",     "however", "although", "though",
                           "whereas", "yet",     "because",  "please",
                           "except",  "whilst",  "pls"};
  return kSet;
}

// After "and"/"or"/"then": a new subject or a verb of request starts a
// clause of its own ("her mouth is open and it should be closed").
const Set& NewClauseAfterAnd() {
  static const Set kSet = {
      "it",     "she",  "he",     "i",      "you",  "we",    "they",   "there",
      "make",   "give", "put",    "let",    "have", "get",   "add",    "use",
      "show",   "turn", "change", "keep",   "open", "close", "remove", "take",
      "please", "now",  "also",   "that's", "miri"};
  return kSet;
}

}  // namespace

bool IsReferent(std::string_view w) {
  static const Set kSet = {
      // garments and fabric
      "dress", "dresses", "skirt", "skirts", "hem", "hemline", "gown", "frock",
      "coat", "raincoat", "jacket", "top", "shirt", "blouse", "sweater",
      "jumper", "cardigan", "outfit", "clothes", "clothing", "sleeve",
      "sleeves", "neckline", "collar", "trousers", "pants", "jeans", "shorts",
      "fabric", "material", "uniform", "pinafore", "tunic", "hoodie", "scarf",
      "boots", "shoes", "hat", "tights", "leggings", "costume", "swimsuit",
      // face and body
      "mouth", "lips", "lip", "smile", "grin", "teeth", "face", "hair", "eyes",
      "knees", "legs", "shoulders", "arms", "body", "figure", "makeup",
      "lipstick", "heels",
      // the rules and the LoRA
      "lora", "rule", "rules", "filter", "restriction", "restrictions",
      // things in a frame
      "sky", "background", "light", "lighting", "colour", "color", "umbrella",
      "image", "picture", "photo", "shot", "frame", "framing", "scene", "clip",
      "rain", "street", "puddle", "puddles", "clouds", "window", "sign", "text",
      "tone", "contrast", "grain", "camera", "room", "wall", "door", "sun",
      "moon", "city", "house", "car", "bus", "tree", "trees", "boat", "hand",
      "hands", "head", "pose", "expression", "version", "one"};
  return kSet.count(w) > 0;
}

std::vector<Token> Tokenize(std::string_view s) {
  std::vector<Token> out;
  int sentence = 0, clause = 0;
  bool new_clause = true, new_sentence = true;
  auto brk = [&](Break b) {
    if (b == Break::kSentence) {
      if (!new_sentence) ++sentence;
      new_sentence = true;
    }
    if (b != Break::kNone) {
      if (!new_clause) ++clause;
      new_clause = true;
    }
  };
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    Break b = Break::kNone;
    if (size_t n = Punctuation(s, i, &b); n > 0 && b != Break::kNone) {
      brk(b);
      i += n;
      continue;
    }
    if (IsAlnum(c) || c == '\'' ||
        (c == 0xE2 && Punctuation(s, i, &b) == 3 && b == Break::kNone)) {
      Raw raw{"", i, i, std::isupper(c) != 0};
      while (i < s.size()) {
        const auto d = static_cast<unsigned char>(s[i]);
        Break inner = Break::kNone;
        if (d == 0xE2 && Punctuation(s, i, &inner) == 3) {
          if (inner != Break::kNone) break;
          raw.text += '\'';
          i += 3;
          continue;
        }
        // A decimal point inside a number ("0.8") is part of it.
        if (d == '.' && !raw.text.empty() &&
            std::isdigit(static_cast<unsigned char>(raw.text.back())) &&
            i + 1 < s.size() &&
            std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
          raw.text += '.';
          ++i;
          continue;
        }
        if (!IsAlnum(d) && d != '\'') break;
        raw.text += static_cast<char>(d);
        ++i;
      }
      raw.end = i;
      if (raw.text.empty()) continue;
      const size_t first = out.size();
      Expand(raw, &out);
      for (size_t k = first; k < out.size(); ++k) {
        Token& t = out[k];
        // Word-level clause starts.
        if (k == first && !new_clause && ClauseStarters().count(t.word)) {
          brk(Break::kClause);
        }
        if (k == first && !new_clause && !out.empty() && first > 0 &&
            NewClauseAfterAnd().count(t.word)) {
          const std::string& prev = out[first - 1].word;
          if ((prev == "and" || prev == "or" || prev == "then") &&
              out[first - 1].clause == clause) {
            // "and" belongs to the clause it opens.
            ++clause;
            out[first - 1].clause = clause;
            out[first - 1].clause_start = true;
            new_clause = false;
            t.sentence = sentence;
            t.clause = clause;
            continue;
          }
        }
        t.sentence = sentence;
        t.clause = clause;
        t.sentence_start = new_sentence;
        t.clause_start = new_clause;
        new_sentence = false;
        new_clause = false;
      }
      continue;
    }
    switch (c) {
      case '.':
      case '!':
      case '?':
      case ';':
      case '\n':
        brk(Break::kSentence);
        break;
      case ',':
      case ':':
      case '(':
      case ')':
      case '[':
      case ']':
      case '"':
      case '|':
        brk(Break::kClause);
        break;
      case '-':
        // " - " between words is a dash; "mid-calf" is one phrase.
        if ((i == 0 || s[i - 1] == ' ') &&
            (i + 1 >= s.size() || s[i + 1] == ' '))
          brk(Break::kClause);
        break;
      default:
        break;
    }
    ++i;
  }
  // Pronouns stand for the nearest noun before them that could be meant.
  static const Set kPronouns = {"it", "them", "one", "ones"};
  static const Set kQuantifiers = {"some", "any", "more"};
  for (size_t k = 0; k < out.size(); ++k) {
    // "she needs some": a quantifier that ends its clause stands for a noun.
    const bool quantifier =
        kQuantifiers.count(out[k].word) &&
        (k + 1 == out.size() || out[k + 1].clause != out[k].clause);
    if (!kPronouns.count(out[k].word) && !quantifier) continue;
    // "one" counts only as "a long one", "the short one": after a modifier.
    if ((out[k].word == "one" || out[k].word == "ones") &&
        (k == 0 || out[k - 1].word == "no" || out[k - 1].word == "each" ||
         out[k - 1].word == "every" || out[k - 1].word == "any")) {
      continue;
    }
    std::string alias(1, '?');
    size_t from = k;
    if (out[k].word == "one" || out[k].word == "ones") {
      // "a light silk one": the antecedent comes before the modifiers.
      static const Set kDeterminers = {"a",    "an",   "the",     "this",
                                       "that", "her",  "another", "his",
                                       "my",   "your", "some"};
      for (size_t back = 1; back <= 5 && back <= k; ++back) {
        if (kDeterminers.count(out[k - back].word)) {
          from = k - back;
          break;
        }
      }
    }
    // "it" and "one" stand for one thing, "them" and "ones" for several.
    const bool plural = out[k].word == "them" || out[k].word == "ones";
    const bool any_number = quantifier;
    auto agrees = [&](const std::string& w) {
      static const Set kSingularS = {"dress", "glass",  "lens",
                                     "bus",   "canvas", "boss"};
      static const Set kPluralOther = {"clothing", "teeth", "feet", "people",
                                       "children"};
      const bool looks_plural =
          (w.size() > 2 && w.back() == 's' && !kSingularS.count(w)) ||
          kPluralOther.count(w);
      return any_number || plural == looks_plural || w == "clothes" ||
             w == "clothing";
    };
    for (size_t j = from; j-- > 0 && k - j <= 30;) {
      if (out[j].alias.empty() && IsReferent(out[j].word) &&
          out[j].word != "one" && agrees(out[j].word)) {
        alias = out[j].word;
        break;
      }
      if (!out[j].alias.empty() && out[j].alias != "?") {
        alias = out[j].alias;
        break;
      }
    }
    out[k].alias = std::move(alias);
  }
  return out;
}

}  // namespace miri::screen
