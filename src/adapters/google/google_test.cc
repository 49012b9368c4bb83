#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include "adapters/curl/media_probe.h"
#include "adapters/google/gemini_vision_analyzer.h"
#include "adapters/google/vertex_image_generator.h"
#include "adapters/google/vertex_vectors.h"
#include "adapters/localfs/localfs_blob_store.h"
#include "emulator_process.h"
#include "services/resilience/manual_clock.h"

namespace miri {
namespace {

class Sink final : public ResultSink {
 public:
  void OnResult(ProviderResult r) override {
    std::lock_guard lock(mu);
    results.push_back(std::move(r));
  }
  std::optional<ProviderResult> Wait() {
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard lock(mu);
        if (!results.empty()) return results[0];
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::nullopt;
  }
  std::mutex mu;
  std::vector<ProviderResult> results;
};

class GoogleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = testing::EmulatorProcess::Start();
    ASSERT_TRUE(e) << e.error().ToString();
    emu_ = std::move(*e);
    dir_ = std::filesystem::temp_directory_path() /
           ("miri-google-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    blobs_ = std::move(*LocalFsBlobStore::Open(dir_));
    std::string pixels(200 * 100, '\x80');
    ASSERT_TRUE(blobs_->Put("img/shot.png", EncodeGrayPng(200, 100, pixels)));
    config_.gemini_api_key = "test-gemini-key";
    config_.gemini_base_url = emu_->google();
    config_.vertex_base_url = emu_->google();
    config_.index_endpoint_base_url = emu_->google();
    config_.access_token = [] { return std::string("test-token"); };
    config_.project = "p-77";
    config_.index_id = "idx1";
    config_.index_endpoint_id = "ep1";
    config_.deployed_index_id = "mv_refs_v1";
    RetryOptions ro;
    ro.max_attempts = 3;
    retrier_ = std::make_unique<Retrier>(
        ro, sleeper_, [] { return 0.0; }, clock_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  Resilience Res() { return Resilience{nullptr, retrier_.get()}; }
  nlohmann::json LastRequest() { return emu_->Requests(emu_->google()).back(); }

  std::unique_ptr<testing::EmulatorProcess> emu_;
  std::filesystem::path dir_;
  std::unique_ptr<LocalFsBlobStore> blobs_;
  CurlHttpClient http_;
  ManualClock clock_;
  RecordingSleeper sleeper_{&clock_};
  std::unique_ptr<Retrier> retrier_;
  GoogleConfig config_;
  PriceTable prices_ = PriceTable::Defaults();
};

TEST_F(GoogleTest, RuleFromRejectionSendsImageAndSchemaAndParsesTheRule) {
  GeminiVisionAnalyzer vision(config_, http_, *blobs_, Res(), clock_);
  auto rule = vision.RuleFromRejection(
      {"img/shot.png", "S1_V1 Miri at the bus stop", "her skirt is too short"});
  ASSERT_TRUE(rule) << rule.error().ToString();
  EXPECT_EQ(rule->kind, RuleKind::kNegative);
  EXPECT_EQ(rule->scope, RuleScope::kCharacter);
  EXPECT_NE(rule->text.find("her skirt is too short"), std::string::npos);
  auto req = LastRequest();
  EXPECT_EQ(req["path"], "/v1beta/models/gemini-3.8-flash:generateContent");
  EXPECT_EQ(req["headers"]["x-goog-api-key"], "test-gemini-key");
  auto body = nlohmann::json::parse(req["body"].get<std::string>());
  const auto& parts = body["contents"][0]["parts"];
  EXPECT_EQ(body["contents"][0]["role"], "user");
  EXPECT_EQ(parts[0]["inlineData"]["mimeType"], "image/png");
  EXPECT_EQ(parts[0]["inlineData"]["data"].get<std::string>().rfind("iVBOR", 0),
            0u)
      << "raw base64, no data: prefix";
  EXPECT_EQ(body["generationConfig"]["responseMimeType"], "application/json");
  EXPECT_TRUE(body["generationConfig"].contains("responseJsonSchema"));
  EXPECT_FALSE(body["generationConfig"].contains("responseSchema"))
      << "not both";
  // Issue 17 item 3: low thinking, room for it, no deprecated temperature.
  EXPECT_EQ(body["generationConfig"]["thinkingConfig"],
            nlohmann::json::parse(R"({"thinkingLevel":"LOW"})"));
  EXPECT_EQ(body["generationConfig"]["maxOutputTokens"], 8192);
  EXPECT_FALSE(body["generationConfig"].contains("temperature"));
}

// Regression (issue 17 item 3): maxOutputTokens 2048 with the model's
// default thinking came back MAX_TOKENS without text; the emulator spends
// thoughts against the limit as the real API does.
TEST_F(GoogleTest, TheOldVisionSettingsRunOutOfTokensAndTheNewOnesDoNot) {
  GoogleConfig old = config_;
  old.vision_limits.max_output_tokens = 2048;
  old.vision_limits.thinking_level = "MEDIUM";  // the model's default
  GeminiVisionAnalyzer starved(old, http_, *blobs_, Res(), clock_);
  auto r = starved.RuleFromRejection({"img/shot.png", "p", "too dark"});
  ASSERT_TRUE(r) << "retried once with 4x the budget: " << r.error().ToString();
  auto reqs = emu_->Requests(emu_->google());
  ASSERT_GE(reqs.size(), 2u);
  auto first =
      nlohmann::json::parse(reqs[reqs.size() - 2]["body"].get<std::string>());
  auto second = nlohmann::json::parse(reqs.back()["body"].get<std::string>());
  EXPECT_EQ(first["generationConfig"]["maxOutputTokens"], 2048);
  EXPECT_EQ(second["generationConfig"]["maxOutputTokens"], 8192);
  old.vision_limits.max_output_tokens = 1024;
  old.vision_limits.thinking_level = "HIGH";
  GeminiVisionAnalyzer starved_twice(old, http_, *blobs_, Res(), clock_);
  auto failed = starved_twice.RuleFromRejection({"img/shot.png", "p", "dark"});
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("gemini-3.8-flash used all 4096"),
            std::string::npos)
      << failed.error().message;
}

TEST_F(GoogleTest, AVisionModelPastItsShutdownIsRefused) {
  config_.vision_model = "gemini-2.5-flash";
  GeminiVisionAnalyzer vision(config_, http_, *blobs_, Res(), clock_);
  auto r = vision.RuleFromRejection({"img/shot.png", "p", "too dark"});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("not found"), std::string::npos)
      << r.error().message;
}

TEST_F(GoogleTest, MaskFromInstructionDrawsTheBoxesOrKeepsTheUsersMask) {
  GeminiVisionAnalyzer vision(config_, http_, *blobs_, Res(), clock_);
  auto key = vision.MaskFromInstruction(
      {"img/shot.png", "make the umbrella red", "", "img/mask.png"});
  ASSERT_TRUE(key) << key.error().ToString();
  auto mask = blobs_->Get(*key);
  auto dims = ProbeImageDims(*mask);
  ASSERT_TRUE(dims);
  EXPECT_EQ(dims->width, 200);
  EXPECT_EQ(dims->height, 100);
  std::string expected(200 * 100, '\0');
  for (int y = 25; y < 75; ++y)
    expected.replace(y * 200 + 50, 100, std::string(100, '\xff'));
  EXPECT_EQ(*mask, EncodeGrayPng(200, 100, expected))
      << "box [250,250,750,750] of 1000";
  size_t before = emu_->Requests(emu_->google()).size();
  ASSERT_TRUE(blobs_->Put("img/drawn.png",
                          EncodeGrayPng(200, 100, std::string(20000, 'x'))));
  auto drawn = vision.MaskFromInstruction(
      {"img/shot.png", "anything", "img/drawn.png", "img/m2.png"});
  ASSERT_TRUE(drawn);
  EXPECT_EQ(*blobs_->Get("img/m2.png"), *blobs_->Get("img/drawn.png"));
  EXPECT_EQ(emu_->Requests(emu_->google()).size(), before)
      << "the drawn mask wins";
}

TEST_F(GoogleTest, NonStopFinishAndRateLimitsAreHandled) {
  GeminiVisionAnalyzer vision(config_, http_, *blobs_, Res(), clock_);
  emu_->Post(emu_->google(), "/__control/faults",
             {{"rules",
               {{{"op", "generate"},
                 {"status", 429},
                 {"times", 1},
                 {"body",
                  {{"error",
                    {{"code", 429},
                     {"status", "RESOURCE_EXHAUSTED"},
                     {"message", "quota"},
                     {"details",
                      {{{"@type", "type.googleapis.com/google.rpc.RetryInfo"},
                        {"retryDelay", "3s"}}}}}}}}}}}});
  ASSERT_TRUE(vision.RuleFromRejection({"img/shot.png", "p", "too dark"}));
  EXPECT_EQ(sleeper_.delays(), std::vector<int64_t>{3000});
  emu_->Post(emu_->google(), "/__control/config", {{"finishReason", "SAFETY"}});
  auto blocked = vision.RuleFromRejection({"img/shot.png", "p", "too dark"});
  ASSERT_FALSE(blocked);
  EXPECT_NE(blocked.error().message.find("SAFETY"), std::string::npos);
}

TEST_F(GoogleTest, VertexImageRendersScenesWithoutTheCharacterAndRefusesLoras) {
  Sink sink;
  VertexImageGenerator vertex(config_, http_, *blobs_, sink, prices_, Res(),
                              clock_);
  ImageRequest r;
  r.job_id = "p1:v9";
  r.prompt = "S3_V1_IMG empty rooftop in the rain, 35mm film still";
  r.negative_prompt = "people";
  r.width = 1344;
  r.height = 768;
  r.seed = 4242;
  r.output_key = "img/v9.png";
  auto d = vertex.Submit(r);
  ASSERT_TRUE(d) << d.error().ToString();
  EXPECT_EQ(d->estimated_cost_micros, 39'000);
  auto result = sink.Wait();
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, ProviderResult::Status::kSucceeded)
      << result->error;
  EXPECT_EQ(result->provider, "vertex");
  auto dims = ProbeImageDims(*blobs_->Get("img/v9.png"));
  EXPECT_EQ(dims->width, 1344);
  EXPECT_EQ(dims->height, 768);
  auto req = LastRequest();
  EXPECT_EQ(req["path"],
            "/v1/projects/p-77/locations/us-central1/publishers/google/models/"
            "gemini-2.5-flash-image:generateContent");
  EXPECT_EQ(req["headers"]["authorization"], "Bearer test-token");
  EXPECT_EQ(nlohmann::json::parse(req["body"].get<std::string>()),
            nlohmann::json::parse(R"({
    "contents":[{"role":"user","parts":[{"text":
      "S3_V1_IMG empty rooftop in the rain, 35mm film still\nAvoid: people"}]}],
    "generationConfig":{"responseModalities":["IMAGE"],"candidateCount":1,
      "imageConfig":{"aspectRatio":"16:9"},"seed":4242}})"));
  r.job_id = "p1:v10";
  r.loras = {"miriN14"};
  auto refused = vertex.Submit(r);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kRefused);
}

