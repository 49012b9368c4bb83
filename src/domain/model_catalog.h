// Which model ids a project may name, checked when a setting is saved
// (issue 16 item 1: an unknown or retired model is refused with the field
// named, never stored to fail at the first call). Pure: the families the
// running app can call, not whether a key is configured (a cloud model
// without its key falls back to the embedded default at call time, and
// the project page says so).
#ifndef MIRI_DOMAIN_MODEL_CATALOG_H_
#define MIRI_DOMAIN_MODEL_CATALOG_H_

#include <string>
#include <string_view>

namespace miri {

// What a setting chooses: a language model (llmModel and every agent
// role), the image endpoint (imageModel) or the video model (videoModel).
enum class ModelUse { kLanguage, kImage, kVideo };

// "" when `model` may be saved for `use`; otherwise a sentence for the
// person saying why not and what to choose instead.
std::string WhyModelRefused(ModelUse use, std::string_view model);

}  // namespace miri

#endif  // MIRI_DOMAIN_MODEL_CATALOG_H_
