// GeminiImageAuditor: the cloud ImageAuditor (issue 18 item 4, the AUDITOR
// role's vision model). One generateContent call (providers.md section 4)
// with the image inline, the approved reference frames after it, the prompt,
// the shot and the constraints, and a responseSchema for the verdict:
// each constraint MET / VIOLATED / UNCERTAIN / NOT_APPLICABLE with a
// reason, findings, prompt adherence 1-5, continuity 1-5 (only with
// references), a short reason and the model's own pass/fail.
//
// The verdict is ours, not the model's word alone: it fails when a
// constraint is VIOLATED or UNCERTAIN, the model lists a finding or says it
// fails, adherence is under min_prompt_adherence or continuity under
// min_continuity. A request Gemini blocks for safety (promptFeedback
// blockReason, or finishReason SAFETY / PROHIBITED_CONTENT / BLOCKLIST /
// SPII / IMAGE_SAFETY) is a failing verdict ("vision.blocked"): the model
// refused to look at the image because of what it shows. Transport and
// rpc.Status errors, other finishReasons and answers out of schema are
// errors (no verdict): callers hold the image.
// Thread-safety: Check may be called from any thread.
#ifndef MIRI_ADAPTERS_GEMINI_GEMINI_IMAGE_AUDITOR_H_
#define MIRI_ADAPTERS_GEMINI_GEMINI_IMAGE_AUDITOR_H_

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "adapters/gemini/gemini_generation.h"
#include "adapters/google/google_common.h"
#include "ports/image_auditor.h"

namespace miri {

struct GeminiImageAuditorOptions {
  std::string model;  // empty: GoogleConfig::vision_model
  // Thinking tokens count against maxOutputTokens on 2.5 and later models:
  // room for both, thinking per model family (gemini_generation.h); a
  // reply cut short of any text is retried once with four times the limit.
  gemini::GenerationLimits limits = {8192, 1024, "LOW", std::nullopt};
  int min_prompt_adherence = 3;
  int min_continuity = 3;
};

class GeminiImageAuditor final : public ImageAuditor {
 public:
  // `http` and `clock` must outlive the auditor; `resilience` may be empty.
  GeminiImageAuditor(GoogleConfig config, HttpClient& http,
                     Resilience resilience, const Clock& clock,
                     GeminiImageAuditorOptions options = {});

  std::string_view name() const override { return "gemini-image-auditor"; }
  Result<ImageVerdict> Check(const ImageCheckRequest& request) override;

  // The model that checks (options.model or config.vision_model).
  const std::string& model() const { return model_; }

  // The generateContent body (wire tests) and the verdict schema.
  nlohmann::json RequestBody(const ImageCheckRequest& request) const;
  static nlohmann::json VerdictSchema(const ImageCheckRequest& request);
  // The verdict for a generateContent response body (pure).
  Result<ImageVerdict> VerdictFromResponse(
      const ImageCheckRequest& request, const nlohmann::json& response) const;

 private:
  const GoogleConfig config_;
  HttpClient& http_;
  Resilience resilience_;
  const Clock& clock_;
  const GeminiImageAuditorOptions options_;
  const std::string model_;
};

}  // namespace miri

#endif  // MIRI_ADAPTERS_GEMINI_GEMINI_IMAGE_AUDITOR_H_
