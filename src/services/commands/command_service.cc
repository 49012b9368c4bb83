#include "services/commands/command_service.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "domain/audit.h"
#include "domain/event_payload.h"
#include "domain/model_catalog.h"
#include "domain/text.h"
#include "services/orchestration/requests.h"

namespace miri {

namespace {

// Starts the render through `start` (the note says so), or, with no render
// worker in this process, says how to run one.
void StartRenderOrSay(const CommandService::RenderStarter& start,
                      std::string_view project_id, std::string started,
                      CommandOutcome* out) {
  if (start) {
    start(std::string(project_id));
    out->dispatched = true;
    out->note = std::move(started);
  } else {
    out->note = "no render worker here: run `miri render --project " +
                std::string(project_id) + "`";
  }
}

// A refused transition names the rule in a field issue the API returns.
Error NameTheRule(Error e) {
  if (e.code == ErrorCode::kFailedPrecondition && e.issues.empty()) {
    e.issues.push_back({"status", e.message});
  }
  return e;
}

constexpr size_t kMaxUserText = 2000;

// Free text a person sends: present, bounded, UTF-8 (it becomes event
// causes and prompt text). The screen of what it asks for comes after.
Result<void> RequireText(std::string_view field, const std::string& text) {
  if (text.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "missing " + std::string(field),
                     {{std::string(field), "required, non-empty"}});
  }
  if (text.size() > kMaxUserText) {
    return MakeError(ErrorCode::kInvalidArgument, "text too long",
                     {{std::string(field), "at most 2000 bytes"}});
  }
  if (!IsValidUtf8(text)) {
    return MakeError(ErrorCode::kInvalidArgument, "text is not UTF-8",
                     {{std::string(field), "must be UTF-8 text"}});
  }
  return {};
}

// A model or endpoint id ("gemini-3.8-flash", "fal-ai/flux-2/lora",
// "kling-v2.1@pro"): one token of id characters, which names a model and
// cannot carry a request in words.
bool LooksLikeModelId(std::string_view text) {
  if (text.size() > 200) return false;
  for (char c : text) {
    const bool id_char = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                         c == '/' || c == ':' || c == '@' || c == '-';
    if (!id_char) return false;
  }
  return true;
}

// "screened by ..." for an outcome's note (after what the note says).
std::string ScreenedNote(const std::string& note, const std::string& who) {
  return (note.empty() ? "" : "; ") + std::string("screened by ") + who;
}

bool Dispatched(ShotStatus s) {
  return s == ShotStatus::kGeneratingImage || s == ShotStatus::kRefining ||
         s == ShotStatus::kGeneratingVideo;
}

}  // namespace

CommandService::CommandService(Store& store, EventBus& bus, const Clock& clock,
                               Orchestrator& orchestrator)
    : store_(store), bus_(bus), clock_(clock), orchestrator_(orchestrator) {}

void CommandService::SetRenderStarter(RenderStarter starter) {
  {
    std::lock_guard lock(mu_);
    start_render_ = starter;
  }
  orchestrator_.SetFinalRenderStarter(std::move(starter));
}

Result<CommandOutcome> CommandService::Run(
    std::string_view shot_id, const std::function<Result<ShotStep>()>& step) {
  Result<ShotStep> done = step();
  if (!done) return tl::unexpected(NameTheRule(std::move(done).error()));
  CommandOutcome out;
  for (Event& e : done->events) {
    if (e.shot_id == shot_id) out.events.push_back(std::move(e));
  }
  out.version_id = done->version_id;
  out.checking = done->check_queued;
  out.duplicate = out.events.empty() && !out.checking;
  out.dispatched = Dispatched(done->status);
  for (const Finding& f : done->findings) {
    out.note += (out.note.empty() ? "" : "; ") + f.rule_id + ": " + f.message;
  }
  return out;
}

Result<CommandOutcome> CommandService::Generate(
    std::string_view project_id, std::string_view shot_id,
    const std::optional<std::string>& prompt_override, const std::string& key) {
  std::optional<std::string> screened;
  if (prompt_override) {
    RETURN_IF_ERROR(RequireText("promptOverride", *prompt_override),
                    "generate");
    RETURN_IF_ERROR(RequireSafePromptText("promptOverride", *prompt_override),
                    "generate");
    ASSIGN_OR_RETURN(
        screened,
        SecondOpinion("promptOverride", TextChannel::kPromptOverride,
                      *prompt_override),
        "generate");
  }
  Result<CommandOutcome> out = Run(shot_id, [&] {
    return orchestrator_.Generate(project_id, shot_id, prompt_override, key,
                                  screened);
  });
  if (out && screened) out->note += ScreenedNote(out->note, *screened);
  return out;
}

