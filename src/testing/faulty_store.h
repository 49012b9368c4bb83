// FaultyStore: a Store that passes every call to a real one and fails the
// writes a test chooses, the way LevelDB's FaultInjectionTestEnv fails file
// operations. A fault hits the N-th write after Arm (counting every write
// method), in one of two ways:
// - kBefore: the write never reaches the store (a refused or timed-out
//   call that did nothing);
// - kAfter: the write is applied, then the caller is told UNAVAILABLE (an
//   acknowledgement lost on the way back: the classic retry hazard).
// Reads always pass. Thread-safety: as the wrapped store; the fault counter
// is atomic.
#ifndef MIRI_TESTING_FAULTY_STORE_H_
#define MIRI_TESTING_FAULTY_STORE_H_

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "ports/store.h"

namespace miri::testing {

class FaultyStore final : public Store {
 public:
  enum class Mode { kBefore, kAfter };

  explicit FaultyStore(Store& inner) : inner_(inner) {}

  // The `n`-th write from now (1 = the next one) fails; 0 disarms.
  void Arm(int n, Mode mode) {
    mode_ = mode;
    countdown_ = n;
  }
  void Disarm() { countdown_ = 0; }
  // Writes seen since construction, and the name of each (for a test's
  // messages: which step was hit).
  int writes() const { return writes_.load(); }
  std::vector<std::string> WriteLog() const {
    std::lock_guard lock(mu_);
    return log_;
  }
  // Whether the armed fault has been spent.
  bool fired() const { return fired_.load(); }

