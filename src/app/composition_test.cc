#include "app/composition.h"

#include <gtest/gtest.h>

#include <map>
#include <utility>
#include <vector>

#include "app/env_map.h"
#include "testing/providers/provider_test_support.h"

namespace miri::app {
namespace {

using miri::testing::RecordingSink;
using miri::testing::TempDir;

TEST(PlanCompositionTest, NoCredentialsPicksEveryEmbeddedDefaultAndSaysSo) {
  auto plan = PlanComposition(MapEnv({}), "/data");
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_TRUE(plan->AllEmbedded());
  EXPECT_EQ(
      StartupLine(*plan),
      "using embedded defaults: store=sqlite(/data/miri.db), bus=inproc, "
      "blobs=localfs(/data/blobs), image=local-image, video=local-video, "
      "vision=local-vision(template-based), auditor=nsfwjs(explicit content "
      "only; a person checks Miri's depiction rules)");
}

TEST(PlanCompositionTest, CredentialsPickTheCloudAdapters) {
  auto plan = PlanComposition(
      MapEnv({{"FAL_KEY", "k"},
              {"MIRI_FAL_LORAS", "miriN14=https://h/m.safetensors"},
              {"KLING_ACCESS_KEY", "a"},
              {"KLING_SECRET_KEY", "s"},
              {"GEMINI_API_KEY", "g"},
              {"FIRESTORE_EMULATOR_HOST", "127.0.0.1:8080"},
              {"MIRI_GCS_BUCKET", "b"},
              {"MIRI_REDIS_URL", "redis://:pw@cache:6379"}}),
      "/data");
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_EQ(plan->For("image").adapter, "fal");
  EXPECT_EQ(plan->For("video").adapter, "kling");
  EXPECT_EQ(plan->For("vision").adapter, "gemini");
  EXPECT_EQ(plan->For("store").adapter, "firestore");
  EXPECT_EQ(plan->For("blobs").adapter, "gcs");
  EXPECT_EQ(plan->For("bus").adapter, "redis");
  std::string line = StartupLine(*plan);
  EXPECT_EQ(line.find("pw"), std::string::npos)
      << "secrets never reach the log: " << line;
  EXPECT_NE(line.find("bus=redis(redis://***@cache:6379)"), std::string::npos)
      << line;
  EXPECT_TRUE(line.starts_with("using configured adapters: ")) << line;
}

TEST(PlanCompositionTest, MiriProvidersLocalKeepsLocalProvidersDespiteKeys) {
  auto plan = PlanComposition(MapEnv({{"FAL_KEY", "k"},
                                      {"GEMINI_API_KEY", "g"},
                                      {"MIRI_PROVIDERS", "local"}}),
                              "/d");
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_TRUE(plan->AllEmbedded());
}

TEST(PlanCompositionTest, HalfSetKlingCredentialsNameTheMissingVariable) {
  auto plan = PlanComposition(MapEnv({{"KLING_ACCESS_KEY", "a"}}), "/d");
  ASSERT_FALSE(plan);
  EXPECT_TRUE(miri::testing::NamesField(plan.error(), "KLING_SECRET_KEY"))
      << plan.error().ToString();
}

TEST(ComposeTest, EmbeddedStackWorksEndToEnd) {
  TempDir dir;
  auto plan = PlanComposition(MapEnv({}), dir.path() / "data");
  ASSERT_TRUE(plan);
  auto stack = Compose(*plan);
  ASSERT_TRUE(stack) << stack.error().ToString();
  Stack& s = **stack;
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "data" / "miri.db"));
  ASSERT_TRUE(s.blobs->Put("x/hello.txt", "hi"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "data" / "blobs" / "x" /
                                      "hello.txt"));
  EXPECT_EQ(s.images->name(), "local-image");
  EXPECT_EQ(s.videos->name(), "local-video");
  EXPECT_EQ(s.vision->name(), "local-vision");
  EXPECT_TRUE(s.bus->Healthy());

