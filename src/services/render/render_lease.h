// Render leases as the render workers use them (ports/store.h,
// RenderLease): an instance of `miri serve`, or a Cloud Run job execution
// of `miri render --project`, takes a project's lease before it renders,
// renews it while it renders (the heartbeat: every third of the lease's
// duration) and clears it when the render ends. A project in FINAL_RENDER
// whose lease expired was left by a renderer that stopped (kill -9,
// scale-in, redeploy): any instance takes the lease and renders it again.
#ifndef MIRI_SERVICES_RENDER_RENDER_LEASE_H_
#define MIRI_SERVICES_RENDER_RENDER_LEASE_H_

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "domain/result.h"
#include "ports/clock.h"
#include "ports/store.h"

namespace miri::render {

// The leases one owner holds. Thread-safe.
class RenderLeases {
 public:
  RenderLeases(Store& store, const Clock& clock, std::string owner,
               std::chrono::milliseconds duration);
  // Stops the heartbeat; leases still held are left to expire.
  ~RenderLeases();
  RenderLeases(const RenderLeases&) = delete;
  RenderLeases& operator=(const RenderLeases&) = delete;

  const std::string& owner() const { return owner_; }
  std::chrono::milliseconds duration() const { return duration_; }

  // Takes the project's lease (or renews it when already ours) and keeps it
  // renewed until Release: false when another owner holds an unexpired one.
  Result<bool> Take(std::string_view project_id);
  // Stops renewing and clears the lease (if still ours).
  Result<void> Release(std::string_view project_id);
  // Renews every lease held; returns the projects whose lease another
  // owner took meanwhile (no longer held). The heartbeat calls it.
  std::vector<std::string> RenewAll();
  // Runs RenewAll every duration / 3 on a thread of its own.
  void StartHeartbeat();
  bool Holds(std::string_view project_id) const;

 private:
  void HeartbeatLoop();

  Store& store_;
  const Clock& clock_;
  const std::string owner_;
  const std::chrono::milliseconds duration_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::set<std::string, std::less<>> held_;
  std::thread heartbeat_;
};

// Projects in FINAL_RENDER that nobody renders: no lease, or an expired one
// (at now_ms). Each is listed; one whose status cannot be read is skipped.
Result<std::vector<std::string>> UnleasedRenders(Store& store, int64_t now_ms);

}  // namespace miri::render

#endif  // MIRI_SERVICES_RENDER_RENDER_LEASE_H_
