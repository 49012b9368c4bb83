#include "testing/image_generator_contract.h"

#include <thread>

#include "adapters/localfs/localfs_blob_store.h"

namespace miri::testing {
namespace {

constexpr char kPrompt[] =
    "[S01]_[V01]_[FLUX2] miriN14 Miri, Child physique, Young girl, Loose fit, "
    "Heavy fabric, Mid-calf, Mouth CLOSED. Wide shot: Miri waits at a rainy "
    "bus stop.";

}  // namespace

void ImageGeneratorContractTest::SetUp() {
  dir_ = std::make_unique<TempDir>();
  auto blobs = LocalFsBlobStore::Open(dir_->path() / "blobs");
  ASSERT_TRUE(blobs) << blobs.error().ToString();
  blobs_ = std::move(*blobs);
  generator_ = GetParam().make(blobs_.get(), &sink_);
  ASSERT_NE(generator_, nullptr);
}

void ImageGeneratorContractTest::TearDown() {
  generator_.reset();  // stops workers before the sink and blobs go
}

ImageRequest ImageGeneratorContractTest::ValidRequest(
    const std::string& job_id) const {
  ImageRequest r;
  r.job_id = job_id;
  r.prompt = kPrompt;
  r.negative_prompt = "open mouth";
  r.loras = {"miriN14"};
  r.width = 160;
  r.height = 96;
  r.seed = 7;
  r.output_key = "contract/" + job_id + ".png";
  if (GetParam().adjust) GetParam().adjust(r);
  return r;
}

ProviderResult ImageGeneratorContractTest::SubmitAndWait(
    const ImageRequest& request) {
  auto dispatch = generator_->Submit(request);
  EXPECT_TRUE(dispatch) << dispatch.error().ToString();
  auto result = sink_.WaitFor(request.job_id, GetParam().result_timeout);
  EXPECT_TRUE(result.has_value()) << "no result for " << request.job_id;
  if (!result) return {};
  EXPECT_EQ(result->status, ProviderResult::Status::kSucceeded)
      << result->error;
  return *result;
}

TEST_P(ImageGeneratorContractTest, ResultArrivesOnTheSinkWithOurJobId) {
  ImageRequest r = ValidRequest("job-t2i");
  auto dispatch = generator_->Submit(r);
  ASSERT_TRUE(dispatch) << dispatch.error().ToString();
  EXPECT_FALSE(dispatch->provider_request_id.empty());
  auto result = sink_.WaitFor(r.job_id, GetParam().result_timeout);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->job_id, r.job_id);
  EXPECT_EQ(result->provider_request_id, dispatch->provider_request_id);
  EXPECT_EQ(result->provider, generator_->name());
  ASSERT_EQ(result->status, ProviderResult::Status::kSucceeded)
      << result->error;
  ASSERT_EQ(result->output_blobs.size(), 1u);
}

TEST_P(ImageGeneratorContractTest,
       OutputIsAPngOfTheRequestedSizeInTheBlobStore) {
  ImageRequest r = ValidRequest("job-size");
  ProviderResult result = SubmitAndWait(r);
  ASSERT_EQ(result.output_blobs.size(), 1u);
  auto bytes = blobs_->Get(result.output_blobs[0]);
  ASSERT_TRUE(bytes) << bytes.error().ToString();
  auto size = PngSize(*bytes);
  ASSERT_TRUE(size.has_value()) << "output is not a PNG";
  EXPECT_EQ(size->first, r.width);
  EXPECT_EQ(size->second, r.height);
}

TEST_P(ImageGeneratorContractTest, SameJobIdTwiceStartsOneJob) {
  ImageRequest r = ValidRequest("job-twice");
  auto first = generator_->Submit(r);
  auto second = generator_->Submit(r);
  ASSERT_TRUE(first) << first.error().ToString();
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_EQ(first->provider_request_id, second->provider_request_id);
  ASSERT_TRUE(sink_.WaitFor(r.job_id, GetParam().result_timeout).has_value());
  // At-least-once delivery may repeat a result, but never for another job.
  for (const ProviderResult& res : sink_.results()) {
    if (res.job_id == r.job_id) {
      EXPECT_EQ(res.provider_request_id, first->provider_request_id);
    }
  }
}

