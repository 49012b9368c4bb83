#include "services/orchestration/orchestrator.h"

#include <pthread.h>
#include <time.h>

#include <algorithm>
#include <cctype>
#include <utility>

#include <spdlog/spdlog.h>

#include "domain/audit.h"
#include "domain/event_payload.h"
#include "domain/text.h"
#include "services/orchestration/requests.h"

namespace miri {

using nlohmann::json;

namespace {

constexpr std::string_view kModelImage = "FLUX2";
constexpr std::string_view kModelVideo = "KLING";

// Removes every case-insensitive whole-word occurrence of `needle`.
std::string Strip(std::string text, std::string_view needle) {
  if (needle.empty()) return text;
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  std::string n(needle);
  std::transform(n.begin(), n.end(), n.begin(), ::tolower);
  auto word = [&](size_t i) {
    return i < lower.size() &&
           (std::isalnum(static_cast<unsigned char>(lower[i])) ||
            lower[i] == '-');
  };
  size_t at = lower.find(n);
  while (at != std::string::npos) {
    const bool whole = (at == 0 || !word(at - 1)) && !word(at + n.size());
    if (whole) {
      text.erase(at, n.size());
      lower.erase(at, n.size());
      at = lower.find(n, at);
    } else {
      at = lower.find(n, at + 1);
    }
  }
  // Collapse the gaps the removals left.
  std::string out;
  for (char c : text) {
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// What an image version says when no vision model checks images (offline).
Finding VisionUnavailable() {
  return {"vision.unavailable",
          "no vision model checks images on this route (offline): a person "
          "must check Miri's depiction rules in the image",
          ""};
}

std::string RuleIds(const std::vector<Finding>& findings) {
  std::string out;
  for (const Finding& f : findings)
    out += (out.empty() ? "" : ", ") + f.rule_id;
  return out;
}

const Version* Latest(const std::vector<Version>& versions,
                      std::initializer_list<VersionKind> kinds) {
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (std::find(kinds.begin(), kinds.end(), it->kind) != kinds.end()) {
      return &*it;
    }
  }
  return nullptr;
}

}  // namespace

struct Orchestrator::Context {
  std::string project_id;
  ProjectConfig project;
  Shot shot;
  std::vector<Version> versions;
};

namespace {

// The events the command running on this thread appended (Traced): a
// command runs on one thread from start to end, and results that providers
// deliver meanwhile run on theirs, so each sees only its own.
thread_local std::vector<Event>* t_trail = nullptr;

// CPU time of the calling thread, in microseconds.
int64_t ThreadCpuMicros() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<int64_t>(t.tv_sec) * 1000000 + t.tv_nsec / 1000;
}

bool IsStale(const Error& e) {
  return e.code == ErrorCode::kFailedPrecondition;
}

}  // namespace

Orchestrator::Orchestrator(Store& store, BlobStore& blobs, EventBus* bus,
                           ImageGenerator& images, VideoGenerator& videos,
                           VisionAnalyzer& vision, Rulebook* rulebook,
                           const Clock& clock, IdSource ids,
                           OrchestratorOptions options)
    : store_(store),
      blobs_(blobs),
      bus_(bus),
      images_(images),
      videos_(videos),
      vision_(vision),
      rulebook_(rulebook),
      clock_(clock),
      ids_(std::move(ids)),
      options_(options) {}

void Orchestrator::SetFinalRenderStarter(FinalRenderStarter starter) {
  std::lock_guard lock(starter_mu_);
  render_starter_ = std::move(starter);
}

std::string Orchestrator::JobId(std::string_view project_id,
                                std::string_view version_id) {
  return std::string(project_id) + ":" + std::string(version_id);
}

std::string Orchestrator::NewId(std::string_view prefix) {
  return std::string(prefix) + ids_();
}

int64_t Orchestrator::CapMicros(const ProjectConfig& project) const {
  return project.global_settings.BudgetCapMicros();
}

Result<Orchestrator::Context> Orchestrator::Load(std::string_view project_id,
                                                 std::string_view shot_id) {
  Context ctx;
  ctx.project_id = std::string(project_id);
  ASSIGN_OR_RETURN(ctx.project, store_.GetProject(project_id), "project");
  ASSIGN_OR_RETURN(ctx.shot, store_.GetShot(project_id, shot_id), "shot");
  ASSIGN_OR_RETURN(ctx.versions, store_.ListVersions(project_id, shot_id),
                   "shot");
  return ctx;
}

Result<AppendEventResult> Orchestrator::Move(
    std::string_view project_id, std::string_view shot_id,
    std::optional<ShotStatus> from, ShotStatus to, std::string cause,
    std::string key, std::optional<std::string> version_id,
    std::optional<std::string> screened_by, const LedgerEntry* close) {
  Event e;
  e.event_id = NewId("e");
  e.shot_id = std::string(shot_id);
  e.version_id = std::move(version_id);
  if (from) e.from = std::string(ShotStatusName(*from));
  e.to = std::string(ShotStatusName(to));
  e.cause = TruncateUtf8(cause, 1900);
  if (screened_by) e.screened_by = TruncateUtf8(*screened_by, 500);
  e.at = clock_.NowIso();
  // Request keys are the client's; scope them to the shot so two shots
  // never share an event key.
  e.idempotency_key = TruncateUtf8(std::string(shot_id) + "/" + key, 200);
  Result<AppendEventResult> appended =
      close != nullptr ? store_.AppendEventClosing(project_id, e, *close)
                       : store_.AppendEvent(project_id, e);
  if (!appended && close != nullptr) {
    // The move was refused (or not answered): the entry still closes its
    // reservation on its own.
    Result<void> r = store_.AppendLedgerEntry(project_id, *close);
    if (!r && r.error().code != ErrorCode::kAlreadyExists &&
        r.error().code != ErrorCode::kNotFound &&
        r.error().code != ErrorCode::kFailedPrecondition) {
      spdlog::warn("settling {} of project {}: {}", close->entry_id, project_id,
                   r.error().ToString());
    }
  }
  ASSIGN_OR_RETURN(AppendEventResult r, std::move(appended),
                   "shot " + std::string(shot_id));
  if (!r.duplicate) {
    Publish(project_id, kShotUpdated, EventPayload(project_id, r.event));
    if (t_trail != nullptr) t_trail->push_back(r.event);
  }
  return r;
}

void Orchestrator::Publish(std::string_view project_id, std::string_view type,
                           json payload) {
  if (bus_ == nullptr) return;
  // The store is the truth; a lost doorbell costs clients a refetch.
  (void)bus_->Publish(
      {std::string(project_id), std::string(type), payload.dump()});
}

Result<ShotStep> Orchestrator::Traced(
    const std::function<Result<ShotStep>()>& step) {
  std::vector<Event> trail;
  std::vector<Event>* outer = std::exchange(t_trail, &trail);
  Result<ShotStep> r = step();
  t_trail = outer;
  if (r) r->events = std::move(trail);
  return r;
}

namespace {

// "fal" or, for a routed version, "Vertex AI (gemini-2.5-flash-image):
// fal circuit open".
std::string RequestedFrom(const Version& v, const ImageGenerator& images) {
  const auto route = v.parameters.find("route");
  if (route == v.parameters.end() || !route->is_object())
    return std::string(images.name());
  std::string who = route->value("label", "");
  if (who.empty()) who = route->value("chosen", "");
  if (who.empty()) return "no route (" + route->value("reason", "") + ")";
  return who + " (" + route->value("reason", "") + ")";
}

}  // namespace

Result<std::pair<Version, bool>> Orchestrator::StoreVersion(
    std::string_view project_id, Version v) {
  Result<void> stored = store_.AppendVersion(project_id, v);
  if (stored) return std::pair{std::move(v), true};
  if (stored.error().code != ErrorCode::kAlreadyExists) {
    return tl::unexpected(stored.error());
  }
  // A repeat (or a concurrent caller with the same key) stored it first:
  // go on with what was stored, which is what was audited and reserved.
  ASSIGN_OR_RETURN(Version first, store_.GetVersion(project_id, v.version_id),
                   "version");
  return std::pair{std::move(first), false};
}

void Orchestrator::RouteImage(const ProjectConfig& project,
                              std::string_view project_id, Version* v) const {
  ImageRequest req = ImageRequestOf(project_id, *v);
  req.routing = project.global_settings.image_route;
  std::optional<RouteChoice> c = images_.ChooseRoute(req);
  if (!c) return;
  v->parameters["route"] = {{"chosen", c->chosen},
                            {"label", c->label},
                            {"reason", c->reason},
                            {"passedOver", c->passed_over}};
}

Result<ShotStep> Orchestrator::Generate(
    std::string_view project_id, std::string_view shot_id,
    const std::optional<std::string>& subject_override, const std::string& key,
    const std::optional<std::string>& screened_by) {
  if (subject_override) {
    RETURN_IF_ERROR(RequireSafePromptText("prompt", *subject_override),
                    "generating");
  }
  return Traced([&]() -> Result<ShotStep> {
    ASSIGN_OR_RETURN(Context ctx, Load(project_id, shot_id), "generating");
    return DraftAndDispatch(ctx, subject_override, key, screened_by);
  });
}

Result<Orchestrator::ImageInputs> Orchestrator::InputsFor(const Context& ctx) {
  ImageInputs in;
  if (rulebook_ != nullptr) {
    ASSIGN_OR_RETURN(in.rules, rulebook_->RulesFor(ctx.project_id, ctx.shot),
                     "retrieving rules");
  }
  ASSIGN_OR_RETURN(in.references,
                   ApprovedReferences(store_, ctx.project_id, ctx.shot),
                   "references");
  return in;
}

Result<ShotStep> Orchestrator::DraftAndDispatch(
    const Context& ctx, const std::optional<std::string>& subject_in,
    const std::string& key, const std::optional<std::string>& screened_by) {
  std::string subject = subject_in.value_or(ctx.shot.description);
  ASSIGN_OR_RETURN(ImageInputs inputs, InputsFor(ctx), "");
  std::vector<RuleMatch>& rules = inputs.rules;
  const std::vector<std::string>& references = inputs.references;
  const Version* parent = Latest(ctx.versions, {VersionKind::kImage});
  ShotStatus status = ctx.shot.status;
  for (int attempt = 0;; ++attempt) {
    const std::string attempt_key =
        key + (attempt ? ":fix" + std::to_string(attempt) : "");
    // The move first: a shot that is not where this request expects it
    // (a second Generate while the first is in flight) refuses here, with
    // nothing written. A repeat finds the move appended and resumes.
    RETURN_IF_ERROR(
        Move(ctx.project_id, ctx.shot.shot_id, status, ShotStatus::kValidation,
             "audit started", attempt_key + ":validate", std::nullopt,
             attempt == 0 ? screened_by : std::nullopt),
        "generating");
    Version draft = ImageVersion(ctx.project, ctx.project_id, ctx.shot, subject,
                                 rules, references, parent, attempt_key,
                                 options_, clock_.NowIso());
    draft.findings = AuditPrompt(
        {PromptKind::kImage, draft.prompt, draft.negative_prompt,
         LorasOf(draft), EffectiveShowsMiri(ctx.shot, subject),
         ctx.project.global_settings.lora_weights_id, ctx.shot.shot_id,
         draft.version_id, std::string(kModelImage)});
    if (!options_.vision_audit_available) {
      draft.findings.push_back(VisionUnavailable());
    }
    RouteImage(ctx.project, ctx.project_id, &draft);
    ASSIGN_OR_RETURN(auto stored, StoreVersion(ctx.project_id, draft),
                     "generating");
    const Version& v = stored.first;
    std::vector<Finding> findings;
    for (const Finding& f : v.findings) {
      if (f.rule_id != "vision.unavailable") findings.push_back(f);
    }
    if (findings.empty()) return DispatchImage(ctx, v, attempt_key);
    if (attempt >= options_.max_autofix) {
      RETURN_IF_ERROR(Move(ctx.project_id, ctx.shot.shot_id,
                           ShotStatus::kValidation, ShotStatus::kFailed,
                           "audit failed after " + std::to_string(attempt) +
                               " auto-fixes: " + RuleIds(findings),
                           attempt_key + ":failed", v.version_id),
                      "generating");
      return ShotStep{v.version_id, ShotStatus::kFailed, findings, {}};
    }
    RETURN_IF_ERROR(Move(ctx.project_id, ctx.shot.shot_id,
                         ShotStatus::kValidation, ShotStatus::kDraft,
                         "audit failed: " + RuleIds(findings) + "; auto-fixing",
                         attempt_key + ":autofix", v.version_id),
                    "generating");
    // Auto-fix: drop the offending wording from the subject and any rule
    // that carries it, then audit again.
    for (const Finding& f : findings) {
      subject = Strip(subject, f.offending_text);
      std::erase_if(rules, [&](const RuleMatch& m) {
        return !f.offending_text.empty() &&
               Strip(m.rule.text, f.offending_text) != m.rule.text;
      });
    }
    status = ShotStatus::kDraft;
    parent = nullptr;
  }
}

Result<bool> Orchestrator::Reserve(const Context& ctx, const Version& v,
                                   int64_t micros) {
  LedgerEntry e;
  e.entry_id = "res-" + v.version_id;
  e.kind = LedgerKind::kReserve;
  e.provider = v.kind == VersionKind::kVideo ? std::string(videos_.name())
                                             : std::string(images_.name());
  e.amount_micros = micros;
  e.shot_id = ctx.shot.shot_id;
  e.version_id = v.version_id;
  e.at = clock_.NowIso();
  const int64_t cap = CapMicros(ctx.project);
  Result<BudgetState> r = store_.ReserveBudget(ctx.project_id, e, cap);
  // Reserved before (a repeat, or a concurrent caller with the same key):
  // whoever made the reservation sends the request.
  if (!r && r.error().code == ErrorCode::kAlreadyExists) return false;
  if (!r) return tl::unexpected(r.error());
  Publish(ctx.project_id, kBudgetUpdated,
          {{"projectId", ctx.project_id},
           {"settledMicros", r->settled_micros},
           {"reservedMicros", r->reserved_micros},
           {"capMicros", cap}});
  return true;
}

LedgerEntry Orchestrator::SettleEntry(std::string_view version_id,
                                      int64_t micros, bool ok) const {
  LedgerEntry e;
  e.entry_id = std::string(ok ? "set-" : "rel-") + std::string(version_id);
  e.kind = ok ? LedgerKind::kSettle : LedgerKind::kRelease;
  e.provider = "result";
  e.amount_micros = ok ? micros : 0;
  e.reservation_id = "res-" + std::string(version_id);
  e.version_id = std::string(version_id);
  e.at = clock_.NowIso();
  return e;
}

Result<AppendEventResult> Orchestrator::SettleAndMove(
    std::string_view project_id, const Version& v, int64_t micros, bool ok,
    ShotStatus from, ShotStatus to, std::string cause) {
  const LedgerEntry close = SettleEntry(v.version_id, micros, ok);
  return Move(project_id, v.shot_id, from, to, std::move(cause),
              "result:" + v.version_id, v.version_id, std::nullopt, &close);
}

void Orchestrator::Settle(std::string_view project_id,
                          std::string_view version_id, int64_t micros,
                          bool ok) {
  const LedgerEntry e = SettleEntry(version_id, micros, ok);
  Result<void> r = store_.AppendLedgerEntry(project_id, e);
  // Already settled (a duplicate result) or never reserved: nothing to do.
  if (!r && r.error().code != ErrorCode::kAlreadyExists &&
      r.error().code != ErrorCode::kNotFound &&
      r.error().code != ErrorCode::kFailedPrecondition) {
    spdlog::warn("settling {} of project {}: {}", version_id, project_id,
                 r.error().ToString());
  }
}

Result<ShotStep> Orchestrator::DispatchImage(const Context& ctx,
                                             const Version& v,
                                             const std::string& key) {
  const int64_t estimate =
      images_.EstimateCostMicros(ImageRequestOf(ctx.project_id, v));
  if (Result<bool> r = Reserve(ctx, v, estimate); !r) {
    // A store that could not answer is not a refusal: the shot stays in
    // VALIDATION and a repeat of the request resumes here.
    if (r.error().code != ErrorCode::kResourceExhausted) {
      return tl::unexpected(WithContext(r.error(), "reserving the budget"));
    }
    RETURN_IF_ERROR(
        Move(ctx.project_id, ctx.shot.shot_id, ShotStatus::kValidation,
             ShotStatus::kFailed, "budget exhausted: " + r.error().message,
             key + ":budget", v.version_id),
        "dispatching");
    return ShotStep{v.version_id, ShotStatus::kFailed, {}, {}};
  }
  Result<AppendEventResult> moved =
      Move(ctx.project_id, ctx.shot.shot_id, ShotStatus::kValidation,
           ShotStatus::kGeneratingImage,
           "audit passed; image requested from " + RequestedFrom(v, images_),
           key + ":dispatch", v.version_id);
  if (!moved) {
    // The shot moved on under us (another instance): what this request
    // reserved is given back. A store that did not answer keeps it for
    // the repeat that resumes here.
    if (IsStale(moved.error())) Settle(ctx.project_id, v.version_id, 0, false);
    return tl::unexpected(WithContext(moved.error(), "dispatching"));
  }
  if (moved->duplicate) {
    // A repeat: the first attempt sent it (or the reconciler resumes it).
    ASSIGN_OR_RETURN(Shot now, store_.GetShot(ctx.project_id, ctx.shot.shot_id),
                     "dispatching");
    return ShotStep{v.version_id, now.status, v.findings, {}};
  }
  return SubmitOrFail(ctx, v, ShotStatus::kGeneratingImage, key, v.findings,
                      "dispatching");
}

Result<ShotStep> Orchestrator::SubmitOrFail(const Context& ctx,
                                            const Version& v,
                                            ShotStatus dispatched,
                                            const std::string& key,
                                            std::vector<Finding> findings,
                                            std::string_view what) {
  // The shot may have moved on since this call reserved (a repeat of a
  // request that already failed): nothing is sent for a shot not waiting
  // for it, and the reservation is given back.
  ASSIGN_OR_RETURN(Shot now, store_.GetShot(ctx.project_id, ctx.shot.shot_id),
                   what);
  if (now.status != dispatched) {
    Settle(ctx.project_id, v.version_id, 0, false);
    return ShotStep{v.version_id, now.status, {}, {}};
  }
  // A store that cannot record the intent is not a refusal: nothing is
  // sent, the shot stays dispatched with its reservation, and the
  // reconciler sends the job (a version with neither intent nor record).
  RETURN_IF_ERROR(RecordIntent(ctx.project_id, v, 0), what);
  if (Result<void> r = Send(ctx.project_id, v, 0); !r) {
    Settle(ctx.project_id, v.version_id, 0, false);
    RETURN_IF_ERROR(
        Move(ctx.project_id, ctx.shot.shot_id, dispatched, ShotStatus::kFailed,
             "provider refused the request: " + r.error().ToString(),
             key + ":refused", v.version_id),
        what);
    return ShotStep{v.version_id, ShotStatus::kFailed, {}, {}};
  }
  return ShotStep{v.version_id, dispatched, std::move(findings), {}};
}

Result<ShotStep> Orchestrator::Approve(std::string_view project_id,
                                       std::string_view shot_id,
                                       const std::string& key) {
  return Traced([&]() -> Result<ShotStep> {
    ASSIGN_OR_RETURN(Context ctx, Load(project_id, shot_id), "approving");
    // The pair: the start frame, and its end frame when one was made.
    const ClipFrames frames = FramesOf(ctx.versions);
    const Version* image = frames.start;
    if (image == nullptr) {
      RETURN_IF_ERROR(
          CheckShotTransition(ctx.shot.status, ShotStatus::kGeneratingVideo),
          "approving");
      return MakeError(ErrorCode::kFailedPrecondition, "no image to approve",
                       {{"status", "the shot has no image yet"}});
    }
    ASSIGN_OR_RETURN(
        std::optional<MotionBrush> brush,
        ReadMotionBrush(blobs_, project_id, ctx.shot, options_.image_width,
                        options_.image_height),
        "approving");
    // An end frame the model cannot take with this clip (a model without
    // end frames, or a motion brush, which excludes one) stays out, and
    // the clip says so.
    std::string no_end;
    if (!ctx.shot.end_state.empty()) {
      no_end = EndFrameRefusal(ctx, *image, brush);
      if (no_end.empty() && frames.end == nullptr) {
        no_end = "no end frame was made for this start frame";
      }
    }
    const Version* end = no_end.empty() ? frames.end : nullptr;
    Version clip = VideoVersion(ctx.project, ctx.project_id, ctx.shot, *image,
                                brush, key, options_, clock_.NowIso(), end);
    clip.findings =
        AuditPrompt({PromptKind::kVideo,
                     clip.prompt,
                     clip.negative_prompt,
                     {},
                     EffectiveShowsMiri(ctx.shot) || !LorasOf(*image).empty(),
                     ctx.project.global_settings.lora_weights_id,
                     ctx.shot.shot_id,
                     clip.version_id,
                     std::string(kModelVideo)});
    if (!clip.findings.empty()) {
      return MakeError(
          ErrorCode::kFailedPrecondition,
          "the clip prompt fails the audit: " + RuleIds(clip.findings));
    }
    if (!no_end.empty()) {
      clip.findings.push_back(
          {"video.start-frame-only",
           "the clip starts from the start frame alone: " + no_end, ""});
    }
    // A clip the video model cannot serve (say an end frame or a motion
    // brush it lacks; adapters/kling reroutes where allowed) is refused
    // here, before the shot moves or budget is reserved: the error keeps
    // the generator's reason, whose issue names the field and the model.
    const VideoRequest request = VideoRequestOf(ctx.project_id, clip);
    RETURN_IF_ERROR(videos_.CheckRequest(request), "approving");
    const int64_t estimate = videos_.EstimateCostMicros(request);
    if (ctx.shot.status == ShotStatus::kAwaitingApproval) {
      // Refused before anything is written when the clip cannot fit.
      ASSIGN_OR_RETURN(BudgetState budget, store_.GetBudget(project_id),
                       "approving");
      const int64_t cap = CapMicros(ctx.project);
      if (budget.committed_micros() + estimate > cap) {
        return MakeError(
            ErrorCode::kFailedPrecondition,
            "budget cap: the clip needs " + std::to_string(estimate) +
                " micro-USD and " +
                std::to_string(cap - budget.committed_micros()) + " are left",
            {{"budgetCapUsd", "raise the project's budget cap to approve"}});
      }
    }
    // The move is the decision: of two approvals (two instances, two
    // keys) one moves the shot, the other is refused with nothing written.
    ASSIGN_OR_RETURN(
        AppendEventResult moved,
        Move(project_id, shot_id, ShotStatus::kAwaitingApproval,
             ShotStatus::kGeneratingVideo,
             "approved; clip requested from " + std::string(videos_.name()),
             key + ":approve", image->version_id),
        "approving");
    ASSIGN_OR_RETURN(auto stored, StoreVersion(project_id, clip), "approving");
    const Version& v = stored.first;
    // The clip's parent records the approval (the rulebook counts from it).
    (void)moved;
    return ReserveAndSend(ctx, v, estimate, ShotStatus::kGeneratingVideo, key,
                          "approving");
  });
}

Result<ShotStep> Orchestrator::Reject(
    std::string_view project_id, std::string_view shot_id,
    const std::string& reason, const std::string& key,
    const std::optional<std::string>& screened_by) {
  RETURN_IF_ERROR(RequireSafeText("reason", reason, TextChannel::kRejectReason,
                                  /*shows_miri=*/true),
                  "rejecting");
  return Traced([&]() -> Result<ShotStep> {
    ASSIGN_OR_RETURN(Context ctx, Load(project_id, shot_id), "rejecting");
    const Version* image = Latest(ctx.versions, {VersionKind::kImage});
    if (image == nullptr) {
      RETURN_IF_ERROR(CheckShotTransition(ctx.shot.status, ShotStatus::kDraft),
                      "rejecting");
      return MakeError(ErrorCode::kFailedPrecondition, "no image to reject",
                       {{"status", "the shot has no image yet"}});
    }
    // Learn first: a refused rule leaves the shot as it was. A shot that
    // is not awaiting approval learns nothing: this is a repeat (resumed
    // below) or refused by the move.
    if (ctx.shot.status == ShotStatus::kAwaitingApproval &&
        rulebook_ != nullptr) {
      RETURN_IF_ERROR(
          rulebook_->LearnFromRejection(project_id, ctx.shot, *image, reason),
          "rejecting");
    }
    RETURN_IF_ERROR(Move(project_id, shot_id, ShotStatus::kAwaitingApproval,
                         ShotStatus::kDraft, "rejected: " + reason,
                         key + ":reject", image->version_id, screened_by),
                    "rejecting");
    ASSIGN_OR_RETURN(ctx, Load(project_id, shot_id), "rejecting");
    return DraftAndDispatch(ctx, std::nullopt, key + ":redraft");
  });
}

Result<ShotStep> Orchestrator::Refine(
    std::string_view project_id, std::string_view shot_id,
    const std::string& instruction, const std::optional<std::string>& mask_blob,
    const std::string& key, const std::optional<std::string>& screened_by) {
  RETURN_IF_ERROR(RequireSafeText("instruction", instruction,
                                  TextChannel::kRefine, /*shows_miri=*/true),
                  "refining");
  return Traced([&]() -> Result<ShotStep> {
    ASSIGN_OR_RETURN(Context ctx, Load(project_id, shot_id), "refining");
    const std::string version_id = VersionIdFor(ctx.shot.shot_id, key);
    // The image refined: the newest one before this request's version (a
    // repeat finds its own version stored after it).
    const Version* image = nullptr;
    for (const Version& v : ctx.versions) {
      if (v.version_id == version_id) break;
      if (v.kind == VersionKind::kImage) image = &v;
    }
    if (image == nullptr || image->outputs.empty()) {
      RETURN_IF_ERROR(
          CheckShotTransition(ctx.shot.status, ShotStatus::kRefining),
          "refining");
      return MakeError(ErrorCode::kFailedPrecondition, "no image to refine",
                       {{"status", "the shot has no image yet"}});
    }
    // A repeat whose version is stored goes on with it; otherwise (a
    // first attempt, or one that stopped before storing it) the mask is
    // made again: the same instruction on the same image.
    const bool stored_before =
        store_.GetVersion(project_id, version_id).has_value();
    std::string mask;
    if (mask_blob) {
      mask = *mask_blob;
    } else if (!stored_before) {
      MaskInput in{
          image->outputs.front(), instruction, "",
          OutputKey(project_id, ctx.shot.shot_id, version_id, "mask.png")};
      ASSIGN_OR_RETURN(mask, vision_.MaskFromInstruction(in), "refining");
    }
    // The rules that apply to the shot apply to its refines too.
    std::vector<RuleMatch> rules;
    if (rulebook_ != nullptr) {
      ASSIGN_OR_RETURN(rules, rulebook_->RulesFor(project_id, ctx.shot),
                       "retrieving rules");
    }
    Version draft =
        RefineVersion(ctx.project, ctx.project_id, ctx.shot, *image,
                      instruction, mask, rules, key, options_, clock_.NowIso());
    draft.findings = AuditPrompt(
        {PromptKind::kImage, draft.prompt, draft.negative_prompt,
         LorasOf(draft), EffectiveShowsMiri(ctx.shot, instruction),
         ctx.project.global_settings.lora_weights_id, ctx.shot.shot_id,
         draft.version_id, std::string(kModelImage)});
    if (!draft.findings.empty()) {
      return MakeError(ErrorCode::kRefused,
                       "refused: the refined prompt fails the audit: " +
                           RuleIds(draft.findings));
    }
    ASSIGN_OR_RETURN(AppendEventResult moved,
                     Move(project_id, shot_id, ShotStatus::kAwaitingApproval,
                          ShotStatus::kRefining, "refine: " + instruction,
                          key + ":refine", image->version_id, screened_by),
                     "refining");
    (void)moved;
    RouteImage(ctx.project, project_id, &draft);
    ASSIGN_OR_RETURN(auto stored, StoreVersion(project_id, draft), "refining");
    const Version& v = stored.first;
    return ReserveAndSend(
        ctx, v, images_.EstimateCostMicros(ImageRequestOf(ctx.project_id, v)),
        ShotStatus::kRefining, key, "refining");
  });
}

Result<ShotStep> Orchestrator::ReserveAndSend(
    const Context& ctx, const Version& v, int64_t estimate,
    ShotStatus dispatched, const std::string& key, std::string_view what) {
  Result<bool> r = Reserve(ctx, v, estimate);
  if (r && !*r) {
    // A repeat: the first attempt sent it (or the reconciler resumes it).
    ASSIGN_OR_RETURN(Shot now, store_.GetShot(ctx.project_id, v.shot_id), what);
    return ShotStep{v.version_id, now.status, {}, {}};
  }
  if (!r) {
    if (r.error().code != ErrorCode::kResourceExhausted) {
      return tl::unexpected(WithContext(r.error(), "reserving the budget"));
    }
    // Another reservation took the last of the cap since any check.
    RETURN_IF_ERROR(
        Move(ctx.project_id, v.shot_id, dispatched, ShotStatus::kFailed,
             "budget exhausted: " + r.error().message, key + ":budget",
             v.version_id),
        what);
    return ShotStep{v.version_id, ShotStatus::kFailed, {}, {}};
  }
  return SubmitOrFail(ctx, v, dispatched, key, {}, what);
}

void Orchestrator::OnResult(ProviderResult result) {
  if (Result<ShotStep> r = Apply(result); !r) {
    spdlog::warn("result {} from {}: {}", result.job_id, result.provider,
                 r.error().ToString());
  }
}

Result<ShotStep> Orchestrator::Apply(const ProviderResult& result,
                                     const Version* known) {
  return Traced([&]() -> Result<ShotStep> {
    ShotStep step;
    ASSIGN_OR_RETURN(step.status,
                     HandleResult(result, known, &step.check_queued), "");
    if (Result<JobRef> job = ParseJobId(result.job_id); job) {
      step.version_id = job->version_id;
    }
    return step;
  });
}

Result<ShotStatus> Orchestrator::HandleResult(const ProviderResult& r,
                                              const Version* known,
                                              bool* check_queued) {
  ASSIGN_OR_RETURN(JobRef job, ParseJobId(r.job_id), "result");
  Version v;
  if (known != nullptr && known->version_id == job.version_id) {
    v = *known;
  } else {
    ASSIGN_OR_RETURN(v, store_.GetVersion(job.project_id, job.version_id),
                     "result");
  }
  Context ctx;
  ctx.project_id = job.project_id;
  ASSIGN_OR_RETURN(ctx.project, store_.GetProject(job.project_id), "result");
  ASSIGN_OR_RETURN(ctx.shot, store_.GetShot(job.project_id, v.shot_id),
                   "result");
  // The shot's newest version is the current one; only when it is not
  // (an older result, or a newer version of another kind) are the versions
  // read to find the newest image or clip.
  bool superseded = false;
  const bool job_kind =
      v.kind == VersionKind::kImage || v.kind == VersionKind::kVideo;
  if (!job_kind || ctx.shot.versions.empty() ||
      ctx.shot.versions.back() != v.version_id) {
    ASSIGN_OR_RETURN(ctx.versions,
                     store_.ListVersions(job.project_id, v.shot_id), "result");
    const Version* current =
        Latest(ctx.versions, {VersionKind::kImage, VersionKind::kVideo});
    superseded = current == nullptr || current->version_id != v.version_id;
  }
  const bool ok = r.status == ProviderResult::Status::kSucceeded;
  const bool image = v.kind != VersionKind::kVideo;
  const int64_t cost =
      r.cost_micros != ProviderResult::kCostAsReserved ? r.cost_micros
      : image ? images_.EstimateCostMicros(ImageRequestOf(job.project_id, v))
              : videos_.EstimateCostMicros(VideoRequestOf(job.project_id, v));
  if (superseded) {
    // Recorded (the cost is real) but the shot has moved on: never backwards.
    Settle(job.project_id, v.version_id, cost, ok);
    spdlog::info("late result for superseded version {} of shot {}",
                 v.version_id, v.shot_id);
    return ctx.shot.status;
  }
  const ShotStatus from = ctx.shot.status;
  const bool expected = image ? (from == ShotStatus::kGeneratingImage ||
                                 from == ShotStatus::kRefining)
                              : from == ShotStatus::kGeneratingVideo;
  if (!expected) return from;  // a duplicate after the step was taken
  if (!ok) {
    if (r.retryable && job.attempt < options_.max_provider_retries) {
      RETURN_IF_ERROR(Resubmit(job, v), "");
      return from;
    }
    RETURN_IF_ERROR(
        SettleAndMove(job.project_id, v, 0, false, from, ShotStatus::kFailed,
                      "provider failed: " + r.error),
        "result");
    return ShotStatus::kFailed;
  }
  for (const std::string& key : v.outputs) {
    ASSIGN_OR_RETURN(bool exists, blobs_.Exists(key), "result");
    if (!exists) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "result names " + key + " but it is not stored",
                       {{"outputs", "the output of version " + v.version_id +
                                        " is not stored yet"}});
    }
  }
  if (image && auditor_.load() != nullptr) {
    // The vision check takes seconds (a Gemini call, the local classifier):
    // it runs on the check workers, so the provider's webhook is answered
    // at once. The shot stays where it is until the check decides; a check
    // lost with its instance is redone when the reconciler polls the job.
    *check_queued = QueueCheck(ctx, v, from, cost);
    return from;
  }
  if (image) return FinishImage(ctx, v, from, cost, "");
  RETURN_IF_ERROR(SettleAndMove(job.project_id, v, cost, true, from,
                                ShotStatus::kCompleted, "clip ready"),
                  "result");
  RETURN_IF_ERROR(MaybeFinish(job.project_id), "final render");
  return ShotStatus::kCompleted;
}

