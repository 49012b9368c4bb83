#include "app/render_dispatch.h"

#include "http/json_log.h"

namespace miri::app {

RenderDispatch::RenderDispatch(Store& store, const Clock& clock,
                               render::RenderLeases& leases,
                               gcp::CloudRunJob* job, Queue queue,
                               std::function<std::string()> new_owner)
    : store_(store),
      clock_(clock),
      leases_(leases),
      job_(job),
      queue_(std::move(queue)),
      new_owner_(std::move(new_owner)) {}

void RenderDispatch::Start(const std::string& project_id) {
  std::lock_guard lock(mu_);
  if (job_ != nullptr) {
    StartJob(project_id);
  } else {
    StartInProcess(project_id);
  }
}

void RenderDispatch::StartInProcess(const std::string& project_id) {
  if (leases_.Holds(project_id)) return;  // queued or rendering here
  Result<bool> taken = leases_.Take(project_id);
  if (!taken) {
    // The reconciler tries again at its next pass.
    http::LogJson(
        "error", "render not started",
        {{"projectId", project_id}, {"detail", taken.error().ToString()}});
    return;
  }
  if (!*taken) {
    http::LogJson("info", "render lease held by another renderer",
                  {{"projectId", project_id}});
    return;
  }
  http::LogJson("info", "render lease taken",
                {{"projectId", project_id},
                 {"owner", leases_.owner()},
                 {"leaseMs", leases_.duration().count()}});
  queue_(project_id);
}

void RenderDispatch::StartJob(const std::string& project_id) {
  const std::string owner = new_owner_();
  const int64_t now = clock_.NowMs();
  Result<bool> taken =
      store_.AcquireRenderLease(project_id, owner, now, now + kJobStartMs);
  if (!taken || !*taken) {
    http::LogJson(taken ? "info" : "error",
                  taken ? "render lease held by another renderer"
                        : "render job not started",
                  {{"projectId", project_id},
                   {"detail", taken ? "" : taken.error().ToString()}});
    return;
  }
  Result<std::string> execution = job_->Run(project_id, owner);
  if (!execution) {
    // Nothing renders it: clear the lease so the reconciler tries again.
    (void)store_.ReleaseRenderLease(project_id, owner);
    http::LogJson("error", "render job not started",
                  {{"projectId", project_id},
                   {"job", job_->job()},
                   {"detail", execution.error().ToString()}});
    return;
  }
  http::LogJson(
      "info", "render job started",
      {{"projectId", project_id}, {"execution", *execution}, {"owner", owner}});
}

int RenderDispatch::ResumeStopped() {
  Result<std::vector<std::string>> stopped =
      render::UnleasedRenders(store_, clock_.NowMs());
  if (!stopped) {
    http::LogJson("warn", "finding renders to resume",
                  {{"detail", stopped.error().ToString()}});
    return 0;
  }
  std::vector<std::string> projects = *stopped;
  for (const std::string& p : projects) {
    http::LogJson("info", "resuming a stopped render", {{"projectId", p}});
    Start(p);
  }
  return static_cast<int>(projects.size());
}

}  // namespace miri::app