TEST_P(ImageGeneratorContractTest,
       InvalidRequestNamesTheFieldAndStartsNothing) {
  ImageRequest no_job = ValidRequest("x");
  no_job.job_id.clear();
  auto r1 = generator_->Submit(no_job);
  ASSERT_FALSE(r1);
  EXPECT_TRUE(NamesField(r1.error(), "job_id")) << r1.error().ToString();

  ImageRequest no_prompt = ValidRequest("job-invalid");
  no_prompt.prompt.clear();
  auto r2 = generator_->Submit(no_prompt);
  ASSERT_FALSE(r2);
  EXPECT_TRUE(NamesField(r2.error(), "prompt")) << r2.error().ToString();

  ImageRequest no_mask = ValidRequest("job-invalid");
  no_mask.mode = ImageRequest::Mode::kInpaint;
  no_mask.image_blob = "contract/some.png";
  auto r3 = generator_->Submit(no_mask);
  ASSERT_FALSE(r3);
  EXPECT_TRUE(NamesField(r3.error(), "mask_blob")) << r3.error().ToString();

  auto polled = generator_->Poll("job-invalid");
  ASSERT_FALSE(polled) << "an invalid request must not start a job";
  EXPECT_EQ(polled.error().code, ErrorCode::kNotFound);
  // The job id stays free: a valid request under it runs.
  ProviderResult ok = SubmitAndWait(ValidRequest("job-invalid"));
  EXPECT_EQ(ok.job_id, "job-invalid");
}

TEST_P(ImageGeneratorContractTest, PollReportsTheFinishedResult) {
  ImageRequest r = ValidRequest("job-poll");
  ProviderResult pushed = SubmitAndWait(r);
  auto polled = generator_->Poll(r.job_id);
  ASSERT_TRUE(polled) << polled.error().ToString();
  ASSERT_TRUE(polled->has_value());
  EXPECT_EQ((*polled)->job_id, r.job_id);
  EXPECT_EQ((*polled)->status, ProviderResult::Status::kSucceeded);
  EXPECT_EQ((*polled)->output_blobs, pushed.output_blobs);
}