Result<CommandOutcome> CommandService::Approve(std::string_view project_id,
                                               std::string_view shot_id,
                                               const std::string& key) {
  return Run(shot_id,
             [&] { return orchestrator_.Approve(project_id, shot_id, key); });
}

Result<CommandOutcome> CommandService::Retry(std::string_view project_id,
                                             std::string_view shot_id,
                                             const std::string& key) {
  return Run(shot_id,
             [&] { return orchestrator_.Retry(project_id, shot_id, key); });
}

Result<nlohmann::json> CommandService::ImageCheck(std::string_view project_id,
                                                  std::string_view version_id) {
  return orchestrator_.ImageCheck(project_id, version_id);
}

Result<std::string> CommandService::SecondOpinion(std::string_view field,
                                                  TextChannel channel,
                                                  const std::string& text) {
  RequestAuditor* auditor = request_auditor_;
  if (auditor == nullptr) return std::string("the request screen");
  // A refusal by either refuses: what the request screen refuses is
  // refused on its own path (the orchestrator screens every text again).
  Result<RequestVerdict> v =
      auditor->Check({std::string(TextChannelName(channel)), text});
  if (!v) {
    return MakeError(
        ErrorCode::kUnavailable,
        "the safety check of " + std::string(field) + " could not run",
        {{std::string(field), "the second safety check could not run (" +
                                  v.error().message +
                                  "); nothing was changed: send it again"}});
  }
  spdlog::info("request screen: {} {} by the request screen and {}",
               TextChannelName(channel), v->allowed ? "allowed" : "refused",
               v->checker);
  if (!v->allowed) {
    std::string why =
        v->reason.empty() ? "it would undo a depiction rule" : v->reason;
    return MakeError(ErrorCode::kRefused,
                     std::string(field) + " refused by " + v->checker,
                     {{std::string(field),
                       why + (v->rule.empty() ? "" : " (" + v->rule + ")") +
                           " (decided by " + v->checker + ")"}});
  }
  return "the request screen and " + v->checker;
}

Result<CommandOutcome> CommandService::Reject(std::string_view project_id,
                                              std::string_view shot_id,
                                              const std::string& reason,
                                              const std::string& key) {
  RETURN_IF_ERROR(RequireText("reason", reason), "reject");
  ASSIGN_OR_RETURN(std::string screened,
                   SecondOpinion("reason", TextChannel::kRejectReason, reason),
                   "reject");
  Result<CommandOutcome> out = Run(shot_id, [&] {
    return orchestrator_.Reject(project_id, shot_id, reason, key, screened);
  });
  if (out) out->note += ScreenedNote(out->note, screened);
  return out;
}

Result<CommandOutcome> CommandService::Refine(
    std::string_view project_id, std::string_view shot_id,
    const std::string& instruction, const std::optional<std::string>& mask_blob,
    const std::string& key) {
  RETURN_IF_ERROR(RequireText("instruction", instruction), "refine");
  ASSIGN_OR_RETURN(
      std::string screened,
      SecondOpinion("instruction", TextChannel::kRefine, instruction),
      "refine");
  Result<CommandOutcome> out = Run(shot_id, [&] {
    return orchestrator_.Refine(project_id, shot_id, instruction, mask_blob,
                                key, screened);
  });
  if (out) out->note += ScreenedNote(out->note, screened);
  return out;
}

Result<CommandOutcome> CommandService::ApplyProviderResult(
    const WebhookResult& r) {
  ASSIGN_OR_RETURN(Version v, store_.GetVersion(r.project_id, r.version_id),
                   "webhook");
  if (v.shot_id != r.shot_id) {
    // The signed URL names the job; a version of another shot is not it.
    return MakeError(
        ErrorCode::kInvalidArgument,
        "version " + r.version_id + " is not a version of shot " + r.shot_id,
        {{"versionId", "not a version of shot " + r.shot_id}});
  }
  ProviderResult result;
  result.provider = r.provider;
  result.job_id = Orchestrator::JobId(r.project_id, r.version_id);
  result.provider_request_id = r.request_id;
  result.status = r.ok ? ProviderResult::Status::kSucceeded
                       : ProviderResult::Status::kFailed;
  result.output_blobs = v.outputs;
  result.error = r.detail;
  // The generic delivery carries no price: the job costs what was
  // reserved for it (computed from the version, not read from the ledger,
  // which grows with the project).
  result.cost_micros = ProviderResult::kCostAsReserved;
  return Run(r.shot_id, [&]() -> Result<ShotStep> {
    Result<ShotStep> step = orchestrator_.Apply(result, &v);
    if (!step && step.error().code == ErrorCode::kFailedPrecondition &&
        !step.error().issues.empty() &&
        step.error().issues.front().path == "outputs") {
      // Not stored yet: nothing moved; the sender retries the delivery.
      Error e = std::move(step).error();
      e.code = ErrorCode::kUnavailable;
      return tl::unexpected(std::move(e));
    }
    return step;
  });
}

