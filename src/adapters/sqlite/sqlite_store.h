// SqliteStore: the embedded Store (ports/store.h) on one SQLite file in WAL
// mode with synchronous=FULL, so a committed transaction survives a crash.
// Versions, events, rules, ledger entries and job records are create-only in
// the database itself: triggers abort any UPDATE or DELETE on those tables,
// whoever issues it.
// Two connections: reads go to a query-only one, so they never wait for a
// commit; writes are group-committed on the other (see Write), so
// concurrent writers share one fsync. Thread-safe.
#ifndef MIRI_ADAPTERS_SQLITE_SQLITE_STORE_H_
#define MIRI_ADAPTERS_SQLITE_SQLITE_STORE_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/batching/batcher.h"
#include "adapters/sqlite/sqlite_db.h"
#include "ports/store.h"

namespace miri {

class SqliteStore final : public Store {
 public:
  // Opens (creating if needed) the database at `path` and its schema.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path);

  // PRAGMA integrity_check: "ok" or the problems SQLite reports.
  Result<std::string> IntegrityCheck();

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
  Result<std::vector<LedgerEntry>> ListLedger(
      std::string_view project_id) override;
  Result<BudgetState> ReserveBudget(std::string_view project_id,
                                    const LedgerEntry& reserve,
                                    int64_t cap_micros) override;
  Result<BudgetState> GetBudget(std::string_view project_id) override;
  // sqlite_jobs.cc
  Result<void> RecordJob(std::string_view project_id,
                         const JobRecord& job) override;
  Result<JobRecord> GetJob(std::string_view project_id,
                           std::string_view job_id) override;
  // sqlite_lease.cc
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

 private:
  SqliteStore(sqlite::Db writer, sqlite::Db reader)
      : db_(std::move(writer)), read_db_(std::move(reader)) {}

  struct PendingWrite {
    const std::function<Result<void>()>* op;
    Result<void> outcome;
  };

  // Runs `op` on the write connection (db_) inside a transaction it may
  // share with other writers' operations; returns once that commit is
  // durable. `op` issues no BEGIN/COMMIT itself.
  Result<void> Write(const std::function<Result<void>()>& op);
  void RunWrites(const std::vector<PendingWrite*>& batch);

  // Helpers on a given connection (the writer inside Write, else the reader).
  Result<void> RequireProject(sqlite::Db& db, std::string_view project_id);
  Result<Shot> ReadShot(sqlite::Db& db, std::string_view project_id,
                        std::string_view shot_id);
  Result<AppendEventResult> AppendEventLocked(sqlite::Db& db,
                                              std::string_view project_id,
                                              Event event);
  Result<int64_t> NextSeq(sqlite::Db& db, std::string_view project_id);
  Result<void> InsertEvent(sqlite::Db& db, std::string_view project_id,
                           const Event& event);
  Result<BudgetState> ReadBudget(sqlite::Db& db, std::string_view project_id);
  Result<void> InsertLedger(sqlite::Db& db, std::string_view project_id,
                            const LedgerEntry& entry);
  // Appends a SETTLE or RELEASE that must close an open RESERVE
  // (FAILED_PRECONDITION otherwise), on the writer inside Write.
  Result<void> CloseReservationLocked(std::string_view project_id,
                                      const LedgerEntry& entry);

  std::mutex mu_;  // the write connection; SQLite serialises the processes
  sqlite::Db db_;
  std::mutex read_mu_;
  sqlite::Db read_db_;
  Batcher<PendingWrite> writes_{
      [this](const std::vector<PendingWrite*>& b) { RunWrites(b); }};
};

}  // namespace miri

#endif  // MIRI_ADAPTERS_SQLITE_SQLITE_STORE_H_
