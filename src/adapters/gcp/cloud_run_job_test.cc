// CloudRunJob against the Cloud Run Admin API emulator
// (tests/fixtures/provider_emulators/cloud_run.mjs), its token from the
// emulated metadata server, as on Cloud Run.
#include "adapters/gcp/cloud_run_job.h"

#include <gtest/gtest.h>

#include "emulator_process.h"

namespace miri::gcp {
namespace {

using testing::EmulatorProcess;

constexpr char kJob[] = "projects/demo-miri/locations/us-central1/jobs/render";

class CloudRunJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto emu = EmulatorProcess::Start();
    ASSERT_TRUE(emu) << emu.error().ToString();
    emu_ = std::move(*emu);
    emu_->Post(emu_->google(), "/__control/config",
               {{"runJobs", nlohmann::json::array({kJob})}});
  }
  Result<std::unique_ptr<CloudRunJob>> Make(std::string job = kJob) {
    CloudRunJobOptions o;
    o.job = std::move(job);
    o.endpoint = emu_->google();
    std::string host = emu_->google().substr(std::string("http://").size());
    o.tokens = std::make_shared<TokenSource>(
        MetadataServerFetcher(clock_, host), clock_);
    return CloudRunJob::Create(std::move(o));
  }

  SystemClock clock_;
  std::unique_ptr<EmulatorProcess> emu_;
};

TEST_F(CloudRunJobTest, RunStartsAnExecutionNamingTheProjectAndTheLeaseOwner) {
  auto job = Make();
  ASSERT_TRUE(job) << job.error().ToString();
  Result<std::string> execution = (*job)->Run("p-1", "job-abc");
  ASSERT_TRUE(execution) << execution.error().ToString();
  EXPECT_EQ(execution->rfind(std::string(kJob) + "/executions/render-", 0), 0u)
      << *execution;
  nlohmann::json runs = emu_->Get(emu_->google(), "/__control/executions");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0]["job"], kJob);
  EXPECT_EQ(runs[0]["execution"], *execution);
  EXPECT_EQ(runs[0]["authorization"].get<std::string>().rfind(
                "Bearer emulated-run-token-", 0),
            0u);
  EXPECT_EQ(runs[0]["overrides"],
            nlohmann::json::parse(R"({"containerOverrides":[{"env":[
              {"name":"MIRI_RENDER_PROJECT","value":"p-1"},
              {"name":"MIRI_RENDER_LEASE_OWNER","value":"job-abc"}]}]})"));
}

TEST_F(CloudRunJobTest, AJobThatDoesNotExistIsAConfigurationError) {
  auto job = Make("projects/demo-miri/locations/us-central1/jobs/other");
  ASSERT_TRUE(job);
  Result<std::string> r = (*job)->Run("p-1", "job-abc");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(r.error().message.find("404"), std::string::npos)
      << r.error().ToString();
  EXPECT_TRUE(emu_->Get(emu_->google(), "/__control/executions").empty());
}

TEST_F(CloudRunJobTest, AnOutageIsUnavailable) {
  emu_->Post(
      emu_->google(), "/__control/faults",
      {{"rules", {{{"op", "run"}, {"action", "status"}, {"status", 503}}}}});
  auto job = Make();
  ASSERT_TRUE(job);
  Result<std::string> r = (*job)->Run("p-1", "job-abc");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
}

TEST(CloudRunJobNameTest, OnlyFullJobNamesAreAccepted) {
  EXPECT_TRUE(ValidateJobName("projects/p/locations/l/jobs/j"));
  for (const char* bad :
       {"", "miri-render", "projects/p/locations/l/jobs/", "projects/p/jobs/j",
        "projects//locations/l/jobs/j", "projects/p/locations/l/jobs/j/x",
        "projects/p/locations/l/jobs/j:run",
        "projects/p/locations/l/jobs/j k"}) {
    Result<void> r = ValidateJobName(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    }
  }
}

}  // namespace
}  // namespace miri::gcp