namespace {

// Every model a project names is one the app can call (domain/
// model_catalog.h): 400 naming each field that is not, before anything is
// stored.
Result<void> RequireKnownModels(const ProjectConfig* project,
                                const std::vector<AgentConfig>& agents,
                                std::string_view agent_prefix) {
  std::vector<FieldIssue> issues;
  auto check = [&](std::string field, ModelUse use, const std::string& model) {
    if (std::string why = WhyModelRefused(use, model); !why.empty()) {
      issues.push_back({std::move(field), std::move(why)});
    }
  };
  if (project != nullptr) {
    const GlobalSettings& g = project->global_settings;
    check("globalSettings.llmModel", ModelUse::kLanguage, g.llm_model);
    check("globalSettings.imageModel", ModelUse::kImage, g.image_model);
    check("globalSettings.videoModel", ModelUse::kVideo, g.video_model);
  }
  for (size_t i = 0; i < agents.size(); ++i) {
    std::string field =
        agent_prefix.empty()
            ? "agentConfigs[" + std::to_string(i) + "].modelString"
            : std::string(agent_prefix);
    check(std::move(field), ModelUse::kLanguage, agents[i].model_string);
  }
  if (issues.empty()) return {};
  std::string message =
      "a model the app cannot call: " + issues.front().message;
  return MakeError(ErrorCode::kInvalidArgument, std::move(message),
                   std::move(issues));
}

}  // namespace

Result<std::string> CommandService::ScreenSettings(
    const ProjectConfig& project, const std::vector<AgentConfig>& agents) {
  RETURN_IF_ERROR(RequireSafeSettings(project, agents), "");
  std::vector<std::pair<std::string, const std::string*>> fields = {
      {"projectName", &project.project_name},
      {"globalSettings.llmModel", &project.global_settings.llm_model},
      {"globalSettings.imageModel", &project.global_settings.image_model},
      {"globalSettings.videoModel", &project.global_settings.video_model}};
  for (size_t i = 0; i < agents.size(); ++i) {
    fields.push_back({"agentConfigs[" + std::to_string(i) + "].modelString",
                      &agents[i].model_string});
  }
  std::string who = "the request screen";
  for (const auto& [field, text] : fields) {
    ASSIGN_OR_RETURN(who, SettingOpinion(field, *text, std::move(who)), "");
  }
  // Safe, and then a model the app can call.
  RETURN_IF_ERROR(RequireKnownModels(&project, agents, ""), "");
  return who;
}

Result<std::string> CommandService::SettingOpinion(std::string_view field,
                                                   const std::string& text,
                                                   std::string who) {
  // A model id ("gemini-3.8-flash", "fal-ai/flux-2/lora") is a name, not a
  // request: the request screen's settings channel is its check. Text that
  // reads as words (a project name, a sentence where an id should be) also
  // gets the second opinion, one field at a time so a refusal names it.
  if (text.empty() || LooksLikeModelId(text)) return who;
  return SecondOpinion(field, TextChannel::kSettings, text);
}

Result<CommandOutcome> CommandService::CreateProject(
    const ProjectConfig& project, std::vector<AgentConfig> agent_configs) {
  ASSIGN_OR_RETURN(std::string screened, ScreenSettings(project, agent_configs),
                   "creating the project");
  ProjectStart start;
  start.agent_configs = std::move(agent_configs);
  Event e;
  e.to = std::string(ProjectStatusName(ProjectStatus::kAudioAnalysis));
  e.cause = "project created";
  e.at = clock_.NowIso();
  e.idempotency_key = "create:" + project.project_id;
  e.screened_by = screened;
  start.first_event = e;
  RETURN_IF_ERROR(store_.CreateProject(project, start), "");
  CommandOutcome out;
  // The stored event (its seq) for the announcement.
  ASSIGN_OR_RETURN(std::vector<Event> log,
                   store_.ListEvents(project.project_id, 0, 1), "project");
  for (const Event& stored : log) {
    Announce(project.project_id, stored);
    out.events.push_back(stored);
  }
  return out;
}

