// LocalImageGenerator: the embedded ImageGenerator (design.md section 2).
// Draws a storyboard frame per prompt with Cairo (storyboard.h) instead of
// calling FLUX.2, on a small worker pool, and reports through the
// ResultSink exactly as fal's webhook would.
//
// - Text-to-image: deterministic for a given prompt, size and seed.
// - Edit (multi-reference): keeps the first reference's palette, shot type
//   and figure position (continuity), draws the new prompt's content.
// - Inpaint: re-renders the frame for the prompt and takes it only where the
//   mask is white; every pixel where the mask is black is the input's own.
// The output is a PNG at request.output_key, carrying FrameInfo.
#ifndef MIRI_ADAPTERS_LOCAL_LOCAL_IMAGE_GENERATOR_H_
#define MIRI_ADAPTERS_LOCAL_LOCAL_IMAGE_GENERATOR_H_

#include "adapters/local/job_runner.h"
#include "ports/blob_store.h"
#include "ports/image_generator.h"

namespace miri::local {

// Submit's checks, shared with tests: INVALID_ARGUMENT naming each field.
Result<void> ValidateImageRequest(const ImageRequest& request);

// The work of one job, synchronously: writes the PNG, returns its key.
Result<std::string> GenerateImage(BlobStore& blobs,
                                  const ImageRequest& request);

class LocalImageGenerator final : public ImageGenerator {
 public:
  // `blobs` and `sink` must outlive the generator.
  LocalImageGenerator(BlobStore* blobs, ResultSink* sink,
                      LocalProviderOptions options = {});

  std::string_view name() const override { return "local-image"; }
  Result<Dispatch> Submit(const ImageRequest& request) override;
  Result<std::optional<ProviderResult>> Poll(std::string_view job_id) override;
  int64_t EstimateCostMicros(const ImageRequest&) const override { return 0; }

  JobRunner& runner() { return runner_; }

 private:
  BlobStore* const blobs_;
  JobRunner runner_;  // last: its workers stop before the rest goes
};

}  // namespace miri::local

#endif  // MIRI_ADAPTERS_LOCAL_LOCAL_IMAGE_GENERATOR_H_
