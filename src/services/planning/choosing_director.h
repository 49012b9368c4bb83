// ChoosingDirector: the director for a plan, chosen per request by the
// model the project's DIRECTOR agent config names (PlanRequest::llm_model,
// read at call time, so a change through the API takes effect on the next
// proposal). A `gemini-*` model goes to the Gemini director when one is
// configured (GEMINI_API_KEY); every other case, and a cloud plan that
// fails (timeout, refusal, a plan that cannot be made to tile the song),
// goes to the local director, never a half plan. The plan says who made
// it (Plan::director) and, when the local director stood in, why (a
// DIRECTOR_FALLBACK warning the dashboard shows).
// Thread-safety: as safe as the directors it is given.
#ifndef MIRI_SERVICES_PLANNING_CHOOSING_DIRECTOR_H_
#define MIRI_SERVICES_PLANNING_CHOOSING_DIRECTOR_H_

#include <string_view>

#include "ports/director.h"

namespace miri {

// "local" for the embedded director; the model id for a cloud one.
inline constexpr std::string_view kLocalDirectorName = "local";
// The DIRECTOR's model when nobody chose one (`miri produce`; the
// dashboard's new-project default is the same).
inline constexpr std::string_view kDefaultDirectorModel = "gemini-3.8-flash";

class ChoosingDirector final : public Director {
 public:
  // `local` plans every song it is given (wrap it in CheckedDirector);
  // `gemini` may be null (no key). Neither is owned.
  ChoosingDirector(Director& local, Director* gemini)
      : local_(local), gemini_(gemini) {}
  Result<Plan> MakePlan(const PlanRequest& request) override;

 private:
  Result<Plan> Local(const PlanRequest& request, std::string why);

  Director& local_;
  Director* gemini_;
};

}  // namespace miri

#endif  // MIRI_SERVICES_PLANNING_CHOOSING_DIRECTOR_H_
