// Store: the durable record of projects, plans, versions, events, rules and
// the cost ledger (design.md section 3).
//
// Contract (checked for every adapter by src/testing/store_contract.h):
// - Versions, events, rules, rule events, ledger entries and job records
//   are create-only. Writing an
//   id that exists fails with ALREADY_EXISTS and changes nothing.
// - A shot's status is a projection of its events. AppendEvent checks, in
//   one atomic step, that the event's `from` is the shot's current status
//   and that the transition is legal (domain/status.h), appends the event
//   with the next `seq` of the project, and updates the projection. A
//   refused event writes nothing.
// - An event whose idempotency key was seen before is a duplicate: nothing
//   is written and the stored event is returned with duplicate = true.
// - Every failed call leaves the store as it was.
// - A project's render lease is taken by compare-and-set: of any number of
//   owners racing (threads or processes), at most one holds an unexpired
//   lease at a time.
// Thread-safety: all methods may be called from any thread; several
// processes may share one store.
#ifndef MIRI_PORTS_STORE_H_
#define MIRI_PORTS_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/project.h"
#include "domain/records.h"
#include "domain/result.h"

namespace miri {

struct AppendEventResult {
  Event event;             // as stored, with its seq
  bool duplicate = false;  // the idempotency key had been used already
};

// Money committed to a project's providers, from its ledger: settled is
// what finished jobs cost, reserved what running jobs may still cost.
struct BudgetState {
  int64_t settled_micros = 0;
  int64_t reserved_micros = 0;
  int64_t committed_micros() const { return settled_micros + reserved_micros; }
  friend bool operator==(const BudgetState&, const BudgetState&) = default;
};

// A director's output: scenes and shots committed together. Every shot gets
// its creation event ((planned) -> DRAFT) in the same transaction.
struct PlanCommit {
  std::vector<Scene> scenes;
  std::vector<Shot> shots;  // status and versions are ignored (projections)
  std::string at;           // ISO-8601 time of the creation events
  // The project's event that the commit makes (AUDIO_ANALYSIS -> PLANNED),
  // appended in the same atomic step: checked like any AppendEvent (its
  // `from` must be the project's status), and a key seen before refuses
  // the commit (FAILED_PRECONDITION) instead of reporting a duplicate, so
  // a project gets exactly one plan however many commits race.
  std::optional<Event> project_event;
};

// The refusal of a plan commit whose project event was appended before:
// FAILED_PRECONDITION naming the plan that won (its seq, time and cause).
Error PlanAlreadyCommitted(const Event& stored);

// What a new project starts with, written with it in one atomic step: its
// agent configs and its first event (nullopt -> AUDIO_ANALYSIS), so a
// project is never seen half made.
struct ProjectStart {
  std::vector<AgentConfig> agent_configs;
  std::optional<Event> first_event;  // a project event; `from` must be unset
};

// Who renders a project in FINAL_RENDER (an instance or a Cloud Run job
// execution), until when. Times are epoch milliseconds of the owners'
// clocks: an owner renews well before expiry, so small skew is harmless.
struct RenderLease {
  std::string owner;
  int64_t expires_at_ms = 0;
  friend bool operator==(const RenderLease&, const RenderLease&) = default;
};

class Store {
 public:
  virtual ~Store() = default;

  // Projects. A project's config may be updated; its id and creation time
  // may not. Its status is a projection of the project's events.
  // CreateProject writes the project, `start`'s agent configs and its first
  // event together, or nothing (ALREADY_EXISTS for a taken id).
  virtual Result<void> CreateProject(const ProjectConfig& project,
                                     const ProjectStart& start) = 0;
  Result<void> CreateProject(const ProjectConfig& project) {
    return CreateProject(project, ProjectStart{});
  }
  virtual Result<void> UpdateProject(const ProjectConfig& project) = 0;
  virtual Result<ProjectConfig> GetProject(std::string_view project_id) = 0;
  virtual Result<std::vector<ProjectConfig>> ListProjects() = 0;
  // nullopt until the project's first event.
  virtual Result<std::optional<ProjectStatus>> GetProjectStatus(
      std::string_view project_id) = 0;

  // Agent configs, one per configId; Put creates or replaces.
  virtual Result<void> PutAgentConfig(std::string_view project_id,
                                      const AgentConfig& config) = 0;
  virtual Result<std::vector<AgentConfig>> ListAgentConfigs(
      std::string_view project_id) = 0;

  // The plan. CommitPlan fails with ALREADY_EXISTS if any id is taken,
  // FAILED_PRECONDITION if the plan's project event is refused; it returns
  // that event as stored (with its seq), nullopt when the plan has none.
  virtual Result<std::optional<Event>> CommitPlan(std::string_view project_id,
                                                  const PlanCommit& plan) = 0;
  virtual Result<std::vector<Scene>> ListScenes(
      std::string_view project_id) = 0;
  virtual Result<Shot> GetShot(std::string_view project_id,
                               std::string_view shot_id) = 0;
  // Ordered by start time.
  virtual Result<std::vector<Shot>> ListShots(std::string_view project_id) = 0;

  // Immutable versions; the shot must exist.
  virtual Result<void> AppendVersion(std::string_view project_id,
                                     const Version& version) = 0;
  virtual Result<Version> GetVersion(std::string_view project_id,
                                     std::string_view version_id) = 0;
  // Oldest first.
  virtual Result<std::vector<Version>> ListVersions(
      std::string_view project_id, std::string_view shot_id) = 0;

