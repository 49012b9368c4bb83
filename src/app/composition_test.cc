#include "app/composition.h"

#include <gtest/gtest.h>

#include <map>

#include "testing/providers/provider_test_support.h"

namespace miri::app {
namespace {

using miri::testing::RecordingSink;
using miri::testing::TempDir;

EnvLookup MapEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(PlanCompositionTest, NoCredentialsPicksEveryEmbeddedDefaultAndSaysSo) {
  auto plan = PlanComposition(MapEnv({}), "/data");
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_TRUE(plan->AllEmbedded());
  EXPECT_EQ(StartupLine(*plan),
            "using embedded defaults: store=sqlite(/data/miri.db), bus=inproc, "
            "blobs=localfs(/data/blobs), image=local-image, video=local-video, "
            "vision=local-vision(template-based)");
}

TEST(PlanCompositionTest, CredentialsPickTheCloudAdapters) {
  auto plan = PlanComposition(MapEnv({{"FAL_KEY", "k"},
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
  EXPECT_EQ(line.find("pw"), std::string::npos) << "secrets never reach the log: " << line;
  EXPECT_NE(line.find("bus=redis(redis://***@cache:6379)"), std::string::npos) << line;
  EXPECT_TRUE(line.starts_with("using configured adapters: ")) << line;
}

TEST(PlanCompositionTest, MiriProvidersLocalKeepsLocalProvidersDespiteKeys) {
  auto plan = PlanComposition(
      MapEnv({{"FAL_KEY", "k"}, {"GEMINI_API_KEY", "g"}, {"MIRI_PROVIDERS", "local"}}), "/d");
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
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "data" / "blobs" / "x" / "hello.txt"));
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
  EXPECT_EQ(result->status, ProviderResult::Status::kSucceeded) << result->error;
  s.results.Attach(nullptr);
}

TEST(ComposeTest, AConfiguredAdapterThatIsNotWiredFailsNamingIt) {
  TempDir dir;
  auto plan = PlanComposition(MapEnv({{"FAL_KEY", "k"}}), dir.path());
  ASSERT_TRUE(plan);
  auto stack = Compose(*plan);
  ASSERT_FALSE(stack);
  EXPECT_EQ(stack.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(stack.error().message.find("FAL_KEY"), std::string::npos) << stack.error().message;
  EXPECT_NE(stack.error().message.find("MIRI_PROVIDERS=local"), std::string::npos);
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
