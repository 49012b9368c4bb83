// TestGcsEmulator: the Cloud Storage JSON API emulator
// (tests/fixtures/gcs_emulator/server.mjs) on a free 127.0.0.1 port,
// stopped (by its pid) when the object goes away. It also exits by itself
// when this process dies, because its stdin is a pipe from us. Test-only.
#ifndef MIRI_ADAPTERS_GCS_TEST_GCS_EMULATOR_H_
#define MIRI_ADAPTERS_GCS_TEST_GCS_EMULATOR_H_

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "adapters/curl/http_client.h"
#include "domain/result.h"
#include "node_fixture.h"

namespace miri::testing {

class TestGcsEmulator {
 public:
  // Starts node and waits (at most 15 s) for its {"base": ...} line.
  static Result<std::unique_ptr<TestGcsEmulator>> Start();
  TestGcsEmulator(const TestGcsEmulator&) = delete;
  TestGcsEmulator& operator=(const TestGcsEmulator&) = delete;
  // The node process stops with it (NodeFixture: SIGTERM, at most 5 s,
  // SIGKILL).

  const std::string& base() const { return base_; }  // http://127.0.0.1:P
  // host:port, the form STORAGE_EMULATOR_HOST takes.
  std::string host() const { return base_.substr(base_.find("://") + 3); }

  // Creates the bucket through the JSON API; one that exists is fine.
  Result<void> CreateBucket(const std::string& name);
  // Control plane: fault rules, a required bearer token, the request log.
  void SetFaults(const nlohmann::json& rules);
  void RequireToken(std::optional<std::string> token);
  nlohmann::json Requests();

 private:
  TestGcsEmulator() = default;
  std::unique_ptr<NodeFixture> node_;
  std::string base_;
  CurlHttpClient http_;
};

// One emulator for the whole test process, started on first use and
// stopped at exit; null (with the reason in *error) if it cannot start.
TestGcsEmulator* SharedGcsEmulator(std::string* error = nullptr);

}  // namespace miri::testing

#endif  // MIRI_ADAPTERS_GCS_TEST_GCS_EMULATOR_H_
