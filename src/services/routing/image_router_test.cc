#include "services/routing/image_router.h"

#include <gtest/gtest.h>

#include "services/resilience/manual_clock.h"

namespace miri {
namespace {

class FakeGenerator final : public ImageGenerator {
 public:
  FakeGenerator(std::string name, int64_t cost)
      : name_(std::move(name)), cost_(cost) {}
  std::string_view name() const override { return name_; }
  Result<Dispatch> Submit(const ImageRequest& r) override {
    ++submits;
    if (fail_with) return MakeError(*fail_with, name_ + " failed");
    return Dispatch{name_ + "-" + r.job_id, cost_,
                    R"({"id":")" + name_ + "-" + r.job_id + "\"}"};
  }
  Result<DispatchLookup> LookupDispatch(const ImageRequest& r) override {
    looked_up.push_back(r.job_id);
    DispatchLookup found;
    found.outcome = DispatchLookup::Outcome::kFound;
    found.dispatch = Dispatch{name_ + "-" + r.job_id, cost_, R"({"id":"x"})"};
    return found;
  }
  std::vector<std::string> looked_up;
  Result<void> Adopt(std::string_view job_id,
                     std::string_view resume) override {
    adopted.emplace_back(job_id, resume);
    return {};
  }
  std::vector<std::pair<std::string, std::string>> adopted;
  Result<std::optional<ProviderResult>> Poll(std::string_view) override {
    ++polls;
    return std::optional<ProviderResult>();
  }
  int64_t EstimateCostMicros(const ImageRequest&) const override {
    return cost_;
  }
  std::optional<ErrorCode> fail_with;
  int submits = 0, polls = 0;

 private:
  std::string name_;
  int64_t cost_;
};

class ImageRouterTest : public ::testing::Test {
 protected:
  ImageRouterTest() {
    CircuitBreakerOptions o;
    o.minimum_calls = 1;
    fal_breaker_ = std::make_unique<CircuitBreaker>("fal", o, clock_);
  }
  std::vector<ImageRoute> Routes() {
    return {{"fal",
             &fal_,
             fal_breaker_.get(),
             true,
             true,
             {ImageRequest::Mode::kTextToImage, ImageRequest::Mode::kEdit,
              ImageRequest::Mode::kInpaint},
             "fal FLUX.2"},
            {"imagen",
             &imagen_,
             nullptr,
             true,
             false,
             {ImageRequest::Mode::kTextToImage},
             "Vertex AI"}};
  }
  ImageRequest Scenery() {
    ImageRequest r;
    r.job_id = "p1:v1";
    r.prompt = "empty rooftop";
    return r;
  }
  ImageRequest Miri() {
    ImageRequest r = Scenery();
    r.job_id = "p1:v2";
    r.loras = {"miriN14"};
    return r;
  }
  void OpenFalBreaker() {
    ASSERT_TRUE(fal_breaker_->Acquire());
    fal_breaker_->Record(CallClass::kFailure, 1);
    ASSERT_EQ(fal_breaker_->state(), BreakerState::kOpen);
  }

