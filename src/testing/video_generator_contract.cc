#include "testing/video_generator_contract.h"

#include <thread>

#include "adapters/localfs/localfs_blob_store.h"

namespace miri::testing {
namespace {

constexpr int kW = 160, kH = 96;

}  // namespace

void VideoGeneratorContractTest::SetUp() {
  dir_ = std::make_unique<TempDir>();
  auto blobs = LocalFsBlobStore::Open(dir_->path() / "blobs");
  ASSERT_TRUE(blobs) << blobs.error().ToString();
  blobs_ = std::move(*blobs);
  local::Image start(kW, kH, local::MakePixel(40, 60, 90));
  for (int y = 30; y < 60; ++y) {
    for (int x = 60; x < 90; ++x)
      start.at(x, y) = local::MakePixel(240, 200, 60);
  }
  ASSERT_TRUE(
      blobs_->Put("contract/start.png", local::EncodePng(start).value()));
  ASSERT_TRUE(blobs_->Put("contract/end.png",
                          SolidPng(kW, kH, local::MakePixel(200, 90, 60))));
  ASSERT_TRUE(
      blobs_->Put("contract/mask.png", RectMaskPng(kW, kH, 60, 30, 30, 30)));
  generator_ = GetParam().make(blobs_.get(), &sink_);
  ASSERT_NE(generator_, nullptr);
}

void VideoGeneratorContractTest::TearDown() { generator_.reset(); }

VideoRequest VideoGeneratorContractTest::ValidRequest(
    const std::string& job_id) const {
  VideoRequest r;
  r.job_id = job_id;
  r.prompt =
      "[S01]_[V01]_[KLING] Resting state: Miri stands at the window. "
      "Action: she turns her head towards the rain.";
  r.start_frame_blob = "contract/start.png";
  r.duration_ms = 1000;
  r.fps = 12;
  r.width = kW;
  r.height = kH;
  r.output_key = "contract/" + job_id + ".mp4";
  if (GetParam().adjust) GetParam().adjust(r);
  return r;
}

ProviderResult VideoGeneratorContractTest::SubmitAndWait(
    const VideoRequest& request) {
  auto dispatch = generator_->Submit(request);
  EXPECT_TRUE(dispatch) << dispatch.error().ToString();
  auto result = sink_.WaitFor(request.job_id, GetParam().result_timeout);
  EXPECT_TRUE(result.has_value()) << "no result for " << request.job_id;
  if (!result) return {};
  EXPECT_EQ(result->status, ProviderResult::Status::kSucceeded)
      << result->error;
  return *result;
}

TEST_P(VideoGeneratorContractTest, ResultArrivesOnTheSinkWithOurJobIdAndAnMp4) {
  VideoRequest r = ValidRequest("clip-1");
  auto dispatch = generator_->Submit(r);
  ASSERT_TRUE(dispatch) << dispatch.error().ToString();
  auto result = sink_.WaitFor(r.job_id, GetParam().result_timeout);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->job_id, r.job_id);
  EXPECT_EQ(result->provider, generator_->name());
  EXPECT_EQ(result->provider_request_id, dispatch->provider_request_id);
  ASSERT_EQ(result->status, ProviderResult::Status::kSucceeded)
      << result->error;
  ASSERT_EQ(result->output_blobs.size(), 1u);
  auto bytes = blobs_->Get(result->output_blobs[0]);
  ASSERT_TRUE(bytes) << bytes.error().ToString();
  EXPECT_TRUE(LooksLikeMp4(*bytes));
}

TEST_P(VideoGeneratorContractTest, StartAndEndFramesGiveAClip) {
  VideoRequest r = ValidRequest("clip-end");
  r.end_frame_blob = "contract/end.png";
  ProviderResult result = SubmitAndWait(r);
  ASSERT_EQ(result.output_blobs.size(), 1u);
  EXPECT_TRUE(LooksLikeMp4(blobs_->Get(result.output_blobs[0]).value()));
}

TEST_P(VideoGeneratorContractTest, MotionBrushGivesAClip) {
  VideoRequest r = ValidRequest("clip-brush");
  r.motion_brush = MotionBrush{
      "", {DynamicMask{"contract/mask.png", {{75, 45}, {120, 45}}}}};
  ProviderResult result = SubmitAndWait(r);
  ASSERT_EQ(result.output_blobs.size(), 1u);
  EXPECT_TRUE(LooksLikeMp4(blobs_->Get(result.output_blobs[0]).value()));
}

