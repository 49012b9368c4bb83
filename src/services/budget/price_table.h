// PriceTable: what a provider call is expected to cost, in integer
// micro-dollars, from configuration (defaults: providers.md section 7,
// dated in DefaultPricesJson()). Prices change; never hard-code them in
// logic, override them with a JSON file of the same shape.
#ifndef MIRI_SERVICES_BUDGET_PRICE_TABLE_H_
#define MIRI_SERVICES_BUDGET_PRICE_TABLE_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/result.h"

namespace miri {

// Per-megapixel pricing; fal rounds each image up to whole megapixels
// (1 MP = 1024 x 1024 px).
struct ImagePrice {
  int64_t first_mp_micros = 0;
  int64_t extra_mp_micros = 0;   // each MP after the first of an image
  bool inputs_count = false;     // edit endpoints bill input images too
  int64_t per_image_micros = 0;  // flat price per image (Imagen)
};

// base_micros covers base_seconds; every further second costs
// per_second_micros (base 0 = purely per second).
struct VideoPrice {
  int64_t base_micros = 0;
  int64_t base_seconds = 0;
  int64_t per_second_micros = 0;
};

// Direct Kling bills prepaid resource-pack units per task (reported after
// the task as `final_unit_deduction`); a unit's dollar price depends on the
// pack bought, so it is configuration (kling.usd_per_unit).
struct KlingUnitPrice {
  double base_units = 0;  // covers base_seconds
  int64_t base_seconds = 0;
  double per_second_units = 0;  // each further second
};

struct TokenPrice {
  int64_t input_per_million_micros = 0;
  int64_t output_per_million_micros = 0;
};

struct Size {
  int width = 0;
  int height = 0;
};

class PriceTable {
 public:
  // {"as_of": "...", "image": {model: {...}}, "video": {...}, "tokens": {...},
  //  "kling": {"usd_per_unit": 0.14, "units": {"model/mode": {...}}}}
  static Result<PriceTable> FromJson(const nlohmann::json& j);
  static const char* DefaultPricesJson();
  static PriceTable Defaults();

  Result<int64_t> EstimateImage(std::string_view model,
                                const std::vector<Size>& outputs,
                                const std::vector<Size>& inputs = {}) const;
  Result<int64_t> EstimateVideo(std::string_view model,
                                int64_t duration_ms) const;
  // Direct Kling: units a (model, mode, duration) task is expected to
  // cost, and their price. NOT_FOUND for a pair the table has no row for.
  Result<double> KlingUnits(std::string_view model, std::string_view mode,
                            int64_t duration_ms) const;
  Result<int64_t> EstimateKling(std::string_view model, std::string_view mode,
                                int64_t duration_ms) const;
  // Units (e.g. a task's final_unit_deduction) in micro-dollars, rounded up.
  int64_t KlingUnitsMicros(double units) const;
  // The price of a unit in the resource pack bought (a setting); > 0.
  void SetKlingUsdPerUnit(double usd) { kling_usd_per_unit_ = usd; }
  Result<int64_t> EstimateTokens(std::string_view model, int64_t input_tokens,
                                 int64_t max_output_tokens) const;
  const std::string& as_of() const { return as_of_; }

 private:
  std::string as_of_;
  std::map<std::string, ImagePrice, std::less<>> image_;
  std::map<std::string, VideoPrice, std::less<>> video_;
  std::map<std::string, TokenPrice, std::less<>> tokens_;
  double kling_usd_per_unit_ = 0;
  std::map<std::string, KlingUnitPrice, std::less<>> kling_units_;
};

// ceil(w*h / 1,048,576), at least 1.
int64_t MegapixelsRoundedUp(const Size& s);

}  // namespace miri

#endif  // MIRI_SERVICES_BUDGET_PRICE_TABLE_H_
