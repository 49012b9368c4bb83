// FirestoreStore: the Store (ports/store.h) on Cloud Firestore, over gRPC.
//
// Layout below projects/{gcp}/databases/{db}/documents (design.md s. 3):
//   projects/{projectId}                      ProjectConfig
//   projects/{p}/projections/project          {status}: project status
//   projects/{p}/agentConfigs/{configId}      AgentConfig
//   projects/{p}/scenes/{sceneId}             Scene
//   projects/{p}/shots/{shotId}               Shot (status, versions projected)
//   projects/{p}/shots/{s}/versions/{v}       Version (create-only)
//   projects/{p}/versionIndex/{v}             {shotId}: project-wide version id
//   projects/{p}/events/{seq, 12 digits}      Event (create-only)
//   projects/{p}/rules/{ruleId}               Rule (create-only)
//   projects/{p}/ruleEvents/{ruleEventId}     RuleEvent (create-only)
//   projects/{p}/ledger/{entryId}             LedgerEntry (create-only)
//   projects/{p}/budget/{rev, 12 digits}      {rev, settledMicros,
//                                              reservedMicros, entryId}
//   projects/{p}/jobs/{JobDocId(jobId)}       JobRecord (create-only)
//   projects/{p}/leases/render                {owner, expiresAtMs}: the
//                                              render lease
//
// Concurrency rests on create-only writes (currentDocument.exists=false),
// updateTime preconditions and field transforms, which real Firestore and
// the official emulator apply atomically within one Commit; no interactive
// transaction is held across a read and a write:
// - Events are keyed by their seq. An append reads the last seq N, then the
//   state it checks, then creates event N+1 with exists=false together with
//   the projection. Any concurrent append takes N+1 first and ours fails,
//   re-reads and retries (bounded), so a stale check never commits.
// - The budget is a chain of immutable snapshots keyed by revision, taken
//   the same way; the cap check and the reservation are one step.
// - The render lease is replaced with an updateTime precondition (created
//   with exists=false), so of two owners racing for it one write fails.
// - A version's id is claimed project-wide by creating versionIndex/{v};
//   the shot's version list grows by an arrayUnion transform.
// The contended create comes first in each Commit; ids are checked before
// committing, so a refused write leaves nothing behind.
// Thread-safety: all methods may be called concurrently, from any process.
#ifndef MIRI_ADAPTERS_FIRESTORE_FIRESTORE_STORE_H_
#define MIRI_ADAPTERS_FIRESTORE_FIRESTORE_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/firestore/firestore_client.h"
#include "ports/store.h"

namespace miri {

struct FirestoreStoreOptions {
  // Optimistic retries when a concurrent writer took the slot first.
  int max_attempts = 400;
  // Jittered backoff between attempts, capped.
  int max_backoff_ms = 20;
};

class FirestoreStore final : public Store {
 public:
  static Result<std::unique_ptr<FirestoreStore>> Open(
      const firestore::ClientOptions& client,
      FirestoreStoreOptions options = {});

  firestore::FirestoreClient& client() { return *client_; }

  using Store::CreateProject;
  Result<void> CreateProject(const ProjectConfig& project,
                             const ProjectStart& start) override;
  Result<void> UpdateProject(const ProjectConfig& project) override;
  Result<ProjectConfig> GetProject(std::string_view project_id) override;
  Result<std::vector<ProjectConfig>> ListProjects() override;
  Result<std::optional<ProjectStatus>> GetProjectStatus(
      std::string_view project_id) override;
  Result<void> PutAgentConfig(std::string_view project_id,
                              const AgentConfig& config) override;
  Result<std::vector<AgentConfig>> ListAgentConfigs(
      std::string_view project_id) override;
  Result<std::optional<Event>> CommitPlan(std::string_view project_id,
                                          const PlanCommit& plan) override;
  Result<std::vector<Scene>> ListScenes(std::string_view project_id) override;
  Result<Shot> GetShot(std::string_view project_id,
                       std::string_view shot_id) override;
  Result<std::vector<Shot>> ListShots(std::string_view project_id) override;
  Result<void> AppendVersion(std::string_view project_id,
                             const Version& version) override;
  Result<Version> GetVersion(std::string_view project_id,
                             std::string_view version_id) override;
  Result<std::vector<Version>> ListVersions(std::string_view project_id,
                                            std::string_view shot_id) override;
  Result<AppendEventResult> AppendEvent(std::string_view project_id,
                                        const Event& event) override;
  Result<AppendEventResult> AppendEventClosing(
      std::string_view project_id, const Event& event,
      const LedgerEntry& close) override;
  Result<std::vector<Event>> ListEvents(std::string_view project_id,
                                        int64_t after_seq,
                                        size_t limit) override;
  Result<int> RebuildProjections(std::string_view project_id) override;
  Result<void> AppendRule(std::string_view project_id,
                          const Rule& rule) override;
  Result<std::vector<Rule>> ListRules(std::string_view project_id) override;
  Result<void> AppendRuleEvent(std::string_view project_id,
                               const RuleEvent& event) override;
  Result<std::vector<RuleEvent>> ListRuleEvents(
      std::string_view project_id) override;
  Result<void> AppendLedgerEntry(std::string_view project_id,
                                 const LedgerEntry& entry) override;
  Result<BudgetState> ReserveBudget(std::string_view project_id,
                                    const LedgerEntry& reserve,
                                    int64_t cap_micros) override;
  Result<BudgetState> GetBudget(std::string_view project_id) override;
  Result<std::vector<LedgerEntry>> ListLedger(
      std::string_view project_id) override;
  // firestore_jobs.cc
  Result<void> RecordJob(std::string_view project_id,
                         const JobRecord& job) override;
  Result<JobRecord> GetJob(std::string_view project_id,
                           std::string_view job_id) override;
  // firestore_lease.cc
  Result<bool> AcquireRenderLease(std::string_view project_id,
                                  std::string_view owner, int64_t now_ms,
                                  int64_t expires_at_ms) override;
  Result<void> ReleaseRenderLease(std::string_view project_id,
                                  std::string_view owner) override;
  Result<std::optional<RenderLease>> GetRenderLease(
      std::string_view project_id) override;
  Result<void> RecordDispatchIntent(std::string_view project_id,
                                    const DispatchIntent& intent) override;
  Result<DispatchIntent> GetDispatchIntent(std::string_view project_id,
                                           std::string_view job_id) override;
  Result<void> ProbeWrite(std::string_view probe_id) override;

