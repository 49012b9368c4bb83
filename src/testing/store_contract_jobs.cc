// The Store contract's job-record cases (ports/store.h): create-only
// records of dispatched provider jobs and of the intents to dispatch them,
// readable from any handle.
#include <atomic>
#include <thread>

#include "testing/store_contract.h"

namespace miri::testing {
namespace {

JobRecord Job(const std::string& id, const std::string& request = "req-1") {
  return {id, "fal", request,
          R"({"request_id":")" + request + R"(","model":"fal-ai/flux-2/lora"})",
          "2026-03-02T10:15:04Z"};
}

TEST_P(StoreContractTest, JobRecordRoundTripsFromAnotherHandle) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  // Job ids are "<projectId>:<versionId>#<attempt>": not plain ids.
  const std::string id = p.project_id + ":v1#1";
  Result<void> r = store_->RecordJob(p.project_id, Job(id));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(store_->GetJob(p.project_id, id), Job(id));
  std::unique_ptr<Store> other = Reopen();
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->GetJob(p.project_id, id), Job(id));
}

TEST_P(StoreContractTest, JobRecordsAreCreateOnly) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(store_->RecordJob(p.project_id, Job("p:v1", "req-1")));
  Result<void> again = store_->RecordJob(p.project_id, Job("p:v1", "req-2"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->GetJob(p.project_id, "p:v1"), Job("p:v1", "req-1"));
  // Another attempt of the same version is another job.
  EXPECT_TRUE(store_->RecordJob(p.project_id, Job("p:v1#1", "req-3")));
  EXPECT_EQ(store_->GetJob(p.project_id, "p:v1#1")->provider_request_id,
            "req-3");
}

TEST_P(StoreContractTest, ConcurrentRecordsOfOneJobKeepExactlyOne) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  constexpr int kWriters = 6;
  std::vector<std::unique_ptr<Store>> handles;
  for (int i = 0; i < kWriters; ++i) handles.push_back(Reopen());
  std::atomic<int> won{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      if (handles[i]->RecordJob(p.project_id,
                                Job("p:v9", "req-" + std::to_string(i)))) {
        ++won;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_TRUE(store_->GetJob(p.project_id, "p:v9"));
}

TEST_P(StoreContractTest, UnknownJobsAndInvalidRecordsAreRefused) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  Result<JobRecord> missing = store_->GetJob(p.project_id, "p:never");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  Result<void> no_project = store_->RecordJob("nope", Job("nope:v1"));
  ASSERT_FALSE(no_project);
  EXPECT_EQ(no_project.error().code, ErrorCode::kNotFound);
  JobRecord bad = Job("p:v2");
  bad.resume = "not json";
  Result<void> invalid = store_->RecordJob(p.project_id, bad);
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->GetJob(p.project_id, "p:v2").error().code,
            ErrorCode::kNotFound);
}

DispatchIntent Intent(const std::string& id, const std::string& at) {
  return {id, "kling", id, at};
}

TEST_P(StoreContractTest, DispatchIntentsAreCreateOnlyAndReadFromAnyHandle) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  const std::string id = p.project_id + ":v1#1";
  Result<void> r = store_->RecordDispatchIntent(
      p.project_id, Intent(id, "2026-03-02T10:15:03Z"));
  ASSERT_TRUE(r) << r.error().ToString();
  Result<void> again = store_->RecordDispatchIntent(
      p.project_id, Intent(id, "2026-03-02T10:16:00Z"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  std::unique_ptr<Store> other = Reopen();
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->GetDispatchIntent(p.project_id, id),
            Intent(id, "2026-03-02T10:15:03Z"));
  // An intent is not a job record, nor the other way round.
  EXPECT_EQ(store_->GetJob(p.project_id, id).error().code,
            ErrorCode::kNotFound);
  ASSERT_TRUE(store_->RecordJob(p.project_id, Job(id)));
  EXPECT_EQ(store_->GetDispatchIntent(p.project_id, id),
            Intent(id, "2026-03-02T10:15:03Z"));
}

TEST_P(StoreContractTest, UnknownIntentsAndInvalidIntentsAreRefused) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  EXPECT_EQ(store_->GetDispatchIntent(p.project_id, "p:never").error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(store_
                ->RecordDispatchIntent(
                    "nope", Intent("nope:v1", "2026-03-02T10:15:03Z"))
                .error()
                .code,
            ErrorCode::kNotFound);
  DispatchIntent bad = Intent("p:v2", "yesterday");
  Result<void> invalid = store_->RecordDispatchIntent(p.project_id, bad);
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->GetDispatchIntent(p.project_id, "p:v2").error().code,
            ErrorCode::kNotFound);
}

}  // namespace
}  // namespace miri::testing
