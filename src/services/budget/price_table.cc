#include "services/budget/price_table.h"

#include <cmath>

namespace miri {
namespace {

int64_t Usd(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_number()) return 0;
  return static_cast<int64_t>(std::llround(j[key].get<double>() * 1e6));
}

Error UnknownModel(std::string_view kind, std::string_view model) {
  return Error{
      ErrorCode::kNotFound,
      "no " + std::string(kind) + " price for model " + std::string(model),
      {}};
}

Result<void> ReadKling(
    const nlohmann::json& k, double* usd_per_unit,
    std::map<std::string, KlingUnitPrice, std::less<>>* out) {
  if (!k.is_object())
    return MakeError(ErrorCode::kInvalidArgument, "kling must be an object");
  if (!k.contains("usd_per_unit") || !k["usd_per_unit"].is_number() ||
      k["usd_per_unit"].get<double>() <= 0) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid kling prices",
                     {{"kling.usd_per_unit", "required positive number"}});
  }
  *usd_per_unit = k["usd_per_unit"].get<double>();
  if (!k.contains("units")) return {};
  if (!k["units"].is_object())
    return MakeError(ErrorCode::kInvalidArgument, "invalid kling prices",
                     {{"kling.units", "must be an object"}});
  for (auto& [key, p] : k["units"].items()) {
    if (!p.is_object() || key.find('/') == std::string::npos) {
      return MakeError(
          ErrorCode::kInvalidArgument, "invalid kling prices",
          {{"kling.units." + key, "an object keyed \"model/mode\""}});
    }
    (*out)[key] = KlingUnitPrice{p.value("base_units", 0.0),
                                 p.value("base_seconds", int64_t{0}),
                                 p.value("per_second_units", 0.0)};
  }
  return {};
}

}  // namespace

