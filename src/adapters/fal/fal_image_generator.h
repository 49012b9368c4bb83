// FalImageGenerator: the ImageGenerator on fal.ai's queue API
// (providers.md sections 1-2): FLUX.2 + LoRA text-to-image, FLUX.2 LoRA
// edit with reference images, and refine (a masked change): a FLUX.2 LoRA
// edit of the whole image, of which only the masked region is composited
// back onto the original when the result is copied (fal_refine.h), so her
// LoRA is kept and nothing outside the mask changes.
//
// - Submit uploads the input images to fal storage (as @fal-ai/client's
//   storage.upload does) and POSTs {queue}/{model}?fal_webhook=<url> with
//   their URLs, never data: URIs. Every HTTP call goes through
//   the provider's circuit breaker and retry policy (429/502/503/504 and,
//   for idempotent reads, any 5xx or malformed JSON are retried).
// - Results arrive by HandleWebhook (verified with FalWebhookVerifier
//   before anything is parsed) or Poll (the reconciler). Result images are
//   downloaded under config.result_fetch (SSRF policy) into the BlobStore
//   at request.output_key, then exactly one ProviderResult per job goes to
//   the ResultSink: duplicated, late or replayed webhooks are acknowledged
//   and dropped; a result returned by Poll is not delivered again.
// - Jobs are remembered in a FalJobRegistry (in memory); Submit's Dispatch
//   carries them as resume (FalResume) so another instance can Adopt them
//   and poll them without submitting again. With
//   config.webhook_secret the webhook URL also carries the job (job id,
//   model, output key, input sizes) signed with that secret: fal's Ed25519
//   signature covers the body, not our query string. So a webhook reaching
//   an instance that did not submit the job completes it too; a duplicate
//   there is dropped by the orchestrator (one event per version).
// Thread-safety: all methods may be called from any thread.
#ifndef MIRI_ADAPTERS_FAL_FAL_IMAGE_GENERATOR_H_
#define MIRI_ADAPTERS_FAL_FAL_IMAGE_GENERATOR_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "adapters/curl/http_client.h"
#include "adapters/curl/signed_params.h"
#include "adapters/fal/fal_config.h"
#include "adapters/fal/fal_webhook_verifier.h"
#include "adapters/fal/fal_wire.h"
#include "ports/blob_store.h"
#include "ports/image_generator.h"
#include "services/budget/price_table.h"
#include "services/resilience/circuit_breaker.h"
#include "services/resilience/retry.h"

namespace miri {

struct FalJob {
  std::string job_id;
  std::string request_id;
  std::string model;
  std::string output_key;
  std::vector<Size> input_sizes;  // for the cost of edit endpoints
  // A refine: the original image and the mask, composited at the result.
  std::string refine_image;
  std::string refine_mask;
};

// What Poll and the result copy need of a job, as JSON object text
// {request_id, model, output_key, input_sizes: [[w, h], ...],
//  refine: {image, mask} (a refine only)}, and back.
std::string FalResume(const FalJob& job);
Result<FalJob> FalJobFromResume(std::string_view job_id,
                                std::string_view resume);

class FalJobRegistry {
 public:
  enum class Begin { kNew, kExisting, kInFlight };
  Begin TryBegin(const std::string& job_id, FalJob* existing);
  void Commit(const FalJob& job);
  // Commits `job` unless its job id is known (or being submitted) here.
  void Adopt(const FalJob& job);
  void Abort(const std::string& job_id);
  std::optional<FalJob> ByJob(const std::string& job_id) const;
  std::optional<FalJob> ByRequest(const std::string& request_id) const;
  // Delivery happens once per request: Claim is false when another thread
  // is delivering or it was delivered; Release undoes a failed claim.
  bool Claim(const std::string& request_id);
  void Release(const std::string& request_id);
  void Delivered(const std::string& request_id);

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::optional<FalJob>> by_job_;  // nullopt = in flight
  std::map<std::string, std::string> job_of_request_;
  std::map<std::string, bool> claims_;  // request -> delivered
};

struct FalResilience {
  CircuitBreaker* breaker = nullptr;  // may be null (no breaker)
  Retrier* retrier = nullptr;         // may be null (one attempt)
};

class FalImageGenerator final : public ImageGenerator {
 public:
  enum class WebhookOutcome { kDelivered, kDuplicate, kUnknownRequest };

  FalImageGenerator(FalConfig config, HttpClient& http, BlobStore& blobs,
                    ResultSink& sink, const PriceTable& prices,
                    FalWebhookVerifier& verifier, FalResilience resilience,
                    const Clock& clock);

  std::string_view name() const override { return "fal"; }
  Result<Dispatch> Submit(const ImageRequest& request) override;
  Result<std::optional<ProviderResult>> Poll(std::string_view job_id) override;
  // `resume` is a Dispatch's resume (FalResume); INVALID_ARGUMENT naming
  // the field when it is not one.
  Result<void> Adopt(std::string_view job_id, std::string_view resume) override;
  // fal's queue cannot be searched by our id (a request is known only by
  // the request_id fal answers with): a job this instance does not know is
  // kUnknown, and the reconciler waits for its webhook, whose URL carries
  // the signed job, before sending a new attempt. Known here: kFound.
  Result<DispatchLookup> LookupDispatch(const ImageRequest& request) override;
  int64_t EstimateCostMicros(const ImageRequest& request) const override;

  // PUT cancel_url. OK when cancellation was requested; FAILED_PRECONDITION
  // when the job had already completed.
  Result<void> Cancel(std::string_view job_id);

  // POST /api/webhooks/fal. REFUSED ("unauthenticated webhook...", reply
  // 401) when verification fails: nothing is parsed, fetched or delivered.
  // UNAVAILABLE when the result could not be copied yet (reply 5xx, fal
  // retries the delivery).
  // `query` is the webhook URL's query: with a valid signed job (REFUSED
  // naming "t" otherwise) an unknown request id is resolved from it.
  Result<WebhookOutcome> HandleWebhook(const HeaderMap& headers,
                                       std::string_view raw_body,
                                       const QueryParams& query = {});
  static constexpr std::string_view kWebhookPurpose = "fal-webhook";

  // The JSON body Submit sends, its input images uploaded to fal storage.
  Result<nlohmann::json> RequestBody(const ImageRequest& request);

 private:
  // `json_reply`: a 2xx must carry JSON (fal's APIs; not the storage PUT).
  Result<HttpResponse> Call(const HttpRequest& request, bool idempotent,
                            bool json_reply = true);
  // Uploads a blob to fal storage; its file_url.
  Result<std::string> Upload(const std::string& key);
  Result<void> CompositeRefine(const FalJob& job, const std::string& key);
  HttpRequest Authorized(std::string method, std::string url) const;
  std::string RequestsUrl(const FalJob& job) const;
  std::string WebhookUrlFor(const FalJob& job) const;
  Result<std::optional<FalJob>> JobFromQuery(
      const QueryParams& query, const std::string& request_id) const;
  Result<nlohmann::json> FetchOutput(const FalJob& job);
  Result<ProviderResult> ResultFromOutput(const FalJob& job,
                                          const nlohmann::json& output);
  ProviderResult Failed(const FalJob& job, std::string error,
                        bool retryable) const;

  const FalConfig config_;
  HttpClient& http_;
  BlobStore& blobs_;
  ResultSink& sink_;
  const PriceTable& prices_;
  FalWebhookVerifier& verifier_;
  FalResilience resilience_;
  const Clock& clock_;
  FalJobRegistry jobs_;
};

}  // namespace miri

#endif  // MIRI_ADAPTERS_FAL_FAL_IMAGE_GENERATOR_H_
