// FirestoreStore's render lease (ports/store.h): one document per project,
// projects/{p}/leases/render {owner, expiresAtMs}. The compare-and-set is
// a read, then a write whose precondition is what was read: exists=false
// when there was none, else the document's updateTime. A write that loses
// the race fails its precondition, and the attempt starts over from a
// fresh read (bounded).
#include "adapters/firestore/firestore_store.h"
#include "adapters/firestore/store_util.h"

namespace miri {

namespace v1 = firestore::v1;

namespace {

struct StoredLease {
  RenderLease lease;
  google::protobuf::Timestamp update_time;
};

Result<std::optional<StoredLease>> ReadLease(firestore::FirestoreClient& client,
                                             const std::string& name) {
  ASSIGN_OR_RETURN(std::optional<v1::Document> doc, client.Get(name),
                   "render lease");
  if (!doc) return std::optional<StoredLease>();
  ASSIGN_OR_RETURN(nlohmann::json j, firestore::FieldsToJson(*doc),
                   "render lease");
  if (!j.is_object() || !j.contains("owner") || !j["owner"].is_string() ||
      !j.contains("expiresAtMs") || !j["expiresAtMs"].is_number_integer()) {
    return MakeError(ErrorCode::kInternal,
                     "corrupt stored render lease " + doc->name());
  }
  return std::optional<StoredLease>(StoredLease{
      {j["owner"].get<std::string>(), j["expiresAtMs"].get<int64_t>()},
      doc->update_time()});
}

// Lost to a concurrent writer (its precondition failed): read again and
// decide again.
bool LostRace(const Error& e) {
  return e.code == ErrorCode::kFailedPrecondition ||
         e.code == ErrorCode::kAlreadyExists || e.code == ErrorCode::kNotFound;
}

}  // namespace

Result<bool> FirestoreStore::AcquireRenderLease(std::string_view project_id,
                                                std::string_view owner,
                                                int64_t now_ms,
                                                int64_t expires_at_ms) {
  RETURN_IF_ERROR(RequireProject(project_id), "render lease");
  const std::string name = Doc(project_id, "leases", "render");
  const nlohmann::json fields = {{"owner", std::string(owner)},
                                 {"expiresAtMs", expires_at_ms}};
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    ASSIGN_OR_RETURN(std::optional<StoredLease> stored,
                     ReadLease(*client_, name), "");
    if (stored && stored->lease.owner != owner &&
        stored->lease.expires_at_ms > now_ms) {
      return false;
    }
    v1::Write w =
        stored ? firestore::ReplaceWrite(name, fields, &stored->update_time)
               : firestore::CreateWrite(name, fields);
    Result<v1::CommitResponse> r = client_->Commit({w});
    if (r) return true;
    if (!LostRace(r.error())) return tl::unexpected(r.error());
    Backoff(attempt);
  }
  return MakeError(ErrorCode::kUnavailable,
                   "render lease: too much contention, try again");
}

Result<void> FirestoreStore::ReleaseRenderLease(std::string_view project_id,
                                                std::string_view owner) {
  RETURN_IF_ERROR(RequireProject(project_id), "render lease");
  const std::string name = Doc(project_id, "leases", "render");
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    ASSIGN_OR_RETURN(std::optional<StoredLease> stored,
                     ReadLease(*client_, name), "");
    if (!stored || stored->lease.owner != owner) return {};
    v1::Write w;
    w.set_delete_(name);
    *w.mutable_current_document()->mutable_update_time() = stored->update_time;
    Result<v1::CommitResponse> r = client_->Commit({w});
    if (r) return {};
    if (!LostRace(r.error())) return tl::unexpected(r.error());
    Backoff(attempt);
  }
  return MakeError(ErrorCode::kUnavailable,
                   "render lease: too much contention, try again");
}

Result<std::optional<RenderLease>> FirestoreStore::GetRenderLease(
    std::string_view project_id) {
  RETURN_IF_ERROR(RequireProject(project_id), "render lease");
  ASSIGN_OR_RETURN(std::optional<StoredLease> stored,
                   ReadLease(*client_, Doc(project_id, "leases", "render")),
                   "");
  if (!stored) return std::optional<RenderLease>();
  return std::optional<RenderLease>(stored->lease);
}

Result<void> FirestoreStore::ProbeWrite(std::string_view probe_id) {
  // A top-level collection of its own: ListProjects never sees it.
  v1::Write w;
  w.mutable_update()->set_name(
      client_->Name("writeProbes/" + std::string(probe_id)));
  firestore::SetFields({{"probeId", std::string(probe_id)}},
                       w.mutable_update());
  RETURN_IF_ERROR(client_->Commit({w}), "write probe");
  return {};
}

}  // namespace miri
