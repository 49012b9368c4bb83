// BoundedDirector: lets concurrent callers (the request threads of `miri
// serve`) share a Director that is safe to call from several threads (the
// local director: aubio analysis and lyrics, no shared state), while at
// most `max_concurrent` plans run at once: planning is CPU-bound, so more
// would only slow every one of them. Plans of different projects run side
// by side; nobody waits for a whole queue behind one big song. (It replaced
// one process-wide lock around every plan: reliability review C1.)
#ifndef MIRI_SERVICES_PLANNING_BOUNDED_DIRECTOR_H_
#define MIRI_SERVICES_PLANNING_BOUNDED_DIRECTOR_H_

#include <condition_variable>
#include <mutex>

#include "ports/director.h"

namespace miri {

class BoundedDirector final : public Director {
 public:
  BoundedDirector(Director& inner, int max_concurrent)
      : inner_(inner), free_(max_concurrent < 1 ? 1 : max_concurrent) {}
  Result<Plan> MakePlan(const PlanRequest& request) override {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return free_ > 0; });
      --free_;
    }
    Result<Plan> plan = inner_.MakePlan(request);
    {
      std::lock_guard lock(mu_);
      ++free_;
    }
    cv_.notify_one();
    return plan;
  }

 private:
  Director& inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  int free_;
};

}  // namespace miri

#endif  // MIRI_SERVICES_PLANNING_BOUNDED_DIRECTOR_H_