  ManualClock clock_;
  std::unique_ptr<CircuitBreaker> fal_breaker_;
  FakeGenerator fal_{"fal", 21'000};
  FakeGenerator imagen_{"imagen", 40'000};
};

TEST_F(ImageRouterTest, ResumeNamesTheRouteSoAnotherRouterAdoptsThere) {
  ImageRouter first(Routes(), RoutingPolicy{"imagen", false, 0});
  Result<Dispatch> d = first.Submit(Scenery());
  ASSERT_TRUE(d) << d.error().ToString();
  ImageRouter second(Routes(), RoutingPolicy{"fal", false, 0});
  ASSERT_TRUE(second.Adopt(Scenery().job_id, d->resume));
  EXPECT_EQ(second.RouteOf(Scenery().job_id), "imagen");
  ASSERT_EQ(imagen_.adopted.size(), 1u);
  EXPECT_EQ(imagen_.adopted[0].second, R"({"id":"imagen-p1:v1"})");
  EXPECT_TRUE(fal_.adopted.empty());
  ASSERT_TRUE(second.Poll(Scenery().job_id));
  EXPECT_EQ(imagen_.polls, 1);
  Result<void> bad =
      second.Adopt("p1:v3", R"({"route":"dalle","resume":"{}"})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(ImageRouterTest, PreferredRouteFirstByConfiguration) {
  ImageRouter router(Routes(), RoutingPolicy{"fal", false, 0});
  EXPECT_EQ(router.Plan(Scenery()).value(),
            (std::vector<std::string>{"fal", "imagen"}));
  ImageRouter imagen_first(Routes(), RoutingPolicy{"imagen", false, 0});
  EXPECT_EQ(imagen_first.Plan(Scenery()).value(),
            (std::vector<std::string>{"imagen", "fal"}));
}

TEST_F(ImageRouterTest, CheapestFirstWhenConfigured) {
  ImageRouter router(Routes(), RoutingPolicy{"imagen", true, 0});
  EXPECT_EQ(router.Plan(Scenery()).value(),
            (std::vector<std::string>{"fal", "imagen"}));
  EXPECT_EQ(router.EstimateCostMicros(Scenery()), 21'000);
  ImageRouter capped(Routes(), RoutingPolicy{"fal", false, 30'000});
  EXPECT_EQ(capped.Plan(Scenery()).value(), std::vector<std::string>{"fal"});
}

TEST_F(ImageRouterTest, OpenBreakerRoutesSceneryToImagen) {
  OpenFalBreaker();
  ImageRouter router(Routes(), RoutingPolicy{});
  auto d = router.Submit(Scenery());
  ASSERT_TRUE(d);
  EXPECT_EQ(d->provider_request_id, "imagen-p1:v1");
  EXPECT_EQ(router.RouteOf("p1:v1"), "imagen");
  EXPECT_EQ(fal_.submits, 0);
  ASSERT_TRUE(router.Poll("p1:v1"));
  EXPECT_EQ(imagen_.polls, 1);
}

TEST_F(ImageRouterTest, MiriIsNeverDrawnWithoutTheLora) {
  ImageRouter router(Routes(), RoutingPolicy{"imagen", true, 0});
  EXPECT_EQ(router.Plan(Miri()).value(), std::vector<std::string>{"fal"});
  OpenFalBreaker();
  auto d = router.Submit(Miri());
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(d.error().message.find("imagen: cannot apply the LoRA"),
            std::string::npos);
  EXPECT_EQ(imagen_.submits, 0);
}

TEST_F(ImageRouterTest, FallsBackOnOutageButNotOnCallerErrors) {
  ImageRouter router(Routes(), RoutingPolicy{});
  fal_.fail_with = ErrorCode::kUnavailable;
  auto d = router.Submit(Scenery());
  ASSERT_TRUE(d);
  EXPECT_EQ(router.RouteOf("p1:v1"), "imagen");
  fal_.fail_with = ErrorCode::kInvalidArgument;
  ImageRequest other = Scenery();
  other.job_id = "p1:v3";
  ASSERT_FALSE(router.Submit(other));
  EXPECT_EQ(imagen_.submits, 1) << "a bad request is not retried elsewhere";
}

TEST_F(ImageRouterTest, EditsAndDisabledRoutes) {
  auto routes = Routes();
  routes[0].enabled = false;
  ImageRouter router(routes, RoutingPolicy{});
  ImageRequest edit = Scenery();
  edit.mode = ImageRequest::Mode::kEdit;
  auto plan = router.Plan(edit);
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().message.find("fal: disabled"), std::string::npos);
  EXPECT_NE(plan.error().message.find("imagen: mode not supported"),
            std::string::npos);
}

TEST_F(ImageRouterTest, ChoiceSaysSceneryGoesToVertexBecauseFalIsOpen) {
  ImageRouter router(Routes(), RoutingPolicy{});
  std::optional<RouteChoice> healthy = router.ChooseRoute(Scenery());
  ASSERT_TRUE(healthy);
  EXPECT_EQ(healthy->chosen, "fal");
  EXPECT_EQ(healthy->reason, "preferred route");
  OpenFalBreaker();
  std::optional<RouteChoice> c = router.ChooseRoute(Scenery());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->chosen, "imagen");
  EXPECT_EQ(c->label, "Vertex AI");
  EXPECT_EQ(c->reason, "fal circuit open");
  EXPECT_EQ(c->passed_over, std::vector<std::string>{"fal: circuit open"});
}

TEST_F(ImageRouterTest, ChoiceForMiriWithFalOpenIsNoRouteWithTheReasons) {
  OpenFalBreaker();
  ImageRouter router(Routes(), RoutingPolicy{});
  std::optional<RouteChoice> c = router.ChooseRoute(Miri());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->chosen, "");
  EXPECT_NE(c->reason.find("fal: circuit open"), std::string::npos);
  EXPECT_NE(c->reason.find("imagen: cannot apply the LoRA"), std::string::npos);
  ImageRequest pinned = Miri();
  pinned.route = "imagen";
  auto d = router.Submit(pinned);
  ASSERT_FALSE(d) << "a pinned route never draws her without the LoRA";
  EXPECT_EQ(imagen_.submits, 0);
}

TEST_F(ImageRouterTest, PinnedRouteHasNoFallbackSoTheVersionStaysTrue) {
  ImageRouter router(Routes(), RoutingPolicy{});
  fal_.fail_with = ErrorCode::kUnavailable;
  ImageRequest r = Scenery();
  r.route = "fal";
  auto d = router.Submit(r);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(imagen_.submits, 0);
  r.route = "dalle";
  EXPECT_EQ(router.Submit(r).error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(ImageRouterTest, RequestRoutingPicksCheapestOrOneRoute) {
  ImageRouter router(Routes(), RoutingPolicy{"imagen", false, 0});
  ImageRequest r = Scenery();
  r.routing = "cheapest";
  EXPECT_EQ(router.ChooseRoute(r)->chosen, "fal");
  EXPECT_EQ(router.ChooseRoute(r)->reason, "cheapest");
  r.routing = "fal";
  EXPECT_EQ(router.Plan(r).value(), std::vector<std::string>{"fal"});
  OpenFalBreaker();
  EXPECT_EQ(router.ChooseRoute(r)->chosen, "") << "fal only, and fal is open";
}

TEST_F(ImageRouterTest, LookupAsksThePinnedRouteAndAdoptsOldFalResumes) {
  ImageRouter router(Routes(), RoutingPolicy{});
  ImageRequest r = Scenery();
  r.route = "imagen";
  Result<DispatchLookup> found = router.LookupDispatch(r);
  ASSERT_TRUE(found) << found.error().ToString();
  EXPECT_EQ(found->outcome, DispatchLookup::Outcome::kFound);
  EXPECT_EQ(imagen_.looked_up, std::vector<std::string>{"p1:v1"});
  EXPECT_TRUE(fal_.looked_up.empty());
  EXPECT_EQ(router.RouteOf("p1:v1"), "imagen");
  ASSERT_TRUE(router.Adopt("p1:v9", R"({"request_id":"r9"})"));
  EXPECT_EQ(router.RouteOf("p1:v9"), "fal");
  ASSERT_EQ(fal_.adopted.size(), 1u);
  EXPECT_EQ(fal_.adopted[0].second, R"({"request_id":"r9"})");
}

}  // namespace
}  // namespace miri
