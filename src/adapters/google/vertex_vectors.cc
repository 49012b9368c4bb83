#include "adapters/google/vertex_vectors.h"

#include <cmath>

namespace miri {
namespace {

// Vertex caps a predict call at 250 instances (providers.md 5.3).
constexpr size_t kMaxInstances = 250;

nlohmann::json RestrictsJson(const Restricts& r) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [ns, value] : r)
    out.push_back({{"namespace", ns}, {"allowList", {value}}});
  return out;
}

}  // namespace

VertexEmbedder::VertexEmbedder(GoogleConfig config, HttpClient& http,
                               Resilience resilience, const Clock& clock)
    : config_(std::move(config)),
      http_(http),
      resilience_(resilience),
      clock_(clock) {}

nlohmann::json VertexEmbedder::RequestBody(
    const std::vector<std::string>& texts, EmbedPurpose purpose,
    int dimensions) {
  nlohmann::json instances = nlohmann::json::array();
  const char* task = purpose == EmbedPurpose::kDocument ? "RETRIEVAL_DOCUMENT"
                                                        : "RETRIEVAL_QUERY";
  for (const std::string& t : texts)
    instances.push_back({{"content", t}, {"task_type", task}});
  return {{"instances", instances},
          {"parameters",
           {{"autoTruncate", true}, {"outputDimensionality", dimensions}}}};
}

Result<std::vector<Embedding>> VertexEmbedder::Embed(
    const std::vector<std::string>& texts, EmbedPurpose purpose) {
  std::vector<Embedding> out;
  std::string url = config_.VertexPrefix() + "/publishers/google/models/" +
                    config_.embedding_model + ":predict";
  for (size_t start = 0; start < texts.size(); start += kMaxInstances) {
    std::vector<std::string> batch(
        texts.begin() + start,
        texts.begin() + std::min(texts.size(), start + kMaxInstances));
    ASSIGN_OR_RETURN(
        nlohmann::json resp,
        GooglePost(http_, config_, true, url,
                   RequestBody(batch, purpose, config_.embedding_dimensions),
                   true, resilience_, clock_),
        "vertex embeddings");
    if (!resp.contains("predictions") || !resp["predictions"].is_array() ||
        resp["predictions"].size() != batch.size()) {
      return MakeError(ErrorCode::kUnavailable,
                       "vertex embeddings: wrong prediction count");
    }
    for (const auto& p : resp["predictions"]) {
      if (!p.contains("embeddings") || !p["embeddings"].contains("values") ||
          !p["embeddings"]["values"].is_array()) {
        return MakeError(ErrorCode::kUnavailable,
                         "vertex embeddings: no values");
      }
      Embedding e = p["embeddings"]["values"].get<Embedding>();
      if (static_cast<int>(e.size()) != config_.embedding_dimensions) {
        return MakeError(ErrorCode::kUnavailable,
                         "vertex embeddings: wrong dimensions");
      }
      double n = 0;
      for (float x : e) n += static_cast<double>(x) * x;
      n = std::sqrt(n);
      if (n > 0)
        for (float& x : e) x = static_cast<float>(x / n);
      out.push_back(std::move(e));
    }
  }
  return out;
}

VertexVectorIndex::VertexVectorIndex(GoogleConfig config, HttpClient& http,
                                     Resilience resilience, const Clock& clock)
    : config_(std::move(config)),
      http_(http),
      resilience_(resilience),
      clock_(clock) {}

nlohmann::json VertexVectorIndex::UpsertBody(
    const std::vector<VectorRecord>& records) {
  nlohmann::json dps = nlohmann::json::array();
  for (const VectorRecord& r : records) {
    dps.push_back({{"datapointId", r.id},
                   {"featureVector", r.vector},
                   {"restricts", RestrictsJson(r.restricts)}});
  }
  return {{"datapoints", dps}};
}

