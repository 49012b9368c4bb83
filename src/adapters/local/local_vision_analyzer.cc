#include "adapters/local/local_vision_analyzer.h"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>

namespace miri::local {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  auto junk = [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) || c == '.' ||
           c == '!' || c == ',' || c == '?';
  };
  while (!s.empty() && junk(s.front())) s.remove_prefix(1);
  while (!s.empty() && junk(s.back())) s.remove_suffix(1);
  return s;
}

// A word (or phrase) starting at a word boundary: "mouth" matches "mouth,"
// and "mouths", not "bigmouth".
bool HasWord(std::string_view text, std::string_view stem) {
  for (size_t pos = text.find(stem); pos != std::string_view::npos;
       pos = text.find(stem, pos + 1)) {
    bool starts =
        pos == 0 || !std::isalpha(static_cast<unsigned char>(text[pos - 1]));
    size_t end = pos + stem.size();
    // Short stems ("her", "sky") must be whole words (or a plural).
    bool ends = stem.size() > 3 || end >= text.size() ||
                !std::isalpha(static_cast<unsigned char>(text[end])) ||
                (text[end] == 's' &&
                 (end + 1 >= text.size() ||
                  !std::isalpha(static_cast<unsigned char>(text[end + 1]))));
    if (starts && ends) return true;
  }
  return false;
}

template <size_t N>
bool HasAny(std::string_view text,
            const std::array<std::string_view, N>& words) {
  return std::any_of(words.begin(), words.end(),
                     [&](std::string_view w) { return HasWord(text, w); });
}

constexpr std::array<std::string_view, 8> kMouthWords = {
    "mouth", "teeth", "smil", "lips", "grin", "laugh", "tongue", "open-mouth"};
constexpr std::array<std::string_view, 14> kClothingWords = {
    "tight",       "short",       "reveal",  "skin",       "shoulder",
    "skirt",       "hem",         "knee",    "sleeveless", "bare",
    "thin fabric", "see-through", "low-cut", "crop"};
constexpr std::array<std::string_view, 7> kAgeWords = {
    "older", "adult", "mature", "grown", "teen", "woman", "too old"};
constexpr std::array<std::string_view, 12> kCharacterWords = {
    "miri",  "her",   "she",    "girl",       "face", "hair",
    "dress", "cloth", "outfit", "expression", "pose", "eyes"};

// The text after the first of `lead_ins` found at a word boundary.
std::optional<std::string> After(
    std::string_view text, std::initializer_list<std::string_view> lead_ins) {
  for (std::string_view lead : lead_ins) {
    size_t pos = text.find(lead);
    if (pos == std::string_view::npos) continue;
    if (pos > 0 && std::isalpha(static_cast<unsigned char>(text[pos - 1])))
      continue;
    std::string_view rest = Trim(text.substr(pos + lead.size()));
    if (!rest.empty()) return std::string(rest);
  }
  return std::nullopt;
}

std::string StripArticle(std::string s) {
  for (std::string_view filler : {" please", " thanks", " thank you"}) {
    if (s.ends_with(filler)) s.resize(s.size() - filler.size());
  }
  for (std::string_view a : {"the ", "a ", "an ", "any ", "that ", "this "}) {
    if (s.starts_with(a)) return s.substr(a.size());
  }
  return s;
}

std::string Clip(std::string s, size_t n = 120) {
  if (s.size() > n) s = s.substr(0, n - 3) + "...";
  return s;
}

RuleScope ScopeFor(std::string_view lower_reason, std::string_view subject,
                   std::string_view lower_prompt) {
  if (HasAny(lower_reason, kCharacterWords)) return RuleScope::kCharacter;
  if (!subject.empty() &&
      lower_prompt.find(subject) != std::string_view::npos) {
    return RuleScope::kScene;  // a thing this shot's prompt put in the scene
  }
  return RuleScope::kGlobal;
}

std::string ShotOf(std::string_view prompt) {
  if (prompt.empty() || prompt.front() != '[') return "";
  size_t close = prompt.find(']');
  return close == std::string_view::npos
             ? ""
             : std::string(prompt.substr(1, close - 1));
}

}  // namespace