TEST_P(VideoGeneratorContractTest, SameJobIdTwiceStartsOneJob) {
  VideoRequest r = ValidRequest("clip-twice");
  auto first = generator_->Submit(r);
  auto second = generator_->Submit(r);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->provider_request_id, second->provider_request_id);
  ASSERT_TRUE(sink_.WaitFor(r.job_id, GetParam().result_timeout));
  for (const ProviderResult& res : sink_.results()) {
    if (res.job_id == r.job_id) {
      EXPECT_EQ(res.provider_request_id, first->provider_request_id);
    }
  }
}

TEST_P(VideoGeneratorContractTest,
       InvalidRequestNamesTheFieldAndStartsNothing) {
  VideoRequest no_job = ValidRequest("x");
  no_job.job_id.clear();
  auto r1 = generator_->Submit(no_job);
  ASSERT_FALSE(r1);
  EXPECT_TRUE(NamesField(r1.error(), "job_id")) << r1.error().ToString();

  VideoRequest no_start = ValidRequest("clip-invalid");
  no_start.start_frame_blob.clear();
  auto r2 = generator_->Submit(no_start);
  ASSERT_FALSE(r2);
  EXPECT_TRUE(NamesField(r2.error(), "start_frame_blob"))
      << r2.error().ToString();

  VideoRequest one_point = ValidRequest("clip-invalid");
  one_point.motion_brush =
      MotionBrush{"", {DynamicMask{"contract/mask.png", {{75, 45}}}}};
  auto r3 = generator_->Submit(one_point);
  ASSERT_FALSE(r3);
  EXPECT_TRUE(
      NamesField(r3.error(), "motion_brush.dynamic_masks[0].trajectory"))
      << r3.error().ToString();

  VideoRequest seven = ValidRequest("clip-invalid");
  seven.motion_brush = MotionBrush{
      "", std::vector<DynamicMask>(
              7, DynamicMask{"contract/mask.png", {{1, 1}, {2, 2}}})};
  auto r4 = generator_->Submit(seven);
  ASSERT_FALSE(r4);
  EXPECT_TRUE(NamesField(r4.error(), "motion_brush.dynamic_masks"))
      << r4.error().ToString();

  auto polled = generator_->Poll("clip-invalid");
  ASSERT_FALSE(polled);
  EXPECT_EQ(polled.error().code, ErrorCode::kNotFound);
}

TEST_P(VideoGeneratorContractTest, PollReportsTheFinishedResult) {
  VideoRequest r = ValidRequest("clip-poll");
  ProviderResult pushed = SubmitAndWait(r);
  auto polled = generator_->Poll(r.job_id);
  ASSERT_TRUE(polled) << polled.error().ToString();
  ASSERT_TRUE(polled->has_value());
  EXPECT_EQ((*polled)->status, ProviderResult::Status::kSucceeded);
  EXPECT_EQ((*polled)->output_blobs, pushed.output_blobs);
}

TEST_P(VideoGeneratorContractTest,
       AFreshInstanceAdoptsTheJobAndPollsItWithoutResubmitting) {
  VideoRequest r = ValidRequest("clip-adopt");
  auto dispatch = generator_->Submit(r);
  ASSERT_TRUE(dispatch) << dispatch.error().ToString();
  if (dispatch->resume.empty())
    GTEST_SKIP() << "nothing to resume: jobs die with the process";
  ASSERT_TRUE(GetParam().make_peer) << "a resumable adapter needs make_peer";
  RecordingSink peer_sink;
  std::unique_ptr<VideoGenerator> peer =
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
  EXPECT_TRUE(LooksLikeMp4(blobs_->Get(result->output_blobs[0]).value()));
  auto again = peer->Submit(r);
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(again->provider_request_id, dispatch->provider_request_id);
}

TEST_P(VideoGeneratorContractTest, PollOfAnUnknownJobIsNotFound) {
  auto polled = generator_->Poll("never-submitted");
  ASSERT_FALSE(polled);
  EXPECT_EQ(polled.error().code, ErrorCode::kNotFound);
}

TEST_P(VideoGeneratorContractTest,
       AMissingStartFrameFailsAtSubmitOrAsAFailedResult) {
  VideoRequest r = ValidRequest("clip-lost");
  r.start_frame_blob = "contract/absent.png";
  auto dispatch = generator_->Submit(r);
  if (!dispatch) {
    EXPECT_NE(dispatch.error().code, ErrorCode::kInternal)
        << dispatch.error().ToString();
    return;
  }
  auto result = sink_.WaitFor(r.job_id, GetParam().result_timeout);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->status, ProviderResult::Status::kFailed);
  EXPECT_FALSE(result->error.empty());
}

}  // namespace miri::testing
