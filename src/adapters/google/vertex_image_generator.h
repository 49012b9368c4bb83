// VertexImageGenerator: the second image route (providers.md section 6), a
// Gemini image model on Vertex AI (generateContent with an IMAGE response).
// Text-to-image only, and never for Miri: it cannot apply the LoRA, and
// design.md allows her likeness only through miriN14 on FLUX.2, so a
// request naming any LoRA is REFUSED. Routing (services/routing) sends it
// shots without the character (scenery, props, establishing shots).
// generateContent is synchronous; Submit runs it on a worker thread and
// returns at once; the result (the image copied into the BlobStore) goes to
// the ResultSink. Thread-safety: all methods may be called from any thread.
#ifndef MIRI_ADAPTERS_GOOGLE_VERTEX_IMAGE_GENERATOR_H_
#define MIRI_ADAPTERS_GOOGLE_VERTEX_IMAGE_GENERATOR_H_

#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "adapters/google/google_common.h"
#include "ports/blob_store.h"
#include "ports/image_generator.h"
#include "services/budget/price_table.h"

namespace miri {

class VertexImageGenerator final : public ImageGenerator {
 public:
  VertexImageGenerator(GoogleConfig config, HttpClient& http, BlobStore& blobs,
                       ResultSink& sink, const PriceTable& prices,
                       Resilience resilience, const Clock& clock);
  ~VertexImageGenerator() override;  // waits for running jobs

  std::string_view name() const override { return "vertex"; }
  Result<Dispatch> Submit(const ImageRequest& request) override;
  Result<std::optional<ProviderResult>> Poll(std::string_view job_id) override;
  int64_t EstimateCostMicros(const ImageRequest& request) const override;

  // The image model ids this adapter speaks to (GoogleConfig::image_model):
  // INVALID_ARGUMENT naming `field` for any other, with why for the Imagen
  // ids Google has discontinued.
  static Result<void> CheckModel(std::string_view model,
                                 std::string_view field);
  static Result<void> Validate(const ImageRequest& r);
  // The generateContent body (wire tests).
  static nlohmann::json RequestBody(const ImageRequest& r);
  // Nearest aspect ratio the Gemini image models support.
  static std::string AspectRatio(int width, int height);

 private:
  ProviderResult Run(const ImageRequest& r);

  const GoogleConfig config_;
  HttpClient& http_;
  BlobStore& blobs_;
  ResultSink& sink_;
  const PriceTable& prices_;
  Resilience resilience_;
  const Clock& clock_;
  std::mutex mu_;
  std::map<std::string, std::optional<ProviderResult>>
      jobs_;  // nullopt: running
  std::vector<std::thread> workers_;
};

}  // namespace miri

#endif  // MIRI_ADAPTERS_GOOGLE_VERTEX_IMAGE_GENERATOR_H_
