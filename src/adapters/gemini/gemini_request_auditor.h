// GeminiRequestAuditor: the RequestAuditor on Gemini (generateContent with
// a response schema: decision ALLOW or REFUSE, rule, reason), with the
// thinking and output settings of gemini_generation.h. Field names follow
// googleapis/js-genai src/types.ts (GenerateContentConfig.responseSchema,
// responseMimeType), as GeminiImageAuditor does.
#ifndef MIRI_ADAPTERS_GEMINI_GEMINI_REQUEST_AUDITOR_H_
#define MIRI_ADAPTERS_GEMINI_GEMINI_REQUEST_AUDITOR_H_

#include <string>

#include <nlohmann/json.hpp>

#include "adapters/gemini/gemini_generation.h"
#include "adapters/google/google_common.h"
#include "ports/clock.h"
#include "ports/request_auditor.h"

namespace miri {

class GeminiRequestAuditor final : public RequestAuditor {
 public:
  // `http` and `clock` must outlive the auditor; `model` empty: the
  // config's vision model.
  GeminiRequestAuditor(GoogleConfig config, HttpClient& http,
                       Resilience resilience, const Clock& clock,
                       std::string model = "");

  std::string_view name() const override { return "gemini-request-auditor"; }
  Result<RequestVerdict> Check(const RequestCheck& request) override;

  // The generateContent body (wire tests) and the verdict for a response.
  nlohmann::json RequestBody(const RequestCheck& request) const;
  Result<RequestVerdict> VerdictFromResponse(
      const nlohmann::json& response) const;

 private:
  const GoogleConfig config_;
  HttpClient& http_;
  Resilience resilience_;
  const Clock& clock_;
  const std::string model_;
};

}  // namespace miri

#endif  // MIRI_ADAPTERS_GEMINI_GEMINI_REQUEST_AUDITOR_H_