  // A provider result reaches the orchestrator attached after composition.
  ImageRequest r;
  r.job_id = "j1";
  r.prompt = "[S1]_[V1]_[FLUX2] Wide shot: a calm dawn.";
  r.width = 64;
  r.height = 36;
  r.output_key = "img/j1.png";
  ASSERT_TRUE(s.images->Submit(r));
  RecordingSink orchestrator;
  s.results.Attach(&orchestrator);
  auto result = orchestrator.WaitFor("j1", std::chrono::seconds(10));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, ProviderResult::Status::kSucceeded)
      << result->error;
  s.results.Attach(nullptr);
}

bool HasIssue(const Error& e, std::string_view path) {
  for (const FieldIssue& i : e.issues) {
    if (i.path == path) return true;
  }
  return false;
}

std::map<std::string, std::string> CloudEnv() {
  return {{"FAL_KEY", "fal-key"},
          {"MIRI_FAL_LORAS", "miriN14=https://example.com/miriN14.safetensors"},
          {"KLING_ACCESS_KEY", "ak"},
          {"KLING_SECRET_KEY", "sk"},
          {"GEMINI_API_KEY", "gk"}};
}

TEST(PlanCompositionTest, FalWithoutTheMiriLoraNamesMiriFalLoras) {
  auto plan = PlanComposition(MapEnv({{"FAL_KEY", "k"}}), "/d");
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(miri::testing::NamesField(plan.error(), "MIRI_FAL_LORAS"))
      << plan.error().ToString();
  plan = PlanComposition(
      MapEnv({{"FAL_KEY", "k"}, {"MIRI_FAL_LORAS", "miriN14"}}), "/d");
  ASSERT_FALSE(plan) << "an entry without =path";
  EXPECT_TRUE(miri::testing::NamesField(plan.error(), "MIRI_FAL_LORAS"));
}

TEST(PlanCompositionTest, APublicUrlWithoutACallbackSecretNamesTheSecret) {
  auto env = CloudEnv();
  env["MIRI_PUBLIC_URL"] = "https://miri.example.com/";
  auto plan = PlanComposition(MapEnv(env), "/d");
  ASSERT_FALSE(plan);
  EXPECT_TRUE(miri::testing::NamesField(plan.error(), "MIRI_CALLBACK_SECRET"))
      << plan.error().ToString();
  env["MIRI_CALLBACK_SECRET"] = "short";
  plan = PlanComposition(MapEnv(env), "/d");
  ASSERT_FALSE(plan);
  EXPECT_TRUE(miri::testing::NamesField(plan.error(), "MIRI_CALLBACK_SECRET"));
  env.erase("MIRI_CALLBACK_SECRET");
  env["MIRI_WEBHOOK_SECRET"] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  plan = PlanComposition(MapEnv(env), "/d");
  ASSERT_TRUE(plan)
      << "MIRI_WEBHOOK_SECRET serves when MIRI_CALLBACK_SECRET is unset";
  EXPECT_EQ(plan->cloud.public_url, "https://miri.example.com");
  EXPECT_EQ(plan->cloud.callback_secret,
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
}

TEST(PlanCompositionTest, MalformedEndpointsAndEmptyAllowListsAreNamed) {
  for (auto [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"MIRI_PUBLIC_URL", "miri.example.com"},
           {"MIRI_FAL_QUEUE_URL", "ftp://queue"},
           {"MIRI_FAL_JWKS_URL", "https://h/jwks?x=1"},
           {"MIRI_KLING_BASE_URL", "kling"},
           {"MIRI_GEMINI_BASE_URL", "https://"},
           {"MIRI_FAL_RESULT_HOSTS", " , "},
           {"MIRI_KLING_RESULT_HOSTS", ""},
           {"MIRI_TEST_LOOPBACK_FETCH", "yes"}}) {
    auto env = CloudEnv();
    env["MIRI_CALLBACK_SECRET"] = "0123456789abcdef";
    env[name] = value;
    auto plan = PlanComposition(MapEnv(env), "/d");
    ASSERT_FALSE(plan) << name << "=" << value;
    EXPECT_TRUE(miri::testing::NamesField(plan.error(), name))
        << plan.error().ToString();
  }
}

