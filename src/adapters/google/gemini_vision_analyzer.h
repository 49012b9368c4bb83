// GeminiVisionAnalyzer: the VisionAnalyzer on Gemini generateContent
// (providers.md section 4) with the image inline and a JSON response schema.
// - RuleFromRejection: image + the prompt + the person's reason -> one rule
//   {text, kind, scope, explanation}.
// - MaskFromInstruction: a mask the person drew wins (copied as is);
//   otherwise Gemini returns boxes (box_2d = [ymin, xmin, ymax, xmax] in
//   0..1000) and the mask PNG (white = change) is drawn from them.
// Anything but finishReason STOP, a blocked prompt or JSON that does not
// match is UNAVAILABLE (retryable) or INVALID_ARGUMENT (model answer).
// Thread-safety: all methods may be called from any thread.
#ifndef MIRI_ADAPTERS_GOOGLE_GEMINI_VISION_ANALYZER_H_
#define MIRI_ADAPTERS_GOOGLE_GEMINI_VISION_ANALYZER_H_

#include "adapters/google/google_common.h"
#include "ports/blob_store.h"
#include "ports/vision_analyzer.h"

namespace miri {

class GeminiVisionAnalyzer final : public VisionAnalyzer {
 public:
  GeminiVisionAnalyzer(GoogleConfig config, HttpClient& http, BlobStore& blobs,
                       Resilience resilience, const Clock& clock);
  std::string_view name() const override { return "gemini-vision"; }
  Result<RuleProposal> RuleFromRejection(const RejectionInput& in) override;
  Result<std::string> MaskFromInstruction(const MaskInput& in) override;

  // The request bodies (wire tests).
  nlohmann::json RuleRequest(const RejectionInput& in,
                             std::string_view image_bytes) const;
  nlohmann::json MaskRequest(const MaskInput& in,
                             std::string_view image_bytes) const;

 private:
  Result<nlohmann::json> Ask(const nlohmann::json& body);

  const GoogleConfig config_;
  HttpClient& http_;
  BlobStore& blobs_;
  Resilience resilience_;
  const Clock& clock_;
};

// The JSON text of a generateContent response (non-thought parts joined).
Result<nlohmann::json> GeminiJsonAnswer(const nlohmann::json& response);

}  // namespace miri

#endif  // MIRI_ADAPTERS_GOOGLE_GEMINI_VISION_ANALYZER_H_