Result<ShotStatus> Orchestrator::FinishImage(const Context& ctx,
                                             const Version& v, ShotStatus from,
                                             int64_t cost,
                                             const std::string& checked) {
  ShotStatus after = ShotStatus::kAwaitingApproval;
  RETURN_IF_ERROR(SettleAndMove(ctx.project_id, v, cost, true, from, after,
                                checked.empty() ? "image ready"
                                                : "image ready; " + checked),
                  "result");
  if (!IsEndFrame(v)) {
    ASSIGN_OR_RETURN(std::optional<ShotStatus> end,
                     MaybeDispatchEndFrame(ctx, v), "the end frame");
    // Approval (a person's or auto) waits for the pair.
    if (end) return *end;
  }
  if (!ctx.project.global_settings.require_human_approval) {
    Result<ShotStep> approved =
        Approve(ctx.project_id, v.shot_id, "auto:" + v.version_id);
    if (!approved)
      return tl::unexpected(WithContext(approved.error(), "auto-approval"));
    // The clip's events belong to this result's trail too.
    if (t_trail != nullptr) {
      t_trail->insert(t_trail->end(), approved->events.begin(),
                      approved->events.end());
    }
    after = approved->status;
  }
  return after;
}

std::string Orchestrator::EndFrameRefusal(
    const Context& ctx, const Version& start,
    const std::optional<MotionBrush>& brush) {
  // The clip as Approve would build it, with and without an end frame:
  // only a model that takes the one and not the other refuses end frames
  // (any other refusal is Approve's to report).
  const Version with_end =
      VideoVersion(ctx.project, ctx.project_id, ctx.shot, start, brush,
                   "end-frame-probe", options_, clock_.NowIso(), &start);
  Result<void> r =
      videos_.CheckRequest(VideoRequestOf(ctx.project_id, with_end));
  if (r) return "";
  const Version without =
      VideoVersion(ctx.project, ctx.project_id, ctx.shot, start, brush,
                   "end-frame-probe", options_, clock_.NowIso());
  if (!videos_.CheckRequest(VideoRequestOf(ctx.project_id, without))) {
    return "";
  }
  return r.error().issues.empty() ? r.error().message
                                  : r.error().issues.front().message;
}

