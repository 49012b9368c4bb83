// Orchestrator: every shot's lifecycle (design.md sections 4-5), run on the
// ports. Requests dispatch and return; provider results come back through
// OnResult (the one path for webhooks, local providers and the reconciler's
// polls) on any instance, in any order, possibly twice.
//
// Guarantees:
// - Every step is an appended version or event; a step's event carries an
//   idempotency key, so a repeated request or result changes nothing.
// - A result for a version that is no longer the shot's current one is
//   recorded in the ledger and the log but never moves the shot.
// - Output blob keys are chosen at dispatch and stored in the version, so a
//   result only confirms them: nothing mutable is written on completion.
// - Budget: every paid dispatch reserves its estimate first (Store::
//   ReserveBudget); success settles, failure releases.
// - Free text a person sends is screened (domain/audit.h); every prompt is
//   audited before dispatch; a failing audit is auto-fixed at most
//   `max_autofix` times, then the shot FAILS with the findings.
// - A step moves the shot first (Store::AppendEvent: from the status it
//   read, atomically) and writes versions and reservations only after that
//   move was accepted, so a refused step (an illegal or stale transition)
//   writes nothing. A repeat with the same key finds its events already
//   appended (the store checks the key before the status) and resumes where
//   the first attempt stopped; it never submits again: only the caller that
//   appended a version's dispatch step sends it, and a job whose sender died
//   is resumed by Reconcile.
// Thread-safety: all methods may be called from any thread. There is no
// lock: provider calls, downloads and retries run concurrently, and the
// store's compare-and-append orders the steps of one shot, across threads
// and instances alike.
#ifndef MIRI_SERVICES_ORCHESTRATION_ORCHESTRATOR_H_
#define MIRI_SERVICES_ORCHESTRATION_ORCHESTRATOR_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "domain/prompt.h"
#include "ports/blob_store.h"
#include "ports/clock.h"
#include "ports/event_bus.h"
#include "ports/image_auditor.h"
#include "ports/image_generator.h"
#include "ports/provider_result.h"
#include "ports/store.h"
#include "ports/video_generator.h"
#include "ports/vision_analyzer.h"
#include "services/rulebook/rulebook.h"

namespace miri {

struct JobRef;  // services/orchestration/requests.h

struct OrchestratorOptions {
  int max_autofix = 2;           // audit auto-fix attempts before FAILED
  int max_provider_retries = 2;  // retryable provider failures per version
  int image_width = 1280;
  int image_height = 720;
  int video_fps = 24;
  // A dispatched job with no result after this long is polled.
  int64_t reconcile_after_ms = 60'000;
  // A job whose dispatch was never recorded (its sender died after the
  // provider accepted it) and whose provider cannot be asked for it by our
  // id (fal) is left this long after its dispatch to its webhook before a
  // new attempt is sent (MIRI_UNRECORDED_JOB_WAIT_MS).
  int64_t unrecorded_job_wait_ms = 15 * 60'000;
  // Whether a vision model audits generated images (cloud route). Offline
  // it cannot, and each image version says so in its findings. Set by
  // SetImageAuditor.
  bool vision_audit_available = false;
  // Images a shot may make in a row that fail the image check (the first
  // and its regenerations) before the shot is FAILED.
  int max_image_checks = 3;
};

// Called when every shot of a project is COMPLETED and the project moved
// to FINAL_RENDER: starts the render worker (a process or a call).
using FinalRenderStarter = std::function<void(const std::string& project_id)>;

struct ShotForecast {
  std::string shot_id;
  int64_t images_micros = 0;  // anchor image plus expected refinements
  int64_t video_micros = 0;
};

struct CostForecast {
  std::vector<ShotForecast> shots;
  int64_t total_micros = 0;
  int64_t committed_micros = 0;  // already settled + reserved
  int64_t cap_micros = 0;
  bool fits() const { return committed_micros + total_micros <= cap_micros; }
};

struct ShotStep {
  std::string version_id;  // the version the step created or acted on
  ShotStatus status;       // the shot's status afterwards
  std::vector<Finding> findings;
  std::vector<Event> events;  // the events the step appended; empty: a repeat
  // An image result accepted and its vision check queued by this step: the
  // shot moves (events follow on the bus) when the check decides. Not a
  // repeat, though no event is appended yet.
  bool check_queued = false;
};

class Orchestrator final : public ResultSink {
 public:
  using IdSource = std::function<std::string()>;

