// JobRunner: the asynchronous half of every local provider. It runs jobs on
// a small worker pool and reports each outcome as a ProviderResult on the
// ResultSink, exactly as a provider's webhook would (design.md section 2),
// and keeps finished results for Poll (the reconciler's path).
//
// Fault injection (LocalProviderOptions) lets tests exercise slow, failing
// and silent providers offline. All decisions that use randomness are made
// at Submit time from a seeded generator, so a test that submits in a fixed
// order sees the same failures every run.
//
// Thread-safety: all methods may be called from any thread. The sink is
// called from worker threads, never while the runner holds its lock. The
// destructor stops the workers: queued jobs are dropped, a running job
// finishes and reports first.
#ifndef MIRI_ADAPTERS_LOCAL_JOB_RUNNER_H_
#define MIRI_ADAPTERS_LOCAL_JOB_RUNNER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "domain/result.h"
#include "ports/provider_result.h"

namespace miri::local {

struct LocalProviderOptions {
  int workers = 1;  // jobs that run at once
  // Added before each job's work starts (a slow provider).
  std::chrono::milliseconds latency{0};
  // Failure injection: the first `fail_first_n` jobs fail, then each later
  // job fails with probability `failure_rate` (seeded by `failure_seed`).
  int fail_first_n = 0;
  double failure_rate = 0.0;
  uint64_t failure_seed = 0x5EEDu;
  bool failures_retryable = true;  // injected failures say "retry may help"
  // false: results are kept for Poll but never sent to the sink (a webhook
  // that never comes, for reconciler tests).
  bool deliver_results = true;
  // true: jobs queue but do not start until Resume() (a job "still running",
  // deterministically).
  bool start_paused = false;
};

// What a job's work returns: the output blobs, or why it failed.
struct JobOutcome {
  std::vector<std::string> output_blobs;
  std::optional<Error> error;  // set = failed
};

class JobRunner {
 public:
  using Work = std::function<JobOutcome()>;

  JobRunner(std::string provider, ResultSink* sink,
            LocalProviderOptions options);
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Queues `work` under `job_id` and returns at once. A job_id seen before
  // returns the first dispatch and starts nothing.
  Dispatch Submit(const std::string& job_id, int64_t cost_micros, Work work);

  // The finished job's result, nullopt while it waits or runs, NOT_FOUND for
  // a job_id never submitted.
  Result<std::optional<ProviderResult>> Poll(std::string_view job_id) const;

  void Pause();
  void Resume();

  // Jobs whose work has started (idempotency tests count these).
  int jobs_started() const;

  // Blocks until every submitted job has its result (or `timeout` passes,
  // or the runner is paused with jobs queued); true if idle. A result sent
  // to the sink may still be on its way. Tests wait on this instead of
  // sleeping between polls.
  bool WaitIdle(std::chrono::milliseconds timeout) const;

 private:
  struct Job {
    std::string job_id;
    Dispatch dispatch;
    Work work;
    bool inject_failure = false;
    std::optional<ProviderResult> result;
  };

  void WorkerLoop();

  const std::string provider_;
  ResultSink* const sink_;
  const LocalProviderOptions options_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  mutable std::condition_variable idle_cv_;
  int64_t finished_ = 0;
  bool stopping_ = false;
  bool paused_ = false;
  std::map<std::string, Job, std::less<>> jobs_;
  std::deque<std::string> queue_;
  std::mt19937_64 rng_;
  int64_t submitted_ = 0;
  int started_ = 0;
  std::vector<std::thread> workers_;
};

}  // namespace miri::local

#endif  // MIRI_ADAPTERS_LOCAL_JOB_RUNNER_H_