const char* PriceTable::DefaultPricesJson() {
  // providers.md section 7 (published prices, snapshot late 2025 - 2026).
  // "kling": direct Kling bills resource-pack units; providers.md has no
  // unit table, so these are [UNVERIFIED] estimates (5 s std/pro of the
  // v1-v2.x models as Kling's billing page listed them when last seen;
  // v3 and omni derived from fal's per-second price at $0.14 a unit) and
  // usd_per_unit is the price of a unit in the pack bought (a third-party
  // summary quotes $7,560 for 60,000 units, $0.126; smaller packs cost
  // more). Reconcile with each task's final_unit_deduction and override
  // both with the account's figures. Gemini image models on Vertex bill
  // output tokens ($30 per 1M on 2.5 Flash Image, 1290 tokens an image up
  // to 1024x1024; $120 per 1M on 3 Pro Image, 1120 tokens at 1K/2K):
  // https://cloud.google.com/vertex-ai/generative-ai/pricing.
  return R"JSON({
  "as_of": "providers.md section 7 (2026)",
  "image": {
    "fal-ai/flux-2/lora": {"first_mp_usd": 0.021, "extra_mp_usd": 0.021},
    "fal-ai/flux-2": {"first_mp_usd": 0.012, "extra_mp_usd": 0.012},
    "fal-ai/flux-2/edit": {"first_mp_usd": 0.012, "extra_mp_usd": 0.012, "inputs_count": true},
    "fal-ai/flux-2/lora/edit": {"first_mp_usd": 0.021, "extra_mp_usd": 0.021, "inputs_count": true},
    "fal-ai/flux-2-flex/edit": {"first_mp_usd": 0.05, "extra_mp_usd": 0.05, "inputs_count": true},
    "fal-ai/flux-2-pro/edit": {"first_mp_usd": 0.03, "extra_mp_usd": 0.015, "inputs_count": true},
    "fal-ai/flux-2-max/edit": {"first_mp_usd": 0.07, "extra_mp_usd": 0.03, "inputs_count": true},
    "fal-ai/flux-pro/v1/fill": {"first_mp_usd": 0.05, "extra_mp_usd": 0.05},
    "fal-ai/flux-lora/inpainting": {"first_mp_usd": 0.035, "extra_mp_usd": 0.035},
    "gemini-2.5-flash-image": {"per_image_usd": 0.039},
    "gemini-3-pro-image-preview": {"per_image_usd": 0.134},
    "imagen-4.0-generate-001": {"per_image_usd": 0.04},
    "imagen-4.0-fast-generate-001": {"per_image_usd": 0.02},
    "imagen-4.0-ultra-generate-001": {"per_image_usd": 0.06}
  },
  "video": {
    "fal-ai/kling-video/v2.1/pro/image-to-video": {"base_usd": 0.49, "base_seconds": 5, "per_second_usd": 0.098},
    "fal-ai/kling-video/v2.5-turbo/pro/image-to-video": {"base_usd": 0.35, "base_seconds": 5, "per_second_usd": 0.07},
    "fal-ai/kling-video/v3/pro/image-to-video": {"per_second_usd": 0.224}
  },
  "kling": {
    "usd_per_unit": 0.14,
    "units": {
      "kling-v1/std": {"base_units": 1, "base_seconds": 5, "per_second_units": 0.2},
      "kling-v1/pro": {"base_units": 3.5, "base_seconds": 5, "per_second_units": 0.7},
      "kling-v1-5/std": {"base_units": 2, "base_seconds": 5, "per_second_units": 0.4},
      "kling-v1-5/pro": {"base_units": 3.5, "base_seconds": 5, "per_second_units": 0.7},
      "kling-v1-6/std": {"base_units": 2, "base_seconds": 5, "per_second_units": 0.4},
      "kling-v1-6/pro": {"base_units": 3.5, "base_seconds": 5, "per_second_units": 0.7},
      "kling-v2-master/std": {"base_units": 10, "base_seconds": 5, "per_second_units": 2},
      "kling-v2-master/pro": {"base_units": 10, "base_seconds": 5, "per_second_units": 2},
      "kling-v2-1/std": {"base_units": 2, "base_seconds": 5, "per_second_units": 0.4},
      "kling-v2-1/pro": {"base_units": 3.5, "base_seconds": 5, "per_second_units": 0.7},
      "kling-v2-1-master/std": {"base_units": 10, "base_seconds": 5, "per_second_units": 2},
      "kling-v2-1-master/pro": {"base_units": 10, "base_seconds": 5, "per_second_units": 2},
      "kling-v2-5-turbo/std": {"base_units": 1.5, "base_seconds": 5, "per_second_units": 0.3},
      "kling-v2-5-turbo/pro": {"base_units": 2.5, "base_seconds": 5, "per_second_units": 0.5},
      "kling-v2-6/std": {"base_units": 1.5, "base_seconds": 5, "per_second_units": 0.3},
      "kling-v2-6/pro": {"base_units": 2.5, "base_seconds": 5, "per_second_units": 0.5},
      "kling-v3/std": {"per_second_units": 1.2},
      "kling-v3/pro": {"per_second_units": 1.6},
      "kling-video-o1/std": {"per_second_units": 1.2},
      "kling-video-o1/pro": {"per_second_units": 1.6},
      "kling-v3-omni/std": {"per_second_units": 1.2},
      "kling-v3-omni/pro": {"per_second_units": 1.6}
    }
  },
  "tokens": {
    "gemini-2.5-pro": {"input_per_million_usd": 1.25, "output_per_million_usd": 10.0},
    "gemini-2.5-flash": {"input_per_million_usd": 0.30, "output_per_million_usd": 2.50},
    "gemini-3.1-pro-preview": {"input_per_million_usd": 2.0, "output_per_million_usd": 12.0},
    "gemini-embedding-001": {"input_per_million_usd": 0.15, "output_per_million_usd": 0},
    "text-embedding-005": {"input_per_million_usd": 0.15, "output_per_million_usd": 0}
  }
})JSON";
}

PriceTable PriceTable::Defaults() {
  return *FromJson(nlohmann::json::parse(DefaultPricesJson()));
}