TEST_P(ImageGeneratorContractTest,
       AFreshInstanceAdoptsTheJobAndPollsItWithoutResubmitting) {
  ImageRequest r = ValidRequest("job-adopt");
  auto dispatch = generator_->Submit(r);
  ASSERT_TRUE(dispatch) << dispatch.error().ToString();
  if (dispatch->resume.empty())
    GTEST_SKIP() << "nothing to resume: jobs die with the process";
  ASSERT_TRUE(GetParam().make_peer) << "a resumable adapter needs make_peer";
  RecordingSink peer_sink;
  std::unique_ptr<ImageGenerator> peer =
      GetParam().make_peer(*generator_, blobs_.get(), &peer_sink);
  auto unknown = peer->Poll(r.job_id);
  ASSERT_FALSE(unknown) << "the peer starts with fresh memory";
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(peer->Adopt(r.job_id, dispatch->resume));
  ASSERT_TRUE(peer->Adopt(r.job_id, dispatch->resume)) << "Adopt is idempotent";
  std::optional<ProviderResult> result;
  auto deadline = std::chrono::steady_clock::now() + GetParam().result_timeout;
  while (!result && std::chrono::steady_clock::now() < deadline) {
    auto polled = peer->Poll(r.job_id);
    ASSERT_TRUE(polled) << polled.error().ToString();
    result = *polled;
    if (!result) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(result) << "the adopted job never finished";
  EXPECT_EQ(result->job_id, r.job_id);
  EXPECT_EQ(result->provider_request_id, dispatch->provider_request_id);
  ASSERT_EQ(result->status, ProviderResult::Status::kSucceeded)
      << result->error;
  ASSERT_EQ(result->output_blobs.size(), 1u);
  EXPECT_TRUE(blobs_->Exists(result->output_blobs[0]).value());
  // Submitting the adopted job id starts nothing new.
  auto again = peer->Submit(r);
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(again->provider_request_id, dispatch->provider_request_id);
}

TEST_P(ImageGeneratorContractTest, AdoptOfAResumeThatIsNotOneIsRefused) {
  ImageRequest r = ValidRequest("job-adopt-bad");
  auto dispatch = generator_->Submit(r);
  ASSERT_TRUE(dispatch) << dispatch.error().ToString();
  if (dispatch->resume.empty()) GTEST_SKIP() << "nothing to resume";
  ASSERT_TRUE(GetParam().make_peer);
  RecordingSink peer_sink;
  std::unique_ptr<ImageGenerator> peer =
      GetParam().make_peer(*generator_, blobs_.get(), &peer_sink);
  Result<void> bad = peer->Adopt("job-adopt-bad", "{}");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(peer->Poll("job-adopt-bad").error().code, ErrorCode::kNotFound);
}

TEST_P(ImageGeneratorContractTest, PollOfAnUnknownJobIsNotFound) {
  auto polled = generator_->Poll("never-submitted");
  ASSERT_FALSE(polled);
  EXPECT_EQ(polled.error().code, ErrorCode::kNotFound);
}

TEST_P(ImageGeneratorContractTest, EditWithAReferenceGivesAPng) {
  ProviderResult anchor = SubmitAndWait(ValidRequest("job-anchor"));
  ASSERT_EQ(anchor.output_blobs.size(), 1u);
  ImageRequest edit = ValidRequest("job-edit");
  edit.mode = ImageRequest::Mode::kEdit;
  edit.reference_blobs = {anchor.output_blobs[0]};
  ProviderResult result = SubmitAndWait(edit);
  ASSERT_EQ(result.output_blobs.size(), 1u);
  auto bytes = blobs_->Get(result.output_blobs[0]);
  ASSERT_TRUE(bytes);
  EXPECT_TRUE(PngSize(*bytes).has_value());
}

TEST_P(ImageGeneratorContractTest, InpaintGivesAPngOfTheImageSize) {
  ProviderResult anchor = SubmitAndWait(ValidRequest("job-base"));
  ASSERT_EQ(anchor.output_blobs.size(), 1u);
  auto base = blobs_->Get(anchor.output_blobs[0]);
  ASSERT_TRUE(base);
  auto size = PngSize(*base);
  ASSERT_TRUE(size);
  ASSERT_TRUE(blobs_->Put("contract/mask.png",
                          RectMaskPng(size->first, size->second, 0, 0,
                                      size->first / 2, size->second / 2)));
  ImageRequest inpaint = ValidRequest("job-inpaint");
  inpaint.mode = ImageRequest::Mode::kInpaint;
  inpaint.image_blob = anchor.output_blobs[0];
  inpaint.mask_blob = "contract/mask.png";
  ProviderResult result = SubmitAndWait(inpaint);
  ASSERT_EQ(result.output_blobs.size(), 1u);
  auto bytes = blobs_->Get(result.output_blobs[0]);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(PngSize(*bytes), size);
}

TEST_P(ImageGeneratorContractTest, ConcurrentJobsEachReportOnce) {
  constexpr int kJobs = 5;
  for (int i = 0; i < kJobs; ++i) {
    ASSERT_TRUE(
        generator_->Submit(ValidRequest("job-many-" + std::to_string(i))));
  }
  for (int i = 0; i < kJobs; ++i) {
    auto result = sink_.WaitFor("job-many-" + std::to_string(i),
                                GetParam().result_timeout);
    ASSERT_TRUE(result.has_value()) << i;
    EXPECT_EQ(result->status, ProviderResult::Status::kSucceeded)
        << result->error;
  }
}

}  // namespace miri::testing
