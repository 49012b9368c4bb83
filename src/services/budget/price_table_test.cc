#include "services/budget/price_table.h"

#include <gtest/gtest.h>

namespace miri {
namespace {

TEST(PriceTable, FluxLoraRoundsEachImageUpToWholeMegapixels) {
  PriceTable t = PriceTable::Defaults();
  EXPECT_EQ(MegapixelsRoundedUp({1024, 1024}), 1);
  EXPECT_EQ(MegapixelsRoundedUp({1025, 1024}), 2);
  EXPECT_EQ(*t.EstimateImage("fal-ai/flux-2/lora", {{1344, 768}}), 21'000);
  EXPECT_EQ(*t.EstimateImage("fal-ai/flux-2/lora", {{2048, 2048}}), 84'000);
  EXPECT_EQ(
      *t.EstimateImage("fal-ai/flux-2/lora", {{1024, 1024}, {1024, 1024}}),
      42'000);
}

TEST(PriceTable, EditCountsInputsAndTieredPricesApply) {
  PriceTable t = PriceTable::Defaults();
  EXPECT_EQ(*t.EstimateImage("fal-ai/flux-2/lora/edit", {{1024, 1024}},
                             {{1024, 1024}, {1024, 1024}}),
            63'000);
  EXPECT_EQ(
      *t.EstimateImage("fal-ai/flux-2/lora", {{1024, 1024}}, {{1024, 1024}}),
      21'000)
      << "t2i ignores inputs";
  // max/edit: $0.07 first MP + $0.03 each extra: 2 MP output = $0.10.
  EXPECT_EQ(*t.EstimateImage("fal-ai/flux-2-max/edit", {{2048, 1024}}),
            100'000);
  EXPECT_EQ(*t.EstimateImage("imagen-4.0-generate-001", {{2048, 2048}}),
            40'000);
}

TEST(PriceTable, VideoAndTokens) {
  PriceTable t = PriceTable::Defaults();
  EXPECT_EQ(
      *t.EstimateVideo("fal-ai/kling-video/v2.1/pro/image-to-video", 5000),
      490'000);
  EXPECT_EQ(
      *t.EstimateVideo("fal-ai/kling-video/v2.1/pro/image-to-video", 10000),
      980'000);
  EXPECT_FALSE(t.EstimateVideo("kling-v3", 5000))
      << "direct Kling is billed in units, not at fal's prices";
  // 10k in at $1.25/M + 8192 out at $10/M = 0.0125 + 0.08192.
  EXPECT_EQ(*t.EstimateTokens("gemini-2.5-pro", 10'000, 8192), 12'500 + 81'920);
}

TEST(PriceTable, UnknownModelsAreNotFoundAndTablesAreConfigurable) {
  PriceTable t = PriceTable::Defaults();
  EXPECT_EQ(t.EstimateImage("nope", {{1, 1}}).error().code,
            ErrorCode::kNotFound);
  auto custom = PriceTable::FromJson(nlohmann::json::parse(
      R"({"as_of":"test","image":{"m":{"first_mp_usd":1.5,"extra_mp_usd":0.5}}})"));
  ASSERT_TRUE(custom);
  EXPECT_EQ(*custom->EstimateImage("m", {{2048, 1024}}), 2'000'000);
  EXPECT_FALSE(
      PriceTable::FromJson(nlohmann::json::parse(R"({"image":{"m":3}})")));
}

TEST(PriceTable, DirectKlingIsPricedInItsOwnUnits) {
  PriceTable t = PriceTable::Defaults();
  // 2.5 units for 5 s of v2.5 turbo pro, 0.5 per further second.
  EXPECT_DOUBLE_EQ(*t.KlingUnits("kling-v2-5-turbo", "pro", 5000), 2.5);
  EXPECT_DOUBLE_EQ(*t.KlingUnits("kling-v2-5-turbo", "pro", 10000), 5.0);
  EXPECT_EQ(*t.EstimateKling("kling-v2-5-turbo", "pro", 5000), 350'000)
      << "2.5 units at $0.14";
  EXPECT_EQ(t.KlingUnitsMicros(3.5), 490'000);
  EXPECT_TRUE(t.EstimateKling("kling-v3-omni", "pro", 7000));
  EXPECT_EQ(t.EstimateKling("kling-v2-5-turbo", "4k", 5000).error().code,
            ErrorCode::kNotFound);
}

TEST(PriceTable, KlingUnitPriceAndUnitsAreConfigurable) {
  auto t = PriceTable::FromJson(nlohmann::json::parse(R"({
    "kling": {"usd_per_unit": 0.1,
              "units": {"kling-v3-omni/pro": {"base_units": 8, "base_seconds": 5,
                                              "per_second_units": 1.6}}}})"));
  ASSERT_TRUE(t) << t.error().ToString();
  EXPECT_DOUBLE_EQ(*t->KlingUnits("kling-v3-omni", "pro", 7000), 11.2);
  EXPECT_EQ(*t->EstimateKling("kling-v3-omni", "pro", 7000), 1'120'000);
  EXPECT_EQ(t->KlingUnitsMicros(2.5), 250'000);
  EXPECT_FALSE(t->EstimateKling("kling-v2-5-turbo", "pro", 5000))
      << "a configured table replaces the defaults";
  t->SetKlingUsdPerUnit(0.126);
  EXPECT_EQ(*t->EstimateKling("kling-v3-omni", "pro", 5000), 1'008'000);
  EXPECT_FALSE(PriceTable::FromJson(
      nlohmann::json::parse(R"({"kling":{"usd_per_unit":-1}})")));
  EXPECT_FALSE(PriceTable::FromJson(nlohmann::json::parse(
      R"({"kling":{"usd_per_unit":0.1,"units":{"kling-v3":{}}}})")))
      << "a units key is model/mode";
}

}  // namespace
}  // namespace miri
