#include "adapters/hnsw/hnsw_index.h"

#include <algorithm>
#include <fstream>

#include <hnswlib/hnswlib.h>
#include <nlohmann/json.hpp>

namespace miri {

using nlohmann::json;

namespace {

constexpr size_t kM = 16;
constexpr size_t kEfConstruction = 200;
constexpr size_t kEfSearch = 64;
constexpr size_t kInitialCapacity = 1024;

bool Matches(const Restricts& have, const Restricts& want) {
  for (const auto& [ns, value] : want) {
    auto it = have.find(ns);
    if (it == have.end() || it->second != value) return false;
  }
  return true;
}

}  // namespace

HnswIndex::HnswIndex(std::filesystem::path dir, int dimensions)
    : dir_(std::move(dir)),
      dimensions_(dimensions),
      space_(std::make_unique<hnswlib::InnerProductSpace>(
          static_cast<size_t>(dimensions))) {}

HnswIndex::~HnswIndex() = default;

Result<std::unique_ptr<HnswIndex>> HnswIndex::Open(std::filesystem::path dir,
                                                   int dimensions) {
  if (dimensions <= 0) {
    return MakeError(ErrorCode::kInvalidArgument, "dimensions must be > 0");
  }
  std::unique_ptr<HnswIndex> index(new HnswIndex(std::move(dir), dimensions));
  if (!index->dir_.empty() &&
      std::filesystem::exists(index->dir_ / "index.bin") &&
      std::filesystem::exists(index->dir_ / "records.json")) {
    if (index->Load()) {
      index->loaded_ = true;
      return index;
    }
    // Unreadable: start empty; the owner rebuilds from its source of truth.
    index->by_id_.clear();
    index->by_label_.clear();
    index->postings_.clear();
    index->live_ = 0;
    index->next_label_ = 0;
  }
  index->Reserve(kInitialCapacity);
  return index;
}

void HnswIndex::Reserve(size_t capacity) {
  if (!graph_) {
    graph_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        space_.get(), capacity, kM, kEfConstruction);
    graph_->setEf(kEfSearch);
  } else if (capacity > graph_->max_elements_) {
    graph_->resizeIndex(capacity);
  }
}

Result<void> HnswIndex::Load() {
  std::ifstream in(dir_ / "records.json");
  json doc = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() ||
      doc.value("dimensions", 0) != dimensions_ || !doc["records"].is_array()) {
    return MakeError(ErrorCode::kInternal, "unreadable records.json");
  }
  for (const json& r : doc["records"]) {
    if (!r.is_object() || !r["id"].is_string() ||
        !r["label"].is_number_unsigned() || !r["restricts"].is_object()) {
      return MakeError(ErrorCode::kInternal, "unreadable record");
    }
    Entry e;
    e.label = r["label"].get<size_t>();
    e.deleted = r.value("deleted", false);
    for (auto it = r["restricts"].begin(); it != r["restricts"].end(); ++it) {
      if (it->is_string()) e.restricts[it.key()] = it->get<std::string>();
    }
    by_label_[e.label] = r["id"].get<std::string>();
    next_label_ = std::max(next_label_, e.label + 1);
    if (!e.deleted) {
      Post(e.label, e.restricts);
      ++live_;
    }
    by_id_[r["id"].get<std::string>()] = std::move(e);
  }
  // hnswlib reports a damaged file by throwing; keep that inside here.
  try {
    graph_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        space_.get(), (dir_ / "index.bin").string());
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kInternal,
                     std::string("unreadable index.bin: ") + e.what());
  }
  if (graph_->cur_element_count != by_label_.size()) {
    return MakeError(ErrorCode::kInternal, "index and records disagree");
  }
  graph_->setEf(kEfSearch);
  return {};
}

Result<void> HnswIndex::Save() {
  if (dir_.empty()) return {};
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) {
    return MakeError(ErrorCode::kUnavailable,
                     "cannot create " + dir_.string() + ": " + ec.message());
  }
  json records = json::array();
  for (const auto& [id, e] : by_id_) {
    records.push_back({{"id", id},
                       {"label", e.label},
                       {"restricts", e.restricts},
                       {"deleted", e.deleted}});
  }
  json doc = {{"dimensions", dimensions_}, {"records", records}};
  const auto index_tmp = dir_ / "index.bin.tmp";
  const auto records_tmp = dir_ / "records.json.tmp";
  try {
    graph_->saveIndex(index_tmp.string());
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kUnavailable,
                     std::string("saving index: ") + e.what());
  }
  {
    std::ofstream out(records_tmp, std::ios::trunc);
    out << doc.dump();
    if (!out.flush()) {
      return MakeError(ErrorCode::kUnavailable, "writing records.json");
    }
  }
  std::filesystem::rename(index_tmp, dir_ / "index.bin", ec);
  if (!ec) std::filesystem::rename(records_tmp, dir_ / "records.json", ec);
  if (ec) return MakeError(ErrorCode::kUnavailable, "saving: " + ec.message());
  return {};
}

