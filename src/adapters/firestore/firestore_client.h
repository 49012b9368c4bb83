// FirestoreClient: the few Firestore v1 RPCs the store needs, over gRPC.
// Only Commit, BatchGetDocuments and RunQuery are used. A single read goes
// through BatchGetDocuments too, as the official Node client's
// DocumentReference.get() does (googleapis/nodejs-firestore, DocumentReader).
// Thread-safety: all methods may be called concurrently.
#ifndef MIRI_ADAPTERS_FIRESTORE_FIRESTORE_CLIENT_H_
#define MIRI_ADAPTERS_FIRESTORE_FIRESTORE_CLIENT_H_

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <google/firestore/v1/firestore.grpc.pb.h>

#include <nlohmann/json.hpp>

#include "adapters/gcp/credentials.h"
#include "domain/result.h"

namespace miri::firestore {

namespace v1 = google::firestore::v1;

struct ClientOptions {
  std::string target = "firestore.googleapis.com:443";
  std::string gcp_project;
  std::string database = "(default)";
  // Plaintext, no credentials: only for the emulator.
  bool emulator = false;
  // Required unless `emulator`.
  std::shared_ptr<gcp::TokenSource> tokens;
  std::chrono::milliseconds deadline{15000};
};

// FIRESTORE_EMULATOR_HOST set -> the emulator at that host:port;
// otherwise production with Application Default Credentials.
// MIRI_FIRESTORE_PROJECT (else GOOGLE_CLOUD_PROJECT) names the project in
// both cases; FIRESTORE_DATABASE the database (default "(default)").
Result<ClientOptions> OptionsFromEnvironment(
    const std::map<std::string, std::string>& env, const Clock& clock);

class FirestoreClient {
 public:
  static Result<std::unique_ptr<FirestoreClient>> Connect(
      const ClientOptions& options);

  // "projects/P/databases/D/documents".
  const std::string& root() const { return root_; }
  // root() + "/" + relative path.
  std::string Name(std::string_view relative) const;

  Result<v1::CommitResponse> Commit(const std::vector<v1::Write>& writes);
  // One entry per name, in order; nullopt where the document is missing.
  Result<std::vector<std::optional<v1::Document>>> BatchGet(
      const std::vector<std::string>& names);
  Result<std::optional<v1::Document>> Get(const std::string& name);
  // `parent` is a document name or root(); the query's `from` names the
  // collection below it.
  Result<std::vector<v1::Document>> RunQuery(const std::string& parent,
                                             const v1::StructuredQuery& query);

 private:
  FirestoreClient(const ClientOptions& options,
                  std::unique_ptr<v1::Firestore::Stub> stub);
  // The deadline and the routing header `routing_field=routing_value`.
  void Prepare(grpc::ClientContext* ctx, std::string_view routing_field,
               const std::string& routing_value) const;

  ClientOptions options_;
  std::string root_;
  std::string database_;  // "projects/P/databases/D"
  std::unique_ptr<v1::Firestore::Stub> stub_;
};

// Maps a gRPC status to our error codes: ALREADY_EXISTS, NOT_FOUND,
// FAILED_PRECONDITION and INVALID_ARGUMENT keep their meaning; ABORTED,
// UNAVAILABLE and DEADLINE_EXCEEDED become UNAVAILABLE (retryable).
Error FromStatus(const grpc::Status& status, std::string_view what);

// Whether an error FromStatus made came from ABORTED: the commit lost to
// contention (a lock held by a concurrent writer, "Transaction lock
// timeout" on a loaded emulator). Firestore's error-code guide says to
// retry such a request (cloud.google.com/firestore/docs/understand-error-
// codes, ABORTED), as its client libraries do.
bool IsAborted(const Error& e);

// Write builders.
// A create-only write: fails with ALREADY_EXISTS if `name` exists.
v1::Write CreateWrite(const std::string& name, const nlohmann::json& fields);
// Replaces the whole document, which must exist; if `update_time` is set
// the write also fails unless the document was last written then.
v1::Write ReplaceWrite(const std::string& name, const nlohmann::json& fields,
                       const google::protobuf::Timestamp* update_time);
// Sets only `fields`' top-level members; the document must exist (and, if
// `update_time` is set, have been last written then).
v1::Write PatchWrite(const std::string& name, const nlohmann::json& fields,
                     const google::protobuf::Timestamp* update_time = nullptr);

// Query builders.
v1::StructuredQuery::FieldFilter FieldEquals(const std::string& field,
                                             const nlohmann::json& value);
v1::StructuredQuery CollectionQuery(const std::string& collection);

}  // namespace miri::firestore

#endif  // MIRI_ADAPTERS_FIRESTORE_FIRESTORE_CLIENT_H_
