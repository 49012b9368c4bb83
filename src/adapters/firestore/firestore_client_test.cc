// FirestoreClient's requests as Google's client sends them: a real gRPC
// server on loopback records what each RPC carries.
#include "adapters/firestore/firestore_client.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

namespace miri::firestore {
namespace {

// Records the x-goog-request-params of every call; answers empty.
class Recorder final : public v1::Firestore::Service {
 public:
  grpc::Status Commit(grpc::ServerContext* ctx, const v1::CommitRequest*,
                      v1::CommitResponse*) override {
    Note("Commit", ctx);
    return grpc::Status::OK;
  }
  grpc::Status BatchGetDocuments(
      grpc::ServerContext* ctx, const v1::BatchGetDocumentsRequest*,
      grpc::ServerWriter<v1::BatchGetDocumentsResponse>*) override {
    Note("BatchGetDocuments", ctx);
    return grpc::Status::OK;
  }
  grpc::Status RunQuery(grpc::ServerContext* ctx, const v1::RunQueryRequest*,
                        grpc::ServerWriter<v1::RunQueryResponse>*) override {
    Note("RunQuery", ctx);
    return grpc::Status::OK;
  }
  std::vector<std::string> Seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  void Note(const std::string& rpc, grpc::ServerContext* ctx) {
    std::string params = "(none)";
    auto [first, last] =
        ctx->client_metadata().equal_range("x-goog-request-params");
    if (first != last)
      params = std::string(first->second.data(), first->second.size());
    std::lock_guard lock(mu_);
    seen_.push_back(rpc + " " + params);
  }
  std::mutex mu_;
  std::vector<std::string> seen_;
};

// The routing header names the field Google's generated client
// (googleapis/nodejs-firestore, dev/src/v1/firestore_client.ts) routes
// each RPC by: `database` for commit and batchGetDocuments, `parent` for
// runQuery.
TEST(FirestoreClientTest, RoutingHeaderNamesTheFieldGooglesClientRoutesBy) {
  Recorder recorder;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(&recorder);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  ASSERT_GT(port, 0);

  ClientOptions o;
  o.target = "127.0.0.1:" + std::to_string(port);
  o.gcp_project = "proj-1";
  o.emulator = true;
  auto client = FirestoreClient::Connect(o);
  ASSERT_TRUE(client) << client.error().ToString();
  ASSERT_TRUE((*client)->Commit({}));
  ASSERT_TRUE((*client)->BatchGet({(*client)->Name("projects/p")}));
  v1::StructuredQuery q;
  q.add_from()->set_collection_id("shots");
  const std::string parent = (*client)->Name("projects/p");
  ASSERT_TRUE((*client)->RunQuery(parent, q));
  server->Shutdown();

  const std::string db = "projects%2Fproj-1%2Fdatabases%2F%28default%29";
  EXPECT_EQ(recorder.Seen(),
            (std::vector<std::string>{
                "Commit database=" + db, "BatchGetDocuments database=" + db,
                "RunQuery parent=" + db + "%2Fdocuments%2Fprojects%2Fp"}));
}

}  // namespace
}  // namespace miri::firestore
