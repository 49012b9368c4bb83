// Vertex text embeddings (Embedder) and Vertex AI Vector Search
// (VectorIndex), REST shapes from providers.md section 5.
// - Embed: POST .../publishers/google/models/{model}:predict with
//   task_type RETRIEVAL_DOCUMENT / RETRIEVAL_QUERY and outputDimensionality;
//   vectors are re-normalised to unit length (the port promises it).
// - Upsert/Remove: .../indexes/{id}:upsertDatapoints / :removeDatapoints;
//   restricts become {namespace, allowList:[value]}.
// - Query: {endpoint domain}/v1/.../indexEndpoints/{id}:findNeighbors; the
//   index is assumed DOT_PRODUCT_DISTANCE on unit vectors, so the returned
//   distance is the cosine score [UNVERIFIED sign, providers.md 5.2].
// - Size: indexes.get -> indexStats.vectorsCount.
// Thread-safety: all methods may be called from any thread.
#ifndef MIRI_ADAPTERS_GOOGLE_VERTEX_VECTORS_H_
#define MIRI_ADAPTERS_GOOGLE_VERTEX_VECTORS_H_

#include "adapters/google/google_common.h"
#include "ports/embedder.h"
#include "ports/vector_index.h"

namespace miri {

class VertexEmbedder final : public Embedder {
 public:
  VertexEmbedder(GoogleConfig config, HttpClient& http, Resilience resilience,
                 const Clock& clock);
  std::string_view name() const override { return "vertex-embeddings"; }
  int dimensions() const override { return config_.embedding_dimensions; }
  Result<std::vector<Embedding>> Embed(const std::vector<std::string>& texts,
                                       EmbedPurpose purpose) override;
  static nlohmann::json RequestBody(const std::vector<std::string>& texts,
                                    EmbedPurpose purpose, int dimensions);

 private:
  const GoogleConfig config_;
  HttpClient& http_;
  Resilience resilience_;
  const Clock& clock_;
};

class VertexVectorIndex final : public VectorIndex {
 public:
  VertexVectorIndex(GoogleConfig config, HttpClient& http,
                    Resilience resilience, const Clock& clock);
  Result<void> Upsert(const std::vector<VectorRecord>& records) override;
  Result<void> Remove(const std::vector<std::string>& ids) override;
  Result<std::vector<VectorHit>> Query(const Embedding& vector, size_t k,
                                       const Restricts& filter) override;
  Result<size_t> Size() override;

  static nlohmann::json UpsertBody(const std::vector<VectorRecord>& records);
  static nlohmann::json QueryBody(const std::string& deployed_index_id,
                                  const Embedding& vector, size_t k,
                                  const Restricts& filter);

 private:
  const GoogleConfig config_;
  HttpClient& http_;
  Resilience resilience_;
  const Clock& clock_;
};

}  // namespace miri

#endif  // MIRI_ADAPTERS_GOOGLE_VERTEX_VECTORS_H_
