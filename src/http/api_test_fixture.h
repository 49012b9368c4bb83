// A whole Api over real embedded adapters (a SQLite file, or a project of
// its own on the run's official Firestore emulator; local blobs,
// in-process bus) and the real command path (CommandService over the
// Orchestrator with the local providers) for controller tests; no network.
// The local providers run every job (outputs stored) but hold their
// results back, so each test delivers them itself through a webhook route
// (or WaitForOutputs and then a webhook), deterministically.
#ifndef MIRI_HTTP_API_TEST_FIXTURE_H_
#define MIRI_HTTP_API_TEST_FIXTURE_H_

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "adapters/firestore/firestore_store.h"
#include "adapters/firestore/test_firestore_emulator.h"
#include "adapters/hnsw/hnsw_index.h"
#include "adapters/inproc_bus/inproc_bus.h"
#include "adapters/lexical/lexical_embedder.h"
#include "adapters/local/local_image_generator.h"
#include "adapters/local/local_video_generator.h"
#include "adapters/local/local_vision_analyzer.h"
#include "adapters/localfs/localfs_blob_store.h"
#include "adapters/sqlite/sqlite_store.h"
#include "http/api.h"
#include "testing/provider_doubles.h"

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

using ::miri::testing::LateSink;

enum class StoreKind { kSqlite, kFirestore };
inline void PrintTo(StoreKind k, std::ostream* os) {
  *os << (k == StoreKind::kSqlite ? "sqlite" : "firestore");
}

class ApiTest : public ::testing::Test {
 protected:
  // The store the test runs on; a parameterised test overrides it.
  virtual StoreKind store_kind() const { return StoreKind::kSqlite; }

  // Another handle on the test's data (a second instance's store).
  std::unique_ptr<Store> OpenStore() {
    if (store_kind() == StoreKind::kSqlite) {
      auto s = SqliteStore::Open((dir_ / "miri.db").string());
      EXPECT_TRUE(s) << s.error().ToString();
      return s ? std::move(*s) : nullptr;
    }
    ::miri::testing::TestFirestoreEmulator& emulator =
        ::miri::testing::SharedEmulator();
    EXPECT_TRUE(emulator.running()) << emulator.error();
    firestore::ClientOptions options;
    options.target = emulator.host();
    options.emulator = true;
    // GCP project ids are lower case.
    std::string name = dir_.filename().string();
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    options.gcp_project = name;
    auto s = FirestoreStore::Open(options);
    EXPECT_TRUE(s) << s.error().ToString();
    return s ? std::move(*s) : nullptr;
  }

  void SetUp() override {
    char tmpl[] = "/tmp/miri-api-XXXXXX";
    dir_ = mkdtemp(tmpl);
    store_ = OpenStore();
    ASSERT_NE(store_, nullptr);
    blobs_ = std::move(LocalFsBlobStore::Open(dir_ / "blobs").value());
    index_ = std::move(HnswIndex::Open("", embedder_.dimensions()).value());
    vision_ = std::make_unique<local::LocalVisionAnalyzer>(blobs_.get());
    rulebook_ = std::make_unique<Rulebook>(
        *store_, embedder_, *index_, *vision_, &bus_, clock_,
        [this] { return "r" + std::to_string(++ids_); });
    StartCommands();
    MakeApi(ApiConfig{});
  }
  void TearDown() override {
    sink_.target = nullptr;  // then stop the providers' workers
    commands_.reset();
    orchestrator_.reset();  // its image checks may still use the providers
    images_.reset();
    videos_.reset();
    std::filesystem::remove_all(dir_);
  }

  // The orchestrator again, sending images through `front` (a wrapper of
  // images_) instead of images_.
  void RebuildOrchestrator(ImageGenerator* front) {
    sink_.target = nullptr;
    commands_.reset();
    orchestrator_.reset();
    MakeOrchestrator(*front);
    MakeApi(ApiConfig{});
  }

