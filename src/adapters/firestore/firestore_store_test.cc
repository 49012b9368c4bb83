#include "adapters/firestore/firestore_store.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <gtest/gtest.h>

#include "adapters/firestore/firestore_value.h"
#include "adapters/firestore/test_firestore_emulator.h"
#include "testing/store_contract.h"

namespace miri {
namespace {

using testing::SamplePlan;
using testing::SampleProject;
using testing::SampleVersion;
using testing::ShotEvent;
using testing::StoreContractTest;
using testing::StoreFactory;
namespace v1 = firestore::v1;

// Each test directory is its own GCP project inside the shared emulator,
// so opening the same dir twice gives two handles on the same data.
Result<std::unique_ptr<Store>> OpenOnEmulator(const std::string& dir) {
  testing::TestFirestoreEmulator& emulator = testing::SharedEmulator();
  if (!emulator.running()) {
    return MakeError(ErrorCode::kUnavailable, emulator.error());
  }
  firestore::ClientOptions options;
  options.target = emulator.host();
  options.emulator = true;
  // GCP project ids are lower case; the official emulator refuses others.
  std::string name = std::filesystem::path(dir).filename().string();
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  options.gcp_project = "miri-" + name;
  ASSIGN_OR_RETURN(std::unique_ptr<FirestoreStore> s,
                   FirestoreStore::Open(options), "test");
  return std::unique_ptr<Store>(std::move(s));
}

const StoreFactory kFirestore{"firestore", OpenOnEmulator};

INSTANTIATE_TEST_SUITE_P(Firestore, StoreContractTest,
                         ::testing::Values(kFirestore),
                         [](const auto& info) { return info.param.name; });

class FirestoreStoreTest : public StoreContractTest {
 protected:
  FirestoreStore& fs() { return *dynamic_cast<FirestoreStore*>(store_.get()); }
  bool Exists(const std::string& name) {
    Result<std::optional<v1::Document>> d = fs().client().Get(name);
    return d && d->has_value();
  }
};

TEST(FirestoreJobDocIdTest, EscapesEveryByteOutsideTheSafeSetOneToOne) {
  EXPECT_EQ(FirestoreStore::JobDocId("p-1:v2#3"), "p-1.3Av2.233");
  EXPECT_EQ(FirestoreStore::JobDocId("__x__"), ".5F.5Fx.5F.5F");
  EXPECT_NE(FirestoreStore::JobDocId("a.b"), FirestoreStore::JobDocId("a.2Eb"));
  EXPECT_EQ(FirestoreStore::JobDocId("."), ".2E");
}

TEST_P(FirestoreStoreTest, JobRecordsLiveUnderTheProject) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  const std::string job = p.project_id + ":v1#1";
  ASSERT_TRUE(store_->RecordJob(
      p.project_id, {job, "fal", "req-1", "{}", "2026-03-02T10:15:04Z"}));
  EXPECT_TRUE(
      Exists(fs().Doc(p.project_id, "jobs", FirestoreStore::JobDocId(job))));
}

TEST_P(FirestoreStoreTest, DocumentsFollowTheDesignLayout) {
  ProjectConfig p = SampleProject();
  const std::string& id = p.project_id;
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(store_->CommitPlan(id, SamplePlan("sh", 1)));
  ASSERT_TRUE(store_->AppendVersion(id, SampleVersion("v1", "sh-0")));
  ASSERT_TRUE(store_->AppendEvent(
      id, ShotEvent("sh-0", ShotStatus::kDraft, ShotStatus::kValidation, "k")));
  const std::string root = fs().client().root();
  EXPECT_TRUE(Exists(root + "/projects/" + id));
  EXPECT_TRUE(Exists(root + "/projects/" + id + "/scenes/sc1"));
  EXPECT_TRUE(Exists(root + "/projects/" + id + "/shots/sh-0"));
  EXPECT_TRUE(Exists(root + "/projects/" + id + "/shots/sh-0/versions/v1"));
  EXPECT_TRUE(Exists(root + "/projects/" + id + "/events/000000000001"));
  EXPECT_TRUE(Exists(root + "/projects/" + id + "/events/000000000002"));
  // The shot document is exactly the Shot JSON, projections included.
  Result<std::optional<v1::Document>> shot =
      fs().client().Get(root + "/projects/" + id + "/shots/sh-0");
  ASSERT_TRUE(shot && *shot);
  nlohmann::json j = firestore::FieldsToJson(**shot).value();
  EXPECT_EQ(j["status"], "VALIDATION");
  EXPECT_EQ(j["versions"], nlohmann::json::array({"v1"}));
}

TEST_P(FirestoreStoreTest, CreateOnlyWriteOfAnExistingVersionFailsOnTheWire) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(store_->CommitPlan(p.project_id, SamplePlan("sh", 1)));
  Version v = SampleVersion("v1", "sh-0");
  ASSERT_TRUE(store_->AppendVersion(p.project_id, v));
  Version changed = v;
  changed.prompt = "overwritten";
  Result<v1::CommitResponse> r = fs().client().Commit({firestore::CreateWrite(
      fs().Doc(p.project_id, "shots", "sh-0") + "/versions/v1",
      changed.ToJson())});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->GetVersion(p.project_id, "v1"), v);
}

// The official emulator, like real Firestore, refuses a write whose
// updateTime precondition is stale; UpdateProject relies on it.
TEST_P(FirestoreStoreTest, AStaleUpdateTimePreconditionIsRefused) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  google::protobuf::Timestamp stale;
  stale.set_seconds(1);
  ProjectConfig renamed = p;
  renamed.project_name = "Renamed";
  Result<v1::CommitResponse> r = fs().client().Commit({firestore::ReplaceWrite(
      fs().ProjectDoc(p.project_id), renamed.ToJson(), &stale)});
  EXPECT_FALSE(r);
  EXPECT_EQ(store_->GetProject(p.project_id)->project_name, p.project_name);
}

TEST_P(FirestoreStoreTest, ProjectionTamperedWithIsRepairedFromEvents) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(store_->CommitPlan(p.project_id, SamplePlan("sh", 2)));
  ASSERT_TRUE(fs().client().Commit({firestore::PatchWrite(
      fs().Doc(p.project_id, "shots", "sh-0"), {{"status", "COMPLETED"}})}));
  EXPECT_EQ(store_->GetShot(p.project_id, "sh-0")->status,
            ShotStatus::kCompleted);
  EXPECT_EQ(store_->RebuildProjections(p.project_id).value(), 1);
  EXPECT_EQ(store_->GetShot(p.project_id, "sh-0")->status, ShotStatus::kDraft);
}

TEST_P(FirestoreStoreTest, IdsThatCouldNotBeStoredNameNothing) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  EXPECT_EQ(store_->GetProject("../x").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetShot(p.project_id, "a/b").error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetVersion(p.project_id, "v/1").error().code,
            ErrorCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Firestore, FirestoreStoreTest,
                         ::testing::Values(kFirestore),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace miri
