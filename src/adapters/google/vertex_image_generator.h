// VertexImagenGenerator: the second image route (providers.md section 6),
// Vertex AI Imagen predict. Text-to-image only, and never for Miri: Imagen
// cannot apply the LoRA, and design.md allows her likeness only through
// miriN14 on FLUX.2, so a request naming any LoRA is REFUSED. Routing sends
// it shots without the character (scenery, props, establishing shots).
// predict is synchronous; Submit runs it on a worker thread and returns at
// once; the result (PNG copied into the BlobStore) goes to the ResultSink.
// Thread-safety: all methods may be called from any thread.
#ifndef MIRI_ADAPTERS_GOOGLE_VERTEX_IMAGEN_GENERATOR_H_
#define MIRI_ADAPTERS_GOOGLE_VERTEX_IMAGEN_GENERATOR_H_

#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "adapters/google/google_common.h"
#include "ports/blob_store.h"
#include "ports/image_generator.h"
#include "services/budget/price_table.h"

namespace miri {

class VertexImagenGenerator final : public ImageGenerator {
 public:
  VertexImagenGenerator(GoogleConfig config, HttpClient& http, BlobStore& blobs,
                        ResultSink& sink, const PriceTable& prices,
                        Resilience resilience, const Clock& clock);
  ~VertexImagenGenerator() override;  // waits for running jobs

  std::string_view name() const override { return "imagen"; }
  Result<Dispatch> Submit(const ImageRequest& request) override;
  Result<std::optional<ProviderResult>> Poll(std::string_view job_id) override;
  int64_t EstimateCostMicros(const ImageRequest& request) const override;

  static Result<void> Validate(const ImageRequest& r);
  // The predict body (wire tests).
  static nlohmann::json RequestBody(const ImageRequest& r);
  // Nearest supported aspect ratio: 1:1, 3:4, 4:3, 9:16, 16:9.
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

#endif  // MIRI_ADAPTERS_GOOGLE_VERTEX_IMAGEN_GENERATOR_H_
