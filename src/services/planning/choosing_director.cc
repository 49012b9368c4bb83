#include "services/planning/choosing_director.h"

#include <utility>

#include "services/planning/repair.h"

namespace miri {

namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// A cloud plan with no shots is no plan: repair would invent every shot.
class NonEmpty final : public Director {
 public:
  explicit NonEmpty(Director& inner) : inner_(inner) {}
  Result<Plan> MakePlan(const PlanRequest& request) override {
    ASSIGN_OR_RETURN(Plan plan, inner_.MakePlan(request), "");
    if (plan.shots.empty() || plan.scenes.empty()) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "it proposed no shots or no scenes");
    }
    return plan;
  }

 private:
  Director& inner_;
};

}  // namespace

Result<Plan> ChoosingDirector::MakePlan(const PlanRequest& request) {
  const std::string& model = request.llm_model;
  if (model.empty() || model == kLocalDirectorName ||
      StartsWith(model, "local-")) {
    return Local(request, "");
  }
  if (!StartsWith(model, "gemini-")) {
    return Local(request, "the DIRECTOR model \"" + model +
                              "\" has no director here (gemini-* or local-*)");
  }
  if (gemini_ == nullptr) {
    return Local(request, "the DIRECTOR model " + model +
                              " needs GEMINI_API_KEY, which is not set");
  }
  // The cloud plan goes through the same repair and tiling check as any
  // plan; what cannot be made to tile the song is a failure.
  NonEmpty non_empty(*gemini_);
  CheckedDirector checked(non_empty);
  Result<Plan> plan = checked.MakePlan(request);
  if (plan) {
    plan->director = model;
    return plan;
  }
  return Local(request, "the Gemini director (" + model +
                            ") failed: " + plan.error().ToString());
}

Result<Plan> ChoosingDirector::Local(const PlanRequest& request,
                                     std::string why) {
  PlanRequest local = request;
  local.llm_model.clear();
  ASSIGN_OR_RETURN(Plan plan, local_.MakePlan(local), "");
  plan.director = std::string(kLocalDirectorName);
  if (!why.empty()) {
    plan.warnings.push_back(
        {"DIRECTOR_FALLBACK",
         std::move(why) + "; the local director made this plan"});
  }
  return plan;
}

}  // namespace miri
