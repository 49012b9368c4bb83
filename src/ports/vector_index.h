// VectorIndex: nearest-neighbour search over embeddings, with restricts
// (namespace -> value tags, as Vertex Vector Search has) to filter by
// project, scope or kind.
//
// Contract:
// - Upsert inserts or replaces records by id; vectors must have the
//   index's dimensions (INVALID_ARGUMENT otherwise, nothing written).
// - Query returns at most k hits, best first, whose restricts contain every
//   (namespace, value) of the filter; score is cosine similarity (higher is
//   closer). Removed ids are never returned.
// Thread-safety: all methods may be called from any thread.
#ifndef MIRI_PORTS_VECTOR_INDEX_H_
#define MIRI_PORTS_VECTOR_INDEX_H_

#include <map>
#include <string>
#include <vector>

#include "domain/result.h"
#include "ports/embedder.h"

namespace miri {

using Restricts = std::map<std::string, std::string>;

struct VectorRecord {
  std::string id;
  Embedding vector;
  Restricts restricts;
};

struct VectorHit {
  std::string id;
  float score = 0;
};

class VectorIndex {
 public:
  virtual ~VectorIndex() = default;
  virtual Result<void> Upsert(const std::vector<VectorRecord>& records) = 0;
  virtual Result<void> Remove(const std::vector<std::string>& ids) = 0;
  virtual Result<std::vector<VectorHit>> Query(const Embedding& vector,
                                               size_t k,
                                               const Restricts& filter) = 0;
  virtual Result<size_t> Size() = 0;
};

}  // namespace miri

#endif  // MIRI_PORTS_VECTOR_INDEX_H_
