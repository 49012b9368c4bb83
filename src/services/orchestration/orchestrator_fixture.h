// An Orchestrator on the embedded stack in a temp dir: SQLite store, local
// blob directory, in-process bus, local providers, the rulebook. Small
// frames (160x90, 4 fps) keep it fast.
#ifndef MIRI_SERVICES_ORCHESTRATION_ORCHESTRATOR_FIXTURE_H_
#define MIRI_SERVICES_ORCHESTRATION_ORCHESTRATOR_FIXTURE_H_

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "adapters/hnsw/hnsw_index.h"
#include "adapters/inproc_bus/inproc_bus.h"
#include "adapters/lexical/lexical_embedder.h"
#include "adapters/local/local_image_generator.h"
#include "adapters/local/local_video_generator.h"
#include "adapters/local/local_vision_analyzer.h"
#include "adapters/localfs/localfs_blob_store.h"
#include "adapters/sqlite/sqlite_store.h"
#include "services/orchestration/orchestrator.h"
#include "testing/provider_doubles.h"
#include "testing/store_fixtures.h"

namespace miri::testing {

class OrchestratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("miri-orch-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_ / "scratch");
    store_ = std::move(*SqliteStore::Open((dir_ / "miri.db").string()));
    blobs_ = std::move(*LocalFsBlobStore::Open(dir_ / "blobs"));
    index_ =
        std::move(*HnswIndex::Open(dir_ / "rules", embedder_.dimensions()));
    project_ = SampleProject();
    project_.global_settings.budget_cap_usd = 5.0;
  }
  void TearDown() override {
    sink_.target = nullptr;  // then stop the providers' workers
    priced_.reset();
    images_.reset();
    videos_.reset();
    orchestrator_.reset();
    rulebook_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Builds providers and the orchestrator; call after adjusting options.
  void Start(local::LocalProviderOptions image_options = {},
             OrchestratorOptions options = {}, int64_t image_price = 0) {
    options.image_width = 160;
    options.image_height = 90;
    options.video_fps = 4;
    options_ = options;
    local::LocalVideoOptions video_options;
    video_options.scratch_dir = dir_ / "scratch";
    images_ = std::make_unique<local::LocalImageGenerator>(blobs_.get(), &sink_,
                                                           image_options);
    priced_ = std::make_unique<PricedImages>(*images_, image_price);
    videos_ = std::make_unique<local::LocalVideoGenerator>(blobs_.get(), &sink_,
                                                           video_options);
    vision_ = std::make_unique<local::LocalVisionAnalyzer>(blobs_.get());
    rulebook_ =
        std::make_unique<Rulebook>(*store_, embedder_, *index_, *vision_, &bus_,
                                   clock_, [this] { return Id("r"); });
    orchestrator_ = std::make_unique<Orchestrator>(
        *store_, *blobs_, &bus_,
        images_override_ != nullptr ? *images_override_ : *priced_, *videos_,
        *vision_, rulebook_.get(), clock_, [this] { return Id(""); }, options);
    orchestrator_->SetFinalRenderStarter([this](const std::string& p) {
      std::lock_guard lock(render_mu_);
      render_started_for_ = p;
    });
    sink_.target = orchestrator_.get();
  }

  // `descriptions`: the first shots' descriptions, in order.
  void CreateProject(int shots = 2, bool human_approval = true,
                     const std::vector<std::string>& descriptions = {}) {
    project_.global_settings.require_human_approval = human_approval;
    ASSERT_TRUE(store_->CreateProject(project_));
    PlanCommit plan = SamplePlan("sh", shots);
    plan.shots[0].description = "Miri at a rainy window";
    for (size_t i = 0; i < descriptions.size() && i < plan.shots.size(); ++i) {
      plan.shots[i].description = descriptions[i];
    }
    for (size_t i = 0; i < end_states_.size() && i < plan.shots.size(); ++i) {
      plan.shots[i].end_state = end_states_[i];
    }
    ASSERT_TRUE(store_->CommitPlan(project_.project_id, plan));
    MarkPlanned();
  }

  // The project's status events up to PLANNED, after its plan is committed.
  void MarkPlanned() {
    for (const char* step : {"AUDIO_ANALYSIS", "PLANNED"}) {
      Event e;
      e.event_id = std::string("p-") + step;
      auto status = store_->GetProjectStatus(project_.project_id).value();
      if (status) e.from = std::string(ProjectStatusName(*status));
      e.to = step;
      e.cause = "test";
      e.at = "2026-03-02T10:15:04Z";
      e.idempotency_key = e.event_id;
      ASSERT_TRUE(store_->AppendEvent(project_.project_id, e));
    }
  }

  ShotStatus Status(const std::string& shot) {
    return store_->GetShot(project_.project_id, shot)->status;
  }

  // Waits (bounded) until the shot reaches `want` or a terminal state.
  ShotStatus WaitFor(const std::string& shot, ShotStatus want,
                     std::chrono::seconds limit = std::chrono::seconds(30)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    ShotStatus s = Status(shot);
    while (s != want && s != ShotStatus::kFailed &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      s = Status(shot);
    }
    return s;
  }

  std::vector<Version> Versions(const std::string& shot) {
    return *store_->ListVersions(project_.project_id, shot);
  }
  size_t EventCount() {
    return static_cast<Store&>(*store_).ListEvents(project_.project_id)->size();
  }
  std::string Id(const std::string& prefix) {
    return prefix + "id" + std::to_string(++next_id_);
  }

  std::filesystem::path dir_;
  SystemClock clock_;
  LexicalEmbedder embedder_;
  InProcessBus bus_;
  LateSink sink_;
  std::atomic<int> next_id_{0};
  ProjectConfig project_;
  OrchestratorOptions options_;
  // Set before Start: the orchestrator's image generator (a router).
  ImageGenerator* images_override_ = nullptr;
  std::string RenderStartedFor() {
    std::lock_guard lock(render_mu_);
    return render_started_for_;
  }
  std::mutex render_mu_;
  std::string render_started_for_;  // set on a provider thread
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<LocalFsBlobStore> blobs_;
  std::unique_ptr<HnswIndex> index_;
  std::unique_ptr<local::LocalImageGenerator> images_;
  std::unique_ptr<PricedImages> priced_;
  std::unique_ptr<local::LocalVideoGenerator> videos_;
  // The first shots' end states (CreateProject), in order.
  std::vector<std::string> end_states_;
  std::unique_ptr<local::LocalVisionAnalyzer> vision_;
  std::unique_ptr<Rulebook> rulebook_;
  std::unique_ptr<Orchestrator> orchestrator_;
};

}  // namespace miri::testing

#endif  // MIRI_SERVICES_ORCHESTRATION_ORCHESTRATOR_FIXTURE_H_
