// Recorded provider jobs across instances: a job dispatched by one
// orchestrator is resumed by another (a restart after kill -9, or another
// Cloud Run instance) from its job record, never dispatched twice.
#include "services/orchestration/orchestrator.h"
#include "services/orchestration/orchestrator_fixture.h"
#include "services/orchestration/requests.h"
#include "services/orchestration/resumable_fakes.h"

namespace miri::testing {
namespace {

using S = ShotStatus;

class OrchestratorJobsTest : public OrchestratorTest {
 protected:
  void TearDown() override {
    sink_.target = nullptr;
    orchestrator_.reset();
    cloud_images_.reset();
    OrchestratorTest::TearDown();
  }
  // The embedded stack with the fake cloud's images; called again, it is a
  // new instance (fresh provider memory) on the same store and cloud.
  void StartInstance(
      OrchestratorOptions options = {},
      FakeCloudImages::Lookup lookup = FakeCloudImages::Lookup::kDefault) {
    sink_.target = nullptr;
    orchestrator_.reset();
    if (!videos_) Start({}, options);
    cloud_images_ = std::make_unique<FakeCloudImages>(cloud_, *blobs_);
    cloud_images_->lookup = lookup;
    orchestrator_ = std::make_unique<Orchestrator>(
        *store_, *blobs_, &bus_, *cloud_images_, *videos_, *vision_,
        rulebook_.get(), clock_, [this] { return Id(""); }, options_);
    sink_.target = orchestrator_.get();
  }
  std::string GenerateFirstShot() {
    auto step = orchestrator_->Generate(project_.project_id, "sh-0",
                                        std::nullopt, "k1");
    EXPECT_TRUE(step) << step.error().ToString();
    EXPECT_EQ(Status("sh-0"), S::kGeneratingImage);
    return Orchestrator::JobId(project_.project_id,
                               step ? step->version_id : "");
  }
  size_t ImageVersions() {
    size_t n = 0;
    for (const Version& v : Versions("sh-0"))
      n += v.kind == VersionKind::kImage;
    return n;
  }

