// What `miri serve` runs behind the API: ShotCommands (the HTTP seam) with
// generate/approve/reject/refine carried out by the Orchestrator (provider
// dispatch, rules, audits, budget), the final render on a worker thread,
// and a periodic reconciler for results that never arrived.
#ifndef MIRI_APP_ORCHESTRATED_COMMANDS_H_
#define MIRI_APP_ORCHESTRATED_COMMANDS_H_

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "services/orchestration/orchestrator.h"
#include "services/shot_commands/shot_commands.h"

namespace miri::app {

class OrchestratedCommands final : public ShotCommands {
 public:
  using RenderStarter = std::function<void(const std::string& project_id)>;
  OrchestratedCommands(Store& store, EventBus& bus, const Clock& clock,
                       Orchestrator& orchestrator, RenderStarter start_render);

  Result<CommandOutcome> Generate(
      std::string_view project_id, std::string_view shot_id,
      const std::optional<std::string>& prompt_override,
      const std::string& key) override;
  Result<CommandOutcome> Approve(std::string_view project_id,
                                 std::string_view shot_id,
                                 const std::string& key) override;
  Result<CommandOutcome> Reject(std::string_view project_id,
                                std::string_view shot_id,
                                const std::string& reason,
                                const std::string& key) override;
  Result<CommandOutcome> Refine(std::string_view project_id,
                                std::string_view shot_id,
                                const std::string& instruction,
                                const std::optional<std::string>& mask_blob,
                                const std::string& key) override;
  Result<CommandOutcome> StartFinalRender(std::string_view project_id,
                                          const std::string& key) override;

 private:
  // Runs `step` and reports the shot's events it appended.
  Result<CommandOutcome> Run(std::string_view shot_id,
                             const std::function<Result<ShotStep>()>& step);

  Orchestrator& orchestrator_;
  RenderStarter start_render_;
};

// One thread that renders queued projects, and one that reconciles every
// project's pending jobs at start-up (all of them) and then every
// `reconcile_every` (those past the orchestrator's deadline). Both stop in the
// destructor (the render in progress finishes first).
class BackgroundWork {
 public:
  using Render = std::function<void(const std::string& project_id)>;
  BackgroundWork(Store& store, Orchestrator& orchestrator, Render render,
                 std::chrono::milliseconds reconcile_every);
  ~BackgroundWork();
  void QueueRender(const std::string& project_id);

 private:
  void RenderLoop();
  void ReconcileLoop();
  void ReconcileAll(bool ignore_age);

  Store& store_;
  Orchestrator& orchestrator_;
  Render render_;
  std::chrono::milliseconds reconcile_every_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::deque<std::string> queue_;
  std::thread render_thread_;
  std::thread reconcile_thread_;
};

}  // namespace miri::app

#endif  // MIRI_APP_ORCHESTRATED_COMMANDS_H_
