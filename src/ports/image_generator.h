// ImageGenerator: anchor images for shots (text-to-image with the LoRA,
// multi-reference edit, masked inpainting).
//
// Contract (src/testing/image_generator_contract.h checks it):
// - Submit validates the request, starts the job and returns at once; the
//   outcome arrives later as one ProviderResult (at least once) on the
//   ResultSink given to the adapter, with job_id == request.job_id.
// - Submitting the same job_id twice starts at most one job (idempotency).
// - Poll reports a finished job's result (nullopt while it runs), for the
//   reconciler when a webhook never comes; NOT_FOUND for a job this
//   instance does not know, or one the provider no longer knows.
// - Adopt(job_id, resume), with the resume of the job's Dispatch (from any
//   instance), makes this instance know the job as if it had submitted
//   it: Poll reports on it and Submit of that job_id starts nothing new.
//   Idempotent; a job already known is left as it is. A resume the adapter
//   cannot read is INVALID_ARGUMENT and adopts nothing. Adapters with
//   nothing to resume (empty resume) keep the default, which does nothing.
// - An invalid request is INVALID_ARGUMENT naming the field; nothing starts.
// Thread-safety: all methods may be called from any thread.
#ifndef MIRI_PORTS_IMAGE_GENERATOR_H_
#define MIRI_PORTS_IMAGE_GENERATOR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"
#include "ports/provider_result.h"

namespace miri {

struct ImageRequest {
  enum class Mode { kTextToImage, kEdit, kInpaint };
  std::string job_id;  // idempotency key, e.g. "<projectId>:<versionId>"
  Mode mode = Mode::kTextToImage;
  std::string prompt;  // rendered and audited (domain/prompt.h, audit.h)
  std::string negative_prompt;
  std::vector<std::string> loras;  // LoRA ids, e.g. {"miriN14"}
  int width = 1344;
  int height = 768;
  std::optional<int64_t> seed;
  std::vector<std::string> reference_blobs;  // kEdit: earlier approved images
  std::string image_blob;                    // kInpaint: the image to change
  std::string mask_blob;   // kInpaint: white = repaint, same size as image
  std::string output_key;  // where the result goes in the BlobStore
  // A routing generator (services/routing/image_router.h) sends the request
  // to this route only; empty: it decides. Plain generators ignore it.
  std::string route;
  // How a routing generator chooses when `route` is empty: "" or "auto"
  // (the preferred route, others only when it is unavailable), "cheapest",
  // or a route's name (that route only). GlobalSettings::image_route.
  std::string routing;
};

// Where a routing generator would send a request, and why, for the
// version's record (parameters.route) and the people reading it.
struct RouteChoice {
  std::string chosen;  // the route's name; "" when no route can take it
  std::string label;   // for people: "Vertex AI (gemini-2.5-flash-image)"
  std::string reason;  // "fal circuit open", "cheapest", "preferred route"
  std::vector<std::string> passed_over;  // "fal: circuit open", ...
};

class ImageGenerator {
 public:
  virtual ~ImageGenerator() = default;
  virtual std::string_view name() const = 0;
  virtual Result<Dispatch> Submit(const ImageRequest& request) = 0;
  virtual Result<std::optional<ProviderResult>> Poll(
      std::string_view job_id) = 0;
  virtual Result<void> Adopt(std::string_view job_id, std::string_view resume) {
    (void)job_id;
    (void)resume;
    return {};
  }
  // A job sent under request.job_id whose Dispatch was never recorded
  // (ports/provider_result.h DispatchLookup); asked by the reconciler
  // before it sends anything again. Default: kAbsent (the contract's
  // Submit dedupes on the job id).
  virtual Result<DispatchLookup> LookupDispatch(const ImageRequest& request) {
    (void)request;
    return DispatchLookup{};
  }
  // Where this generator would send `request` now (the request's `route`
  // pins it there); nullopt for a generator with one route (default).
  virtual std::optional<RouteChoice> ChooseRoute(
      const ImageRequest& request) const {
    (void)request;
    return std::nullopt;
  }
  // The estimated cost of a request, before any dispatch (budget forecast).
  virtual int64_t EstimateCostMicros(const ImageRequest& request) const = 0;
};

}  // namespace miri

#endif  // MIRI_PORTS_IMAGE_GENERATOR_H_
