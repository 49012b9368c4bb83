// Smart routing on the orchestrator (issue 16 item 5): the image version
// records which route made it and why; Miri's shots never leave fal.
#include "services/orchestration/orchestrator_fixture.h"
#include "services/orchestration/requests.h"
#include "services/resilience/manual_clock.h"
#include "services/routing/image_router.h"

namespace miri::testing {
namespace {

using S = ShotStatus;

class OrchestratorRoutingTest : public OrchestratorTest {
 protected:
  void StartRouted() {
    CircuitBreakerOptions o;
    o.minimum_calls = 1;
    breaker_ = std::make_unique<CircuitBreaker>("fal", o, breaker_clock_);
    fal_ = std::make_unique<local::LocalImageGenerator>(
        blobs_.get(), &sink_, local::LocalProviderOptions{});
    vertex_ = std::make_unique<local::LocalImageGenerator>(
        blobs_.get(), &sink_, local::LocalProviderOptions{});
    vertex_counted_ = std::make_unique<PricedImages>(*vertex_, 39'000);
    router_ = std::make_unique<ImageRouter>(
        std::vector<ImageRoute>{
            {"fal",
             fal_.get(),
             breaker_.get(),
             true,
             true,
             {ImageRequest::Mode::kTextToImage, ImageRequest::Mode::kEdit,
              ImageRequest::Mode::kInpaint},
             "fal FLUX.2"},
            {"vertex",
             vertex_counted_.get(),
             nullptr,
             true,
             false,
             {ImageRequest::Mode::kTextToImage},
             "Vertex AI (gemini-2.5-flash-image)"}},
        RoutingPolicy{});
    images_override_ = router_.get();
    Start();
  }
  void TearDown() override {
    sink_.target = nullptr;
    orchestrator_.reset();
    router_.reset();
    vertex_counted_.reset();
    fal_.reset();
    vertex_.reset();
    OrchestratorTest::TearDown();
  }
  void OpenFalBreaker() {
    ASSERT_TRUE(breaker_->Acquire());
    breaker_->Record(CallClass::kFailure, 1);
    ASSERT_EQ(breaker_->state(), BreakerState::kOpen);
  }
  // sh-0 shows Miri; sh-1 is an empty rooftop.
  void CreateSceneryProject() {
    ASSERT_TRUE(store_->CreateProject(project_));
    PlanCommit plan = SamplePlan("sh", 2);
    plan.shots[1].description = "an empty rooftop in the rain at dusk";
    plan.shots[1].lyrics_snippet = "the city sleeps";
    plan.shots[1].shows_miri = false;
    ASSERT_TRUE(store_->CommitPlan(project_.project_id, plan));
    MarkPlanned();
  }

  ManualClock breaker_clock_;
  std::unique_ptr<CircuitBreaker> breaker_;
  std::unique_ptr<local::LocalImageGenerator> fal_, vertex_;
  std::unique_ptr<PricedImages> vertex_counted_;
  std::unique_ptr<ImageRouter> router_;
};

TEST_F(OrchestratorRoutingTest, SceneryGoesToVertexWhenFalIsOpenAndSaysSo) {
  StartRouted();
  CreateSceneryProject();
  OpenFalBreaker();
  Result<ShotStep> step =
      orchestrator_->Generate(project_.project_id, "sh-1", std::nullopt, "k1");
  ASSERT_TRUE(step) << step.error().ToString();
  ASSERT_EQ(WaitFor("sh-1", S::kAwaitingApproval), S::kAwaitingApproval);
  Version image = Versions("sh-1").back();
  ASSERT_TRUE(image.parameters.contains("route")) << image.parameters.dump();
  const nlohmann::json& route = image.parameters["route"];
  EXPECT_EQ(route["chosen"], "vertex");
  EXPECT_EQ(route["reason"], "fal circuit open");
  EXPECT_EQ(route["label"], "Vertex AI (gemini-2.5-flash-image)");
  EXPECT_EQ(route["passedOver"], nlohmann::json::array({"fal: circuit open"}));
  EXPECT_EQ(router_->RouteOf(
                JobIdWithAttempt(project_.project_id, image.version_id, 0)),
            "vertex");
  EXPECT_TRUE(blobs_->Exists(image.outputs[0]).value());
  // The shot's history says who was asked, and why.
  const std::vector<Event> events =
      static_cast<Store&>(*store_).ListEvents(project_.project_id).value();
  bool said = false;
  for (const Event& e : events) {
    said = said || e.cause.find(
                       "image requested from Vertex AI "
                       "(gemini-2.5-flash-image) (fal circuit "
                       "open)") != std::string::npos;
  }
  EXPECT_TRUE(said);
}

TEST_F(OrchestratorRoutingTest, MiriShotIsNeverSentToVertexAndFailsReadably) {
  StartRouted();
  CreateSceneryProject();
  OpenFalBreaker();
  Result<ShotStep> step =
      orchestrator_->Generate(project_.project_id, "sh-0", std::nullopt, "k1");
  ASSERT_TRUE(step) << step.error().ToString();
  EXPECT_EQ(step->status, S::kFailed);
  Version image = Versions("sh-0").back();
  EXPECT_EQ(image.parameters["route"]["chosen"], "");
  const std::string reason = image.parameters["route"]["reason"];
  EXPECT_NE(reason.find("fal: circuit open"), std::string::npos) << reason;
  EXPECT_NE(reason.find("vertex: cannot apply the LoRA"), std::string::npos);
  EXPECT_EQ(router_->RouteOf(
                JobIdWithAttempt(project_.project_id, image.version_id, 0)),
            "");
  const std::vector<Event> events =
      static_cast<Store&>(*store_).ListEvents(project_.project_id).value();
  EXPECT_NE(events.back().cause.find("cannot apply the LoRA"),
            std::string::npos)
      << events.back().cause;
}

TEST_F(OrchestratorRoutingTest, HealthyFalMakesEveryImageAndTheVersionSaysSo) {
  StartRouted();
  CreateSceneryProject();
  ASSERT_TRUE(
      orchestrator_->Generate(project_.project_id, "sh-1", std::nullopt, "k1"));
  ASSERT_EQ(WaitFor("sh-1", S::kAwaitingApproval), S::kAwaitingApproval);
  Version image = Versions("sh-1").back();
  EXPECT_EQ(image.parameters["route"]["chosen"], "fal");
  EXPECT_EQ(image.parameters["route"]["reason"], "preferred route");
}

}  // namespace
}  // namespace miri::testing