  // A job id as a document id: [A-Za-z0-9-] kept, every other byte as
  // ".XX" (hex), so ids with ':' or '#' map one-to-one onto ids Firestore
  // accepts (never ".", "..", or "__...__").
  static std::string JobDocId(std::string_view job_id);

  // Document names, for tests and tools.
  std::string ProjectDoc(std::string_view project_id) const;
  std::string Doc(std::string_view project_id, std::string_view collection,
                  std::string_view id) const;
  static std::string SeqId(int64_t seq);

 private:
  struct BudgetHead {
    int64_t rev = 0;
    BudgetState state;
  };

  FirestoreStore(std::unique_ptr<firestore::FirestoreClient> client,
                 FirestoreStoreOptions options)
      : client_(std::move(client)), options_(options) {}

  Result<void> RequireProject(std::string_view project_id);
  // The documents of one collection under the project.
  Result<std::vector<firestore::v1::Document>> Collection(
      std::string_view project_id, const std::string& collection);
  Result<std::vector<firestore::v1::Document>> Query(
      std::string_view project_id, const firestore::v1::StructuredQuery& q);
  Result<Shot> ReadShot(std::string_view project_id, std::string_view shot_id);
  Result<int64_t> LastSeq(std::string_view project_id);
  Result<std::optional<Event>> FindEvent(std::string_view project_id,
                                         const std::string& field,
                                         const std::string& value);
  // One optimistic attempt; nullopt when a concurrent writer won the slot
  // (the event's, or the budget's when `close` is given: then the entry is
  // committed with the event if it closes an open reservation).
  Result<std::optional<AppendEventResult>> TryAppendEvent(
      std::string_view project_id, Event event,
      const LedgerEntry* close = nullptr);
  // The events' retry loop around TryAppendEvent.
  Result<AppendEventResult> AppendEventWith(std::string_view project_id,
                                            const Event& event,
                                            const LedgerEntry* close);
  Result<std::optional<std::string>> CheckEventVersion(
      std::string_view project_id, const Event& event);
  Result<BudgetHead> ReadBudgetHead(std::string_view project_id);
  Result<std::optional<BudgetState>> TryLedgerWrite(
      std::string_view project_id, const LedgerEntry& entry,
      std::optional<int64_t> cap_micros);
  // The checks of a ledger write against the budget head just read, and
  // the writes that make it (the next budget snapshot, then the entry).
  struct LedgerWrite {
    BudgetState next;
    std::vector<firestore::v1::Write> writes;
  };
  Result<LedgerWrite> PlanLedgerWrite(std::string_view project_id,
                                      const LedgerEntry& entry,
                                      std::optional<int64_t> cap_micros);
  Result<void> CreateOnly(const std::string& name, const nlohmann::json& doc,
                          const std::string& what);
  void Backoff(int attempt) const;

  std::unique_ptr<firestore::FirestoreClient> client_;
  FirestoreStoreOptions options_;
};

}  // namespace miri

#endif  // MIRI_ADAPTERS_FIRESTORE_FIRESTORE_STORE_H_
