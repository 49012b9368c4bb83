#include "domain/model_catalog.h"

#include <gtest/gtest.h>

namespace miri {
namespace {

TEST(ModelCatalogTest, CurrentGeminiAndLocalModelsMayBeSaved) {
  for (const char* m : {"gemini-3.8-flash", "gemini-3.1-pro-preview",
                        "gemini-2.5-flash-lite", "local", "local-director"}) {
    EXPECT_EQ(WhyModelRefused(ModelUse::kLanguage, m), "") << m;
  }
}

TEST(ModelCatalogTest, RetiredUnknownAndUnservedLanguageModelsAreRefused) {
  EXPECT_NE(WhyModelRefused(ModelUse::kLanguage, "gemini-2.5-pro")
                .find("shut down by Google; choose gemini-3.8-flash"),
            std::string::npos);
  EXPECT_NE(WhyModelRefused(ModelUse::kLanguage, "gemini-1.5-flash")
                .find("shut down"),
            std::string::npos);
  EXPECT_NE(WhyModelRefused(ModelUse::kLanguage, "gpt-4o")
                .find("unknown model gpt-4o"),
            std::string::npos);
  EXPECT_NE(WhyModelRefused(ModelUse::kLanguage, "gemini-").find("unknown"),
            std::string::npos);
  EXPECT_NE(WhyModelRefused(ModelUse::kLanguage, "claude-sonnet-4-5")
                .find("Anthropic adapter"),
            std::string::npos);
}

TEST(ModelCatalogTest, ImageModelsAreFlux2EndpointsBecauseTheLoraIsFlux2) {
  EXPECT_EQ(WhyModelRefused(ModelUse::kImage, "fal-ai/flux-2/lora"), "");
  EXPECT_EQ(WhyModelRefused(ModelUse::kImage, "local-image"), "");
  EXPECT_NE(
      WhyModelRefused(ModelUse::kImage, "fal-ai/flux-lora").find("FLUX.2 LoRA"),
      std::string::npos);
}

TEST(ModelCatalogTest, VideoModelsComeFromTheCapabilityMap) {
  EXPECT_EQ(WhyModelRefused(ModelUse::kVideo, "kling-v2-5-turbo"), "");
  EXPECT_EQ(WhyModelRefused(ModelUse::kVideo, "local-video"), "");
  const std::string why = WhyModelRefused(ModelUse::kVideo, "kling-v9");
  EXPECT_NE(why.find("unknown video model kling-v9"), std::string::npos);
  EXPECT_NE(why.find("kling-v2-5-turbo"), std::string::npos) << why;
}

}  // namespace
}  // namespace miri