  FakeCloud cloud_;
  std::unique_ptr<FakeCloudImages> cloud_images_;
};

TEST_F(OrchestratorJobsTest, DispatchRecordsTheJobWithTheAdaptersResume) {
  StartInstance();
  CreateProject();
  const std::string job = GenerateFirstShot();
  Result<JobRecord> record = store_->GetJob(project_.project_id, job);
  ASSERT_TRUE(record) << record.error().ToString();
  EXPECT_EQ(record->provider, "cloud-image");
  EXPECT_EQ(record->provider_request_id, "req-1");
  EXPECT_EQ(nlohmann::json::parse(record->resume)["request_id"], "req-1");
}

TEST_F(OrchestratorJobsTest,
       ARecordedJobIsAdoptedAndPolledByANewInstanceNotResubmitted) {
  StartInstance();
  CreateProject();
  const std::string job = GenerateFirstShot();
  StartInstance();  // kill -9 and restart: the provider's memory is gone
  EXPECT_EQ(orchestrator_->Reconcile(project_.project_id, true).value(), 0)
      << "still running";
  EXPECT_EQ(cloud_images_->adopted, 1);
  cloud_.FinishAll();
  EXPECT_EQ(orchestrator_->Reconcile(project_.project_id, true).value(), 1);
  EXPECT_EQ(Status("sh-0"), S::kAwaitingApproval);
  EXPECT_EQ(cloud_.submitted_jobs(), std::vector<std::string>{job})
      << "dispatched once";
  EXPECT_EQ(ImageVersions(), 1u);
  EXPECT_EQ(orchestrator_->Reconcile(project_.project_id, true).value(), 0);
}

TEST_F(OrchestratorJobsTest, ARecordedJobTheProviderLostGoesToTheBoundedRetry) {
  StartInstance();
  CreateProject();
  const std::string job = GenerateFirstShot();
  StartInstance();
  cloud_.LoseAll();
  EXPECT_EQ(orchestrator_->Reconcile(project_.project_id, true).value(), 1);
  EXPECT_EQ(Status("sh-0"), S::kGeneratingImage);
  // A new attempt under a new job id, recorded too; never the same id again.
  EXPECT_EQ(cloud_.submitted_jobs(),
            (std::vector<std::string>{job, job + "#1"}));
  EXPECT_TRUE(store_->GetJob(project_.project_id, job + "#1"));
  StartInstance();  // and that attempt survives another restart
  cloud_.FinishAll();
  EXPECT_EQ(orchestrator_->Reconcile(project_.project_id, true).value(), 1);
  EXPECT_EQ(Status("sh-0"), S::kAwaitingApproval);
  EXPECT_EQ(cloud_.submitted_jobs().size(), 2u);
  EXPECT_EQ(ImageVersions(), 1u);
}

TEST_F(OrchestratorJobsTest, ALostJobPastTheRetryBoundFails) {
  OrchestratorOptions options;
  options.max_provider_retries = 0;
  StartInstance(options);
  CreateProject();
  GenerateFirstShot();
  StartInstance(options);
  cloud_.LoseAll();
  EXPECT_EQ(orchestrator_->Reconcile(project_.project_id, true).value(), 1);
  EXPECT_EQ(Status("sh-0"), S::kFailed);
  EXPECT_EQ(cloud_.submitted_jobs().size(), 1u);
  EXPECT_EQ(store_->GetBudget(project_.project_id)->reserved_micros, 0);
}

TEST_F(OrchestratorJobsTest, AJobThatCannotBeRecordedIsStillDispatched) {
  StartInstance();
  cloud_images_->bad_resume = true;  // the store refuses the record
  CreateProject();
  const std::string job = GenerateFirstShot();
  EXPECT_EQ(store_->GetJob(project_.project_id, job).error().code,
            ErrorCode::kNotFound);
  cloud_.FinishAll();
  // Its own instance still knows it (the webhook path would finish it too).
  EXPECT_EQ(orchestrator_->Reconcile(project_.project_id, true).value(), 1);
  EXPECT_EQ(Status("sh-0"), S::kAwaitingApproval);
}

// The dispatch window (issue 21 item 8): the provider accepted the job but
// its sender died before the job record. bad_resume stands in for that
// death: the store refuses the record, and the next instance has only the
// intent recorded before the provider call.
TEST_F(OrchestratorJobsTest, TheIntentIsRecordedBeforeTheProviderIsCalled) {
  StartInstance();
  CreateProject();
  cloud_images_->bad_resume = true;
  bool intent_first = false;
  cloud_images_->on_submit = [&](const ImageRequest& r) {
    intent_first =
        store_->GetDispatchIntent(project_.project_id, r.job_id).has_value();
  };
  const std::string job = GenerateFirstShot();
  EXPECT_TRUE(intent_first);
  Result<DispatchIntent> intent =
      store_->GetDispatchIntent(project_.project_id, job);
  ASSERT_TRUE(intent) << intent.error().ToString();
  EXPECT_EQ(intent->provider, "cloud-image");
  EXPECT_EQ(intent->external_id, job);
  EXPECT_FALSE(store_->GetJob(project_.project_id, job));
}

TEST_F(OrchestratorJobsTest,
       AnAcceptedJobWithoutARecordIsFoundByOurIdAndAdoptedNotSentAgain) {
  using L = FakeCloudImages::Lookup;
  StartInstance({}, L::kByOurId);
  CreateProject();
  cloud_images_->bad_resume = true;
  const std::string job = GenerateFirstShot();
  StartInstance({}, L::kByOurId);  // kill -9: only the intent is left
  EXPECT_EQ(orchestrator_->Reconcile(project_.project_id, true).value(), 0)
      << "found, still running";
  EXPECT_EQ(cloud_images_->lookups, 1);
  Result<JobRecord> record = store_->GetJob(project_.project_id, job);
  ASSERT_TRUE(record) << "recorded once found";
  EXPECT_EQ(record->provider_request_id, "req-1");
  cloud_.FinishAll();
  StartInstance({}, L::kByOurId);  // the record is enough from now on
  EXPECT_EQ(orchestrator_->Reconcile(project_.project_id, true).value(), 1);
  EXPECT_EQ(cloud_images_->lookups, 0);
  EXPECT_EQ(Status("sh-0"), S::kAwaitingApproval);
  EXPECT_EQ(cloud_.submitted_jobs(), std::vector<std::string>{job});
}

TEST_F(OrchestratorJobsTest,
       AnUnrecordedJobTheProviderNeverGotIsSentAgainUnderItsId) {
  using L = FakeCloudImages::Lookup;
  StartInstance({}, L::kByOurId);
  CreateProject();
  cloud_images_->bad_resume = true;
  const std::string job = GenerateFirstShot();
  cloud_.LoseAll();  // as if the call never reached the provider
  StartInstance({}, L::kByOurId);
  EXPECT_EQ(orchestrator_->Reconcile(project_.project_id, true).value(), 1);
  EXPECT_EQ(cloud_.submitted_jobs(), (std::vector<std::string>{job, job}));
  EXPECT_TRUE(store_->GetJob(project_.project_id, job));
}

TEST_F(OrchestratorJobsTest,
       AnUnrecordedJobOfAProviderThatCannotBeAskedWaitsForItsWebhook) {
  using L = FakeCloudImages::Lookup;
  OrchestratorOptions options;
  options.unrecorded_job_wait_ms = 3'600'000;
  StartInstance(options, L::kCannotTell);
  CreateProject();
  cloud_images_->bad_resume = true;
  const std::string job = GenerateFirstShot();
  StartInstance(options, L::kCannotTell);
  EXPECT_EQ(orchestrator_->Reconcile(project_.project_id, true).value(), 0);
  EXPECT_EQ(orchestrator_->Reconcile(project_.project_id, true).value(), 0);
  EXPECT_EQ(cloud_.submitted_jobs().size(), 1u) << "nothing sent again";
  // The webhook (its URL carries the job) arrives at this instance.
  auto v = store_->GetVersion(project_.project_id,
                              ParseJobId(job).value().version_id);
  ASSERT_TRUE(v);
  ASSERT_TRUE(blobs_->Put(v->outputs.at(0), "\x89PNG fake"));
  ProviderResult late;
  late.provider = "cloud-image";
  late.job_id = job;
  late.provider_request_id = "req-1";
  late.output_blobs = v->outputs;
  ASSERT_TRUE(orchestrator_->Apply(late));
  EXPECT_EQ(Status("sh-0"), S::kAwaitingApproval);
  EXPECT_EQ(cloud_.submitted_jobs().size(), 1u);
}

TEST_F(OrchestratorJobsTest,
       AnUnrecordedJobWithNoWebhookByTheDeadlineGetsANewAttempt) {
  using L = FakeCloudImages::Lookup;
  OrchestratorOptions options;
  options.unrecorded_job_wait_ms = 0;  // the deadline has passed
  StartInstance(options, L::kCannotTell);
  CreateProject();
  cloud_images_->bad_resume = true;
  const std::string job = GenerateFirstShot();
  StartInstance(options, L::kCannotTell);
  EXPECT_EQ(orchestrator_->Reconcile(project_.project_id, true).value(), 1);
  EXPECT_EQ(cloud_.submitted_jobs(),
            (std::vector<std::string>{job, job + "#1"}));
  EXPECT_TRUE(store_->GetDispatchIntent(project_.project_id, job + "#1"));
  EXPECT_TRUE(store_->GetJob(project_.project_id, job + "#1"));
  EXPECT_EQ(Status("sh-0"), S::kGeneratingImage);
}

}  // namespace
}  // namespace miri::testing