TEST_F(GoogleTest, VertexImageModelIsCheckedAndTheRetiredImagenIs404) {
  EXPECT_TRUE(VertexImageGenerator::CheckModel("gemini-2.5-flash-image", "m"));
  auto imagen = VertexImageGenerator::CheckModel("imagen-4.0-generate-001",
                                                 "MIRI_VERTEX_IMAGE_MODEL");
  ASSERT_FALSE(imagen);
  EXPECT_EQ(imagen.error().issues.at(0).path, "MIRI_VERTEX_IMAGE_MODEL");
  EXPECT_NE(imagen.error().message.find("discontinued"), std::string::npos);
  EXPECT_FALSE(VertexImageGenerator::CheckModel("dall-e-3", "m"));
  // The emulator refuses what Vertex refuses: a retired model is 404, and
  // the failure is not retried.
  GoogleConfig old = config_;
  old.image_model = "imagen-4.0-generate-001";
  Sink sink;
  VertexImageGenerator vertex(old, http_, *blobs_, sink, prices_, Res(),
                              clock_);
  ImageRequest r;
  r.job_id = "p1:v11";
  r.prompt = "empty rooftop";
  r.output_key = "img/v11.png";
  ASSERT_TRUE(vertex.Submit(r));
  auto result = sink.Wait();
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, ProviderResult::Status::kFailed);
  EXPECT_FALSE(result->retryable);
  EXPECT_NE(result->error.find("404"), std::string::npos) << result->error;
}

