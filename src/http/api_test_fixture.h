// A whole Api over real embedded adapters (SQLite file, local blobs,
// in-process bus) for controller tests; no network.
#ifndef MIRI_HTTP_API_TEST_FIXTURE_H_
#define MIRI_HTTP_API_TEST_FIXTURE_H_

#include "adapters/hnsw/hnsw_index.h"
#include "adapters/lexical/lexical_embedder.h"

#include <filesystem>
#include <memory>
#include <mutex>

#include <gtest/gtest.h>

#include "adapters/inproc_bus/inproc_bus.h"
#include "adapters/localfs/localfs_blob_store.h"
#include "adapters/sqlite/sqlite_store.h"
#include "http/api.h"

namespace miri::http::testing {

class FixedClock final : public Clock {
 public:
  int64_t NowMs() const override { return 1767225600000; }
};

// Accepts a webhook when its "x-test-signature" header is "good".
class TestVerifier final : public WebhookVerifier {
 public:
  Result<void> Verify(std::string_view, const Request& r) override {
    if (r.Header("x-test-signature") == "good") return {};
    return MakeError(ErrorCode::kInvalidArgument, "bad test signature");
  }
};

inline constexpr char kProjectId[] = "123e4567-e89b-12d3-a456-426614174000";

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/miri-api-XXXXXX";
    dir_ = mkdtemp(tmpl);
    store_ = std::move(SqliteStore::Open((dir_ / "miri.db").string()).value());
    blobs_ = std::move(LocalFsBlobStore::Open(dir_ / "blobs").value());
    commands_ = std::make_unique<ShotCommands>(*store_, bus_, clock_);
    index_ = std::move(HnswIndex::Open("", embedder_.dimensions()).value());
    rulebook_ = std::make_unique<Rulebook>(
        *store_, embedder_, *index_, analyzer_, &bus_, clock_,
        [this] { return "r" + std::to_string(++ids_); });
    MakeApi(ApiConfig{});
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void MakeApi(ApiConfig config) {
    ApiDeps deps{store_.get(),    blobs_.get(),    &bus_,
                 &clock_,         commands_.get(), &verifier_,
                 rulebook_.get(), nullptr,         receivers_};
    api_ = std::make_unique<Api>(deps, std::move(config));
  }

  Response Call(std::string method, std::string target, std::string body = "",
                std::map<std::string, std::string> headers = {}) {
    Request r;
    r.method = std::move(method);
    EXPECT_TRUE(ParseTarget(target, &r.path, &r.query)) << target;
    if (!body.empty() && !headers.count("content-type"))
      headers["content-type"] = "application/json";
    r.headers = std::move(headers);
    r.body = std::move(body);
    return api_->Handle(std::move(r));
  }
  static nlohmann::json Body(const Response& r) {
    return nlohmann::json::parse(r.body, nullptr, false);
  }
  // The path of the first issue of an error response.
  static std::string FirstIssue(const Response& r) {
    auto j = Body(r);
    if (!j.contains("error") || j["error"]["issues"].empty())
      return "(none): " + r.body;
    return j["error"]["issues"][0]["path"];
  }

  nlohmann::json ProjectJson() {
    return nlohmann::json::parse(R"({
      "projectId": "123e4567-e89b-12d3-a456-426614174000",
      "projectName": "Rain Song",
      "globalSettings": {"llmModel": "gemini-2.5-pro", "imageModel": "fal-ai/flux-2/lora",
                         "videoModel": "kling-v2-5-turbo", "loraWeightsId": "miriN14",
                         "requireHumanApproval": true, "budgetCapUsd": 12.5}})");
  }
  nlohmann::json PlanJson() {
    return nlohmann::json::parse(R"({
      "scenes": [{"sceneId": "sc1", "startMs": 0, "endMs": 8000, "label": "intro"}],
      "shots": [{"shotId": "sh1", "sceneId": "sc1", "timestamps": {"startMs": 0, "endMs": 4000},
                 "lyricsSnippet": "rain on the roof", "description": "Miri at a window"},
                {"shotId": "sh2", "sceneId": "sc1", "timestamps": {"startMs": 4000, "endMs": 8000},
                 "lyricsSnippet": "", "description": "empty street", "showsMiri": false}]})");
  }
  // A project with a committed plan: shots sh1, sh2 in DRAFT.
  void CreatePlannedProject() {
    ASSERT_EQ(Call("POST", "/api/projects", ProjectJson().dump()).status, 201);
    Response r =
        Call("PUT", std::string("/api/projects/") + kProjectId + "/plan",
             PlanJson().dump());
    ASSERT_EQ(r.status, 201) << r.body;
  }
  size_t EventCount() {
    return static_cast<Store&>(*store_).ListEvents(kProjectId).value().size();
  }
  std::string ShotStatus(const std::string& shot) {
    return std::string(
        ShotStatusName(store_->GetShot(kProjectId, shot).value().status));
  }
  std::string ShotPath(const std::string& shot, const std::string& action) {
    return std::string("/api/projects/") + kProjectId + "/shots/" + shot + "/" +
           action;
  }
  // Moves sh1 to GENERATING_IMAGE through the API; returns the version id.
  std::string Generate(const std::string& shot = "sh1") {
    Response r = Call(
        "POST", "/api/shots/generate",
        nlohmann::json{{"projectId", kProjectId}, {"shotId", shot}}.dump());
    EXPECT_EQ(r.status, 202) << r.body;
    return Body(r).value("versionId", std::string());
  }
  Response FalWebhook(const std::string& shot, const std::string& version,
                      const std::string& request_id,
                      const std::string& status = "OK") {
    return Call(
        "POST",
        std::string("/api/webhooks/fal?projectId=") + kProjectId +
            "&shotId=" + shot + "&versionId=" + version,
        nlohmann::json{{"request_id", request_id},
                       {"status", status},
                       {"payload", {{"images", nlohmann::json::array()}}}}
            .dump(),
        {{"x-test-signature", "good"}});
  }

  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<LocalFsBlobStore> blobs_;
  InProcessBus bus_;
  FixedClock clock_;
  TestVerifier verifier_;
  std::map<std::string, WebhookReceiver*> receivers_;  // set before MakeApi
  std::unique_ptr<ShotCommands> commands_;
  // The rulebook behind the rules routes; its analyzer is not used by them.
  class NoAnalyzer final : public VisionAnalyzer {
   public:
    std::string_view name() const override { return "none"; }
    Result<RuleProposal> RuleFromRejection(const RejectionInput&) override {
      return MakeError(ErrorCode::kUnavailable, "unused");
    }
    Result<std::string> MaskFromInstruction(const MaskInput&) override {
      return MakeError(ErrorCode::kUnavailable, "unused");
    }
  } analyzer_;
  LexicalEmbedder embedder_;
  std::unique_ptr<HnswIndex> index_;
  int ids_ = 0;
  std::unique_ptr<Rulebook> rulebook_;
  std::unique_ptr<Api> api_;
};

}  // namespace miri::http::testing

#endif  // MIRI_HTTP_API_TEST_FIXTURE_H_
