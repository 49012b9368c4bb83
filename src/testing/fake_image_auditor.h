// FakeImageAuditor: the in-memory ImageAuditor for orchestration tests.
// By default every constraint is MET, prompt adherence 5 (continuity 5 with
// references) and the image passes. Knobs: queue failing verdicts (one per
// Check, in order), or make every Check fail as a stopped checker would.
// It records the requests it saw. Thread-safe.
#ifndef MIRI_TESTING_FAKE_IMAGE_AUDITOR_H_
#define MIRI_TESTING_FAKE_IMAGE_AUDITOR_H_

#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ports/image_auditor.h"

namespace miri::testing {

class FakeImageAuditor final : public ImageAuditor {
 public:
  static constexpr char kChecker[] = "fake-image-auditor";

  std::string_view name() const override { return kChecker; }

  Result<ImageVerdict> Check(const ImageCheckRequest& request) override {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request);
    if (error_) return tl::unexpected(*error_);
    RETURN_IF_ERROR(ValidateImageCheckRequest(request), "fake image check");
    ImageVerdict v;
    v.checker = kChecker;
    v.prompt_adherence = 5;
    if (!request.reference_images.empty()) v.continuity = 5;
    std::optional<std::pair<std::string, std::string>> failure;
    if (!failures_.empty()) {
      failure = std::move(failures_.front());
      failures_.pop_front();
    }
    for (const VisualConstraint& c : request.constraints) {
      bool fails = failure && failure->first == c.id;
      v.constraints.push_back(
          {c.id, fails ? ConstraintState::kViolated : ConstraintState::kMet,
           fails ? failure->second : "seen and satisfied"});
    }
    if (failure && failure->first == "prompt-adherence") {
      v.prompt_adherence = 1;
      v.findings.push_back({"vision.prompt-adherence", failure->second, ""});
    }
    SettleVerdict(v);
    v.reason = v.passed ? "every constraint is met"
                        : "fails: " + v.findings.front().message;
    return v;
  }

  // The next Check fails `constraint_id` (a VisualConstraint id, or
  // "prompt-adherence") with `reason`; queued failures apply in order.
  void QueueFailure(std::string constraint_id, std::string reason) {
    std::lock_guard<std::mutex> lock(mu_);
    failures_.emplace_back(std::move(constraint_id), std::move(reason));
  }
  // While set, every Check returns this error (a missing or stopped
  // checker: UNAVAILABLE).
  void SetError(std::optional<Error> error) {
    std::lock_guard<std::mutex> lock(mu_);
    error_ = std::move(error);
  }
  std::vector<ImageCheckRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  mutable std::mutex mu_;
  std::deque<std::pair<std::string, std::string>> failures_;
  std::optional<Error> error_;
  std::vector<ImageCheckRequest> requests_;
};

}  // namespace miri::testing

#endif  // MIRI_TESTING_FAKE_IMAGE_AUDITOR_H_