Result<void> HnswIndex::Upsert(const std::vector<VectorRecord>& records) {
  for (size_t i = 0; i < records.size(); ++i) {
    if (records[i].vector.size() != static_cast<size_t>(dimensions_)) {
      return MakeError(
          ErrorCode::kInvalidArgument, "wrong vector size",
          {{"records[" + std::to_string(i) + "].vector",
            "expected " + std::to_string(dimensions_) + " dimensions, got " +
                std::to_string(records[i].vector.size())}});
    }
    if (records[i].id.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "empty id",
                       {{"records[" + std::to_string(i) + "].id", "required"}});
    }
  }
  std::lock_guard lock(mu_);
  Reserve(std::max(graph_->max_elements_,
                   (graph_->cur_element_count + records.size()) * 2));
  for (const VectorRecord& r : records) {
    auto [it, inserted] = by_id_.try_emplace(r.id);
    Entry& e = it->second;
    if (inserted) {
      e.label = next_label_++;
      by_label_[e.label] = r.id;
    }
    // addPoint on a known label replaces its vector and un-deletes it.
    // hnswlib throws only on allocation failure; keep that inside here.
    try {
      graph_->addPoint(r.vector.data(), e.label);
    } catch (const std::exception& ex) {
      return MakeError(ErrorCode::kInternal,
                       std::string("indexing ") + r.id + ": " + ex.what());
    }
    if (!inserted && !e.deleted) {
      Unpost(e.label, e.restricts);
      --live_;
    }
    e.deleted = false;
    e.restricts = r.restricts;
    Post(e.label, e.restricts);
    ++live_;
  }
  return Save();
}

Result<void> HnswIndex::Remove(const std::vector<std::string>& ids) {
  std::lock_guard lock(mu_);
  for (const std::string& id : ids) {
    auto it = by_id_.find(id);
    if (it == by_id_.end() || it->second.deleted) continue;
    graph_->markDelete(it->second.label);
    it->second.deleted = true;
    Unpost(it->second.label, it->second.restricts);
    --live_;
  }
  return Save();
}

void HnswIndex::Post(size_t label, const Restricts& restricts) {
  for (const auto& kv : restricts) postings_[kv].insert(label);
}

void HnswIndex::Unpost(size_t label, const Restricts& restricts) {
  for (const auto& kv : restricts) {
    auto it = postings_.find(kv);
    if (it == postings_.end()) continue;
    it->second.erase(label);
    if (it->second.empty()) postings_.erase(it);
  }
}

std::optional<std::vector<size_t>> HnswIndex::Candidates(
    const Restricts& filter, size_t limit) const {
  // Start from the rarest (namespace, value) and check the rest per record.
  const std::set<size_t>* rarest = nullptr;
  for (const auto& kv : filter) {
    auto it = postings_.find(kv);
    if (it == postings_.end()) return std::vector<size_t>{};
    if (rarest == nullptr || it->second.size() < rarest->size()) {
      rarest = &it->second;
    }
  }
  if (rarest == nullptr || rarest->size() > limit) return std::nullopt;
  std::vector<size_t> out;
  for (size_t label : *rarest) {
    const Entry& e = by_id_.at(by_label_.at(label));
    if (Matches(e.restricts, filter)) out.push_back(label);
  }
  return out;
}

std::vector<VectorHit> HnswIndex::SearchExact(
    const Embedding& vector, const std::vector<size_t>& labels) const {
  std::vector<VectorHit> hits;
  hits.reserve(labels.size());
  for (size_t label : labels) {
    const char* data =
        graph_->getDataByInternalId(graph_->label_lookup_.at(label));
    float distance =
        graph_->fstdistfunc_(vector.data(), data, graph_->dist_func_param_);
    hits.push_back({by_label_.at(label), 1.0f - distance});
  }
  return hits;
}

std::vector<VectorHit> HnswIndex::SearchGraph(const Embedding& vector, size_t k,
                                              const Restricts& filter,
                                              size_t live) {
  std::vector<VectorHit> hits;
  size_t fetch = std::min(live, std::max<size_t>(k * 4, 32));
  while (true) {
    graph_->setEf(std::max(kEfSearch, fetch));
    auto queue = graph_->searchKnn(vector.data(), fetch);
    hits.clear();
    while (!queue.empty()) {
      auto [distance, label] = queue.top();
      queue.pop();
      const std::string& id = by_label_.at(label);
      if (Matches(by_id_.at(id).restricts, filter)) {
        hits.push_back({id, 1.0f - distance});
      }
    }
    if (hits.size() >= k || fetch >= live) return hits;
    fetch = std::min(live, fetch * 4);
  }
}

Result<std::vector<VectorHit>> HnswIndex::Query(const Embedding& vector,
                                                size_t k,
                                                const Restricts& filter) {
  if (vector.size() != static_cast<size_t>(dimensions_)) {
    return MakeError(ErrorCode::kInvalidArgument, "wrong query size",
                     {{"vector", "expected " + std::to_string(dimensions_) +
                                     " dimensions"}});
  }
  std::lock_guard lock(mu_);
  if (k == 0 || live_ == 0) return std::vector<VectorHit>{};
  std::optional<std::vector<size_t>> exact =
      filter.empty() ? std::nullopt : Candidates(filter, kExactLimit);
  std::vector<VectorHit> hits = exact ? SearchExact(vector, *exact)
                                      : SearchGraph(vector, k, filter, live_);
  auto better = [](const VectorHit& a, const VectorHit& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  };
  if (hits.size() > k) {
    std::partial_sort(hits.begin(), hits.begin() + static_cast<long>(k),
                      hits.end(), better);
    hits.resize(k);
  } else {
    std::sort(hits.begin(), hits.end(), better);
  }
  return hits;
}

Result<size_t> HnswIndex::Size() {
  std::lock_guard lock(mu_);
  return live_;
}

}  // namespace miri