Result<std::optional<ShotStatus>> Orchestrator::MaybeDispatchEndFrame(
    const Context& ctx, const Version& start) {
  if (ctx.shot.end_state.empty() || start.outputs.empty()) {
    return std::optional<ShotStatus>();
  }
  // A brush that cannot be read is Approve's to refuse; here it only
  // decides whether the model could take an end frame beside it.
  Result<std::optional<MotionBrush>> read =
      ReadMotionBrush(blobs_, ctx.project_id, ctx.shot, options_.image_width,
                      options_.image_height);
  const std::optional<MotionBrush> brush =
      read ? *read : std::optional<MotionBrush>();
  if (std::string why = EndFrameRefusal(ctx, start, brush); !why.empty()) {
    spdlog::info("shot {}: no end frame: {}", ctx.shot.shot_id, why);
    return std::optional<ShotStatus>();
  }
  std::vector<RuleMatch> rules;
  if (rulebook_ != nullptr) {
    ASSIGN_OR_RETURN(rules, rulebook_->RulesFor(ctx.project_id, ctx.shot),
                     "retrieving rules");
  }
  const std::string key = "end:" + start.version_id;
  Version draft = EndFrameVersion(ctx.project, ctx.project_id, ctx.shot, start,
                                  rules, key, options_, clock_.NowIso());
  draft.findings = AuditPrompt(
      {PromptKind::kImage, draft.prompt, draft.negative_prompt, LorasOf(draft),
       EffectiveShowsMiri(ctx.shot, ctx.shot.end_state),
       ctx.project.global_settings.lora_weights_id, ctx.shot.shot_id,
       draft.version_id, std::string(kModelImage)});
  if (!draft.findings.empty()) {
    // Screened when the plan was committed, so this is a rule the audit
    // learned since: the start frame alone, and the log says why.
    spdlog::warn("shot {}: end frame not made: {}", ctx.shot.shot_id,
                 RuleIds(draft.findings));
    return std::optional<ShotStatus>();
  }
  if (!options_.vision_audit_available) {
    draft.findings.push_back(VisionUnavailable());
  }
  RETURN_IF_ERROR(Move(ctx.project_id, ctx.shot.shot_id,
                       ShotStatus::kAwaitingApproval, ShotStatus::kRefining,
                       "start frame ready; end frame requested from " +
                           std::string(images_.name()),
                       key + ":dispatch", start.version_id),
                  "");
  RouteImage(ctx.project, ctx.project_id, &draft);
  ASSIGN_OR_RETURN(auto stored, StoreVersion(ctx.project_id, draft), "");
  const Version& v = stored.first;
  ASSIGN_OR_RETURN(
      ShotStep sent,
      ReserveAndSend(
          ctx, v, images_.EstimateCostMicros(ImageRequestOf(ctx.project_id, v)),
          ShotStatus::kRefining, key, "sending the end frame"),
      "");
  return std::optional<ShotStatus>(sent.status);
}

