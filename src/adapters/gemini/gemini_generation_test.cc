#include "adapters/gemini/gemini_generation.h"

#include <gtest/gtest.h>

namespace miri::gemini {
namespace {

using nlohmann::json;

const json kSchema = {{"type", "object"}};

TEST(GeminiGeneration, ThinkingFollowsTheModelFamily) {
  EXPECT_EQ(ThinkingOf("gemini-2.5-flash-lite"), Thinking::kBudget);
  EXPECT_EQ(ThinkingOf("models/gemini-2.5-pro"), Thinking::kBudget);
  EXPECT_EQ(ThinkingOf("gemini-3.8-flash"), Thinking::kLevel);
  EXPECT_EQ(ThinkingOf("gemini-3.1-pro-preview"), Thinking::kLevel);
  EXPECT_EQ(kDefaultModel, "gemini-3.8-flash");
}

TEST(GeminiGeneration, A3xModelGetsALowThinkingLevelAndNoTemperature) {
  GenerationLimits l;
  l.max_output_tokens = 8192;
  l.temperature = 0.2;
  EXPECT_EQ(JsonGenerationConfig("gemini-3.8-flash", l, "responseJsonSchema",
                                 kSchema),
            json::parse(R"({"maxOutputTokens": 8192,
              "thinkingConfig": {"thinkingLevel": "LOW"},
              "responseMimeType": "application/json",
              "responseJsonSchema": {"type": "object"}})"));
}

TEST(GeminiGeneration, A25ModelGetsASmallThinkingBudget) {
  GenerationLimits l;
  l.max_output_tokens = 4096;
  l.thinking_budget = 512;
  l.temperature = 0.2;
  EXPECT_EQ(JsonGenerationConfig("gemini-2.5-flash-lite", l, "responseSchema",
                                 kSchema),
            json::parse(R"({"maxOutputTokens": 4096,
        "thinkingConfig": {"thinkingBudget": 512}, "temperature": 0.2,
        "responseMimeType": "application/json",
        "responseSchema": {"type": "object"}})"));
}

json Reply(const char* finish, const char* text, int thoughts) {
  json parts = json::array();
  if (text) parts.push_back({{"text", text}});
  return {{"candidates",
           {{{"content", {{"role", "model"}, {"parts", parts}}},
             {"finishReason", finish}}}},
          {"usageMetadata", {{"thoughtsTokenCount", thoughts}}}};
}

TEST(GeminiGeneration, MaxTokensWithoutTextIsRetriedOnceWithALargerBudget) {
  std::vector<int> limits;
  auto send = [&](const json& body) -> Result<json> {
    limits.push_back(body["generationConfig"]["maxOutputTokens"]);
    return limits.size() == 1 ? Reply("MAX_TOKENS", nullptr, 2048)
                              : Reply("STOP", "{}", 3000);
  };
  json body = {{"generationConfig", {{"maxOutputTokens", 2048}}}};
  auto r = GenerateWithRetry("gemini-3.8-flash", body, send);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(limits, (std::vector<int>{2048, 8192}));
  EXPECT_EQ((*r)["candidates"][0]["finishReason"], "STOP");
}

TEST(GeminiGeneration, RunningOutTwiceNamesTheModelAndTheLimit) {
  int calls = 0;
  auto send = [&](const json&) -> Result<json> {
    ++calls;
    return Reply("MAX_TOKENS", nullptr, 8192);
  };
  json body = {{"generationConfig", {{"maxOutputTokens", 2048}}}};
  auto r = GenerateWithRetry("gemini-3.8-flash", body, send);
  ASSERT_FALSE(r);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("gemini-3.8-flash"), std::string::npos);
  EXPECT_NE(r.error().message.find("8192 output tokens"), std::string::npos)
      << r.error().message;
}

TEST(GeminiGeneration, ATruncatedAnswerOrAnErrorIsNotRetried) {
  int calls = 0;
  auto truncated = [&](const json&) -> Result<json> {
    ++calls;
    return Reply("MAX_TOKENS", "{\"sce", 100);
  };
  json body = {{"generationConfig", {{"maxOutputTokens", 2048}}}};
  EXPECT_TRUE(GenerateWithRetry("m", body, truncated));
  EXPECT_EQ(calls, 1);
  auto failing = [&](const json&) -> Result<json> {
    ++calls;
    return MakeError(ErrorCode::kUnavailable, "503");
  };
  EXPECT_FALSE(GenerateWithRetry("m", body, failing));
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace miri::gemini
