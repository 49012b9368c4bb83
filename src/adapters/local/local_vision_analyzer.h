// LocalVisionAnalyzer: the embedded VisionAnalyzer. It does not look at the
// image's content: rules come from templates applied to the person's words
// and the shot's prompt (stated in every proposal's explanation), and masks
// come from the region the person drew or, without one, from a keyword ->
// region heuristic that uses the frame layout the local image generator
// stored in its PNGs (FrameInfo), or a default layout for other images.
//
// Depiction rules win: a reason about Miri's mouth, clothing or age always
// yields the protective rule (Mouth CLOSED, loose heavy mid-calf clothing,
// child physique), whatever the words asked for.
#ifndef MIRI_ADAPTERS_LOCAL_LOCAL_VISION_ANALYZER_H_
#define MIRI_ADAPTERS_LOCAL_LOCAL_VISION_ANALYZER_H_

#include <optional>
#include <string_view>
#include <vector>

#include "adapters/local/storyboard.h"
#include "ports/blob_store.h"
#include "ports/vision_analyzer.h"

namespace miri::local {

// The template engine, pure (reason must be non-empty).
RuleProposal RuleFromReasonTemplate(std::string_view reason,
                                    std::string_view prompt);

// The regions (white) an instruction names, in a frame of the given size.
std::vector<Box> RegionsForInstruction(std::string_view instruction, int width,
                                       int height,
                                       const std::optional<FrameInfo>& info);

class LocalVisionAnalyzer final : public VisionAnalyzer {
 public:
  explicit LocalVisionAnalyzer(BlobStore* blobs) : blobs_(blobs) {}

  std::string_view name() const override { return "local-vision"; }
  Result<RuleProposal> RuleFromRejection(const RejectionInput& in) override;
  Result<std::string> MaskFromInstruction(const MaskInput& in) override;

 private:
  BlobStore* const blobs_;
};

}  // namespace miri::local

#endif  // MIRI_ADAPTERS_LOCAL_LOCAL_VISION_ANALYZER_H_
