#include "services/shot_commands/shot_commands.h"

#include <cstdio>
#include <random>

#include "domain/audit.h"
#include "domain/prompt.h"

namespace miri {
namespace {

constexpr size_t kMaxUserText = 2000;

// A refused transition names the rule in a field issue the API returns.
Error NameTheRule(Error e) {
  if (e.code == ErrorCode::kFailedPrecondition && e.issues.empty()) {
    e.issues.push_back({"status", e.message});
  }
  return e;
}

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
  return RequireSafeUserText(field, text);
}

}  // namespace

std::string RandomUuid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t a = rng(), b = rng();
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant
  char buf[37];
  std::snprintf(
      buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx",
      static_cast<unsigned>(a >> 32), static_cast<unsigned>((a >> 16) & 0xffff),
      static_cast<unsigned>(a & 0xffff), static_cast<unsigned>(b >> 48),
      static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

nlohmann::json EventPayload(std::string_view project_id, const Event& e) {
  nlohmann::json j = {{"projectId", project_id},
                      {"seq", e.seq},
                      {"eventId", e.event_id},
                      {"to", e.to},
                      {"status", e.to},
                      {"cause", e.cause},
                      {"at", e.at}};
  j["from"] = e.from ? nlohmann::json(*e.from) : nlohmann::json(nullptr);
  if (e.is_shot_event()) j["shotId"] = e.shot_id;
  if (e.version_id) j["versionId"] = *e.version_id;
  return j;
}

ShotCommands::ShotCommands(Store& store, EventBus& bus, const Clock& clock,
                           IdSource ids)
    : store_(store), bus_(bus), clock_(clock), ids_(std::move(ids)) {}

Result<AppendEventResult> ShotCommands::AppendAndPublish(
    std::string_view project_id, Event event) {
  if (event.event_id.empty()) event.event_id = ids_();
  if (event.at.empty()) event.at = clock_.NowIso();
  auto r = store_.AppendEvent(project_id, event);
  if (!r) return tl::unexpected(NameTheRule(std::move(r).error()));
  if (!r->duplicate) {
    // The store is the truth; a lost notification is repaired by clients
    // refetching on a seq gap or a RESYNC, so a bus failure is not fatal.
    (void)bus_.Publish(BusMessage{
        std::string(project_id),
        std::string(r->event.is_shot_event() ? kShotUpdated : kProjectUpdated),
        EventPayload(project_id, r->event).dump()});
  }
  return r;
}

Result<CommandOutcome> ShotCommands::Transition(
    std::string_view project_id, std::string_view shot_id, ShotStatus to,
    std::string cause, const std::string& key,
    std::optional<std::string> version_id) {
  ASSIGN_OR_RETURN(Shot shot, store_.GetShot(project_id, shot_id), "shot");
  if (!version_id && !shot.versions.empty()) version_id = shot.versions.back();
  Event e;
  e.shot_id = std::string(shot_id);
  e.version_id = version_id;
  e.from = std::string(ShotStatusName(shot.status));
  e.to = std::string(ShotStatusName(to));
  e.cause = std::move(cause);
  e.idempotency_key = key;
  auto r = AppendAndPublish(project_id, std::move(e));
  if (!r) return tl::unexpected(std::move(r).error());
  CommandOutcome out;
  out.events.push_back(r->event);
  out.duplicate = r->duplicate;
  out.version_id = r->event.version_id;
  return out;
}

Result<CommandOutcome> ShotCommands::Generate(
    std::string_view project_id, std::string_view shot_id,
    const std::optional<std::string>& prompt_override, const std::string& key) {
  if (prompt_override)
    RETURN_IF_ERROR(RequireText("promptOverride", *prompt_override),
                    "generate");
  ASSIGN_OR_RETURN(ProjectConfig project, store_.GetProject(project_id),
                   "generate");
  ASSIGN_OR_RETURN(Shot shot, store_.GetShot(project_id, shot_id), "generate");
  if (shot.status != ShotStatus::kDraft) {
    // A repeat of an accepted request is not an error.
    ASSIGN_OR_RETURN(std::vector<Event> events, store_.ListEvents(project_id),
                     "generate");
    CommandOutcome dup;
    for (const Event& e : events) {
      if (e.idempotency_key == key + ":validate" ||
          e.idempotency_key == key + ":dispatch") {
        dup.events.push_back(e);
        dup.version_id = e.version_id;
      }
    }
    if (!dup.events.empty()) {
      dup.duplicate = true;
      dup.note = "duplicate request";
      return dup;
    }
    return tl::unexpected(NameTheRule(
        CheckShotTransition(shot.status, ShotStatus::kValidation).error()));
  }

  ASSIGN_OR_RETURN(std::vector<Rule> rules, store_.ListRules(project_id),
                   "generate");
  PromptSpec spec;
  spec.kind = PromptKind::kImage;
  spec.shot_id = shot.shot_id;
  spec.version_id = ids_();
  spec.model_code = "FLUX2";
  spec.shows_miri = shot.shows_miri;
  spec.lora_id = project.global_settings.lora_weights_id;
  spec.subject = prompt_override.value_or(shot.description);
  std::vector<std::string> applied;
  for (const Rule& rule : rules) {
    if (!rule.active) continue;
    if (rule.kind == RuleKind::kPositive) spec.rules.push_back(rule.text);
    if (rule.kind == RuleKind::kNegative)
      spec.negative_terms.push_back(rule.text);
    if (rule.kind != RuleKind::kAuditCheck) applied.push_back(rule.rule_id);
  }
  RenderedPrompt rendered = RenderPrompt(spec);
  AuditInput audit{
      PromptKind::kImage, rendered.prompt, rendered.negative_prompt,
      rendered.loras,     shot.shows_miri, spec.lora_id,
      shot.shot_id,       spec.version_id, spec.model_code};
  std::vector<Finding> findings = AuditPrompt(audit);
  if (!findings.empty()) {
    std::vector<FieldIssue> issues;
    std::string field = prompt_override ? "promptOverride" : "prompt";
    for (const Finding& f : findings)
      issues.push_back({field, f.rule_id + ": " + f.message});
    return MakeError(ErrorCode::kRefused, "the prompt fails the audit",
                     std::move(issues));
  }

  Version v;
  v.version_id = spec.version_id;
  v.shot_id = shot.shot_id;
  v.kind = VersionKind::kImage;
  v.prompt = rendered.prompt;
  v.negative_prompt = rendered.negative_prompt;
  v.model_code = spec.model_code;
  v.model = project.global_settings.image_model;
  v.parameters = {{"loras", rendered.loras}, {"requestStatus", "PENDING"}};
  if (!shot.versions.empty()) v.parent_version_id = shot.versions.back();
  v.applied_rule_ids = applied;
  v.created_at = clock_.NowIso();
  RETURN_IF_ERROR(store_.AppendVersion(project_id, v), "generate");

  ASSIGN_OR_RETURN(
      CommandOutcome a,
      Transition(project_id, shot_id, ShotStatus::kValidation,
                 "generate requested", key + ":validate", v.version_id),
      "generate");
  ASSIGN_OR_RETURN(
      CommandOutcome b,
      Transition(project_id, shot_id, ShotStatus::kGeneratingImage,
                 "audit passed; provider dispatch not wired yet (issue 8)",
                 key + ":dispatch", v.version_id),
      "generate");
  a.events.insert(a.events.end(), b.events.begin(), b.events.end());
  a.version_id = v.version_id;
  a.dispatched = false;
  a.note =
      "the image request was NOT sent: provider dispatch lands with "
      "orchestration (issue 8)";
  return a;
}

Result<CommandOutcome> ShotCommands::Approve(std::string_view project_id,
                                             std::string_view shot_id,
                                             const std::string& key) {
  auto r = Transition(project_id, shot_id, ShotStatus::kGeneratingVideo,
                      "approved", key, std::nullopt);
  if (r) r->note = "the video request was NOT sent (issue 8)";
  return r;
}

Result<CommandOutcome> ShotCommands::Reject(std::string_view project_id,
                                            std::string_view shot_id,
                                            const std::string& reason,
                                            const std::string& key) {
  RETURN_IF_ERROR(RequireText("reason", reason), "reject");
  auto r = Transition(project_id, shot_id, ShotStatus::kDraft,
                      "rejected: " + reason, key, std::nullopt);
  if (r) r->note = "no vision analysis or new rule yet (issue 8)";
  return r;
}

Result<CommandOutcome> ShotCommands::Refine(
    std::string_view project_id, std::string_view shot_id,
    const std::string& instruction, const std::optional<std::string>& mask_blob,
    const std::string& key) {
  RETURN_IF_ERROR(RequireText("instruction", instruction), "refine");
  std::string cause = "refine: " + instruction;
  if (mask_blob) cause += " (mask " + *mask_blob + ")";
  auto r = Transition(project_id, shot_id, ShotStatus::kRefining, cause, key,
                      std::nullopt);
  if (r) r->note = "the inpainting request was NOT sent (issue 8)";
  return r;
}

Result<CommandOutcome> ShotCommands::ApplyProviderResult(
    const WebhookResult& r) {
  ShotStatus to = !r.ok                   ? ShotStatus::kFailed
                  : r.provider == "kling" ? ShotStatus::kCompleted
                                          : ShotStatus::kAwaitingApproval;
  std::string cause = r.provider + " " + (r.ok ? "result" : "failure") +
                      " request " + r.request_id;
  if (!r.detail.empty()) cause += ": " + r.detail;
  return Transition(r.project_id, r.shot_id, to, cause,
                    r.provider + ":" + r.request_id, r.version_id);
}

Result<CommandOutcome> ShotCommands::StartFinalRender(
    std::string_view project_id, const std::string& key) {
  ASSIGN_OR_RETURN(std::optional<ProjectStatus> status,
                   store_.GetProjectStatus(project_id), "render");
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
        if (old.idempotency_key == key)
          return CommandOutcome{{old}, {}, true, false, ""};
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
  return CommandOutcome{{r.event},
                        {},
                        r.duplicate,
                        false,
                        "the render worker (`miri render`) was NOT started"};
}

}  // namespace miri
