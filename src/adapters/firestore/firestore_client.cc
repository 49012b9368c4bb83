#include "adapters/firestore/firestore_client.h"

#include <grpcpp/grpcpp.h>

#include "adapters/curl/http_client.h"
#include "adapters/firestore/firestore_value.h"

namespace miri::firestore {

namespace {

// Adds "authorization: Bearer <token>" to every call on the channel.
class TokenPlugin final : public grpc::MetadataCredentialsPlugin {
 public:
  explicit TokenPlugin(std::shared_ptr<gcp::TokenSource> tokens)
      : tokens_(std::move(tokens)) {}
  grpc::Status GetMetadata(
      grpc::string_ref, grpc::string_ref, const grpc::AuthContext&,
      std::multimap<grpc::string, grpc::string>* metadata) override {
    Result<std::string> token = tokens_->Token();
    if (!token) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                          "no access token: " + token.error().ToString());
    }
    metadata->emplace("authorization", "Bearer " + *token);
    return grpc::Status::OK;
  }

 private:
  std::shared_ptr<gcp::TokenSource> tokens_;
};

}  // namespace

Error FromStatus(const grpc::Status& status, std::string_view what) {
  ErrorCode code = ErrorCode::kInternal;
  switch (status.error_code()) {
    case grpc::StatusCode::ALREADY_EXISTS:
      code = ErrorCode::kAlreadyExists;
      break;
    case grpc::StatusCode::NOT_FOUND:
      code = ErrorCode::kNotFound;
      break;
    case grpc::StatusCode::FAILED_PRECONDITION:
      code = ErrorCode::kFailedPrecondition;
      break;
    case grpc::StatusCode::INVALID_ARGUMENT:
      code = ErrorCode::kInvalidArgument;
      break;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      code = ErrorCode::kResourceExhausted;
      break;
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::UNAUTHENTICATED:
      code = ErrorCode::kUnavailable;
      break;
    default:
      break;
  }
  return Error{code,
               std::string(what) + ": firestore " +
                   std::to_string(static_cast<int>(status.error_code())) + " " +
                   status.error_message(),
               {}};
}

bool IsAborted(const Error& e) {
  const std::string marker =
      ": firestore " +
      std::to_string(static_cast<int>(grpc::StatusCode::ABORTED)) + " ";
  return e.code == ErrorCode::kUnavailable &&
         e.message.find(marker) != std::string::npos;
}

Result<ClientOptions> OptionsFromEnvironment(
    const std::map<std::string, std::string>& env, const Clock& clock) {
  ClientOptions o;
  auto get = [&](const char* k) {
    auto it = env.find(k);
    return it == env.end() ? std::string() : it->second;
  };
  o.gcp_project = get("MIRI_FIRESTORE_PROJECT");
  if (o.gcp_project.empty()) o.gcp_project = get("GOOGLE_CLOUD_PROJECT");
  if (o.gcp_project.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "set MIRI_FIRESTORE_PROJECT (or GOOGLE_CLOUD_PROJECT)");
  }
  if (std::string db = get("FIRESTORE_DATABASE"); !db.empty()) o.database = db;
  if (std::string host = get("FIRESTORE_EMULATOR_HOST"); !host.empty()) {
    o.target = host;
    o.emulator = true;
    return o;
  }
  ASSIGN_OR_RETURN(std::unique_ptr<gcp::TokenSource> tokens,
                   gcp::DefaultCredentials(env, clock), "firestore");
  o.tokens = std::move(tokens);
  return o;
}

FirestoreClient::FirestoreClient(const ClientOptions& options,
                                 std::unique_ptr<v1::Firestore::Stub> stub)
    : options_(options),
      root_("projects/" + options.gcp_project + "/databases/" +
            options.database + "/documents"),
      database_("projects/" + options.gcp_project + "/databases/" +
                options.database),
      stub_(std::move(stub)) {}

Result<std::unique_ptr<FirestoreClient>> FirestoreClient::Connect(
    const ClientOptions& options) {
  if (options.gcp_project.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "no GCP project id");
  }
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (options.emulator) {
    creds = grpc::InsecureChannelCredentials();
  } else {
    if (!options.tokens) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "Firestore needs credentials outside the emulator");
    }
    creds = grpc::CompositeChannelCredentials(
        grpc::SslCredentials(grpc::SslCredentialsOptions()),
        grpc::MetadataCredentialsFromPlugin(
            std::make_unique<TokenPlugin>(options.tokens)));
  }
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateChannel(options.target, creds);
  return std::unique_ptr<FirestoreClient>(
      new FirestoreClient(options, v1::Firestore::NewStub(channel)));
}

std::string FirestoreClient::Name(std::string_view relative) const {
  return root_ + "/" + std::string(relative);
}