bool Orchestrator::QueueCheck(const Context& ctx, const Version& v,
                              ShotStatus from, int64_t cost) {
  std::lock_guard lock(checks_mu_);
  // A duplicate delivery while the check is queued or running: one check.
  if (stopping_ || !checking_.insert(v.version_id).second) return false;
  if (check_threads_.empty()) {
    for (int i = 0; i < kCheckWorkers; ++i) {
      check_threads_.emplace_back([this] {
        // Named for `top -H` and per-thread CPU accounting (bench/api).
        pthread_setname_np(pthread_self(), "miri-check");
        RunChecks();
      });
    }
  }
  auto shared = std::make_shared<Context>(ctx);
  checks_.emplace_back(v.version_id, [this, shared, v, from, cost] {
    std::string note;
    const int64_t cpu0 = ThreadCpuMicros();
    const auto wall0 = std::chrono::steady_clock::now();
    Result<std::optional<ShotStatus>> failed =
        CheckImage(*shared, v, from, cost, &note);
    // One line per check: the audit trail of what was shown, and what the
    // check costs this instance (the classifier's own process aside);
    // bench/api reads "us of this instance's CPU" to tell the check from
    // the webhook path.
    spdlog::info(
        "image check of version {} (shot {}): {} in {} ms, {} us of this "
        "instance's CPU",
        v.version_id, v.shot_id,
        !failed   ? "error: " + failed.error().message
        : *failed ? "not passed"
                  : "passed",
        std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - wall0)
            .count(),
        ThreadCpuMicros() - cpu0);
    Result<void> done;
    if (!failed) {
      done = tl::unexpected(failed.error());
    } else if (!*failed) {
      Result<ShotStatus> finished = FinishImage(*shared, v, from, cost, note);
      if (!finished) done = tl::unexpected(finished.error());
    }
    // A shot that moved on meanwhile, or a store that did not answer: the
    // reconciler's poll of the job brings the result (and the check) back.
    if (!done) {
      spdlog::warn("image check of version {} (shot {}): {}", v.version_id,
                   v.shot_id, done.error().ToString());
    }
  });
  checks_cv_.notify_one();
  return true;
}