  using Store::CreateProject;
  Result<void> CreateProject(const ProjectConfig& p,
                             const ProjectStart& start) override {
    return Write("CreateProject",
                 [&] { return inner_.CreateProject(p, start); });
  }
  Result<void> UpdateProject(const ProjectConfig& p) override {
    return Write("UpdateProject", [&] { return inner_.UpdateProject(p); });
  }
  Result<ProjectConfig> GetProject(std::string_view id) override {
    return inner_.GetProject(id);
  }
  Result<std::vector<ProjectConfig>> ListProjects() override {
    return inner_.ListProjects();
  }
  Result<std::optional<ProjectStatus>> GetProjectStatus(
      std::string_view id) override {
    return inner_.GetProjectStatus(id);
  }
  Result<void> PutAgentConfig(std::string_view id,
                              const AgentConfig& c) override {
    return Write("PutAgentConfig",
                 [&] { return inner_.PutAgentConfig(id, c); });
  }
  Result<std::vector<AgentConfig>> ListAgentConfigs(
      std::string_view id) override {
    return inner_.ListAgentConfigs(id);
  }
  Result<std::optional<Event>> CommitPlan(std::string_view id,
                                          const PlanCommit& plan) override {
    return Write("CommitPlan", [&] { return inner_.CommitPlan(id, plan); });
  }
  Result<std::vector<Scene>> ListScenes(std::string_view id) override {
    return inner_.ListScenes(id);
  }
  Result<Shot> GetShot(std::string_view id, std::string_view shot) override {
    return inner_.GetShot(id, shot);
  }
  Result<std::vector<Shot>> ListShots(std::string_view id) override {
    return inner_.ListShots(id);
  }
  Result<void> AppendVersion(std::string_view id, const Version& v) override {
    return Write("AppendVersion " + v.version_id,
                 [&] { return inner_.AppendVersion(id, v); });
  }
  Result<Version> GetVersion(std::string_view id,
                             std::string_view version) override {
    return inner_.GetVersion(id, version);
  }
  Result<std::vector<Version>> ListVersions(std::string_view id,
                                            std::string_view shot) override {
    return inner_.ListVersions(id, shot);
  }
  Result<AppendEventResult> AppendEvent(std::string_view id,
                                        const Event& e) override {
    return Write("AppendEvent " + e.to + " " + e.idempotency_key,
                 [&] { return inner_.AppendEvent(id, e); });
  }
  Result<AppendEventResult> AppendEventClosing(
      std::string_view id, const Event& e, const LedgerEntry& close) override {
    return Write("AppendEventClosing " + e.to + " " + e.idempotency_key,
                 [&] { return inner_.AppendEventClosing(id, e, close); });
  }
  Result<std::vector<Event>> ListEvents(std::string_view id, int64_t after,
                                        size_t limit) override {
    return inner_.ListEvents(id, after, limit);
  }
  Result<int> RebuildProjections(std::string_view id) override {
    return Write("RebuildProjections",
                 [&] { return inner_.RebuildProjections(id); });
  }
  Result<void> AppendRule(std::string_view id, const Rule& r) override {
    return Write("AppendRule", [&] { return inner_.AppendRule(id, r); });
  }
  Result<std::vector<Rule>> ListRules(std::string_view id) override {
    return inner_.ListRules(id);
  }
  Result<void> AppendRuleEvent(std::string_view id,
                               const RuleEvent& e) override {
    return Write("AppendRuleEvent",
                 [&] { return inner_.AppendRuleEvent(id, e); });
  }
  Result<std::vector<RuleEvent>> ListRuleEvents(std::string_view id) override {
    return inner_.ListRuleEvents(id);
  }
  Result<void> AppendLedgerEntry(std::string_view id,
                                 const LedgerEntry& e) override {
    return Write("AppendLedgerEntry " + e.entry_id,
                 [&] { return inner_.AppendLedgerEntry(id, e); });
  }
  Result<BudgetState> ReserveBudget(std::string_view id, const LedgerEntry& e,
                                    int64_t cap) override {
    return Write("ReserveBudget " + e.entry_id,
                 [&] { return inner_.ReserveBudget(id, e, cap); });
  }
  Result<BudgetState> GetBudget(std::string_view id) override {
    return inner_.GetBudget(id);
  }
  Result<std::vector<LedgerEntry>> ListLedger(std::string_view id) override {
    return inner_.ListLedger(id);
  }
  Result<void> RecordJob(std::string_view id, const JobRecord& job) override {
    return Write("RecordJob " + job.job_id,
                 [&] { return inner_.RecordJob(id, job); });
  }
  Result<JobRecord> GetJob(std::string_view id, std::string_view job) override {
    return inner_.GetJob(id, job);
  }
  Result<bool> AcquireRenderLease(std::string_view id, std::string_view owner,
                                  int64_t now_ms,
                                  int64_t expires_at_ms) override {
    return Write("AcquireRenderLease", [&] {
      return inner_.AcquireRenderLease(id, owner, now_ms, expires_at_ms);
    });
  }
  Result<void> ReleaseRenderLease(std::string_view id,
                                  std::string_view owner) override {
    return Write("ReleaseRenderLease",
                 [&] { return inner_.ReleaseRenderLease(id, owner); });
  }
  Result<std::optional<RenderLease>> GetRenderLease(
      std::string_view id) override {
    return inner_.GetRenderLease(id);
  }
  Result<void> RecordDispatchIntent(std::string_view id,
                                    const DispatchIntent& intent) override {
    return Write("RecordDispatchIntent " + intent.job_id,
                 [&] { return inner_.RecordDispatchIntent(id, intent); });
  }
  Result<DispatchIntent> GetDispatchIntent(std::string_view id,
                                           std::string_view job) override {
    return inner_.GetDispatchIntent(id, job);
  }
  Result<void> ProbeWrite(std::string_view probe_id) override {
    return Write("ProbeWrite", [&] { return inner_.ProbeWrite(probe_id); });
  }

 private:
  template <typename Fn>
  auto Write(std::string name, Fn write) -> decltype(write()) {
    writes_.fetch_add(1);
    {
      std::lock_guard lock(mu_);
      log_.push_back(name);
    }
    const bool hit = countdown_.load() > 0 && countdown_.fetch_sub(1) == 1;
    if (!hit) return write();
    fired_ = true;
    if (mode_ == Mode::kAfter) (void)write();
    return tl::unexpected(
        Error{ErrorCode::kUnavailable,
              "injected fault at " + name +
                  (mode_ == Mode::kAfter ? " (written, answer lost)"
                                         : " (not written)"),
              {}});
  }

  Store& inner_;
  std::atomic<int> countdown_{0};
  std::atomic<Mode> mode_{Mode::kBefore};
  std::atomic<int> writes_{0};
  std::atomic<bool> fired_{false};
  mutable std::mutex mu_;
  std::vector<std::string> log_;
};

}  // namespace miri::testing

#endif  // MIRI_TESTING_FAULTY_STORE_H_
