// The composition root with the Google Cloud adapters: store=firestore
// against the official Firestore emulator and blobs=gcs against the GCS JSON
// API emulator, as `miri serve` and `miri render` run on Cloud Run.
#include <unistd.h>

#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "adapters/firestore/test_firestore_emulator.h"
#include "adapters/gcs/test_gcs_emulator.h"
#include "app/cloud_adapters.h"
#include "app/composition.h"
#include "app/env_map.h"
#include "testing/providers/provider_test_support.h"
#include "testing/store_fixtures.h"

namespace miri::app {
namespace {

using miri::testing::TempDir;

TEST(CloudPlanTest, FirestoreOutsideTheEmulatorNeedsAProject) {
  auto plan = PlanComposition(MapEnv({{"MIRI_STORE", "firestore"}}), "/d");
  ASSERT_FALSE(plan);
  EXPECT_TRUE(miri::testing::NamesField(plan.error(), "MIRI_FIRESTORE_PROJECT"))
      << plan.error().ToString();

  plan = PlanComposition(
      MapEnv({{"MIRI_STORE", "firestore"}, {"GOOGLE_CLOUD_PROJECT", "acme"}}),
      "/d");
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_EQ(plan->For("store").detail, "project acme");
}

TEST(CloudPlanTest, ThePlanKeepsOnlyTheGoogleVariables) {
  auto plan =
      PlanComposition(MapEnv({{"MIRI_GCS_BUCKET", "media"},
                              {"STORAGE_EMULATOR_HOST", "127.0.0.1:9"},
                              {"GOOGLE_APPLICATION_CREDENTIALS", "/k.json"},
                              {"FAL_KEY", "secret"},
                              {"MIRI_PROVIDERS", "local"}}),
                      "/d");
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_EQ(plan->google_env, (std::map<std::string, std::string>{
                                  {"GOOGLE_APPLICATION_CREDENTIALS", "/k.json"},
                                  {"MIRI_GCS_BUCKET", "media"},
                                  {"STORAGE_EMULATOR_HOST", "127.0.0.1:9"}}));
  EXPECT_EQ(plan->For("blobs").detail, "bucket media at emulator 127.0.0.1:9");
  EXPECT_EQ(plan->For("store").adapter, "sqlite");
}

TEST(CloudComposeTest, UnreadableServiceAccountKeyFailsNamingTheVariable) {
  TempDir dir;
  auto plan =
      PlanComposition(MapEnv({{"MIRI_GCS_BUCKET", "media"},
                              {"GOOGLE_APPLICATION_CREDENTIALS",
                               (dir.path() / "missing.json").string()}}),
                      dir.path());
  ASSERT_TRUE(plan);
  auto stack = Compose(*plan);
  ASSERT_FALSE(stack);
  EXPECT_EQ(stack.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(stack.error().message.find("GOOGLE_APPLICATION_CREDENTIALS"),
            std::string::npos)
      << stack.error().message;
}

TEST(CloudComposeTest, BadBucketNameFailsNamingTheVariable) {
  TempDir dir;
  auto plan =
      PlanComposition(MapEnv({{"MIRI_GCS_BUCKET", "Not A Bucket"},
                              {"STORAGE_EMULATOR_HOST", "127.0.0.1:9"}}),
                      dir.path());
  ASSERT_TRUE(plan);
  auto stack = Compose(*plan);
  ASSERT_FALSE(stack);
  EXPECT_NE(stack.error().ToString().find("MIRI_GCS_BUCKET"), std::string::npos)
      << stack.error().ToString();
}

class CloudComposeEmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    firestore_ = &miri::testing::SharedEmulator();
    ASSERT_TRUE(firestore_->running()) << firestore_->error();
    std::string why;
    gcs_ = miri::testing::SharedGcsEmulator(&why);
    ASSERT_NE(gcs_, nullptr) << why;
    static int n = 0;
    suffix_ = std::to_string(::getpid()) + "-" + std::to_string(n++);
    bucket_ = "miri-compose-" + suffix_;
    ASSERT_TRUE(gcs_->CreateBucket(bucket_));
  }
  std::map<std::string, std::string> Env() {
    return {{"MIRI_STORE", "firestore"},
            {"FIRESTORE_EMULATOR_HOST", firestore_->host()},
            {"MIRI_FIRESTORE_PROJECT", "miri-compose-" + suffix_},
            {"MIRI_GCS_BUCKET", bucket_},
            {"STORAGE_EMULATOR_HOST", gcs_->host()},
            {"MIRI_PROVIDERS", "local"}};
  }

  miri::testing::TestFirestoreEmulator* firestore_ = nullptr;
  miri::testing::TestGcsEmulator* gcs_ = nullptr;
  std::string suffix_;
  std::string bucket_;
};

TEST_F(CloudComposeEmulatorTest, TwoStacksShareTheFirestoreStoreAndTheBucket) {
  TempDir a_dir, b_dir;
  auto plan_a = PlanComposition(MapEnv(Env()), a_dir.path());
  ASSERT_TRUE(plan_a) << plan_a.error().ToString();
  EXPECT_EQ(StartupLine(*plan_a).find(
                "using configured adapters: store=firestore(emulator "),
            0u)
      << StartupLine(*plan_a);
  auto a = Compose(*plan_a);
  ASSERT_TRUE(a) << a.error().ToString();
  auto plan_b = PlanComposition(MapEnv(Env()), b_dir.path());
  ASSERT_TRUE(plan_b);
  auto b = Compose(*plan_b);
  ASSERT_TRUE(b) << b.error().ToString();

  ProjectConfig p = miri::testing::SampleProject();
  ASSERT_TRUE((*a)->store->CreateProject(p));
  ASSERT_TRUE((*a)->blobs->Put("projects/" + p.project_id + "/audio/song.mp3",
                               "ID3 song"));
  EXPECT_EQ((*b)->store->GetProject(p.project_id), p);
  EXPECT_EQ((*b)->blobs->Get("projects/" + p.project_id + "/audio/song.mp3"),
            "ID3 song");
  // LocalPath copies go to each instance's own data dir.
  auto path =
      (*b)->blobs->LocalPath("projects/" + p.project_id + "/audio/song.mp3");
  ASSERT_TRUE(path) << path.error().ToString();
  EXPECT_TRUE(path->string().starts_with((b_dir.path() / "gcs-cache").string()))
      << *path;
  EXPECT_FALSE(std::filesystem::exists(a_dir.path() / "blobs"));
  EXPECT_FALSE(std::filesystem::exists(a_dir.path() / "miri.db"));
}

TEST_F(CloudComposeEmulatorTest, WithoutAProjectTheEmulatorUsesTheDemoProject) {
  TempDir dir;
  std::map<std::string, std::string> env = Env();
  env.erase("MIRI_FIRESTORE_PROJECT");
  auto plan = PlanComposition(MapEnv(env), dir.path());
  ASSERT_TRUE(plan) << plan.error().ToString();
  auto stack = Compose(*plan);
  ASSERT_TRUE(stack) << stack.error().ToString();
  ProjectConfig p = miri::testing::SampleProject();
  ASSERT_TRUE((*stack)->store->CreateProject(p));
  EXPECT_EQ((*stack)->store->GetProject(p.project_id), p);
}

}  // namespace
}  // namespace miri::app
