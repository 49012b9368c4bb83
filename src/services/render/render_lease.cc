#include "services/render/render_lease.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace miri::render {

RenderLeases::RenderLeases(Store& store, const Clock& clock, std::string owner,
                           std::chrono::milliseconds duration)
    : store_(store),
      clock_(clock),
      owner_(std::move(owner)),
      duration_(duration) {}

RenderLeases::~RenderLeases() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (heartbeat_.joinable()) heartbeat_.join();
}

Result<bool> RenderLeases::Take(std::string_view project_id) {
  const int64_t now = clock_.NowMs();
  ASSIGN_OR_RETURN(bool taken,
                   store_.AcquireRenderLease(project_id, owner_, now,
                                             now + duration_.count()),
                   "taking the render lease of " + std::string(project_id));
  if (taken) {
    std::lock_guard lock(mu_);
    held_.emplace(project_id);
  }
  return taken;
}

Result<void> RenderLeases::Release(std::string_view project_id) {
  {
    std::lock_guard lock(mu_);
    if (auto it = held_.find(project_id); it != held_.end()) held_.erase(it);
  }
  return store_.ReleaseRenderLease(project_id, owner_);
}

bool RenderLeases::Holds(std::string_view project_id) const {
  std::lock_guard lock(mu_);
  return held_.find(project_id) != held_.end();
}

std::vector<std::string> RenderLeases::RenewAll() {
  std::vector<std::string> held;
  {
    std::lock_guard lock(mu_);
    held.assign(held_.begin(), held_.end());
  }
  std::vector<std::string> lost;
  for (const std::string& p : held) {
    const int64_t now = clock_.NowMs();
    Result<bool> renewed =
        store_.AcquireRenderLease(p, owner_, now, now + duration_.count());
    if (!renewed) {
      // The store is unreachable: try again at the next beat, while the
      // lease has not expired.
      spdlog::warn("renewing the render lease of {}: {}", p,
                   renewed.error().ToString());
      continue;
    }
    if (!*renewed) {
      spdlog::warn("the render lease of {} was taken by another renderer", p);
      std::lock_guard lock(mu_);
      held_.erase(p);
      lost.push_back(p);
    }
  }
  return lost;
}

void RenderLeases::StartHeartbeat() {
  std::lock_guard lock(mu_);
  if (heartbeat_.joinable()) return;
  heartbeat_ = std::thread([this] { HeartbeatLoop(); });
}

void RenderLeases::HeartbeatLoop() {
  const auto beat = std::max(duration_ / 3, std::chrono::milliseconds(1));
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, beat, [this] { return stopping_; })) {
    lock.unlock();
    RenewAll();
    lock.lock();
  }
}

Result<std::vector<std::string>> UnleasedRenders(Store& store, int64_t now_ms) {
  ASSIGN_OR_RETURN(std::vector<ProjectConfig> projects, store.ListProjects(),
                   "finding renders to resume");
  std::vector<std::string> out;
  for (const ProjectConfig& p : projects) {
    Result<std::optional<ProjectStatus>> status =
        store.GetProjectStatus(p.project_id);
    if (!status || *status != ProjectStatus::kFinalRender) continue;
    Result<std::optional<RenderLease>> lease =
        store.GetRenderLease(p.project_id);
    if (!lease) continue;
    if (!*lease || (*lease)->expires_at_ms <= now_ms) {
      out.push_back(p.project_id);
    }
  }
  return out;
}

}  // namespace miri::render