RuleProposal RuleFromReasonTemplate(std::string_view reason,
                                    std::string_view prompt) {
  std::string lower = Lower(Trim(reason));
  std::string lower_prompt = Lower(prompt);
  RuleProposal rule;
  std::string tmpl;
  std::string subject;
  if (HasAny(lower, kMouthWords)) {
    tmpl = "depiction: mouth";
    rule = {"Mouth CLOSED, lips together, no teeth showing",
            RuleKind::kPositive, RuleScope::kCharacter, ""};
  } else if (HasAny(lower, kClothingWords)) {
    tmpl = "depiction: clothing";
    rule = {"Loose fit, Heavy fabric, Mid-calf hemline, long sleeves",
            RuleKind::kPositive, RuleScope::kCharacter, ""};
  } else if (HasAny(lower, kAgeWords)) {
    tmpl = "depiction: age";
    rule = {"Child physique, Young girl, a 12-year-old's proportions",
            RuleKind::kPositive, RuleScope::kCharacter, ""};
  } else if (auto x = After(
                 lower, {"get rid of", "don't show", "do not show",
                         "there should be no", "remove ", "without ", "no "})) {
    tmpl = "remove: no X";
    subject = StripArticle(*x);
    rule = {Clip(subject), RuleKind::kNegative,
            ScopeFor(lower, subject, lower_prompt), ""};
  } else if (auto y = After(lower, {"too "})) {
    tmpl = "excess: too X";
    subject = *y;
    rule = {Clip("overly " + subject), RuleKind::kNegative,
            ScopeFor(lower, "", lower_prompt), ""};
  } else if (auto z = After(lower,
                            {"missing", "where is", "forgot", "no sign of"})) {
    tmpl = "missing: show X";
    subject = StripArticle(*z);
    rule = {Clip("Show " + subject), RuleKind::kPositive,
            ScopeFor(lower, subject, lower_prompt), ""};
  } else if (size_t at = lower.find(" should "); at != std::string::npos) {
    tmpl = "wish: X should be Y";
    std::string who = StripArticle(std::string(Trim(lower.substr(0, at))));
    std::string what = std::string(Trim(lower.substr(at + 8)));
    if (what.starts_with("be ")) what = what.substr(3);
    subject = who;
    std::string text = who.empty() ? what : who + " " + what;
    if (!text.empty())
      text[0] =
          static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    rule = {Clip(text), RuleKind::kPositive, ScopeFor(lower, who, lower_prompt),
            ""};
  } else {
    tmpl = "fallback: check";
    rule = {Clip("Check before approval: " + lower), RuleKind::kAuditCheck,
            ScopeFor(lower, "", lower_prompt), ""};
  }
  rule.explanation = fmt::format(
      "Template-based rule (local VisionAnalyzer, no vision model): template "
      "'{}' matched the rejection reason \"{}\"; the image itself was not "
      "analysed.",
      tmpl, Clip(std::string(Trim(reason)), 200));
  if (std::string shot = ShotOf(prompt); !shot.empty()) {
    rule.explanation += fmt::format(" Rejected shot: {}.", shot);
  }
  if (!subject.empty() && lower_prompt.find(subject) != std::string::npos) {
    rule.explanation +=
        fmt::format(" The shot's prompt mentions \"{}\".", subject);
  }
  return rule;
}