  // Status events of shots (shot_id set) and of the project (shot_id empty).
  // The caller's event.seq is ignored; the store assigns it.
  virtual Result<AppendEventResult> AppendEvent(std::string_view project_id,
                                                const Event& event) = 0;
  // AppendEvent and, in the same atomic step, `close`: the SETTLE or
  // RELEASE of one of the project's reservations, so a provider result
  // that settles its cost and moves its shot is one durable write, not two.
  // The event is checked and appended exactly as by AppendEvent, and a
  // refused event writes nothing, the entry included. The entry is written
  // when it closes an open RESERVE (also when the event is a duplicate); a
  // reservation already closed or never made leaves the ledger as it is
  // and does not refuse the event. An entry that is not a valid SETTLE or
  // RELEASE is INVALID_ARGUMENT, and nothing is written.
  virtual Result<AppendEventResult> AppendEventClosing(
      std::string_view project_id, const Event& event,
      const LedgerEntry& close) = 0;
  // Events with seq > after_seq in seq order, at most `limit`.
  virtual Result<std::vector<Event>> ListEvents(std::string_view project_id,
                                                int64_t after_seq = 0,
                                                size_t limit = 100000) = 0;

  // Recomputes every shot's and the project's stored status from the event
  // log and writes it back; returns how many projections changed.
  virtual Result<int> RebuildProjections(std::string_view project_id) = 0;

  virtual Result<void> AppendRule(std::string_view project_id,
                                  const Rule& rule) = 0;
  virtual Result<std::vector<Rule>> ListRules(std::string_view project_id) = 0;
  // Create-only; the rule must exist (NOT_FOUND otherwise).
  virtual Result<void> AppendRuleEvent(std::string_view project_id,
                                       const RuleEvent& event) = 0;
  // Oldest first.
  virtual Result<std::vector<RuleEvent>> ListRuleEvents(
      std::string_view project_id) = 0;

  // A SETTLE or RELEASE must close an open RESERVE of the same project
  // (FAILED_PRECONDITION otherwise: a reservation closes exactly once).
  // RESERVE entries go through ReserveBudget.
  virtual Result<void> AppendLedgerEntry(std::string_view project_id,
                                         const LedgerEntry& entry) = 0;
  // Appends the RESERVE entry only if committed + entry.amount <= cap, as
  // one atomic step across threads and processes; RESOURCE_EXHAUSTED and
  // nothing written otherwise. Returns the state after the reservation.
  virtual Result<BudgetState> ReserveBudget(std::string_view project_id,
                                            const LedgerEntry& reserve,
                                            int64_t cap_micros) = 0;
  virtual Result<BudgetState> GetBudget(std::string_view project_id) = 0;
  virtual Result<std::vector<LedgerEntry>> ListLedger(
      std::string_view project_id) = 0;

  // Dispatched provider jobs, so another instance can resume them. The
  // project must exist. RecordJob is create-only: a job id recorded before
  // is ALREADY_EXISTS and the first record is kept. GetJob is NOT_FOUND for
  // a job never recorded.
  virtual Result<void> RecordJob(std::string_view project_id,
                                 const JobRecord& job) = 0;
  virtual Result<JobRecord> GetJob(std::string_view project_id,
                                   std::string_view job_id) = 0;

  // The render lease of a project (NOT_FOUND for an unknown project).
  // AcquireRenderLease is a compare-and-set: it sets the lease to
  // {owner, expires_at_ms} and returns true when there is none, when the
  // one stored expired (expires_at_ms <= now_ms) or when `owner` holds it
  // (a renewal); it returns false, writing nothing, while another owner
  // holds an unexpired lease. ReleaseRenderLease clears the lease only if
  // `owner` holds it (else it changes nothing). GetRenderLease is nullopt
  // when none is stored; an expired lease is returned as stored.
  virtual Result<bool> AcquireRenderLease(std::string_view project_id,
                                          std::string_view owner,
                                          int64_t now_ms,
                                          int64_t expires_at_ms) = 0;
  virtual Result<void> ReleaseRenderLease(std::string_view project_id,
                                          std::string_view owner) = 0;
  virtual Result<std::optional<RenderLease>> GetRenderLease(
      std::string_view project_id) = 0;
  // The intent to dispatch a job, recorded before the provider is called
  // (domain/records.h DispatchIntent). Create-only like job records: an
  // intent recorded before is ALREADY_EXISTS and the first is kept (a job
  // sent again under its id keeps its first intent). The project must
  // exist. GetDispatchIntent is NOT_FOUND for a job with no intent.
  virtual Result<void> RecordDispatchIntent(std::string_view project_id,
                                            const DispatchIntent& intent) = 0;
  virtual Result<DispatchIntent> GetDispatchIntent(std::string_view project_id,
                                                   std::string_view job_id) = 0;
  // A write that nothing reads: the probe record `probe_id` (outside every
  // project, replaced in place) is written the way real writes are, so it
  // fails when they would (a full or read-only disk, lost credentials, an
  // unreachable database). /readyz asks it: an instance whose store refuses
  // writes is not ready.
  virtual Result<void> ProbeWrite(std::string_view probe_id) = 0;
};

// The status of every shot that has events, folded from an event log in seq
// order: what a stored projection must equal.
std::map<std::string, ShotStatus> FoldShotStatuses(
    const std::vector<Event>& events);

}  // namespace miri

#endif  // MIRI_PORTS_STORE_H_