void Orchestrator::RunChecks() {
  std::unique_lock lock(checks_mu_);
  for (;;) {
    checks_cv_.wait(lock, [&] { return stopping_ || !checks_.empty(); });
    if (checks_.empty()) return;  // stopping, nothing left
    auto [version, task] = std::move(checks_.front());
    checks_.pop_front();
    ++running_checks_;
    lock.unlock();
    task();
    lock.lock();
    --running_checks_;
    checking_.erase(version);
    if (checks_.empty() && running_checks_ == 0) checks_idle_.notify_all();
  }
}

bool Orchestrator::WaitForChecks(std::chrono::milliseconds timeout) {
  std::unique_lock lock(checks_mu_);
  return checks_idle_.wait_for(
      lock, timeout, [&] { return checks_.empty() && running_checks_ == 0; });
}

Orchestrator::~Orchestrator() {
  {
    std::lock_guard lock(checks_mu_);
    stopping_ = true;
  }
  checks_cv_.notify_all();
  for (std::thread& t : check_threads_) t.join();
}

Result<void> Orchestrator::MaybeFinish(std::string_view project_id) {
  ASSIGN_OR_RETURN(std::vector<Shot> shots, store_.ListShots(project_id), "");
  for (const Shot& s : shots) {
    if (s.status != ShotStatus::kCompleted) return {};
  }
  ASSIGN_OR_RETURN(std::optional<ProjectStatus> status,
                   store_.GetProjectStatus(project_id), "");
  if (status != ProjectStatus::kPlanned) return {};
  Event e;
  e.event_id = NewId("e");
  e.from = std::string(ProjectStatusName(ProjectStatus::kPlanned));
  e.to = std::string(ProjectStatusName(ProjectStatus::kFinalRender));
  e.cause = "every shot is COMPLETED";
  e.at = clock_.NowIso();
  e.idempotency_key = "final-render:" + std::to_string(shots.size());
  Result<AppendEventResult> r = store_.AppendEvent(project_id, e);
  // Two last clips on two threads: one moves the project, the other finds
  // it moved (stale): both fine.
  if (!r && IsStale(r.error())) return {};
  if (!r) return tl::unexpected(r.error());
  if (r->duplicate) return {};
  Publish(project_id, kProjectUpdated, EventPayload(project_id, r->event));
  if (t_trail != nullptr) t_trail->push_back(r->event);
  FinalRenderStarter starter;
  {
    std::lock_guard lock(starter_mu_);
    starter = render_starter_;
  }
  if (starter) starter(std::string(project_id));
  return {};
}