std::vector<Box> RegionsForInstruction(std::string_view instruction, int w,
                                       int h,
                                       const std::optional<FrameInfo>& frame) {
  std::string lower = Lower(instruction);
  int horizon = frame ? frame->horizon_y : h * 6 / 10;
  // Without a layout, assume a centred medium shot.
  Box fig = frame && frame->has_figure
                ? frame->figure
                : Box{w / 2 - h * 3 / 20, h * 12 / 100, h * 3 / 10, h * 7 / 10};
  Box head = frame && frame->has_figure
                 ? frame->head
                 : Box{w / 2 - h / 20, fig.y, h / 10, h * 11 / 100};
  Box caption =
      frame ? frame->caption : Box{0, h * 84 / 100, w, h - h * 84 / 100};
  double H = fig.h;
  int cx = fig.x + fig.w / 2;
  auto box = [](double x, double y, double bw, double bh) {
    return Box{static_cast<int>(x), static_cast<int>(y), static_cast<int>(bw),
               static_cast<int>(bh)};
  };
  auto pad = [](Box b, double f) {
    int dx = static_cast<int>(b.w * f), dy = static_cast<int>(b.h * f);
    return Box{b.x - dx, b.y - dy, b.w + 2 * dx, b.h + 2 * dy};
  };

  std::vector<Box> out;
  auto when = [&](std::initializer_list<std::string_view> words, Box b) {
    for (std::string_view word : words) {
      if (HasWord(lower, word)) {
        out.push_back(b);
        return;
      }
    }
  };
  when({"everything", "whole", "entire", "all of it"}, Box{0, 0, w, h});
  when({"sky", "cloud", "sun", "moon", "star", "background", "skyline",
        "building", "city"},
       Box{0, 0, w, horizon});
  when({"ground", "floor", "grass", "street", "road", "puddle", "field"},
       Box{0, horizon, w, h - horizon});
  when({"face", "mouth", "eyes", "head", "hair", "expression", "smile"},
       pad(head, 0.15));
  when({"dress", "cloth", "outfit", "sleeve", "coat", "shirt", "skirt",
        "sweater"},
       box(cx - 0.21 * H, fig.y + 0.18 * H, 0.42 * H, 0.66 * H));
  when({"hand", "arm", "holding", "glove"},
       box(cx - 0.25 * H, fig.y + 0.35 * H, 0.5 * H, 0.25 * H));
  when({"umbrella", "hat", "balloon"},
       box(cx - 0.35 * H, fig.y - 0.3 * H, 0.7 * H, 0.6 * H));
  when({"shoe", "feet", "foot", "leg"},
       box(cx - 0.12 * H, fig.y + 0.78 * H, 0.24 * H, 0.24 * H));
  if (out.empty()) {  // "her" alone: the whole figure; a named part wins
    when({"miri", "her", "girl", "figure", "she", "character"}, pad(fig, 0.05));
  }
  when({"caption", "subtitle", "text", "title"}, caption);

  Box half{0, 0, w, h};
  if (HasWord(lower, "left")) half = {0, 0, w / 2, h};
  if (HasWord(lower, "right")) half = {w / 2, 0, w - w / 2, h};
  if (HasWord(lower, "top") || HasWord(lower, "upper"))
    half = {half.x, 0, half.w, h / 2};
  if (HasWord(lower, "bottom") || HasWord(lower, "lower"))
    half = {half.x, h / 2, half.w, h - h / 2};
  if (out.empty()) {
    bool sided = half.w != w || half.h != h;
    out.push_back(sided ? half : Box{w / 4, h / 4, w / 2, h / 2});
  } else {
    for (Box& b : out) {  // "the left side of the sky": intersect
      int x0 = std::max(b.x, half.x), y0 = std::max(b.y, half.y);
      int x1 = std::min(b.x + b.w, half.x + half.w),
          y1 = std::min(b.y + b.h, half.y + half.h);
      b = Box{x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
    }
  }
  for (Box& b : out) {  // clip to the frame
    int x0 = std::clamp(b.x, 0, w), y0 = std::clamp(b.y, 0, h);
    int x1 = std::clamp(b.x + b.w, 0, w), y1 = std::clamp(b.y + b.h, 0, h);
    b = Box{x0, y0, x1 - x0, y1 - y0};
  }
  return out;
}

Result<RuleProposal> LocalVisionAnalyzer::RuleFromRejection(
    const RejectionInput& in) {
  if (Trim(in.reason).empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "local-vision: no rejection reason",
                     {{"reason", "required"}});
  }
  return RuleFromReasonTemplate(in.reason, in.prompt);
}

Result<std::string> LocalVisionAnalyzer::MaskFromInstruction(
    const MaskInput& in) {
  std::vector<FieldIssue> issues;
  if (in.image_blob.empty()) issues.push_back({"image_blob", "required"});
  if (!IsValidBlobKey(in.output_key))
    issues.push_back({"output_key", "not a valid blob key"});
  if (Trim(in.instruction).empty() && in.user_mask_blob.empty()) {
    issues.push_back(
        {"instruction", "an instruction or a drawn mask is required"});
  }
  if (!issues.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "local-vision: invalid mask request", std::move(issues));
  }
  ASSIGN_OR_RETURN(std::string bytes, blobs_->Get(in.image_blob), "image_blob");
  ASSIGN_OR_RETURN(Image image, DecodePng(bytes), "image_blob");
  Image mask(image.width, image.height, MakePixel(0, 0, 0));
  const Pixel white = MakePixel(255, 255, 255);
  if (!in.user_mask_blob.empty()) {
    // The person's drawing wins; scaled to the image and made binary.
    ASSIGN_OR_RETURN(std::string drawn_bytes, blobs_->Get(in.user_mask_blob),
                     "user_mask_blob");
    ASSIGN_OR_RETURN(Image drawn, DecodePng(drawn_bytes), "user_mask_blob");
    drawn = Resize(drawn, image.width, image.height);
    for (size_t i = 0; i < mask.px.size(); ++i) {
      if (Luma(drawn.px[i]) >= 128) mask.px[i] = white;
    }
  } else {
    std::optional<FrameInfo> info;
    auto text = PngText(bytes);
    if (auto it = text.find(kFrameInfoKey); it != text.end()) {
      info = FrameInfoFromJson(it->second);
    }
    for (const Box& b : RegionsForInstruction(in.instruction, image.width,
                                              image.height, info)) {
      for (int y = b.y; y < b.y + b.h; ++y) {
        for (int x = b.x; x < b.x + b.w; ++x) mask.at(x, y) = white;
      }
    }
  }
  ASSIGN_OR_RETURN(std::string png, EncodePng(mask), "encoding the mask");
  RETURN_IF_ERROR(blobs_->Put(in.output_key, png), "writing " + in.output_key);
  return in.output_key;
}

}  // namespace miri::local
