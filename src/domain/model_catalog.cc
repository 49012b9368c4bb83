#include "domain/model_catalog.h"

#include <array>
#include <cctype>
#include <string>

#include "domain/video_models.h"

namespace miri {

namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Gemini ids Google has shut down (generateContent answers 404): the
// Gemini API's deprecations page (ai.google.dev/gemini-api/docs/deprecations)
// lists the 1.x and 2.0 families and, for 2026, gemini-2.5-pro and
// gemini-2.5-flash, whose replacement is gemini-3.8-flash
// (adapters/gemini/gemini_generation.h kDefaultModel).
constexpr std::array<std::string_view, 4> kRetiredGemini = {
    "gemini-2.5-pro", "gemini-2.5-flash", "gemini-3-pro-preview",
    "gemini-2.0-flash-lite"};

bool IsRetiredGemini(std::string_view model) {
  if (StartsWith(model, "gemini-1.") || StartsWith(model, "gemini-2.0-")) {
    return true;
  }
  for (std::string_view id : kRetiredGemini) {
    if (model == id) return true;
  }
  return false;
}

// "gemini-<major>[.<minor>]-<variant>", variant in lower-case letters,
// digits, dots and dashes.
bool IsGeminiId(std::string_view model) {
  if (!StartsWith(model, "gemini-")) return false;
  std::string_view rest = model.substr(7);
  size_t i = 0;
  while (i < rest.size() && (std::isdigit(rest[i]) || rest[i] == '.')) ++i;
  if (i == 0 || i >= rest.size() || rest[i] != '-') return false;
  for (char c : rest.substr(i + 1)) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '.' ||
          c == '-')) {
      return false;
    }
  }
  return i + 1 < rest.size();
}

bool IsLocal(std::string_view model) {
  return model == "local" || StartsWith(model, "local-");
}

std::string LanguageRefusal(std::string_view model) {
  if (IsLocal(model)) return "";
  const std::string m(model);
  if (IsGeminiId(model)) {
    if (IsRetiredGemini(model)) {
      return m +
             " has been shut down by Google; choose gemini-3.8-flash "
             "(or another current Gemini model)";
    }
    return "";
  }
  if (StartsWith(model, "claude-")) {
    return m +
           " needs the Anthropic adapter, which this build does not "
           "have; choose a gemini-* or local model";
  }
  return "unknown model " + m +
         ": choose a Gemini model (gemini-3.8-flash) or the embedded one "
         "(local)";
}

std::string ImageRefusal(std::string_view model) {
  if (IsLocal(model)) return "";
  // Miri's likeness is drawn only through miriN14, a FLUX.2 LoRA: every
  // image endpoint is FLUX.2's (fal-ai/flux-2/lora, its /edit).
  if (StartsWith(model, "fal-ai/flux-2")) return "";
  return "unknown image model " + std::string(model) +
         ": Miri's LoRA is a FLUX.2 LoRA, so choose fal-ai/flux-2/lora (or "
         "local-image offline)";
}

std::string VideoRefusal(std::string_view model) {
  if (IsLocal(model) || FindVideoModel(model) != nullptr) return "";
  std::string known;
  for (const VideoModel& v : VideoModels()) {
    known += (known.empty() ? "" : ", ") + std::string(v.id);
  }
  return "unknown video model " + std::string(model) + ": choose one of " +
         known + " (or local-video offline)";
}

}  // namespace

std::string WhyModelRefused(ModelUse use, std::string_view model) {
  switch (use) {
    case ModelUse::kLanguage:
      return LanguageRefusal(model);
    case ModelUse::kImage:
      return ImageRefusal(model);
    case ModelUse::kVideo:
      return VideoRefusal(model);
  }
  return "";
}

}  // namespace miri