Result<PriceTable> PriceTable::FromJson(const nlohmann::json& j) {
  if (!j.is_object())
    return MakeError(ErrorCode::kInvalidArgument,
                     "price table must be an object");
  PriceTable t;
  t.as_of_ = j.value("as_of", "");
  auto section = [&](const char* name) -> const nlohmann::json& {
    static const nlohmann::json kEmpty = nlohmann::json::object();
    return j.contains(name) && j[name].is_object() ? j[name] : kEmpty;
  };
  for (auto& [model, p] : section("image").items()) {
    if (!p.is_object())
      return MakeError(ErrorCode::kInvalidArgument, "image." + model);
    t.image_[model] =
        ImagePrice{Usd(p, "first_mp_usd"), Usd(p, "extra_mp_usd"),
                   p.value("inputs_count", false), Usd(p, "per_image_usd")};
  }
  for (auto& [model, p] : section("video").items()) {
    if (!p.is_object())
      return MakeError(ErrorCode::kInvalidArgument, "video." + model);
    t.video_[model] =
        VideoPrice{Usd(p, "base_usd"), p.value("base_seconds", int64_t{0}),
                   Usd(p, "per_second_usd")};
  }
  for (auto& [model, p] : section("tokens").items()) {
    if (!p.is_object())
      return MakeError(ErrorCode::kInvalidArgument, "tokens." + model);
    t.tokens_[model] = TokenPrice{Usd(p, "input_per_million_usd"),
                                  Usd(p, "output_per_million_usd")};
  }
  if (j.contains("kling")) {
    auto kling = ReadKling(j["kling"], &t.kling_usd_per_unit_, &t.kling_units_);
    if (!kling) return tl::unexpected(kling.error());
  }
  return t;
}

int64_t MegapixelsRoundedUp(const Size& s) {
  int64_t px = int64_t{s.width} * s.height;
  int64_t mp = (px + 1048575) / 1048576;
  return mp < 1 ? 1 : mp;
}

Result<int64_t> PriceTable::EstimateImage(
    std::string_view model, const std::vector<Size>& outputs,
    const std::vector<Size>& inputs) const {
  auto it = image_.find(model);
  if (it == image_.end())
    return tl::unexpected<Error>(UnknownModel("image", model));
  const ImagePrice& p = it->second;
  auto one = [&](const Size& s) {
    if (p.per_image_micros > 0) return p.per_image_micros;
    return p.first_mp_micros + (MegapixelsRoundedUp(s) - 1) * p.extra_mp_micros;
  };
  int64_t total = 0;
  for (const Size& s : outputs) total += one(s);
  if (p.inputs_count) {
    for (const Size& s : inputs) total += one(s);
  }
  return total;
}

Result<int64_t> PriceTable::EstimateVideo(std::string_view model,
                                          int64_t duration_ms) const {
  auto it = video_.find(model);
  if (it == video_.end())
    return tl::unexpected<Error>(UnknownModel("video", model));
  const VideoPrice& p = it->second;
  int64_t secs = (duration_ms + 999) / 1000;
  int64_t extra = secs > p.base_seconds ? secs - p.base_seconds : 0;
  return p.base_micros + extra * p.per_second_micros;
}

Result<double> PriceTable::KlingUnits(std::string_view model,
                                      std::string_view mode,
                                      int64_t duration_ms) const {
  auto it = kling_units_.find(std::string(model) + "/" + std::string(mode));
  if (it == kling_units_.end()) {
    return tl::unexpected<Error>(UnknownModel(
        "kling unit", std::string(model) + " " + std::string(mode)));
  }
  const KlingUnitPrice& p = it->second;
  int64_t secs = (duration_ms + 999) / 1000;
  int64_t extra = secs > p.base_seconds ? secs - p.base_seconds : 0;
  return p.base_units + static_cast<double>(extra) * p.per_second_units;
}

int64_t PriceTable::KlingUnitsMicros(double units) const {
  // Round up (an estimate must never be below the bill), forgiving the
  // binary fraction error of e.g. 2.5 * 0.14.
  return static_cast<int64_t>(
      std::ceil(units * kling_usd_per_unit_ * 1e6 - 1e-6));
}

Result<int64_t> PriceTable::EstimateKling(std::string_view model,
                                          std::string_view mode,
                                          int64_t duration_ms) const {
  ASSIGN_OR_RETURN(double units, KlingUnits(model, mode, duration_ms), "");
  return KlingUnitsMicros(units);
}

Result<int64_t> PriceTable::EstimateTokens(std::string_view model,
                                           int64_t input_tokens,
                                           int64_t max_output_tokens) const {
  auto it = tokens_.find(model);
  if (it == tokens_.end())
    return tl::unexpected<Error>(UnknownModel("token", model));
  const TokenPrice& p = it->second;
  // Round up: an estimate must never be below the bill.
  auto part = [](int64_t tokens, int64_t per_million) {
    return (tokens * per_million + 999'999) / 1'000'000;
  };
  return part(input_tokens, p.input_per_million_micros) +
         part(max_output_tokens, p.output_per_million_micros);
}

}  // namespace miri
