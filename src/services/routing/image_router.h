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
// prefer_cheapest, or the request's `routing` says "cheapest"), then by
// estimated cost; routes estimated above max_cost_micros are skipped. A
// request whose `routing` names a route may use that route only. Submit
// tries them in order and falls back on UNAVAILABLE (provider down);
// other errors end the attempt. A request with `route` set (the route
// ChooseRoute chose and the version recorded) goes to that route only,
// with no fallback, so the version always says who made its image.
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
  std::string label;  // for people: "Vertex AI (gemini-2.5-flash-image)"
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
  // Asks the route the request is pinned to (or would go to); a job found
  // there is known as that route's.
  Result<DispatchLookup> LookupDispatch(const ImageRequest& request) override;
  // The first route of Plan and why it, not the preferred one; chosen ""
  // (and the reasons) when no route can take the request.
  std::optional<RouteChoice> ChooseRoute(
      const ImageRequest& request) const override;

  // Route names in the order Submit would try them (pure; for tests, the
  // status API and logs). FAILED_PRECONDITION when none is eligible.
  Result<std::vector<std::string>> Plan(const ImageRequest& request) const;
  // The route that took a job, "" if none.
  std::string RouteOf(std::string_view job_id) const;

 private:
  struct Passed {
    std::string route, why;
  };
  const ImageRoute* Find(const std::string& name) const;
  // Plan, with why each route left out was left out.
  Result<std::vector<std::string>> Plan(const ImageRequest& request,
                                        std::vector<Passed>* passed) const;

  const std::vector<ImageRoute> routes_;
  const RoutingPolicy policy_;
  mutable std::mutex mu_;
  std::map<std::string, std::string> route_of_job_;
};

}  // namespace miri

#endif  // MIRI_SERVICES_ROUTING_IMAGE_ROUTER_H_
