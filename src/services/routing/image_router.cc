#include "services/routing/image_router.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace miri {

ImageRouter::ImageRouter(std::vector<ImageRoute> routes, RoutingPolicy policy)
    : routes_(std::move(routes)), policy_(std::move(policy)) {}

const ImageRoute* ImageRouter::Find(const std::string& name) const {
  for (const ImageRoute& r : routes_) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

Result<std::vector<std::string>> ImageRouter::Plan(
    const ImageRequest& request) const {
  std::vector<Passed> passed;
  return Plan(request, &passed);
}

Result<std::vector<std::string>> ImageRouter::Plan(
    const ImageRequest& request, std::vector<Passed>* passed) const {
  struct Candidate {
    const ImageRoute* route;
    int64_t cost;
  };
  const bool cheapest =
      policy_.prefer_cheapest || request.routing == "cheapest";
  // A pinned route, or a routing that names one: that route only.
  std::string only = request.route;
  if (only.empty() && !request.routing.empty() && request.routing != "auto" &&
      request.routing != "cheapest") {
    only = request.routing;
  }
  if (!only.empty() && Find(only) == nullptr) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "no image route " + only + " for " + request.job_id,
                     {{"route", "not a route of this service"}});
  }
  std::vector<Candidate> eligible;
  for (const ImageRoute& r : routes_) {
    if (!only.empty() && r.name != only) continue;
    if (!r.enabled || r.generator == nullptr) {
      passed->push_back({r.name, "disabled"});
    } else if (!request.loras.empty() && !r.applies_loras) {
      passed->push_back({r.name, "cannot apply the LoRA"});
    } else if (!r.modes.count(request.mode)) {
      passed->push_back({r.name, "mode not supported"});
    } else if (r.breaker != nullptr &&
               r.breaker->state() == BreakerState::kOpen) {
      passed->push_back({r.name, "circuit open"});
    } else {
      int64_t cost = r.generator->EstimateCostMicros(request);
      if (policy_.max_cost_micros > 0 && cost > policy_.max_cost_micros) {
        passed->push_back({r.name, "over the cost limit"});
      } else {
        eligible.push_back({&r, cost});
      }
    }
  }
  if (eligible.empty()) {
    std::string msg = "no image route for " + request.job_id;
    for (const Passed& p : *passed) msg += "; " + p.route + ": " + p.why;
    return MakeError(ErrorCode::kFailedPrecondition, msg);
  }
  std::stable_sort(eligible.begin(), eligible.end(),
                   [&](const Candidate& a, const Candidate& b) {
                     if (!cheapest) {
                       bool ap = a.route->name == policy_.preferred,
                            bp = b.route->name == policy_.preferred;
                       if (ap != bp) return ap;
                     }
                     return a.cost < b.cost;
                   });
  std::vector<std::string> names;
  for (const Candidate& c : eligible) names.push_back(c.route->name);
  return names;
}

std::optional<RouteChoice> ImageRouter::ChooseRoute(
    const ImageRequest& request) const {
  std::vector<Passed> passed;
  Result<std::vector<std::string>> plan = Plan(request, &passed);
  RouteChoice c;
  for (const Passed& p : passed)
    c.passed_over.push_back(p.route + ": " + p.why);
  if (!plan) {
    c.reason = plan.error().message;
    return c;
  }
  c.chosen = plan->front();
  c.label = Find(c.chosen)->label;
  const bool cheapest =
      policy_.prefer_cheapest || request.routing == "cheapest";
  if (c.chosen != policy_.preferred) {
    for (const Passed& p : passed) {
      if (p.route == policy_.preferred) c.reason = p.route + " " + p.why;
    }
    if (c.reason.empty()) {
      c.reason = cheapest ? "cheapest" : "the request names this route";
    }
  } else {
    c.reason = cheapest ? "cheapest" : "preferred route";
  }
  return c;
}

int64_t ImageRouter::EstimateCostMicros(const ImageRequest& request) const {
  auto plan = Plan(request);
  if (!plan || plan->empty()) return 0;
  return Find(plan->front())->generator->EstimateCostMicros(request);
}