TEST(PlanCompositionTest, KlingModelModeRerouteAndUnitPriceAreSettings) {
  auto plan = PlanComposition(MapEnv(CloudEnv()), "/d");
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_EQ(plan->cloud.kling_model, "kling-v2-5-turbo");
  EXPECT_EQ(plan->cloud.kling_mode, "pro");
  EXPECT_EQ(plan->cloud.kling_reroute,
            (std::vector<std::string>{"kling-v1-5", "kling-v1"}));
  EXPECT_EQ(plan->cloud.kling_usd_per_unit, 0) << "the price table's";
  auto env = CloudEnv();
  env["MIRI_KLING_MODEL"] = "kling-v3-omni";  // the PRD's "Kling O3"
  env["MIRI_KLING_MODE"] = "std";
  env["MIRI_KLING_REROUTE"] = "none";
  env["MIRI_KLING_USD_PER_UNIT"] = "0.126";
  plan = PlanComposition(MapEnv(env), "/d");
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_EQ(plan->cloud.kling_model, "kling-v3-omni");
  EXPECT_EQ(plan->cloud.kling_mode, "std");
  EXPECT_TRUE(plan->cloud.kling_reroute.empty());
  EXPECT_DOUBLE_EQ(plan->cloud.kling_usd_per_unit, 0.126);
  for (auto [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"MIRI_KLING_MODEL", "kling-o3"},
           {"MIRI_KLING_MODE", "4k"},
           {"MIRI_KLING_REROUTE", "kling-v1-5,kling-v9"},
           {"MIRI_KLING_USD_PER_UNIT", "-1"},
           {"MIRI_KLING_USD_PER_UNIT", "cheap"}}) {
    auto bad = CloudEnv();
    bad[name] = value;
    auto refused = PlanComposition(MapEnv(bad), "/d");
    ASSERT_FALSE(refused) << name << "=" << value;
    EXPECT_TRUE(miri::testing::NamesField(refused.error(), name))
        << refused.error().ToString();
  }
}

TEST(PlanCompositionTest, EndpointsDefaultToProductionAndAreConfigurable) {
  auto plan = PlanComposition(MapEnv(CloudEnv()), "/d");
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_EQ(plan->cloud.fal_queue_url, "https://queue.fal.run");
  EXPECT_EQ(plan->cloud.fal_rest_url, "https://rest.fal.ai");
  // Regression (issue 17): *.fal.media alone refused the apex fal.media,
  // *.klingai.com alone refused Kling's documented *.kwimgs.com results.
  EXPECT_EQ(plan->cloud.fal_result_hosts,
            (std::vector<std::string>{"fal.media", "*.fal.media"}));
  EXPECT_EQ(plan->cloud.kling_result_hosts,
            (std::vector<std::string>{"*.klingai.com", "*.kwimgs.com"}));
  EXPECT_EQ(plan->cloud.kling_base_url, "https://api-singapore.klingai.com");
  EXPECT_EQ(plan->cloud.gemini_base_url,
            "https://generativelanguage.googleapis.com");
  EXPECT_FALSE(plan->cloud.loopback_fetch_for_tests);
  EXPECT_EQ(plan->cloud.fal_loras.at("miriN14"),
            "https://example.com/miriN14.safetensors");

  auto env = CloudEnv();
  env["MIRI_FAL_QUEUE_URL"] = "http://127.0.0.1:9/";
  env["MIRI_FAL_REST_URL"] = "http://127.0.0.1:7/";
  env["MIRI_FAL_JWKS_URL"] = "http://127.0.0.1:9/.well-known/jwks.json";
  env["MIRI_KLING_BASE_URL"] = "https://api-beijing.klingai.com";
  env["MIRI_GEMINI_BASE_URL"] = "http://127.0.0.1:8";
  env["MIRI_FAL_RESULT_HOSTS"] = "127.0.0.1, cdn.example.com";
  env["MIRI_TEST_LOOPBACK_FETCH"] = "1";
  plan = PlanComposition(MapEnv(env), "/d");
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_EQ(plan->cloud.fal_queue_url, "http://127.0.0.1:9");
  EXPECT_EQ(plan->cloud.fal_rest_url, "http://127.0.0.1:7");
  EXPECT_EQ(plan->cloud.fal_jwks_url,
            "http://127.0.0.1:9/.well-known/jwks.json");
  EXPECT_EQ(plan->cloud.kling_base_url, "https://api-beijing.klingai.com");
  EXPECT_EQ(plan->cloud.gemini_base_url, "http://127.0.0.1:8");
  EXPECT_EQ(plan->cloud.fal_result_hosts,
            (std::vector<std::string>{"127.0.0.1", "cdn.example.com"}));
  EXPECT_TRUE(plan->cloud.loopback_fetch_for_tests);
  EXPECT_NE(StartupLine(*plan).find("MIRI_TEST_LOOPBACK_FETCH"),
            std::string::npos);
}

