// CommandService: every command a person or a provider sends about a
// project's shots, whichever route it arrives by (REST, the dashboard, the
// CLI, fal's and Kling's webhooks, Standard Webhooks, local providers and
// the reconciler's polls). Shot commands and provider results run the
// Orchestrator's one path (audit, budget, dispatch, output check, ledger,
// auto-approval, final render); plan commits and render starts are single
// atomic store steps.
//
// Guarantees:
// - A refused command (4xx of any kind) writes nothing: no version, event,
//   reservation or job.
// - A repeated command with the same idempotency key returns the original
//   outcome (duplicate = true) once the first attempt completed; a first
//   attempt that stopped part-way is resumed, never reported as done.
// Thread-safety: all methods may be called from any thread; no lock is held
// across provider calls (the store orders the steps).
#ifndef MIRI_SERVICES_COMMANDS_COMMAND_SERVICE_H_
#define MIRI_SERVICES_COMMANDS_COMMAND_SERVICE_H_

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/project.h"
#include "domain/records.h"
#include "domain/screen.h"
#include "ports/clock.h"
#include "ports/event_bus.h"
#include "ports/request_auditor.h"
#include "ports/store.h"
#include "services/orchestration/orchestrator.h"

namespace miri {

struct CommandOutcome {
  std::vector<Event> events;  // appended by this call (none: a repeat)
  std::optional<std::string> version_id;
  bool duplicate = false;
  bool dispatched = false;  // a provider or the render worker has the work
  std::string note;         // findings and what happened, in words
  // A provider's image accepted; its vision check decides where the shot
  // goes (the events follow on the bus).
  bool checking = false;
};

// A provider's result delivered through the generic (Standard Webhooks)
// route: the job named by project, shot and version in the signed URL.
struct WebhookResult {
  std::string provider;  // "fal" or "kling"
  std::string project_id;
  std::string shot_id;
  std::string version_id;
  bool ok = true;
  std::string request_id;  // the provider's id
  std::string detail;      // error text or output summary
};

class CommandService {
 public:
  // Starts the render of a project that moved to FINAL_RENDER (a worker
  // thread, a Cloud Run job execution, or a call in `miri produce`).
  using RenderStarter = std::function<void(const std::string& project_id)>;

  CommandService(Store& store, EventBus& bus, const Clock& clock,
                 Orchestrator& orchestrator);

  // Also given to the orchestrator: a project whose last clip arrives
  // starts its render the same way as one a person starts.
  void SetRenderStarter(RenderStarter starter);
  // The second opinion on typed text (issue 18 item 3): with the AUDITOR
  // on a cloud model, text the request screen allows (refine, rejection
  // reason, prompt override, plan descriptions) is also classified by it;
  // a refusal by either refuses (422 naming the field, who decided and
  // why), and a model that cannot answer refuses too (503, nothing stored,
  // send again). nullptr: the request screen alone.
  void SetRequestAuditor(RequestAuditor* auditor) {
    request_auditor_ = auditor;
  }

  // prompt_override replaces the shot's description as the prompt subject.
  Result<CommandOutcome> Generate(
      std::string_view project_id, std::string_view shot_id,
      const std::optional<std::string>& prompt_override,
      const std::string& key);
  Result<CommandOutcome> Approve(std::string_view project_id,
                                 std::string_view shot_id,
                                 const std::string& key);
  // A FAILED shot back to DRAFT and a new image version (a person's retry).
  Result<CommandOutcome> Retry(std::string_view project_id,
                               std::string_view shot_id,
                               const std::string& key);
  // The image check of a version (the verdict JSON the orchestrator
  // stored); NOT_FOUND when the version was not checked.
  Result<nlohmann::json> ImageCheck(std::string_view project_id,
                                    std::string_view version_id);
  Result<CommandOutcome> Reject(std::string_view project_id,
                                std::string_view shot_id,
                                const std::string& reason,
                                const std::string& key);
  Result<CommandOutcome> Refine(std::string_view project_id,
                                std::string_view shot_id,
                                const std::string& instruction,
                                const std::optional<std::string>& mask_blob,
                                const std::string& key);
  // The generic webhook: the same steps as every other result. The version
  // must belong to the shot the URL names (INVALID_ARGUMENT otherwise);
  // an output that is not stored yet moves nothing (UNAVAILABLE: the
  // provider retries the delivery).
  Result<CommandOutcome> ApplyProviderResult(const WebhookResult& r);

  // Creates a project with its agent configs and its first event
  // (AUDIO_ANALYSIS) in one atomic write, and announces it.
  Result<CommandOutcome> CreateProject(const ProjectConfig& project,
                                       std::vector<AgentConfig> agent_configs);

  // A project's settings (PUT project; the project id and creation time
  // are the caller's to keep) and one agent config: the same screens as
  // CreateProject (the request screen, and the second opinion on what
  // reads as words), then stored; returns who screened them (also logged).
  Result<std::string> UpdateProject(const ProjectConfig& project);
  Result<std::string> PutAgentConfig(std::string_view project_id,
                                     const AgentConfig& config);

  // Commits the director's plan: AUDIO_ANALYSIS -> PLANNED with every
  // shot in DRAFT, exactly once per project (Store::CommitPlan). A second
  // commit is FAILED_PRECONDITION naming the plan that won.
  Result<CommandOutcome> CommitPlan(std::string_view project_id,
                                    const PlanCommit& plan);

  // PLANNED (or RENDERED, or FAILED in its render) -> FINAL_RENDER once
  // every shot is COMPLETED, and the render starts. A project already in
  // FINAL_RENDER whose render lease expired (or that has none: its
  // renderer stopped) has its render started again, with no new event;
  // while a renderer holds the lease it is FAILED_PRECONDITION naming it.
  Result<CommandOutcome> StartFinalRender(std::string_view project_id,
                                          const std::string& key);

  // Appends one project event and publishes it (project creation).
  Result<AppendEventResult> AppendAndPublish(std::string_view project_id,
                                             Event event);

 private:
  Result<CommandOutcome> ResumeFinalRender(std::string_view project_id,
                                           const std::string& key);
  Result<CommandOutcome> Run(std::string_view shot_id,
                             const std::function<Result<ShotStep>()>& step);
  void Announce(std::string_view project_id, const Event& e);

  Store& store_;
  EventBus& bus_;
  const Clock& clock_;
  Orchestrator& orchestrator_;
  std::mutex mu_;  // guards start_render_ only
  RenderStarter start_render_;
  RequestAuditor* request_auditor_ = nullptr;
  // Who decided on `text` (for the outcome's note), or why it is refused.
  Result<std::string> SecondOpinion(std::string_view field, TextChannel channel,
                                    const std::string& text);
  // The second opinion on one setting when it reads as words (else `who`
  // stands): who decided, or the refusal naming `field`.
  Result<std::string> SettingOpinion(std::string_view field,
                                     const std::string& text, std::string who);
  // The settings' screens; who decided, or the refusal naming the field.
  Result<std::string> ScreenSettings(const ProjectConfig& project,
                                     const std::vector<AgentConfig>& agents);
};

}  // namespace miri

#endif  // MIRI_SERVICES_COMMANDS_COMMAND_SERVICE_H_