  Orchestrator(Store& store, BlobStore& blobs, EventBus* bus,
               ImageGenerator& images, VideoGenerator& videos,
               VisionAnalyzer& vision, Rulebook* rulebook, const Clock& clock,
               IdSource ids, OrchestratorOptions options = {});

  void SetFinalRenderStarter(FinalRenderStarter starter);

  // DRAFT -> VALIDATION -> GENERATING_IMAGE: a new image version (rules
  // applied, references of approved images of the scene), audited, budget
  // reserved, dispatched. `subject_override` replaces the description.
  // `screened_by` (Generate, Reject, Refine): who screened the person's
  // text; recorded on the command's first event (Event::screened_by).
  Result<ShotStep> Generate(
      std::string_view project_id, std::string_view shot_id,
      const std::optional<std::string>& subject_override,
      const std::string& key,
      const std::optional<std::string>& screened_by = std::nullopt);
  // AWAITING_APPROVAL -> GENERATING_VIDEO: the clip of the approved image.
  Result<ShotStep> Approve(std::string_view project_id,
                           std::string_view shot_id, const std::string& key);
  // AWAITING_APPROVAL -> DRAFT, a rule learned from the reason, and a new
  // draft generated with it.
  Result<ShotStep> Reject(
      std::string_view project_id, std::string_view shot_id,
      const std::string& reason, const std::string& key,
      const std::optional<std::string>& screened_by = std::nullopt);
  // AWAITING_APPROVAL -> REFINING: mask (drawn, or from the instruction),
  // inpaint, a new version; the instruction is kept with it (chat history).
  Result<ShotStep> Refine(
      std::string_view project_id, std::string_view shot_id,
      const std::string& instruction,
      const std::optional<std::string>& mask_blob, const std::string& key,
      const std::optional<std::string>& screened_by = std::nullopt);

  // The one result path (fal, Kling, Standard Webhooks, local providers,
  // the reconciler's polls): checks the outputs are stored, appends the
  // step idempotently, settles the ledger, auto-approves when the project
  // says so and starts the final render when the last clip is in. Returns
  // the events it appended (none: a duplicate or a late result).
  // FAILED_PRECONDITION when an output is not stored (nothing moved).
  // `known`: the job's version when the caller has just read it (the
  // generic webhook route), saving a read; it must be the job's version.
  Result<ShotStep> Apply(const ProviderResult& result,
                         const Version* known = nullptr);
  // Apply, for providers' sinks: never throws; errors are logged.
  void OnResult(ProviderResult result) override;

  // The vision check of every image before a person sees it (issue 18).
  // With an auditor set, an image result is checked before the shot moves
  // to AWAITING_APPROVAL: a failing image is never shown; it is made again
  // with the findings as guidance (negatives), at most max_image_checks
  // images in a row, then the shot is FAILED with the findings; a checker
  // that cannot run holds the image: the shot is FAILED with that reason
  // (fail closed) and a person retries it. Each verdict is stored as JSON
  // at CheckBlobKey. The composition root always sets one; without one
  // (unit tests) images go to a person unchecked, each version saying so.
  void SetImageAuditor(ImageAuditor* auditor);
  // Blocks until no image check is queued or running (or `timeout`
  // passes); true when idle. For tests and an orderly shutdown.
  bool WaitForChecks(std::chrono::milliseconds timeout);
  // Runs the queued checks first (their shots move), then stops.
  ~Orchestrator() override;
  static std::string CheckBlobKey(std::string_view project_id,
                                  std::string_view version_id);
  // The stored verdict of a version's image check; NOT_FOUND naming
  // versionId when it has none.
  Result<nlohmann::json> ImageCheck(std::string_view project_id,
                                    std::string_view version_id);

  // FAILED -> DRAFT by a person, then a new image version as Generate does
  // (the shot's description). FAILED_PRECONDITION for a shot not FAILED.
  Result<ShotStep> Retry(std::string_view project_id, std::string_view shot_id,
                         const std::string& key);