TEST(PlanCompositionTest,
     TheStartupLineSaysWhereWebhooksGoOrThatTheReconcilerPolls) {
  auto plan = PlanComposition(MapEnv(CloudEnv()), "/d");
  ASSERT_TRUE(plan);
  std::string line = StartupLine(*plan);
  EXPECT_NE(line.find("webhooks=none (MIRI_PUBLIC_URL unset: the reconciler "
                      "polls fal and kling)"),
            std::string::npos)
      << line;
  auto env = CloudEnv();
  env["MIRI_PUBLIC_URL"] = "https://miri.example.com";
  env["MIRI_CALLBACK_SECRET"] = "0123456789abcdef-secret";
  plan = PlanComposition(MapEnv(env), "/d");
  ASSERT_TRUE(plan);
  line = StartupLine(*plan);
  EXPECT_NE(
      line.find("webhooks=https://miri.example.com/api/webhooks/{fal,kling}"),
      std::string::npos)
      << line;
  for (const char* secret :
       {"fal-key", "sk", "gk", "0123456789abcdef-secret"}) {
    EXPECT_EQ(line.find(std::string("(") + secret), std::string::npos) << line;
    EXPECT_EQ(line.find(std::string("=") + secret), std::string::npos) << line;
  }
}

TEST(PlanCompositionTest, CacheBoundAndWebhookWaitAreStrictSettings) {
  auto plan = PlanComposition(MapEnv({}), "/d");
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_EQ(plan->unrecorded_job_wait_ms, 15 * 60'000);
  plan = PlanComposition(MapEnv({{"MIRI_GCS_BUCKET", "b"},
                                 {"MIRI_GCS_CACHE_MB", "64"},
                                 {"MIRI_UNRECORDED_JOB_WAIT_MS", "0"}}),
                         "/d");
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_EQ(plan->gcs_cache_bytes, int64_t{64} << 20);
  EXPECT_EQ(plan->unrecorded_job_wait_ms, 0);
  for (const char* bad : {"5x", "1e3", "-1", " 5", "0"}) {
    auto refused = PlanComposition(
        MapEnv({{"MIRI_GCS_BUCKET", "b"}, {"MIRI_GCS_CACHE_MB", bad}}), "/d");
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().issues.at(0).path, "MIRI_GCS_CACHE_MB") << bad;
  }
  auto refused =
      PlanComposition(MapEnv({{"MIRI_UNRECORDED_JOB_WAIT_MS", "soon"}}), "/d");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().issues.at(0).path, "MIRI_UNRECORDED_JOB_WAIT_MS");
  EXPECT_NE(refused.error().issues.at(0).message.find("got soon"),
            std::string::npos);
}

