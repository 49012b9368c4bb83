// What `miri serve` runs beside the API (whose commands go through
// services/commands): the final render on a worker thread, and a periodic
// reconciler for results that never arrived and renders that stopped.
#ifndef MIRI_APP_BACKGROUND_WORK_H_
#define MIRI_APP_BACKGROUND_WORK_H_

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "services/orchestration/orchestrator.h"

namespace miri::app {

// One thread that renders queued projects, and one that reconciles every
// project's pending jobs at start-up (all of them) and then every
// `reconcile_every` (those past the orchestrator's deadline), and each time
// calls `resume` (the renders to start again: RenderDispatch::
// ResumeStopped). Start() starts both (so `resume` may reach what is built
// after this object); they stop in the destructor (the render in progress
// finishes first).
class BackgroundWork {
 public:
  using Render = std::function<void(const std::string& project_id)>;
  using Resume = std::function<void()>;
  BackgroundWork(Store& store, Orchestrator& orchestrator, Render render,
                 Resume resume, std::chrono::milliseconds reconcile_every);
  ~BackgroundWork();
  void Start();
  void QueueRender(const std::string& project_id);

 private:
  void RenderLoop();
  void ReconcileLoop();
  void ReconcileAll(bool ignore_age);

  Store& store_;
  Orchestrator& orchestrator_;
  Render render_;
  Resume resume_;
  std::chrono::milliseconds reconcile_every_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::deque<std::string> queue_;
  std::thread render_thread_;
  std::thread reconcile_thread_;
};

}  // namespace miri::app

#endif  // MIRI_APP_BACKGROUND_WORK_H_
