// The data half of storyboard.h: reading a FrameSpec from a request,
// palettes, and FrameInfo's JSON form.
#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "adapters/local/storyboard.h"
#include "domain/project.h"

namespace miri::local {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool Contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (char c : s) {
    h ^= static_cast<uint8_t>(c);
    h *= 1099511628211ull;
  }
  return h;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

// "[a]_[b]_[c]" at the start of the prompt, or "".
std::string TagOf(std::string_view prompt) {
  size_t end = prompt.find(' ');
  std::string_view head = prompt.substr(0, end);
  int groups = 0;
  size_t i = 0;
  while (i < head.size()) {
    if (head[i] != '[') return "";
    size_t close = head.find(']', i);
    if (close == std::string_view::npos) return "";
    ++groups;
    i = close + 1;
    if (i == head.size()) break;
    if (head[i] != '_') return "";
    ++i;
  }
  return groups == 3 ? std::string(head) : "";
}

std::string CaptionOf(std::string_view body) {
  size_t start = 0;
  for (int guard = 0; guard < 64 && start < body.size(); ++guard) {
    size_t dot = body.find(". ", start);
    std::string_view sentence = Trim(body.substr(
        start, dot == std::string_view::npos ? body.npos : dot - start));
    start = dot == std::string_view::npos ? body.size() : dot + 2;
    if (sentence.empty() || Contains(sentence, kMiriLora) ||
        sentence.starts_with("Resting state:")) {
      continue;
    }
    if (sentence.starts_with("Action:")) sentence = Trim(sentence.substr(7));
    if (!sentence.empty() && sentence.back() == '.') sentence.remove_suffix(1);
    std::string out(sentence);
    if (out.size() > 90) out = out.substr(0, 87) + "...";
    return out;
  }
  return "";
}

struct MoodWords {
  std::string_view mood;
  std::array<std::string_view, 10> words;
  Palette palette;
};

const std::array<MoodWords, 6>& Moods() {
  static const std::array<MoodWords, 6> kMoods = {{
      {"melancholy",
       {"sad", "melanchol", "lonely", "rain", "grief", "tears", "cold", "grey",
        "gray", "blue"},
       {"melancholy", MakePixel(52, 70, 98), MakePixel(120, 138, 160),
        MakePixel(44, 52, 64), MakePixel(70, 84, 110),
        MakePixel(200, 120, 40)}},
      {"joyful",
       {"joy", "happy", "bright", "sun", "summer", "danc", "laugh", "celebrat",
        "warm", "golden"},
       {"joyful", MakePixel(255, 196, 80), MakePixel(255, 236, 170),
        MakePixel(120, 180, 80), MakePixel(230, 120, 60),
        MakePixel(60, 120, 200)}},
      {"tense",
       {"tense", "fear", "storm", "danger", "angry", "anger", "dark", "thunder",
        "chase", "scream"},
       {"tense", MakePixel(40, 12, 16), MakePixel(120, 40, 36),
        MakePixel(24, 20, 22), MakePixel(180, 40, 30),
        MakePixel(90, 110, 130)}},
      {"calm",
       {"calm", "peace", "gentle", "quiet", "dawn", "soft", "serene", "morning",
        "still", "breeze"},
       {"calm", MakePixel(170, 210, 225), MakePixel(236, 222, 206),
        MakePixel(150, 180, 150), MakePixel(120, 160, 170),
        MakePixel(180, 90, 110)}},
      {"night",
       {"night", "moon", "stars", "midnight", "neon", "lamplight", "evening",
        "dusk", "nocturn", "streetlight"},
       {"night", MakePixel(10, 14, 40), MakePixel(50, 40, 90),
        MakePixel(20, 22, 34), MakePixel(240, 200, 90),
        MakePixel(170, 60, 70)}},
      {"dreamy",
       {"dream", "magic", "wonder", "float", "fantasy", "sparkl", "glow",
        "pastel", "cloud", "imagin"},
       {"dreamy", MakePixel(200, 170, 230), MakePixel(250, 210, 230),
        MakePixel(170, 150, 200), MakePixel(255, 240, 150),
        MakePixel(70, 140, 150)}},
  }};
  return kMoods;
}

Pixel MeanOfRows(const Image& img, int y0, int y1) {
  uint64_t r = 0, g = 0, b = 0, n = 0;
  y0 = std::clamp(y0, 0, img.height - 1);
  y1 = std::clamp(y1, y0 + 1, img.height);
  for (int y = y0; y < y1; ++y) {
    for (int x = 0; x < img.width; ++x) {
      Pixel p = img.at(x, y);
      r += Red(p), g += Green(p), b += Blue(p), ++n;
    }
  }
  return MakePixel(static_cast<int>(r / n), static_cast<int>(g / n),
                   static_cast<int>(b / n));
}

std::string Hex(Pixel p) {
  return fmt::format("#{:02x}{:02x}{:02x}", Red(p), Green(p), Blue(p));
}

Pixel FromHex(const std::string& s) {
  if (s.size() != 7 || s[0] != '#') return MakePixel(0, 0, 0);
  unsigned v = static_cast<unsigned>(std::stoul(s.substr(1), nullptr, 16));
  return MakePixel((v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF);
}

nlohmann::json BoxJson(const Box& b) { return {b.x, b.y, b.w, b.h}; }
Box BoxFrom(const nlohmann::json& j) {
  return {j.at(0).get<int>(), j.at(1).get<int>(), j.at(2).get<int>(),
          j.at(3).get<int>()};
}

}  // namespace

std::string_view ShotTypeName(ShotType t) {
  switch (t) {
    case ShotType::kWide:
      return "WIDE";
    case ShotType::kMedium:
      return "MEDIUM";
    case ShotType::kCloseUp:
      return "CLOSE-UP";
    case ShotType::kExtremeCloseUp:
      return "EXTREME CLOSE-UP";
  }
  return "MEDIUM";
}

std::optional<ShotType> ParseShotTypeName(std::string_view name) {
  for (ShotType t : {ShotType::kWide, ShotType::kMedium, ShotType::kCloseUp,
                     ShotType::kExtremeCloseUp}) {
    if (ShotTypeName(t) == name) return t;
  }
  return std::nullopt;
}

Palette PaletteForMood(std::string_view text) {
  std::string lower = Lower(text);
  int best = 0;
  const MoodWords* chosen = nullptr;
  for (const MoodWords& m : Moods()) {
    int hits = 0;
    for (std::string_view w : m.words) hits += Contains(lower, w) ? 1 : 0;
    if (hits > best) best = hits, chosen = &m;
  }
  if (chosen != nullptr) return chosen->palette;
  return {"neutral",
          MakePixel(140, 170, 200),
          MakePixel(220, 225, 230),
          MakePixel(130, 125, 115),
          MakePixel(90, 100, 110),
          MakePixel(110, 80, 150)};
}

Palette PaletteFromPixels(const Image& image) {
  Palette p = PaletteForMood("");
  p.mood = "from-reference";
  int h = image.height;
  p.sky_top = MeanOfRows(image, 0, std::max(1, h / 10));
  p.sky_bottom = MeanOfRows(image, h * 3 / 10, h * 4 / 10);
  p.ground = MeanOfRows(image, h * 7 / 10, h * 8 / 10);
  return p;
}

FrameSpec ParseFrameSpec(const ImageRequest& request) {
  FrameSpec spec;
  spec.tag = TagOf(request.prompt);
  std::string_view body = request.prompt;
  if (!spec.tag.empty()) body = Trim(body.substr(spec.tag.size()));
  std::string lower = Lower(body);
  if (Contains(lower, "extreme close")) {
    spec.shot = ShotType::kExtremeCloseUp;
  } else if (Contains(lower, "close-up") || Contains(lower, "close up") ||
             Contains(lower, "closeup")) {
    spec.shot = ShotType::kCloseUp;
  } else if (Contains(lower, "wide") || Contains(lower, "establishing") ||
             Contains(lower, "long shot") || Contains(lower, "aerial")) {
    spec.shot = ShotType::kWide;
  }
  spec.shot_named = spec.shot != ShotType::kMedium ||
                    Contains(lower, "medium shot") ||
                    Contains(lower, "mid shot");
  spec.shows_miri = std::find(request.loras.begin(), request.loras.end(),
                              kMiriLora) != request.loras.end() ||
                    Contains(body, kMiriLora);
  spec.caption = CaptionOf(body);
  spec.palette = PaletteForMood(body);
  spec.seed = request.seed ? static_cast<uint64_t>(*request.seed)
                           : Fnv1a(request.prompt);
  return spec;
}

std::string FrameInfoToJson(const FrameInfo& info) {
  nlohmann::json j = {
      {"shot", ShotTypeName(info.shot)},
      {"mood", info.palette.mood},
      {"palette",
       {Hex(info.palette.sky_top), Hex(info.palette.sky_bottom),
        Hex(info.palette.ground), Hex(info.palette.accent),
        Hex(info.palette.dress)}},
      {"horizon_y", info.horizon_y},
      {"has_figure", info.has_figure},
      {"figure", BoxJson(info.figure)},
      {"head", BoxJson(info.head)},
      {"caption", BoxJson(info.caption)},
  };
  return j.dump();
}

std::optional<FrameInfo> FrameInfoFromJson(std::string_view text) {
  nlohmann::json j =
      nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  try {
    FrameInfo info;
    auto shot = ParseShotTypeName(j.at("shot").get<std::string>());
    if (!shot) return std::nullopt;
    info.shot = *shot;
    info.palette.mood = j.at("mood").get<std::string>();
    const auto& p = j.at("palette");
    info.palette.sky_top = FromHex(p.at(0).get<std::string>());
    info.palette.sky_bottom = FromHex(p.at(1).get<std::string>());
    info.palette.ground = FromHex(p.at(2).get<std::string>());
    info.palette.accent = FromHex(p.at(3).get<std::string>());
    info.palette.dress = FromHex(p.at(4).get<std::string>());
    info.horizon_y = j.at("horizon_y").get<int>();
    info.has_figure = j.at("has_figure").get<bool>();
    info.figure = BoxFrom(j.at("figure"));
    info.head = BoxFrom(j.at("head"));
    info.caption = BoxFrom(j.at("caption"));
    return info;
  } catch (const nlohmann::json::exception&) {
    // Metadata written by someone else: treat as absent.
    return std::nullopt;
  }
}

}  // namespace miri::local
