// SerializedDirector: lets a Director that is called from one thread at a
// time (ports/director.h) serve concurrent callers, such as the request
// threads of `miri serve`, by taking a lock around each plan.
#ifndef MIRI_SERVICES_PLANNING_SERIALIZED_DIRECTOR_H_
#define MIRI_SERVICES_PLANNING_SERIALIZED_DIRECTOR_H_

#include <mutex>

#include "ports/director.h"

namespace miri {

class SerializedDirector final : public Director {
 public:
  explicit SerializedDirector(Director& inner) : inner_(inner) {}
  Result<Plan> MakePlan(const PlanRequest& request) override {
    std::lock_guard lock(mu_);
    return inner_.MakePlan(request);
  }

 private:
  Director& inner_;
  std::mutex mu_;
};

}  // namespace miri

#endif  // MIRI_SERVICES_PLANNING_SERIALIZED_DIRECTOR_H_