void FirestoreClient::Prepare(grpc::ClientContext* ctx,
                              std::string_view routing_field,
                              const std::string& routing_value) const {
  ctx->set_deadline(std::chrono::system_clock::now() + options_.deadline);
  // Routes the request (required by production Firestore) by the field
  // Google's generated client routes that RPC by (googleapis/
  // nodejs-firestore, dev/src/v1/firestore_client.ts: `database` for
  // commit and batchGetDocuments, `parent` for runQuery).
  ctx->AddMetadata("x-goog-request-params",
                   std::string(routing_field) + "=" + UrlEncode(routing_value));
}

Result<v1::CommitResponse> FirestoreClient::Commit(
    const std::vector<v1::Write>& writes) {
  v1::CommitRequest req;
  req.set_database(database_);
  for (const v1::Write& w : writes) *req.add_writes() = w;
  v1::CommitResponse resp;
  grpc::ClientContext ctx;
  Prepare(&ctx, "database", database_);
  grpc::Status s = stub_->Commit(&ctx, req, &resp);
  if (!s.ok()) return tl::unexpected(FromStatus(s, "commit"));
  return resp;
}

Result<std::vector<std::optional<v1::Document>>> FirestoreClient::BatchGet(
    const std::vector<std::string>& names) {
  std::vector<std::optional<v1::Document>> out(names.size());
  if (names.empty()) return out;
  v1::BatchGetDocumentsRequest req;
  req.set_database(database_);
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < names.size(); ++i) {
    req.add_documents(names[i]);
    index.emplace(names[i], i);
  }
  grpc::ClientContext ctx;
  Prepare(&ctx, "database", database_);
  std::unique_ptr<grpc::ClientReader<v1::BatchGetDocumentsResponse>> reader =
      stub_->BatchGetDocuments(&ctx, req);
  v1::BatchGetDocumentsResponse resp;
  while (reader->Read(&resp)) {
    if (resp.has_found()) {
      auto it = index.find(resp.found().name());
      if (it != index.end()) out[it->second] = resp.found();
    }
  }
  grpc::Status s = reader->Finish();
  if (!s.ok()) return tl::unexpected(FromStatus(s, "batch get"));
  return out;
}

Result<std::optional<v1::Document>> FirestoreClient::Get(
    const std::string& name) {
  ASSIGN_OR_RETURN(std::vector<std::optional<v1::Document>> docs,
                   BatchGet({name}), "get");
  return std::move(docs[0]);
}

Result<std::vector<v1::Document>> FirestoreClient::RunQuery(
    const std::string& parent, const v1::StructuredQuery& query) {
  v1::RunQueryRequest req;
  req.set_parent(parent);
  *req.mutable_structured_query() = query;
  grpc::ClientContext ctx;
  Prepare(&ctx, "parent", parent);
  std::unique_ptr<grpc::ClientReader<v1::RunQueryResponse>> reader =
      stub_->RunQuery(&ctx, req);
  std::vector<v1::Document> out;
  v1::RunQueryResponse resp;
  while (reader->Read(&resp)) {
    if (resp.has_document()) out.push_back(resp.document());
  }
  grpc::Status s = reader->Finish();
  if (!s.ok()) return tl::unexpected(FromStatus(s, "query"));
  return out;
}

v1::Write CreateWrite(const std::string& name, const nlohmann::json& fields) {
  v1::Write w;
  w.mutable_update()->set_name(name);
  SetFields(fields, w.mutable_update());
  w.mutable_current_document()->set_exists(false);
  return w;
}

v1::Write ReplaceWrite(const std::string& name, const nlohmann::json& fields,
                       const google::protobuf::Timestamp* update_time) {
  v1::Write w;
  w.mutable_update()->set_name(name);
  SetFields(fields, w.mutable_update());
  if (update_time != nullptr) {
    *w.mutable_current_document()->mutable_update_time() = *update_time;
  } else {
    w.mutable_current_document()->set_exists(true);
  }
  return w;
}

v1::Write PatchWrite(const std::string& name, const nlohmann::json& fields,
                     const google::protobuf::Timestamp* update_time) {
  v1::Write w = ReplaceWrite(name, fields, update_time);
  for (const auto& [k, unused] : fields.items()) {
    w.mutable_update_mask()->add_field_paths(k);
  }
  return w;
}

v1::StructuredQuery::FieldFilter FieldEquals(const std::string& field,
                                             const nlohmann::json& value) {
  v1::StructuredQuery::FieldFilter f;
  f.mutable_field()->set_field_path(field);
  f.set_op(v1::StructuredQuery::FieldFilter::EQUAL);
  *f.mutable_value() = ToValue(value);
  return f;
}

v1::StructuredQuery CollectionQuery(const std::string& collection) {
  v1::StructuredQuery q;
  q.add_from()->set_collection_id(collection);
  return q;
}

}  // namespace miri::firestore