Result<std::string> CommandService::UpdateProject(
    const ProjectConfig& project) {
  ASSIGN_OR_RETURN(std::string screened, ScreenSettings(project, {}),
                   "updating the project");
  RETURN_IF_ERROR(store_.UpdateProject(project), "");
  spdlog::info("project {} settings updated, screened by {}",
               project.project_id, screened);
  (void)bus_.Publish(
      {project.project_id, std::string(kProjectUpdated),
       nlohmann::json{{"projectId", project.project_id}}.dump()});
  return screened;
}

Result<std::string> CommandService::PutAgentConfig(std::string_view project_id,
                                                   const AgentConfig& config) {
  RETURN_IF_ERROR(RequireSafeText("modelString", config.model_string,
                                  TextChannel::kSettings),
                  "saving the agent config");
  ASSIGN_OR_RETURN(
      std::string screened,
      SettingOpinion("modelString", config.model_string, "the request screen"),
      "saving the agent config");
  RETURN_IF_ERROR(RequireKnownModels(nullptr, {config}, "modelString"),
                  "saving the agent config");
  RETURN_IF_ERROR(store_.GetProject(project_id), "");
  RETURN_IF_ERROR(store_.PutAgentConfig(project_id, config), "");
  spdlog::info("project {} agent config {} saved, screened by {}", project_id,
               config.config_id, screened);
  return screened;
}

Result<CommandOutcome> CommandService::CommitPlan(std::string_view project_id,
                                                  const PlanCommit& plan) {
  // A description becomes prompt text: "Miri in a short skirt" or "two
  // kids chase each other" is a request here, whoever wrote it (a person
  // in the timeline editor, a director). Nothing is committed then.
  std::vector<Finding> findings;
  std::vector<FieldIssue> issues;
  // The end state is prompt text too (the end frame's subject).
  for (const Shot& s : plan.shots) {
    for (const auto& [field, text] :
         {std::pair<std::string_view, const std::string*>{"description",
                                                          &s.description},
          {"endState", &s.end_state}}) {
      for (Finding& f :
           ScreenText(*text, TextChannel::kPlanEdit, s.shows_miri).findings) {
        issues.push_back({"shots." + s.shot_id + "." + std::string(field),
                          f.message + " (\"" + f.offending_text + "\")"});
        findings.push_back(std::move(f));
      }
    }
  }
  if (!issues.empty()) {
    Result<void> refused = RefuseFindings("", findings);
    return MakeError(ErrorCode::kRefused, refused.error().message,
                     std::move(issues));
  }
  // The second opinion on every description at once (one model call).
  std::string descriptions;
  for (const Shot& s : plan.shots) {
    descriptions += "shot " + s.shot_id + ": " + s.description + "\n";
    if (!s.end_state.empty()) {
      descriptions += "shot " + s.shot_id + " ends: " + s.end_state + "\n";
    }
  }
  std::string screened = "the request screen";
  if (!plan.shots.empty()) {
    ASSIGN_OR_RETURN(
        screened, SecondOpinion("shots", TextChannel::kPlanEdit, descriptions),
        "committing the plan");
  }
  PlanCommit commit = plan;
  if (commit.at.empty()) commit.at = clock_.NowIso();
  Event e;
  e.from = std::string(ProjectStatusName(ProjectStatus::kAudioAnalysis));
  e.to = std::string(ProjectStatusName(ProjectStatus::kPlanned));
  e.cause = "plan committed";
  e.at = commit.at;
  e.idempotency_key = "plan:" + std::string(project_id);
  e.screened_by = screened;
  commit.project_event = e;
  Result<std::optional<Event>> r = store_.CommitPlan(project_id, commit);
  if (!r) return tl::unexpected(NameTheRule(std::move(r).error()));
  // The PLANNED event is the one announcement: dashboards refetch the
  // shots on it (as before the commit became one step).
  CommandOutcome out;
  if (*r) {
    Announce(project_id, **r);
    out.events.push_back(**r);
  }
  return out;
}