TEST(PlanCompositionTest, WithProviderWebhooksTheReconcilerPollsLate) {
  EXPECT_EQ(ReconcileAfterMs(*PlanComposition(MapEnv({}), "/d")), 60'000);
  EXPECT_EQ(ReconcileAfterMs(*PlanComposition(MapEnv(CloudEnv()), "/d")),
            60'000)
      << "no webhooks: polling is the only path";
  auto env = CloudEnv();
  env["MIRI_PUBLIC_URL"] = "https://miri.example.com";
  env["MIRI_CALLBACK_SECRET"] = "0123456789abcdef-secret";
  EXPECT_EQ(ReconcileAfterMs(*PlanComposition(MapEnv(env), "/d")), 600'000);
}

TEST(ComposeTest, CloudKeysBuildTheCloudAdaptersAndTheirWebhookReceivers) {
  TempDir dir;
  auto env = CloudEnv();
  env["MIRI_PUBLIC_URL"] = "https://miri.example.com";
  env["MIRI_CALLBACK_SECRET"] = "0123456789abcdef-secret";
  auto plan = PlanComposition(MapEnv(env), dir.path());
  ASSERT_TRUE(plan) << plan.error().ToString();
  auto stack = Compose(*plan);
  ASSERT_TRUE(stack) << stack.error().ToString();
  Stack& s = **stack;
  EXPECT_EQ(s.images->name(), "fal");
  EXPECT_EQ(s.videos->name(), "kling");
  EXPECT_EQ(s.vision->name(), "gemini-vision");
  auto receivers = s.WebhookReceivers();
  ASSERT_EQ(receivers.size(), 2u);
  EXPECT_NE(receivers["fal"], nullptr);
  EXPECT_NE(receivers["kling"], nullptr);

  // An unsigned delivery is refused before anything else happens.
  std::map<std::string, std::string> none;
  auto fal = receivers["fal"]->Receive(
      {none, none, R"({"request_id":"r","status":"OK"})"});
  ASSERT_FALSE(fal);
  EXPECT_EQ(fal.error().code, ErrorCode::kRefused);
  EXPECT_TRUE(HasIssue(fal.error(), "signature")) << fal.error().ToString();
  std::map<std::string, std::string> query = {{"job", "p:v"}, {"t", "00"}};
  auto kling = receivers["kling"]->Receive({none, query, R"({"task_id":"1"})"});
  ASSERT_FALSE(kling);
  EXPECT_EQ(kling.error().code, ErrorCode::kRefused);
  EXPECT_TRUE(HasIssue(kling.error(), "t")) << kling.error().ToString();
}

// Issue 16 item 5: with Vertex configured, images go through a router over
// fal and Vertex; Miri's images can only ever take fal.
TEST(ComposeTest, VertexProjectPutsARouterOverFalAndVertex) {
  TempDir dir;
  auto env = CloudEnv();
  env["MIRI_VERTEX_PROJECT"] = "p-77";
  env["MIRI_VERTEX_BASE_URL"] = "http://127.0.0.1:9";
  auto plan = PlanComposition(MapEnv(env), dir.path());
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_EQ(plan->cloud.vertex_image_model, "gemini-2.5-flash-image");
  EXPECT_NE(StartupLine(*plan).find("may go to vertex p-77"), std::string::npos)
      << StartupLine(*plan);
  auto stack = Compose(*plan);
  ASSERT_TRUE(stack) << stack.error().ToString();
  Stack& s = **stack;
  EXPECT_EQ(s.images->name(), "router");
  ImageRequest scenery;
  scenery.job_id = "p:v1";
  scenery.prompt = "an empty rooftop";
  auto c = s.images->ChooseRoute(scenery);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->chosen, "fal");
  scenery.routing = "cheapest";
  EXPECT_EQ(s.images->ChooseRoute(scenery)->reason, "cheapest");
  ImageRequest miri = scenery;
  miri.loras = {"miriN14"};
  miri.route = "vertex";
  auto refused = s.images->Submit(miri);
  ASSERT_FALSE(refused) << "never Vertex for Miri, even when pinned";
  EXPECT_NE(s.WebhookReceivers()["fal"], nullptr);
  // Without Vertex: fal alone, as before.
  auto fal_only = PlanComposition(MapEnv(CloudEnv()), dir.path());
  ASSERT_TRUE(fal_only);
  EXPECT_FALSE(fal_only->For("image").detail.find("vertex") !=
               std::string::npos);
}

TEST(PlanCompositionTest, VertexSettingsAreCheckedAndNamed) {
  auto env = CloudEnv();
  env["MIRI_VERTEX_PROJECT"] = "p-77";
  env["MIRI_VERTEX_IMAGE_MODEL"] = "imagen-4.0-generate-001";
  auto plan = PlanComposition(MapEnv(env), "/d");
  ASSERT_FALSE(plan);
  EXPECT_TRUE(
      miri::testing::NamesField(plan.error(), "MIRI_VERTEX_IMAGE_MODEL"))
      << plan.error().ToString();
  EXPECT_NE(plan.error().ToString().find("discontinued"), std::string::npos);
  env["MIRI_VERTEX_IMAGE_MODEL"] = "gemini-3-pro-image-preview";
  env["MIRI_VERTEX_REGION"] = "US Central";
  plan = PlanComposition(MapEnv(env), "/d");
  ASSERT_FALSE(plan);
  EXPECT_TRUE(miri::testing::NamesField(plan.error(), "MIRI_VERTEX_REGION"));
  plan = PlanComposition(MapEnv({{"MIRI_VERTEX_PROJECT", "p-77"}}), "/d");
  ASSERT_FALSE(plan) << "Vertex is a route next to fal, not alone";
  EXPECT_TRUE(miri::testing::NamesField(plan.error(), "MIRI_VERTEX_PROJECT"));
}

// Issue 17 item 3: current Gemini ids by default, each role a setting.
TEST(PlanCompositionTest, GeminiModelsAreCurrentAndConfigurable) {
  auto plan = PlanComposition(MapEnv({{"GEMINI_API_KEY", "g"}}), "/d");
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_EQ(plan->cloud.gemini_vision_model, "gemini-3.8-flash");
  EXPECT_EQ(plan->cloud.gemini_audit_model, "") << "the vision model";
  plan = PlanComposition(
      MapEnv({{"GEMINI_API_KEY", "g"},
              {"MIRI_GEMINI_VISION_MODEL", "gemini-3.7-flash"},
              {"MIRI_GEMINI_AUDIT_MODEL", "gemini-3.1-pro-preview"}}),
      "/d");
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_EQ(plan->cloud.gemini_vision_model, "gemini-3.7-flash");
  EXPECT_EQ(plan->cloud.gemini_audit_model, "gemini-3.1-pro-preview");
}

TEST(ComposeTest, OnlyTheConfiguredProvidersAreCloudOnes) {
  TempDir dir;
  auto plan = PlanComposition(MapEnv({{"GEMINI_API_KEY", "g"}}), dir.path());
  ASSERT_TRUE(plan) << plan.error().ToString();
  auto stack = Compose(*plan);
  ASSERT_TRUE(stack) << stack.error().ToString();
  EXPECT_EQ((*stack)->vision->name(), "gemini-vision");
  EXPECT_EQ((*stack)->images->name(), "local-image");
  EXPECT_EQ((*stack)->videos->name(), "local-video");
  EXPECT_TRUE((*stack)->WebhookReceivers().empty())
      << "local providers use the generic path";
}

ProviderResult Result(std::string job_id) {
  ProviderResult r;
  r.provider = "p";
  r.job_id = std::move(job_id);
  return r;
}

TEST(ForwardingResultSinkTest, HoldsResultsUntilATargetIsAttached) {
  ForwardingResultSink sink;
  sink.OnResult(Result("a"));
  sink.OnResult(Result("b"));
  EXPECT_EQ(sink.held(), 2u);
  RecordingSink target;
  sink.Attach(&target);
  EXPECT_EQ(sink.held(), 0u);
  sink.OnResult(Result("c"));
  ASSERT_EQ(target.results().size(), 3u);
  EXPECT_EQ(target.results()[0].job_id, "a");
  EXPECT_EQ(target.results()[2].job_id, "c");
}

}  // namespace
}  // namespace miri::app
