#include "adapters/gcs/test_gcs_emulator.h"

#include <chrono>
#include <mutex>

namespace miri::testing {

Result<std::unique_ptr<TestGcsEmulator>> TestGcsEmulator::Start() {
  constexpr char kHint[] =
      "the GCS emulator did not start (is node installed and node_modules "
      "present? run "
      "scripts/bootstrap.sh)";
  ASSIGN_OR_RETURN(
      std::unique_ptr<NodeFixture> node,
      NodeFixture::Start(std::string(MIRI_SOURCE_DIR) +
                             "/tests/fixtures/gcs_emulator/server.mjs",
                         std::chrono::seconds(15)),
      kHint);
  nlohmann::json j = nlohmann::json::parse(node->first_line(), nullptr, false);
  if (!j.is_object() || !j.contains("base") || !j["base"].is_string()) {
    return MakeError(ErrorCode::kUnavailable,
                     std::string(kHint) + ": " + node->first_line());
  }
  std::unique_ptr<TestGcsEmulator> e(new TestGcsEmulator());
  e->node_ = std::move(node);
  e->base_ = j["base"].get<std::string>();
  return e;
}

Result<void> TestGcsEmulator::CreateBucket(const std::string& name) {
  HttpRequest r;
  r.method = "POST";
  r.url = base_ + "/storage/v1/b?project=test";
  r.headers = {{"Content-Type", "application/json"}};
  r.body = nlohmann::json{{"name", name}}.dump();
  ASSIGN_OR_RETURN(HttpResponse reply, http_.Send(r),
                   "creating bucket " + name);
  if (reply.status != 200 && reply.status != 409) {
    return MakeError(ErrorCode::kUnavailable,
                     "creating bucket " + name + ": HTTP " +
                         std::to_string(reply.status) + " " + reply.body);
  }
  return {};
}

void TestGcsEmulator::SetFaults(const nlohmann::json& rules) {
  HttpRequest r;
  r.method = "POST";
  r.url = base_ + "/__control/faults";
  r.headers = {{"Content-Type", "application/json"}};
  r.body = nlohmann::json{{"rules", rules}}.dump();
  (void)http_.Send(r);
}

void TestGcsEmulator::RequireToken(std::optional<std::string> token) {
  HttpRequest r;
  r.method = "POST";
  r.url = base_ + "/__control/config";
  r.headers = {{"Content-Type", "application/json"}};
  r.body =
      nlohmann::json{{"requireToken", token ? nlohmann::json(*token) : nullptr}}
          .dump();
  (void)http_.Send(r);
}

nlohmann::json TestGcsEmulator::Requests() {
  HttpRequest r;
  r.url = base_ + "/__control/requests";
  r.max_response_bytes = 64 << 20;
  Result<HttpResponse> reply = http_.Send(r);
  if (!reply) return nullptr;
  return nlohmann::json::parse(reply->body, nullptr, false);
}

TestGcsEmulator* SharedGcsEmulator(std::string* error) {
  static std::unique_ptr<TestGcsEmulator> emulator;
  static std::string start_error;
  static std::once_flag once;
  std::call_once(once, [] {
    Result<std::unique_ptr<TestGcsEmulator>> e = TestGcsEmulator::Start();
    if (e) {
      emulator = std::move(*e);
    } else {
      start_error = e.error().ToString();
    }
  });
  if (error != nullptr) *error = start_error;
  return emulator.get();
}

}  // namespace miri::testing