Result<CommandOutcome> CommandService::ResumeFinalRender(
    std::string_view project_id, const std::string& key) {
  // A repeat of the request that started the render is a duplicate.
  ASSIGN_OR_RETURN(std::vector<Event> events, store_.ListEvents(project_id),
                   "render");
  for (const Event& old : events) {
    if (!key.empty() && old.idempotency_key == key) {
      return CommandOutcome{{old}, {}, true, false, ""};
    }
  }
  ASSIGN_OR_RETURN(std::optional<RenderLease> lease,
                   store_.GetRenderLease(project_id), "render");
  if (lease && lease->expires_at_ms > clock_.NowMs()) {
    return MakeError(
        ErrorCode::kFailedPrecondition, "the render is in progress",
        {{"status", "FINAL_RENDER: " + lease->owner +
                        " renders it and holds its lease until " +
                        FormatIsoMs(lease->expires_at_ms) +
                        "; if it stops, any instance resumes it then"}});
  }
  // Its renderer stopped (kill -9, scale-in) and its lease expired: the
  // same attempt (the same FINAL_RENDER event) starts again.
  RenderStarter start;
  {
    std::lock_guard lock(mu_);
    start = start_render_;
  }
  CommandOutcome out;
  StartRenderOrSay(start, project_id,
                   "the render resumes (its last renderer stopped)", &out);
  return out;
}

Result<CommandOutcome> CommandService::StartFinalRender(
    std::string_view project_id, const std::string& key) {
  ASSIGN_OR_RETURN(std::optional<ProjectStatus> status,
                   store_.GetProjectStatus(project_id), "render");
  if (status == ProjectStatus::kFinalRender) {
    return ResumeFinalRender(project_id, key);
  }
  ASSIGN_OR_RETURN(std::vector<Shot> shots, store_.ListShots(project_id),
                   "render");
  std::vector<FieldIssue> issues;
  if (shots.empty())
    issues.push_back({"shots", "the project has no shots yet"});
  for (const Shot& s : shots) {
    if (s.status != ShotStatus::kCompleted) {
      issues.push_back(
          {"shots." + s.shot_id, "is " + std::string(ShotStatusName(s.status)) +
                                     "; every shot must be COMPLETED"});
    }
  }
  std::string cause = "final render requested";
  if (status == ProjectStatus::kFailed) {
    // FAILED -> FINAL_RENDER is a retry of a failed render, nothing else:
    // a project that failed earlier in its life is not rendered.
    ASSIGN_OR_RETURN(std::vector<Event> events, store_.ListEvents(project_id),
                     "render");
    const Event* failed = nullptr;
    for (const Event& old : events) {
      if (!old.is_shot_event()) failed = &old;
    }
    const std::string final_render(
        ProjectStatusName(ProjectStatus::kFinalRender));
    if (failed == nullptr || failed->from != final_render) {
      issues.push_back(
          {"status", "the project failed in " +
                         (failed && failed->from ? *failed->from : "(new)") +
                         " (" + (failed ? failed->cause : "") +
                         "); only a failed render can be tried again"});
    } else {
      cause = "render again after: " + failed->cause;
    }
  }
  Event e;
  e.from = status ? std::optional(std::string(ProjectStatusName(*status)))
                  : std::nullopt;
  e.to = std::string(ProjectStatusName(ProjectStatus::kFinalRender));
  e.cause = cause;
  e.idempotency_key = key;
  if (!issues.empty()) {
    // A repeat after the render started is a duplicate, not an error.
    auto events = store_.ListEvents(project_id);
    if (events) {
      for (const Event& old : *events) {
        if (old.idempotency_key == key) {
          return CommandOutcome{{old}, {}, true, false, ""};
        }
      }
    }
    const bool shots_missing = issues.front().path != "status";
    return MakeError(
        ErrorCode::kFailedPrecondition,
        shots_missing ? "every shot must be COMPLETED before the final render"
                      : "only a failed render can be tried again",
        std::move(issues));
  }
  ASSIGN_OR_RETURN(AppendEventResult r, AppendAndPublish(project_id, e),
                   "render");
  CommandOutcome out{{r.event}, {}, r.duplicate, false, ""};
  if (!r.duplicate) {
    RenderStarter start;
    {
      std::lock_guard lock(mu_);
      start = start_render_;
    }
    StartRenderOrSay(start, project_id, "the render worker started", &out);
  }
  return out;
}

void CommandService::Announce(std::string_view project_id, const Event& e) {
  // The store is the truth; a lost notification is repaired by clients
  // refetching on a seq gap or a RESYNC, so a bus failure is not fatal.
  (void)bus_.Publish(BusMessage{
      std::string(project_id),
      std::string(e.is_shot_event() ? kShotUpdated : kProjectUpdated),
      EventPayload(project_id, e).dump()});
}

Result<AppendEventResult> CommandService::AppendAndPublish(
    std::string_view project_id, Event event) {
  if (event.at.empty()) event.at = clock_.NowIso();
  auto r = store_.AppendEvent(project_id, event);
  if (!r) return tl::unexpected(NameTheRule(std::move(r).error()));
  if (!r->duplicate) Announce(project_id, r->event);
  return r;
}

}  // namespace miri