Result<CostForecast> Orchestrator::Forecast(std::string_view project_id) {
  ASSIGN_OR_RETURN(ProjectConfig project, store_.GetProject(project_id),
                   "forecast");
  ASSIGN_OR_RETURN(std::vector<Shot> shots, store_.ListShots(project_id),
                   "forecast");
  ASSIGN_OR_RETURN(BudgetState budget, store_.GetBudget(project_id),
                   "forecast");
  CostForecast f;
  f.committed_micros = budget.committed_micros();
  f.cap_micros = CapMicros(project);
  for (const Shot& s : shots) {
    if (s.status == ShotStatus::kCompleted || s.status == ShotStatus::kFailed) {
      continue;
    }
    ShotForecast sf{s.shot_id, 0, 0};
    ImageRequest img = ForecastImageRequest(project, s, options_);
    // One anchor image plus, on average, half a refinement per shot, and
    // the end frame (an edit of the anchor) when the shot has an end state.
    sf.images_micros = images_.EstimateCostMicros(img) * 3 / 2;
    if (!s.end_state.empty()) {
      img.mode = ImageRequest::Mode::kEdit;
      img.reference_blobs = {"start-frame"};
      sf.images_micros += images_.EstimateCostMicros(img);
    }
    sf.video_micros =
        videos_.EstimateCostMicros(ForecastVideoRequest(s, options_));
    f.total_micros += sf.images_micros + sf.video_micros;
    f.shots.push_back(sf);
  }
  return f;
}