nlohmann::json VertexVectorIndex::QueryBody(
    const std::string& deployed_index_id, const Embedding& vector, size_t k,
    const Restricts& filter) {
  return {{"deployedIndexId", deployed_index_id},
          {"returnFullDatapoint", false},
          {"queries",
           {{{"datapoint",
              {{"datapointId", "q"},
               {"featureVector", vector},
               {"restricts", RestrictsJson(filter)}}},
             {"neighborCount", k}}}}};
}

Result<void> VertexVectorIndex::Upsert(
    const std::vector<VectorRecord>& records) {
  for (const VectorRecord& r : records) {
    if (static_cast<int>(r.vector.size()) != config_.embedding_dimensions ||
        r.id.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "vector of " + r.id + " has " +
                           std::to_string(r.vector.size()) +
                           " dimensions, index has " +
                           std::to_string(config_.embedding_dimensions));
    }
  }
  if (records.empty()) return {};
  std::string url = config_.VertexPrefix() + "/indexes/" + config_.index_id +
                    ":upsertDatapoints";
  ASSIGN_OR_RETURN(auto resp,
                   GooglePost(http_, config_, true, url, UpsertBody(records),
                              true, resilience_, clock_),
                   "vector upsert");
  (void)resp;
  return {};
}

Result<void> VertexVectorIndex::Remove(const std::vector<std::string>& ids) {
  if (ids.empty()) return {};
  std::string url = config_.VertexPrefix() + "/indexes/" + config_.index_id +
                    ":removeDatapoints";
  ASSIGN_OR_RETURN(
      auto resp,
      GooglePost(http_, config_, true, url, {{"datapointIds", ids}}, true,
                 resilience_, clock_),
      "vector remove");
  (void)resp;
  return {};
}

Result<std::vector<VectorHit>> VertexVectorIndex::Query(
    const Embedding& vector, size_t k, const Restricts& filter) {
  if (static_cast<int>(vector.size()) != config_.embedding_dimensions) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "query vector has wrong dimensions");
  }
  std::string url = config_.index_endpoint_base_url + "/v1/projects/" +
                    config_.project + "/locations/" + config_.region +
                    "/indexEndpoints/" + config_.index_endpoint_id +
                    ":findNeighbors";
  ASSIGN_OR_RETURN(
      nlohmann::json resp,
      GooglePost(http_, config_, true, url,
                 QueryBody(config_.deployed_index_id, vector, k, filter), true,
                 resilience_, clock_),
      "vector query");
  std::vector<VectorHit> hits;
  if (!resp.contains("nearestNeighbors") ||
      !resp["nearestNeighbors"].is_array() ||
      resp["nearestNeighbors"].empty()) {
    return hits;
  }
  const auto& nn = resp["nearestNeighbors"][0];
  if (!nn.contains("neighbors") || !nn["neighbors"].is_array()) return hits;
  for (const auto& n : nn["neighbors"]) {
    if (!n.contains("datapoint") || !n["datapoint"].contains("datapointId"))
      continue;
    hits.push_back({n["datapoint"]["datapointId"].get<std::string>(),
                    n.contains("distance") && n["distance"].is_number()
                        ? n["distance"].get<float>()
                        : 0.f});
    if (hits.size() >= k) break;
  }
  return hits;
}

Result<size_t> VertexVectorIndex::Size() {
  std::string url = config_.VertexPrefix() + "/indexes/" + config_.index_id;
  ASSIGN_OR_RETURN(nlohmann::json resp,
                   GoogleGet(http_, config_, url, resilience_, clock_),
                   "index stats");
  if (!resp.contains("indexStats") ||
      !resp["indexStats"].contains("vectorsCount"))
    return size_t{0};
  const auto& c = resp["indexStats"]["vectorsCount"];
  return c.is_string() ? static_cast<size_t>(std::stoull(c.get<std::string>()))
                       : c.get<size_t>();
}

}  // namespace miri
