// ImageRouter: "smart routing" of image requests between routes (FAL
// FLUX.2, Vertex Imagen, ...) by configuration, breaker state and
// estimated cost. It is itself an ImageGenerator, so orchestration does not
// know which provider ran a job.
//
// A route is eligible when it is enabled, its breaker is not OPEN, it
// supports the request's mode, and - for requests that name a LoRA (every
// image of Miri) - it applies LoRAs: her likeness is drawn only through
// miriN14 on FLUX.2, never by a route without the LoRA. Eligible routes are
// ordered by the preferred route first (or cheapest first when
// prefer_cheapest), then by estimated cost; routes estimated above
// max_cost_micros are skipped. Submit tries them in order and falls back on
// UNAVAILABLE (provider down, breaker open); other errors end the attempt.
// Thread-safety: all methods may be called from any thread.
#ifndef MIRI_SERVICES_ROUTING_IMAGE_ROUTER_H_
#define MIRI_SERVICES_ROUTING_IMAGE_ROUTER_H_

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "ports/image_generator.h"
#include "services/resilience/circuit_breaker.h"

namespace miri {

struct ImageRoute {
  std::string name;                     // "fal", "imagen"
  ImageGenerator* generator = nullptr;  // not owned
  CircuitBreaker* breaker = nullptr;    // not owned; may be null
  bool enabled = true;
  bool applies_loras = false;
  std::set<ImageRequest::Mode> modes = {ImageRequest::Mode::kTextToImage};
};

struct RoutingPolicy {
  std::string preferred = "fal";
  bool prefer_cheapest = false;
  int64_t max_cost_micros = 0;  // 0 = no limit
};

class ImageRouter final : public ImageGenerator {
 public:
  ImageRouter(std::vector<ImageRoute> routes, RoutingPolicy policy);

  std::string_view name() const override { return "router"; }
  Result<Dispatch> Submit(const ImageRequest& request) override;
  Result<std::optional<ProviderResult>> Poll(std::string_view job_id) override;
  // Dispatch's resume names the route ({"route", "resume"}), so Adopt
  // hands the job to that route's Adopt.
  Result<void> Adopt(std::string_view job_id, std::string_view resume) override;
  // The estimate of the route Submit would try first (0 if none).
  int64_t EstimateCostMicros(const ImageRequest& request) const override;

  // Route names in the order Submit would try them (pure; for tests, the
  // status API and logs). FAILED_PRECONDITION when none is eligible.
  Result<std::vector<std::string>> Plan(const ImageRequest& request) const;
  // The route that took a job, "" if none.
  std::string RouteOf(std::string_view job_id) const;

 private:
  const ImageRoute* Find(const std::string& name) const;

  const std::vector<ImageRoute> routes_;
  const RoutingPolicy policy_;
  mutable std::mutex mu_;
  std::map<std::string, std::string> route_of_job_;
};

}  // namespace miri

#endif  // MIRI_SERVICES_ROUTING_IMAGE_ROUTER_H_