namespace {

// The route's resume wrapped with the route's name; empty stays empty.
Dispatch Routed(Dispatch d, const std::string& route) {
  if (!d.resume.empty()) {
    d.resume = nlohmann::json{{"route", route}, {"resume", d.resume}}.dump();
  }
  return d;
}

}  // namespace

Result<void> ImageRouter::Adopt(std::string_view job_id,
                                std::string_view resume) {
  if (resume.empty()) return {};
  auto j = nlohmann::json::parse(resume, nullptr, false);
  if (!j.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "not a routed resume",
                     {{"resume", "expected {route, resume}"}});
  }
  if (!j.contains("route")) {
    // Recorded before this router existed (by the preferred route alone,
    // e.g. fal before Vertex was configured): that route's own resume.
    j = {{"route", policy_.preferred}, {"resume", std::string(resume)}};
  }
  if (!j["route"].is_string() || !j.contains("resume") ||
      !j["resume"].is_string()) {
    return MakeError(ErrorCode::kInvalidArgument, "not a routed resume",
                     {{"resume", "expected {route, resume}"}});
  }
  const std::string name = j["route"].get<std::string>();
  const ImageRoute* route = Find(name);
  if (route == nullptr || route->generator == nullptr) {
    return MakeError(ErrorCode::kFailedPrecondition, "no image route " + name,
                     {{"resume.route", "not a route of this router"}});
  }
  RETURN_IF_ERROR(
      route->generator->Adopt(job_id, j["resume"].get<std::string>()),
      "route " + name);
  std::lock_guard lock(mu_);
  route_of_job_.emplace(std::string(job_id), name);
  return {};
}

Result<Dispatch> ImageRouter::Submit(const ImageRequest& request) {
  {
    std::lock_guard lock(mu_);
    auto it = route_of_job_.find(request.job_id);
    if (it != route_of_job_.end()) {
      ASSIGN_OR_RETURN(Dispatch d, Find(it->second)->generator->Submit(request),
                       "routing");
      return Routed(std::move(d), it->second);
    }
  }
  ASSIGN_OR_RETURN(std::vector<std::string> plan, Plan(request), "routing");
  Error last{ErrorCode::kUnavailable, "no route tried", {}};
  for (const std::string& name : plan) {
    const ImageRoute* route = Find(name);
    auto d = route->generator->Submit(request);
    if (d) {
      std::lock_guard lock(mu_);
      route_of_job_[request.job_id] = name;
      return Routed(std::move(*d), name);
    }
    last = WithContext(d.error(), "route " + name);
    if (d.error().code != ErrorCode::kUnavailable)
      break;  // not a provider outage
  }
  return tl::unexpected<Error>(std::move(last));
}

Result<DispatchLookup> ImageRouter::LookupDispatch(
    const ImageRequest& request) {
  std::string name = request.route;
  if (name.empty()) name = RouteOf(request.job_id);
  if (name.empty()) {
    ASSIGN_OR_RETURN(std::vector<std::string> plan, Plan(request), "routing");
    name = plan.front();
  }
  const ImageRoute* route = Find(name);
  if (route == nullptr || route->generator == nullptr) {
    return MakeError(ErrorCode::kFailedPrecondition, "no image route " + name,
                     {{"route", "not a route of this service"}});
  }
  ASSIGN_OR_RETURN(DispatchLookup found,
                   route->generator->LookupDispatch(request), "route " + name);
  if (found.outcome == DispatchLookup::Outcome::kFound) {
    std::lock_guard lock(mu_);
    route_of_job_[request.job_id] = name;
    found.dispatch = Routed(std::move(found.dispatch), name);
  }
  return found;
}

std::string ImageRouter::RouteOf(std::string_view job_id) const {
  std::lock_guard lock(mu_);
  auto it = route_of_job_.find(std::string(job_id));
  return it == route_of_job_.end() ? "" : it->second;
}

Result<std::optional<ProviderResult>> ImageRouter::Poll(
    std::string_view job_id) {
  std::string route = RouteOf(job_id);
  if (route.empty())
    return MakeError(ErrorCode::kNotFound,
                     "unknown job " + std::string(job_id));
  return Find(route)->generator->Poll(job_id);
}

}  // namespace miri
