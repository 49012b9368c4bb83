// How `miri serve` starts final renders (the render starter of the
// CommandService and the orchestrator), under the project's render lease
// (services/render/render_lease.h):
// - in-process: this instance takes the lease, queues the render on
//   BackgroundWork's render thread and keeps the lease renewed until the
//   render ends (the render closure releases it);
// - as a Cloud Run job (MIRI_RENDER_JOB): the lease is taken for a new
//   owner id, long enough for the execution to start (kJobStartMs), and the
//   execution is started with that owner (MIRI_RENDER_LEASE_OWNER), which
//   `miri render --project` takes over and renews. If the call fails the
//   lease is cleared, and the reconciler tries again.
// ResumeStopped is the reconciler's part: every project in FINAL_RENDER
// whose lease expired (its renderer stopped: kill -9, scale-in) or that has
// none is started again. Thread-safe.
#ifndef MIRI_APP_RENDER_DISPATCH_H_
#define MIRI_APP_RENDER_DISPATCH_H_

#include <functional>
#include <mutex>
#include <string>

#include "adapters/gcp/cloud_run_job.h"
#include "ports/clock.h"
#include "ports/store.h"
#include "services/render/render_lease.h"

namespace miri::app {

class RenderDispatch {
 public:
  // How long a job execution may take to start and take its lease over.
  static constexpr int64_t kJobStartMs = 5 * 60'000;
  using Queue = std::function<void(const std::string& project_id)>;

  // `job` null: in-process through `queue`. `new_owner` names a job
  // execution's lease owner.
  RenderDispatch(Store& store, const Clock& clock, render::RenderLeases& leases,
                 gcp::CloudRunJob* job, Queue queue,
                 std::function<std::string()> new_owner);

  void Start(const std::string& project_id);
  // Starts every render nobody renders; returns how many it started.
  int ResumeStopped();

 private:
  void StartInProcess(const std::string& project_id);
  void StartJob(const std::string& project_id);

  Store& store_;
  const Clock& clock_;
  render::RenderLeases& leases_;
  gcp::CloudRunJob* job_;
  Queue queue_;
  std::function<std::string()> new_owner_;
  std::mutex mu_;  // one start at a time: Holds, Take and queue together
};

}  // namespace miri::app

#endif  // MIRI_APP_RENDER_DISPATCH_H_