// ---- The image check (issue 18) and the retry of a FAILED shot ----

namespace {

// What the next image is told to avoid when a constraint failed: words for
// its negative prompt (the positive prompt keeps the depiction terms).
std::string AvoidFor(std::string_view rule_id) {
  if (rule_id == "vision.mouth-closed") return "open mouth, parted lips, teeth";
  if (rule_id == "vision.loose-heavy-fabric-to-mid-calf") {
    return "short hem, bare knees, tight clothing, thin fabric";
  }
  if (rule_id == "vision.child-physique") return "adult body, mature figure";
  if (rule_id == "vision.no-other-identifiable-person") {
    return "other people, recognisable faces";
  }
  if (rule_id.starts_with("vision.nsfw")) {
    return "revealing clothing, suggestive pose, bare skin";
  }
  return "";
}

nlohmann::json VerdictJson(const Version& v,
                           const Result<ImageVerdict>& verdict,
                           std::string_view checker, const std::string& at) {
  nlohmann::json j = {{"versionId", v.version_id},
                      {"shotId", v.shot_id},
                      {"checkedAt", at},
                      {"checker", std::string(checker)}};
  if (!verdict) {
    j["passed"] = false;
    j["held"] = true;
    j["error"] = verdict.error().ToString();
    return j;
  }
  const ImageVerdict& r = *verdict;
  j["checker"] = r.checker;
  j["passed"] = r.passed;
  j["complete"] = r.complete();
  j["reason"] = r.reason;
  j["elapsedMs"] = r.elapsed_ms;
  nlohmann::json findings = nlohmann::json::array();
  for (const Finding& f : r.findings) {
    findings.push_back({{"ruleId", f.rule_id}, {"message", f.message}});
  }
  j["findings"] = std::move(findings);
  nlohmann::json constraints = nlohmann::json::array();
  for (const ConstraintResult& c : r.constraints) {
    constraints.push_back({{"id", c.id},
                           {"state", std::string(ConstraintStateName(c.state))},
                           {"reason", c.reason}});
  }
  j["constraints"] = std::move(constraints);
  if (r.prompt_adherence) j["promptAdherence"] = *r.prompt_adherence;
  if (r.continuity) j["continuity"] = *r.continuity;
  if (!r.scores.empty()) j["scores"] = r.scores;
  return j;
}

std::string FindingsText(const std::vector<Finding>& findings) {
  std::string out;
  for (const Finding& f : findings) {
    out += (out.empty() ? "" : "; ") + f.message;
  }
  return out;
}

}  // namespace

void Orchestrator::SetImageAuditor(ImageAuditor* auditor) {
  auditor_.store(auditor);
  options_.vision_audit_available = auditor != nullptr;
}

std::string Orchestrator::CheckBlobKey(std::string_view project_id,
                                       std::string_view version_id) {
  return "projects/" + std::string(project_id) + "/checks/" +
         std::string(version_id) + ".json";
}