TEST_F(GoogleTest, EmbeddingsAreUnitVectorsAndDeterministic) {
  VertexEmbedder embedder(config_, http_, Res(), clock_);
  auto e = embedder.Embed(
      {"hem stays mid-calf", "mouth closed", "hem stays mid-calf"},
      EmbedPurpose::kDocument);
  ASSERT_TRUE(e) << e.error().ToString();
  ASSERT_EQ(e->size(), 3u);
  EXPECT_EQ((*e)[0].size(), 768u);
  EXPECT_EQ((*e)[0], (*e)[2]);
  EXPECT_NEAR(Cosine((*e)[0], (*e)[0]), 1.0, 1e-5);
  auto body = nlohmann::json::parse(LastRequest()["body"].get<std::string>());
  EXPECT_EQ(
      body["instances"][0],
      nlohmann::json::parse(
          R"({"content":"hem stays mid-calf","task_type":"RETRIEVAL_DOCUMENT"})"));
  EXPECT_EQ(body["parameters"]["outputDimensionality"], 768);
}

TEST_F(GoogleTest, VectorSearchUpsertQueryRemove) {
  VertexEmbedder embedder(config_, http_, Res(), clock_);
  VertexVectorIndex index(config_, http_, Res(), clock_);
  auto docs =
      embedder.Embed({"red umbrella rain", "sunny beach", "red umbrella"},
                     EmbedPurpose::kDocument);
  ASSERT_TRUE(docs);
  ASSERT_TRUE(index.Upsert({{"r1", (*docs)[0], {{"project", "p-77"}}},
                            {"r2", (*docs)[1], {{"project", "p-77"}}},
                            {"r3", (*docs)[2], {{"project", "other"}}}}));
  auto upsert = nlohmann::json::parse(LastRequest()["body"].get<std::string>());
  EXPECT_EQ(upsert["datapoints"][0]["restricts"],
            nlohmann::json::parse(
                R"([{"namespace":"project","allowList":["p-77"]}])"));
  EXPECT_EQ(*index.Size(), 3u);
  auto q = embedder.Embed({"red umbrella rain"}, EmbedPurpose::kQuery);
  auto hits = index.Query((*q)[0], 5, {{"project", "p-77"}});
  ASSERT_TRUE(hits) << hits.error().ToString();
  ASSERT_EQ(hits->size(), 2u) << "r3 is filtered out";
  EXPECT_EQ((*hits)[0].id, "r1");
  EXPECT_GT((*hits)[0].score, (*hits)[1].score);
  auto find = LastRequest();
  EXPECT_EQ(find["path"],
            "/v1/projects/p-77/locations/us-central1/indexEndpoints/"
            "ep1:findNeighbors");
  EXPECT_EQ(
      nlohmann::json::parse(find["body"].get<std::string>())["deployedIndexId"],
      "mv_refs_v1");
  ASSERT_TRUE(index.Remove({"r1"}));
  EXPECT_EQ((*index.Query((*q)[0], 5, {{"project", "p-77"}}))[0].id, "r2");
  size_t sent = emu_->Requests(emu_->google()).size();
  auto bad = index.Upsert({{"x", Embedding(3, 0.5f), {}}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(emu_->Requests(emu_->google()).size(), sent);
}

}  // namespace
}  // namespace miri