  // The real command path; `deliver` false: results wait for a webhook.
  void StartCommands(bool deliver = false) {
    sink_.target = nullptr;
    commands_.reset();
    orchestrator_.reset();
    images_.reset();
    videos_.reset();
    local::LocalProviderOptions provider;
    provider.deliver_results = deliver;
    images_ = std::make_unique<local::LocalImageGenerator>(blobs_.get(), &sink_,
                                                           provider);
    local::LocalVideoOptions video;
    video.provider = provider;
    video.scratch_dir = dir_;
    videos_ = std::make_unique<local::LocalVideoGenerator>(blobs_.get(), &sink_,
                                                           video);
    MakeOrchestrator(*images_);
  }
  void MakeOrchestrator(ImageGenerator& images) {
    OrchestratorOptions options;
    options.image_width = 160;
    options.image_height = 90;
    options.video_fps = 4;
    orchestrator_ = std::make_unique<Orchestrator>(
        *store_, *blobs_, &bus_, images, *videos_, *vision_, rulebook_.get(),
        clock_, [this] { return "o" + std::to_string(++ids_); }, options);
    commands_ =
        std::make_unique<CommandService>(*store_, bus_, clock_, *orchestrator_);
    commands_->SetRenderStarter([this](const std::string& p) {
      std::lock_guard lock(render_mu_);
      renders_started_.push_back(p);
    });
    sink_.target = orchestrator_.get();
  }
  std::vector<std::string> RendersStarted() {
    std::lock_guard lock(render_mu_);
    return renders_started_;
  }

  // Waits (bounded) until the providers have run every job, then says
  // whether every output of the version is stored.
  bool WaitForOutputs(const std::string& version) {
    if (!images_->runner().WaitIdle(std::chrono::seconds(30)) ||
        !videos_->runner().WaitIdle(std::chrono::seconds(60))) {
      return false;
    }
    auto v = store_->GetVersion(kProjectId, version);
    bool all = v.has_value() && !v->outputs.empty();
    for (const std::string& key : v ? v->outputs : std::vector<std::string>{}) {
      all = all && blobs_->Exists(key).value_or(false);
    }
    return all;
  }
  // The shot's newest version.
  std::string LatestVersion(const std::string& shot) {
    auto s = store_->GetShot(kProjectId, shot);
    return s && !s->versions.empty() ? s->versions.back() : "";
  }

  // `system_checks`: what /readyz and GET /api/system/checks report.
  render::AnimaticService* animatic_ = nullptr;  // for MakeApi
  void MakeApi(ApiConfig config,
               std::function<nlohmann::json()> system_checks = {}) {
    ApiDeps deps{store_.get(),    blobs_.get(),
                 &bus_,           api_clock_ ? api_clock_ : &clock_,
                 commands_.get(), &verifier_,
                 rulebook_.get(), nullptr,
                 receivers_,      std::move(system_checks),
                 animatic_};
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
      "globalSettings": {"llmModel": "gemini-3.8-flash", "imageModel": "fal-ai/flux-2/lora",
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
  size_t EventCount() { return store_->ListEvents(kProjectId).value().size(); }
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
  // The job a generic webhook is for, named inside its signed body.
  static nlohmann::json Target(const std::string& shot,
                               const std::string& version) {
    return {
        {"projectId", kProjectId}, {"shotId", shot}, {"versionId", version}};
  }
  // fal's result for `version`, the Standard Webhooks way; an OK result
  // waits (bounded) until the local provider has stored the outputs.
  Response FalWebhook(const std::string& shot, const std::string& version,
                      const std::string& request_id,
                      const std::string& status = "OK") {
    if (status == "OK" && store_->GetVersion(kProjectId, version)) {
      EXPECT_TRUE(WaitForOutputs(version)) << version;
    }
    return Call(
        "POST",
        std::string("/api/webhooks/fal?projectId=") + kProjectId +
            "&shotId=" + shot + "&versionId=" + version,
        nlohmann::json{{"request_id", request_id},
                       {"status", status},
                       {"payload", {{"images", nlohmann::json::array()}}},
                       {"target", Target(shot, version)}}
            .dump(),
        {{"x-test-signature", "good"}});
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<LocalFsBlobStore> blobs_;
  InProcessBus bus_;
  FixedClock clock_;
  const Clock* api_clock_ = nullptr;  // the Api's clock when not clock_
  TestVerifier verifier_;
  std::map<std::string, WebhookReceiver*> receivers_;  // set before MakeApi
  LateSink sink_;
  std::unique_ptr<local::LocalVisionAnalyzer> vision_;
  std::unique_ptr<local::LocalImageGenerator> images_;
  std::unique_ptr<local::LocalVideoGenerator> videos_;
  std::unique_ptr<Orchestrator> orchestrator_;
  std::unique_ptr<CommandService> commands_;
  std::mutex render_mu_;
  std::vector<std::string> renders_started_;
  LexicalEmbedder embedder_;
  std::unique_ptr<HnswIndex> index_;
  std::atomic<int> ids_{0};
  std::unique_ptr<Rulebook> rulebook_;
  std::unique_ptr<Api> api_;
};

}  // namespace miri::http::testing

#endif  // MIRI_HTTP_API_TEST_FIXTURE_H_
