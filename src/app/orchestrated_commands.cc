#include "app/orchestrated_commands.h"

#include <spdlog/spdlog.h>

namespace miri::app {

OrchestratedCommands::OrchestratedCommands(Store& store, EventBus& bus,
                                           const Clock& clock,
                                           Orchestrator& orchestrator,
                                           RenderStarter start_render)
    : ShotCommands(store, bus, clock),
      orchestrator_(orchestrator),
      start_render_(std::move(start_render)) {}

Result<CommandOutcome> OrchestratedCommands::Run(
    std::string_view shot_id, const std::function<Result<ShotStep>()>& step) {
  ASSIGN_OR_RETURN(ShotStep done, step(), "");
  CommandOutcome out;
  for (Event& e : done.events) {
    if (e.shot_id == shot_id) out.events.push_back(std::move(e));
  }
  out.version_id = done.version_id;
  out.duplicate = out.events.empty();
  out.dispatched = done.status == ShotStatus::kGeneratingImage ||
                   done.status == ShotStatus::kRefining ||
                   done.status == ShotStatus::kGeneratingVideo;
  for (const Finding& f : done.findings) {
    out.note += (out.note.empty() ? "" : "; ") + f.rule_id + ": " + f.message;
  }
  return out;
}

Result<CommandOutcome> OrchestratedCommands::Generate(
    std::string_view project_id, std::string_view shot_id,
    const std::optional<std::string>& prompt_override, const std::string& key) {
  return Run(shot_id, [&] {
    return orchestrator_.Generate(project_id, shot_id, prompt_override, key);
  });
}

Result<CommandOutcome> OrchestratedCommands::Approve(
    std::string_view project_id, std::string_view shot_id,
    const std::string& key) {
  return Run(shot_id,
             [&] { return orchestrator_.Approve(project_id, shot_id, key); });
}

Result<CommandOutcome> OrchestratedCommands::Reject(std::string_view project_id,
                                                    std::string_view shot_id,
                                                    const std::string& reason,
                                                    const std::string& key) {
  return Run(shot_id, [&] {
    return orchestrator_.Reject(project_id, shot_id, reason, key);
  });
}

Result<CommandOutcome> OrchestratedCommands::Refine(
    std::string_view project_id, std::string_view shot_id,
    const std::string& instruction, const std::optional<std::string>& mask_blob,
    const std::string& key) {
  return Run(shot_id, [&] {
    return orchestrator_.Refine(project_id, shot_id, instruction, mask_blob,
                                key);
  });
}

Result<CommandOutcome> OrchestratedCommands::StartFinalRender(
    std::string_view project_id, const std::string& key) {
  ASSIGN_OR_RETURN(CommandOutcome out,
                   ShotCommands::StartFinalRender(project_id, key), "");
  if (!out.duplicate) {
    start_render_(std::string(project_id));
    out.dispatched = true;
    out.note = "the render worker started";
  }
  return out;
}

BackgroundWork::BackgroundWork(Store& store, Orchestrator& orchestrator,
                               Render render,
                               std::chrono::milliseconds reconcile_every)
    : store_(store),
      orchestrator_(orchestrator),
      render_(std::move(render)),
      reconcile_every_(reconcile_every),
      render_thread_([this] { RenderLoop(); }),
      reconcile_thread_([this] { ReconcileLoop(); }) {}

BackgroundWork::~BackgroundWork() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  render_thread_.join();
  reconcile_thread_.join();
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
  ReconcileAll(/*ignore_age=*/true);
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, reconcile_every_, [this] { return stopping_; })) {
    lock.unlock();
    ReconcileAll(/*ignore_age=*/false);
    lock.lock();
  }
}

}  // namespace miri::app
