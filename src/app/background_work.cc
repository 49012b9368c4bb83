#include "app/background_work.h"

#include <spdlog/spdlog.h>

namespace miri::app {

BackgroundWork::BackgroundWork(Store& store, Orchestrator& orchestrator,
                               Render render, Resume resume,
                               std::chrono::milliseconds reconcile_every)
    : store_(store),
      orchestrator_(orchestrator),
      render_(std::move(render)),
      resume_(std::move(resume)),
      reconcile_every_(reconcile_every) {}

void BackgroundWork::Start() {
  std::lock_guard lock(mu_);
  if (render_thread_.joinable()) return;
  render_thread_ = std::thread([this] { RenderLoop(); });
  reconcile_thread_ = std::thread([this] { ReconcileLoop(); });
}

BackgroundWork::~BackgroundWork() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (render_thread_.joinable()) render_thread_.join();
  if (reconcile_thread_.joinable()) reconcile_thread_.join();
}

void BackgroundWork::QueueRender(const std::string& project_id) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(project_id);
  }
  cv_.notify_all();
}

void BackgroundWork::RenderLoop() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    std::string project = queue_.front();
    queue_.pop_front();
    lock.unlock();
    render_(project);
    lock.lock();
  }
}

void BackgroundWork::ReconcileAll(bool ignore_age) {
  auto projects = store_.ListProjects();
  for (const ProjectConfig& p :
       projects ? *projects : std::vector<ProjectConfig>{}) {
    auto acted = orchestrator_.Reconcile(p.project_id, ignore_age);
    if (!acted) {
      spdlog::warn("reconciling {}: {}", p.project_id,
                   acted.error().ToString());
    }
  }
}

void BackgroundWork::ReconcileLoop() {
  // At start-up every pending job is checked at once, whatever its age:
  // after a crash (kill -9) the jobs this process's providers held in
  // memory are gone, and the work must resume without waiting a period.
  // So are renders in FINAL_RENDER that nobody renders any more.
  ReconcileAll(/*ignore_age=*/true);
  if (resume_) resume_();
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, reconcile_every_, [this] { return stopping_; })) {
    lock.unlock();
    ReconcileAll(/*ignore_age=*/false);
    if (resume_) resume_();
    lock.lock();
  }
}

}  // namespace miri::app
