#include "adapters/lexical/lexical_embedder.h"

#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

namespace miri {

namespace {

const std::set<std::string, std::less<>>& StopWords() {
  static const std::set<std::string, std::less<>> kWords = {
      "a", "an", "the", "is", "are", "was", "were", "be", "been", "of", "in",
      "on", "at", "to", "and", "or", "with", "her", "his", "she", "he", "it",
      "its", "this", "that", "these", "those", "too", "very", "should", "must",
      "keep", "make", "look", "looks", "like", "as", "by", "for", "from", "has",
      "have", "not", "no", "but", "so", "into", "there", "their", "them",
      "they", "we", "you", "i", "my", "our", "always", "never", "more", "less",
      "than", "all", "any", "some",
      // The character's name is in nearly every rule and shot about her:
      // it says nothing about which rule fits.
      "miri", "mirin14"};
  return kWords;
}

// Concept tags: words that mean the same kind of thing share a tag, so
// "skirt" finds a rule about a "dress hem". Small on purpose; stems.
const std::unordered_map<std::string, std::string>& Concepts() {
  static const std::unordered_map<std::string, std::string> kTable = [] {
    std::unordered_map<std::string, std::string> t;
    auto add = [&t](const char* tag, std::initializer_list<const char*> words) {
      for (const char* w : words) t.emplace(w, tag);
    };
    add("#dress", {"dress", "skirt", "hem", "hemline", "gown", "knee", "calf",
                   "frock", "pinafore"});
    add("#outerwear", {"coat", "raincoat", "jacket", "hood", "scarf", "cloak",
                       "anorak", "parka"});
    add("#footwear", {"boot", "shoe", "sock", "barefoot", "sandal", "sneaker",
                      "feet", "foot"});
    add("#top", {"shirt", "sleeve", "sweater", "jumper", "blouse", "cardigan"});
    add("#hair", {"hair", "braid", "ponytail", "fringe", "bang", "curl",
                  "blonde", "brunette"});
    add("#face", {"face", "mouth", "smile", "lip", "eye", "expression", "teeth",
                  "happy", "sad", "calm", "frown", "grin"});
    add("#light",
        {"light", "lighting", "lamp", "shadow", "dark", "bright", "glow",
         "neon", "sun", "sunset", "dusk", "dawn", "night", "streetlight"});
    add("#weather", {"rain", "raindrop", "storm", "snow", "snowflake", "wind",
                     "cloud", "puddle", "wet", "umbrella", "drizzle"});
    add("#colour",
        {"red",     "orange", "yellow", "green", "blue", "purple",  "pink",
         "brown",   "black",  "white",  "grey",  "gray", "colour",  "color",
         "saturat", "pastel", "muted",  "warm",  "cold", "palette", "tone"});
    add("#camera", {"shot", "closeup", "close", "wide", "angle", "framing",
                    "frame", "camera", "zoom", "pan", "waist", "far"});
    add("#setting", {"street", "room", "bedroom", "window", "sky", "city",
                     "forest", "field", "rooftop", "roof", "kitchen", "school",
                     "park", "background", "wall", "sign"});
    add("#motion", {"twirl", "spin", "dance", "run", "jump", "walk", "turn",
                    "wave", "float", "fall"});
    add("#animal",
        {"dog", "cat", "bird", "horse", "leg", "paw", "tail", "limb"});
    add("#object", {"guitar", "piano", "mic", "microphone", "book", "cup",
                    "phone", "stand", "chair", "table", "bicycle", "bike"});
    return t;
  }();
  return kTable;
}

// Strips a few English suffixes; good enough to join "dresses"/"dress",
// "twirling"/"twirl", "lights"/"light". Not a real stemmer.
std::string Stem(std::string w) {
  auto ends = [&w](std::string_view s) {
    return w.size() > s.size() &&
           w.compare(w.size() - s.size(), s.size(), s) == 0;
  };
  if (w.size() > 5 && ends("ing")) {
    w.resize(w.size() - 3);
    if (w.size() > 2 && w[w.size() - 1] == w[w.size() - 2]) w.pop_back();
  } else if (w.size() > 4 && ends("ed")) {
    w.resize(w.size() - 2);
  } else if (w.size() > 4 &&
             (ends("sses") || ends("ches") || ends("shes") || ends("xes"))) {
    w.resize(w.size() - 2);
  } else if (w.size() > 3 && ends("s") && !ends("ss") && !ends("us")) {
    w.pop_back();
  }
  return w;
}

uint64_t Fnv1a(std::string_view s, uint64_t salt) {
  uint64_t h = 1469598103934665603ull ^ salt;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

std::vector<std::string> LexicalEmbedder::Stems(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  auto flush = [&] {
    if (!word.empty() && !StopWords().count(word)) out.push_back(Stem(word));
    word.clear();
  };
  for (unsigned char c : text) {
    if (std::isalnum(c) || c >= 0x80) {
      word += static_cast<char>(std::tolower(c));
    } else if (c == '\'') {
      continue;  // "Miri's" -> "miris" -> stem "miri"
    } else {
      flush();
    }
  }
  flush();
  return out;
}

Embedding LexicalEmbedder::EmbedOne(std::string_view text) const {
  enum Kind { kStem, kPair, kTrigram, kConcept };
  constexpr float kWeight[] = {1.0f, 0.5f, 0.25f, 0.6f};
  std::map<std::pair<std::string, int>, int> tf;  // (feature, kind) -> count
  std::vector<std::string> stems = Stems(text);
  for (size_t i = 0; i < stems.size(); ++i) {
    const std::string& s = stems[i];
    ++tf[{s, kStem}];
    if (i + 1 < stems.size()) ++tf[{s + " " + stems[i + 1], kPair}];
    std::string padded = "<" + s + ">";
    for (size_t j = 0; j + 3 <= padded.size(); ++j) {
      ++tf[{padded.substr(j, 3), kTrigram}];
    }
    auto concept_it = Concepts().find(s);
    if (concept_it != Concepts().end()) ++tf[{concept_it->second, kConcept}];
  }
  Embedding v(static_cast<size_t>(dimensions_), 0.0f);
  for (const auto& [key, count] : tf) {
    uint64_t h = Fnv1a(key.first, static_cast<uint64_t>(key.second));
    size_t bucket = h % static_cast<uint64_t>(dimensions_);
    float sign = (h >> 63) != 0 ? -1.0f : 1.0f;
    v[bucket] += sign * kWeight[key.second] *
                 (1.0f + std::log(static_cast<float>(count)));
  }
  float norm = 0;
  for (float x : v) norm += x * x;
  if (norm > 0) {
    float inv = 1.0f / std::sqrt(norm);
    for (float& x : v) x *= inv;
  }
  return v;
}

Result<std::vector<Embedding>> LexicalEmbedder::Embed(
    const std::vector<std::string>& texts, EmbedPurpose /*purpose*/) {
  std::vector<Embedding> out;
  out.reserve(texts.size());
  for (const std::string& t : texts) out.push_back(EmbedOne(t));
  return out;
}

}  // namespace miri
