// ProviderResult: how every generation job ends, whichever provider ran it.
// Cloud webhooks, the reconciler's polls and the local providers all turn
// into a ProviderResult and hand it to a ResultSink, so orchestration has
// exactly one path for results (design.md section 2).
#ifndef MIRI_PORTS_PROVIDER_RESULT_H_
#define MIRI_PORTS_PROVIDER_RESULT_H_

#include <cstdint>
#include <string>
#include <vector>

namespace miri {

struct ProviderResult {
  enum class Status { kSucceeded, kFailed };
  std::string provider;             // "fal", "kling", "local-image", ...
  std::string job_id;               // ours: the idempotency key we sent
  std::string provider_request_id;  // theirs (fal request_id, Kling task_id)
  Status status = Status::kSucceeded;
  std::vector<std::string> output_blobs;  // results copied into the BlobStore
  std::string error;                      // why it failed, for people
  bool retryable = false;                 // a failure worth another attempt
  // Actual cost, for the ledger; kCostAsReserved when the delivery does not
  // say (a generic webhook): the job costs the estimate reserved for it.
  static constexpr int64_t kCostAsReserved = -1;
  int64_t cost_micros = 0;
};

// Receives results. Implementations must tolerate duplicates and results
// for jobs they no longer wait for (delivery is at-least-once, any order).
// Thread-safety: OnResult may be called from any thread.
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual void OnResult(ProviderResult result) = 0;
};

// A submitted job: the provider's id, what we expect it to cost, and what
// the adapter needs to pick the job up on another instance (JSON object
// text for its Adopt; empty when there is nothing to resume, e.g. a local
// provider whose job dies with the process).
struct Dispatch {
  std::string provider_request_id;
  int64_t estimated_cost_micros = 0;
  std::string resume;
};

// What a provider says of a job sent under our job id whose Dispatch was
// never recorded: the sender died between the provider's accept and
// Store::RecordJob, leaving only the job's DispatchIntent (issue 21 item 8).
struct DispatchLookup {
  enum class Outcome {
    // The provider has the job (found by our id): `dispatch` is what Submit
    // would have returned; the adapter knows the job now (Poll works).
    kFound,
    // The provider never got it, or takes a second Submit under the same id
    // as the same job (it dedupes on our id, or its jobs die with the
    // process): sending it again under that id is safe.
    kAbsent,
    // The provider cannot be asked by our id and would run a second Submit
    // as a second job (fal): wait for the job's webhook until a deadline,
    // then send a new attempt.
    kUnknown,
  };
  Outcome outcome = Outcome::kAbsent;
  Dispatch dispatch;  // kFound only
};

}  // namespace miri

#endif  // MIRI_PORTS_PROVIDER_RESULT_H_
