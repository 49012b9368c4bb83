// Embedder: text -> vector, for the Active Rulebook's retrieval.
// Contract: Embed returns one L2-normalised vector of dimensions() floats
// per input text, in input order; the same text and purpose always give the
// same vector. An empty input list gives an empty output.
// Thread-safety: Embed may be called from any thread.
#ifndef MIRI_PORTS_EMBEDDER_H_
#define MIRI_PORTS_EMBEDDER_H_

#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

namespace miri {

// Vertex's task types: documents are indexed, queries look them up.
enum class EmbedPurpose { kDocument, kQuery };

using Embedding = std::vector<float>;

class Embedder {
 public:
  virtual ~Embedder() = default;
  virtual std::string_view name() const = 0;
  virtual int dimensions() const = 0;
  virtual Result<std::vector<Embedding>> Embed(
      const std::vector<std::string>& texts, EmbedPurpose purpose) = 0;
};

// Cosine similarity of two L2-normalised vectors (their dot product).
float Cosine(const Embedding& a, const Embedding& b);

}  // namespace miri

#endif  // MIRI_PORTS_EMBEDDER_H_
