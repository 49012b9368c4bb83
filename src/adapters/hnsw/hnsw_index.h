// HnswIndex: the embedded VectorIndex, an HNSW graph (hnswlib) over inner
// products of L2-normalised vectors, persisted in a folder: `index.bin`
// (hnswlib's format) and `records.json` (ids, labels, restricts). Writes go
// to temporary files renamed into place, so a crash leaves the previous
// index. A missing or unreadable folder opens empty; the owner rebuilds it
// from the store (the rulebook does).
//
// Filtering (hnswlib 0.6 has no filtered search): an inverted index maps
// each (namespace, value) to its records. When a filter leaves at most
// kExactLimit records, they are scored exactly (faster and exact for
// selective filters); otherwise the HNSW graph is searched with an
// over-fetched candidate list that widens until k hits pass.
#ifndef MIRI_ADAPTERS_HNSW_HNSW_INDEX_H_
#define MIRI_ADAPTERS_HNSW_HNSW_INDEX_H_

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "ports/vector_index.h"

namespace hnswlib {
template <typename T>
class HierarchicalNSW;
class InnerProductSpace;
}  // namespace hnswlib

namespace miri {

class HnswIndex final : public VectorIndex {
 public:
  static constexpr size_t kExactLimit = 2048;

  // `dir` empty: in memory only.
  static Result<std::unique_ptr<HnswIndex>> Open(std::filesystem::path dir,
                                                 int dimensions);
  ~HnswIndex() override;

  Result<void> Upsert(const std::vector<VectorRecord>& records) override;
  Result<void> Remove(const std::vector<std::string>& ids) override;
  Result<std::vector<VectorHit>> Query(const Embedding& vector, size_t k,
                                       const Restricts& filter) override;
  Result<size_t> Size() override;

  // True when the folder held a readable index at Open.
  bool loaded_from_disk() const { return loaded_; }

 private:
  HnswIndex(std::filesystem::path dir, int dimensions);
  Result<void> Load();
  Result<void> Save();
  void Reserve(size_t capacity);
  void Post(size_t label, const Restricts& restricts);
  void Unpost(size_t label, const Restricts& restricts);
  // Live labels passing `filter`, or nullopt when more than `limit` do.
  std::optional<std::vector<size_t>> Candidates(const Restricts& filter,
                                                size_t limit) const;
  std::vector<VectorHit> SearchExact(const Embedding& vector,
                                     const std::vector<size_t>& labels) const;
  std::vector<VectorHit> SearchGraph(const Embedding& vector, size_t k,
                                     const Restricts& filter, size_t live);

  struct Entry {
    size_t label = 0;
    Restricts restricts;
    bool deleted = false;
  };

  std::mutex mu_;
  std::filesystem::path dir_;
  int dimensions_;
  bool loaded_ = false;
  std::unique_ptr<hnswlib::InnerProductSpace> space_;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph_;
  std::map<std::string, Entry> by_id_;
  std::map<size_t, std::string> by_label_;
  std::map<std::pair<std::string, std::string>, std::set<size_t>> postings_;
  size_t live_ = 0;
  size_t next_label_ = 0;
};

}  // namespace miri

#endif  // MIRI_ADAPTERS_HNSW_HNSW_INDEX_H_