Result<std::optional<ShotStatus>> Orchestrator::CheckImage(const Context& ctx,
                                                           const Version& v,
                                                           ShotStatus from,
                                                           int64_t cost,
                                                           std::string* note) {
  ImageAuditor* auditor = auditor_.load();
  ImageCheckRequest request;
  request.prompt = v.prompt;
  request.shot_description = ctx.shot.description;
  request.shows_miri = ctx.shot.shows_miri;
  Result<ImageVerdict> verdict = MakeError(ErrorCode::kInternal, "no output");
  if (Result<std::string> bytes = blobs_.Get(v.outputs.front()); !bytes) {
    verdict = tl::unexpected(bytes.error());
  } else {
    request.image = std::move(*bytes);
    // Continuity with the frames the image was made from, when it has any.
    for (const std::string& ref : v.references) {
      if (request.reference_images.size() >= 2) break;
      if (Result<std::string> r = blobs_.Get(ref); r) {
        request.reference_images.push_back(std::move(*r));
      }
    }
    // No lock is held here: the check may take seconds.
    verdict = auditor->Check(request);
  }
  const std::string checker =
      verdict ? verdict->checker : std::string(auditor->name());
  // The record of the check, for the shot page; it is written before the
  // shot moves, so whoever sees the move can read why.
  RETURN_IF_ERROR(
      blobs_.Put(CheckBlobKey(ctx.project_id, v.version_id),
                 VerdictJson(v, verdict, checker, clock_.NowIso()).dump()),
      "storing the image check");
  if (verdict && verdict->passed) {
    *note = "checked by " + checker + ": passed";
    if (!verdict->complete()) {
      *note +=
          " (it cannot see mouth, clothing, physique or other people: a "
          "person checks those)";
    }
    return std::optional<ShotStatus>();
  }
  // The provider made the image: its cost is settled whatever follows.
  Settle(ctx.project_id, v.version_id, cost, true);
  const std::string key = "result:" + v.version_id;
  if (!verdict) {
    RETURN_IF_ERROR(
        Move(ctx.project_id, v.shot_id, from, ShotStatus::kFailed,
             "held: the image check could not run (" + checker + ": " +
                 verdict.error().message +
                 "), so the image is not shown; retry the shot once the "
                 "checker is back",
             key, v.version_id),
        "holding the image");
    return std::optional<ShotStatus>(ShotStatus::kFailed);
  }
  const std::string why = FindingsText(verdict->findings);
  const int made = v.parameters.value("imageCheckAttempt", 0) + 1;
  if (made >= options_.max_image_checks) {
    RETURN_IF_ERROR(
        Move(ctx.project_id, v.shot_id, from, ShotStatus::kFailed,
             "the image failed the image check " + std::to_string(made) +
                 " times (" + checker + "): " + why,
             key, v.version_id),
        "image check");
    return std::optional<ShotStatus>(ShotStatus::kFailed);
  }
  // Made again, with the findings as guidance, while the shot stays where
  // it is; the failed image is never shown. The new version's id comes
  // from the failed one, so duplicate deliveries make one regeneration.
  ASSIGN_OR_RETURN(ImageInputs inputs, InputsFor(ctx), "");
  std::vector<RuleMatch>& rules = inputs.rules;
  const std::vector<std::string>& references = inputs.references;
  Version next = ImageVersion(
      ctx.project, ctx.project_id, ctx.shot, ctx.shot.description, rules,
      references, &v, "recheck:" + v.version_id, options_, clock_.NowIso());
  std::string avoid;
  for (const Finding& f : verdict->findings) {
    std::string words = AvoidFor(f.rule_id);
    if (!words.empty() && avoid.find(words) == std::string::npos) {
      avoid += (avoid.empty() ? "" : ", ") + words;
    }
  }
  if (!avoid.empty()) {
    next.negative_prompt += (next.negative_prompt.empty() ? "" : ", ") + avoid;
  }
  next.parameters["imageCheckAttempt"] = made;
  next.findings = AuditPrompt(
      {PromptKind::kImage, next.prompt, next.negative_prompt, LorasOf(next),
       ctx.shot.shows_miri, ctx.project.global_settings.lora_weights_id,
       ctx.shot.shot_id, next.version_id, std::string(kModelImage)});
  if (!next.findings.empty()) {
    RETURN_IF_ERROR(
        Move(ctx.project_id, v.shot_id, from, ShotStatus::kFailed,
             "the image failed the image check (" + checker + "): " + why +
                 "; its regeneration fails the "
                 "prompt audit: " +
                 RuleIds(next.findings),
             key, v.version_id),
        "image check");
    return std::optional<ShotStatus>(ShotStatus::kFailed);
  }
  next.findings.push_back({"vision.regenerated",
                           "made again because image " + v.version_id +
                               " failed the image check (" + checker +
                               "): " + why,
                           ""});
  RouteImage(ctx.project, ctx.project_id, &next);
  ASSIGN_OR_RETURN(auto stored, StoreVersion(ctx.project_id, next),
                   "regenerating");
  const Version& nv = stored.first;
  const int64_t estimate =
      images_.EstimateCostMicros(ImageRequestOf(ctx.project_id, nv));
  Result<bool> reserved = Reserve(ctx, nv, estimate);
  if (!reserved) {
    if (reserved.error().code != ErrorCode::kResourceExhausted) {
      return tl::unexpected(WithContext(reserved.error(), "regenerating"));
    }
    RETURN_IF_ERROR(
        Move(ctx.project_id, v.shot_id, from, ShotStatus::kFailed,
             "the image failed the image check (" + checker + "): " + why +
                 "; no budget left to make it "
                 "again: " +
                 reserved.error().message,
             key, v.version_id),
        "image check");
    return std::optional<ShotStatus>(ShotStatus::kFailed);
  }
  // Whoever made the reservation sends the request (exactly once).
  if (*reserved) {
    ASSIGN_OR_RETURN(ShotStep sent,
                     SubmitOrFail(ctx, nv, from, "recheck:" + v.version_id,
                                  nv.findings, "regenerating"),
                     "");
    return std::optional<ShotStatus>(sent.status);
  }
  return std::optional<ShotStatus>(from);
}

Result<ShotStep> Orchestrator::Retry(std::string_view project_id,
                                     std::string_view shot_id,
                                     const std::string& key) {
  return Traced([&]() -> Result<ShotStep> {
    ASSIGN_OR_RETURN(Context ctx, Load(project_id, shot_id), "retrying");
    // The move first: only a FAILED shot is retried; a repeat of the
    // request finds it appended and goes on from DRAFT.
    ASSIGN_OR_RETURN(
        AppendEventResult moved,
        Move(project_id, shot_id, ShotStatus::kFailed, ShotStatus::kDraft,
             "retried by a person", key + ":retry", std::nullopt),
        "retrying");
    (void)moved;
    ASSIGN_OR_RETURN(ctx.shot, store_.GetShot(project_id, shot_id), "retrying");
    if (ctx.shot.status != ShotStatus::kDraft) {
      // A repeat after the new version went out: the first outcome stands.
      return ShotStep{ctx.shot.versions.empty() ? "" : ctx.shot.versions.back(),
                      ctx.shot.status,
                      {},
                      {}};
    }
    return DraftAndDispatch(ctx, std::nullopt, key);
  });
}

Result<nlohmann::json> Orchestrator::ImageCheck(std::string_view project_id,
                                                std::string_view version_id) {
  ASSIGN_OR_RETURN(Version v, store_.GetVersion(project_id, version_id),
                   "image check");
  Result<std::string> text = blobs_.Get(CheckBlobKey(project_id, v.version_id));
  if (!text) {
    return MakeError(ErrorCode::kNotFound,
                     "version " + v.version_id + " has no image check",
                     {{"versionId",
                       "not checked (not an image, or its "
                       "result has not arrived)"}});
  }
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded()) {
    return MakeError(ErrorCode::kInternal, "stored image check is not JSON");
  }
  return j;
}

}  // namespace miri
