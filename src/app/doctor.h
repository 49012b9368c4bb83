// `miri doctor` (issue 17 item 6): checks every configured provider and
// cloud service with a call that costs nothing, and says what is
// configured, what answered, what is wrong and how to fix it, and which
// model each role uses. `miri serve` runs the same checks at start (logged;
// /readyz and GET /api/system/checks report them, the latter with each
// provider's circuit state now).
//
// The calls, each free of charge and of side effects:
// - store: a read of a project that does not exist (Firestore: one
//   BatchGetDocuments; SQLite: one SELECT);
// - bus: the bus's own health (Redis: its connection and PING);
// - blobs: an existence check of a key that is never written (GCS: one
//   objects.get of metadata);
// - Gemini: models.get for each model a role uses (GET /v1beta/models/{id},
//   ai.google.dev/api/models#method:-models.get);
// - fal: the queue status of a request id that does not exist, for each
//   endpoint the image adapter calls (fal-js queue.ts: GET
//   {queue}/{endpoint}/requests/{id}/status): 401/403 is a refused key, any
//   other answer means the key was accepted;
// - Kling: the query of a task id that does not exist (GET
//   /v1/videos/image2video/{id}): an authentication code (1000-1004) is a
//   refused key pair, "task not found" means it was accepted;
// - the embedded image checker: node and its script are present.
#ifndef MIRI_APP_DOCTOR_H_
#define MIRI_APP_DOCTOR_H_

#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/curl/http_client.h"
#include "app/composition.h"
#include "ports/clock.h"

namespace miri::app {

struct DoctorCheck {
  std::string service;  // "store", "bus", "blobs", "gemini", "fal", ...
  std::string adapter;  // "sqlite", "firestore", "redis", ...
  std::string target;   // what was asked (a model id, an endpoint, a host)
  bool embedded = false;
  bool ok = false;
  std::string detail;  // what answered, or what is wrong
  std::string fix;     // how to fix it; empty when ok
};

struct RoleModel {
  std::string role;   // "DIRECTOR", "AUDITOR", ...
  std::string model;  // what its calls use on this server
};

struct DoctorReport {
  std::vector<DoctorCheck> checks;
  std::vector<RoleModel> roles;
  std::string checked_at;  // ISO-8601 UTC
  bool ok() const;
  // {"ok", "checkedAt", "checks": [{service, adapter, target, embedded,
  // ok, detail, fix}], "roles": [{role, model}]}
  nlohmann::json ToJson() const;
  // The table `miri doctor` prints (one line a check, then the roles).
  std::string Table() const;
};

// Runs every check of `stack` (its plan says what is configured); `http`
// makes the provider calls. Never fails: what cannot be checked is a
// failed check with its reason.
DoctorReport RunDoctor(const Stack& stack, HttpClient& http,
                       const Clock& clock);

// The models each role uses with this plan (part of the report).
std::vector<RoleModel> RoleModels(const CompositionPlan& plan);

// The state of each cloud provider's circuit breaker now: {"fal":
// "CLOSED", ...}; empty with no cloud provider.
nlohmann::json CircuitStates(const Stack& stack);

// `miri serve`'s copy of the report: the checks run once on a thread of
// their own at start (logged line by line), so a slow provider never
// delays the server; Json() is what /readyz and GET /api/system/checks
// answer (the report, or {"pending": true} while the checks run, with the
// circuits as they are now). Thread-safe.
class StartupChecks {
 public:
  StartupChecks(const Stack& stack, HttpClient& http, const Clock& clock);
  ~StartupChecks();  // waits for the checks to finish
  nlohmann::json Json() const;

 private:
  const Stack& stack_;
  mutable std::mutex mu_;
  std::optional<DoctorReport> report_;
  std::thread thread_;
};

}  // namespace miri::app

#endif  // MIRI_APP_DOCTOR_H_