  // Polls providers for dispatched jobs older than reconcile_after_ms and
  // feeds what they report into OnResult. A job recorded at dispatch
  // (Store::RecordJob) is adopted by this instance's provider first, and
  // one the provider no longer knows goes to the bounded retry (a new job
  // id), never resubmitted under its id. A job with a dispatch intent but
  // no record (its sender died between the provider's accept and the
  // record) is looked up by our id (VideoGenerator::LookupDispatch: Kling
  // by external_task_id) and adopted when found; a provider that cannot
  // be asked (fal) gets unrecorded_job_wait_ms after the dispatch to
  // deliver its webhook before the bounded retry sends a new attempt. A
  // job the provider does not know and would take again as the same job
  // (a local provider after a restart) is sent again under its id. A shot
  // that cannot be reconciled is logged and skipped. Returns how many jobs
  // it acted on.
  Result<int> Reconcile(std::string_view project_id, bool ignore_age = false);

  Result<CostForecast> Forecast(std::string_view project_id);

  // "<projectId>:<versionId>", and back.
  static std::string JobId(std::string_view project_id,
                           std::string_view version_id);

 private:
  struct Context;
  Result<Context> Load(std::string_view project_id, std::string_view shot_id);
  Result<ShotStep> DraftAndDispatch(
      const Context& ctx, const std::optional<std::string>& subject,
      const std::string& key,
      const std::optional<std::string>& screened_by = std::nullopt);
  Result<ShotStep> DispatchImage(const Context& ctx, const Version& v,
                                 const std::string& key);
  // Sends `v`, whose shot is now `dispatched`; a refusal releases the
  // budget and fails the shot. `what` names the step in errors.
  Result<ShotStep> SubmitOrFail(const Context& ctx, const Version& v,
                                ShotStatus dispatched, const std::string& key,
                                std::vector<Finding> findings,
                                std::string_view what);
  // The version stored under v's id (a repeat finds the first attempt's),
  // and whether this call stored it.
  Result<std::pair<Version, bool>> StoreVersion(std::string_view project_id,
                                                Version v);
  // Records on an image version, before it is stored, the route the image
  // generator chooses for it and why (parameters.route); the request then
  // goes to that route only. Nothing for a generator with one route.
  void RouteImage(const ProjectConfig& project, std::string_view project_id,
                  Version* v) const;
  Result<void> DispatchVideo(const Context& ctx, const Version& v);
  // orchestrator_jobs.cc: dispatch, job records, reconciliation.
  // RecordIntent, then Send.
  Result<void> SubmitAttempt(const std::string& project_id, const Version& v,
                             int attempt);
  // The attempt's DispatchIntent (Store::RecordDispatchIntent), before any
  // provider call; one recorded before is fine.
  Result<void> RecordIntent(const std::string& project_id, const Version& v,
                            int attempt);
  // The provider call and the job's record (RecordDispatch).
  Result<void> Send(const std::string& project_id, const Version& v,
                    int attempt);
  void RecordDispatch(const std::string& project_id, const std::string& job_id,
                      const std::string& provider, const Dispatch& d);
  // A version's newest attempt: its job record and its dispatch intent,
  // either of which may be missing (a record without an intent was sent
  // before intents were recorded; an intent without a record, by a sender
  // that died before the record).
  struct Attempt {
    int number = 0;
    std::optional<JobRecord> job;
    std::optional<DispatchIntent> intent;
  };
  Result<std::optional<Attempt>> LatestAttempt(std::string_view project_id,
                                               const Version& v);
  Result<bool> ReconcileVersion(std::string_view project_id, const Version& v);
  Result<bool> ReconcileRecorded(const Version& v, const JobRecord& job);
  Result<bool> ReconcileIntent(std::string_view project_id, const Version& v,
                               const Attempt& attempt);
  Result<bool> PollOrResubmit(std::string_view project_id, const Version& v,
                              int attempt);
  // Runs a command's step and returns it with the events it appended.
  Result<ShotStep> Traced(const std::function<Result<ShotStep>()>& step);
  Result<AppendEventResult> Move(std::string_view project_id,
                                 std::string_view shot_id,
                                 std::optional<ShotStatus> from, ShotStatus to,
                                 std::string cause, std::string key,
                                 std::optional<std::string> version_id,
                                 std::optional<std::string> screened_by = {},
                                 const LedgerEntry* close = nullptr);
  // True when this call made the reservation (and so sends the request),
  // false when it was made before (a repeat).
  Result<bool> Reserve(const Context& ctx, const Version& v, int64_t micros);
  void Settle(std::string_view project_id, std::string_view version_id,
              int64_t micros, bool ok);
  // The entry that closes a version's reservation: SETTLE of `micros`, or
  // RELEASE when the job did not succeed.
  LedgerEntry SettleEntry(std::string_view version_id, int64_t micros,
                          bool ok) const;
  // Settle then Move, as one store write (Store::AppendEventClosing): a
  // result costs one durable commit. A refused or failed move still
  // settles (the provider's cost is real).
  Result<AppendEventResult> SettleAndMove(std::string_view project_id,
                                          const Version& v, int64_t micros,
                                          bool ok, ShotStatus from,
                                          ShotStatus to, std::string cause);
  // The shot's status after the result (unchanged for a duplicate).
  // `check_queued`: set when the result's image check was queued.
  Result<ShotStatus> HandleResult(const ProviderResult& result,
                                  const Version* known, bool* check_queued);
  // The image check of a stored image result; nullopt: passed (`note`
  // says by whom), else the shot's status after the failure was handled.
  // The rules and approved references a new image version of the shot
  // is made with.
  struct ImageInputs {
    std::vector<RuleMatch> rules;
    std::vector<std::string> references;
  };
  Result<ImageInputs> InputsFor(const Context& ctx);
  // After its move to `dispatched` and its version stored: reserves the
  // version's estimate and sends it. A repeat (reserved before) sends
  // nothing and says where the shot is; the cap reached moves it to
  // FAILED.
  Result<ShotStep> ReserveAndSend(const Context& ctx, const Version& v,
                                  int64_t estimate, ShotStatus dispatched,
                                  const std::string& key,
                                  std::string_view what);
  // Whether the video model takes `start` with an end frame for the shot's
  // clip ("" when it does; else why not, the message).
  std::string EndFrameRefusal(const Context& ctx, const Version& start,
                              const std::optional<MotionBrush>& brush);
  // AWAITING_APPROVAL -> REFINING: the end frame of `start`, edited from
  // it (EndFrameVersion), audited, reserved and sent. nullopt when the
  // shot takes no end frame (no end state, a model without end frames,
  // a prompt the audit refuses): the shot stays with its start frame.
  Result<std::optional<ShotStatus>> MaybeDispatchEndFrame(const Context& ctx,
                                                          const Version& start);
  // Settle, AWAITING_APPROVAL (with who checked), the end frame of a start
  // frame, auto-approval.
  Result<ShotStatus> FinishImage(const Context& ctx, const Version& v,
                                 ShotStatus from, int64_t cost,
                                 const std::string& checked);
  // False when the version's check is already queued or running (a
  // duplicate delivery) or the orchestrator is stopping.
  bool QueueCheck(const Context& ctx, const Version& v, ShotStatus from,
                  int64_t cost);
  void RunChecks();
  Result<std::optional<ShotStatus>> CheckImage(const Context& ctx,
                                               const Version& v,
                                               ShotStatus from, int64_t cost,
                                               std::string* note);
  int64_t CapMicros(const ProjectConfig& project) const;
  Result<void> Resubmit(const JobRef& job, const Version& v);
  Result<void> MaybeFinish(std::string_view project_id);
  void Publish(std::string_view project_id, std::string_view type,
               nlohmann::json payload);
  std::string NewId(std::string_view prefix);

  Store& store_;
  BlobStore& blobs_;
  EventBus* bus_;
  ImageGenerator& images_;
  VideoGenerator& videos_;
  VisionAnalyzer& vision_;
  Rulebook* rulebook_;
  std::atomic<ImageAuditor*> auditor_{nullptr};
  // The image checks, off the results' threads (QueueCheck).
  static constexpr int kCheckWorkers = 2;
  std::mutex checks_mu_;
  std::condition_variable checks_cv_, checks_idle_;
  std::deque<std::pair<std::string, std::function<void()>>> checks_;
  std::set<std::string> checking_;  // versions queued or being checked
  int running_checks_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> check_threads_;
  const Clock& clock_;
  IdSource ids_;
  OrchestratorOptions options_;
  std::mutex starter_mu_;  // guards render_starter_ only
  FinalRenderStarter render_starter_;
};

}  // namespace miri

#endif  // MIRI_SERVICES_ORCHESTRATION_ORCHESTRATOR_H_
