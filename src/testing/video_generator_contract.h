// The VideoGenerator contract suite (ports/video_generator.h): every video
// adapter (local, Kling against its emulator, ...) must pass it. Instantiate:
//
//   INSTANTIATE_TEST_SUITE_P(Local, VideoGeneratorContractTest,
//       ::testing::Values(VideoGeneratorFactory{.name = "local",
//           .make = [](BlobStore* blobs, ResultSink* sink) {
//             return std::make_unique<LocalVideoGenerator>(blobs, sink); }}),
//       [](const auto& info) { return info.param.name; });
//
// Provider-neutral: result on the sink with our job_id, idempotent job_id,
// Poll, named invalid fields, an MP4 in the BlobStore. The suite's valid
// request is small (160x96, 1 s, 12 fps); `adjust` changes it for providers
// with fixed durations or sizes. Link the OBJECT library
// miri_video_generator_contract.
#ifndef MIRI_TESTING_VIDEO_GENERATOR_CONTRACT_H_
#define MIRI_TESTING_VIDEO_GENERATOR_CONTRACT_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "ports/blob_store.h"
#include "ports/video_generator.h"
#include "testing/providers/provider_test_support.h"

namespace miri::testing {

struct VideoGeneratorFactory {
  std::string name;
  std::function<std::unique_ptr<VideoGenerator>(BlobStore* blobs,
                                                ResultSink* sink)>
      make = nullptr;
  std::function<void(VideoRequest&)> adjust = nullptr;
  std::chrono::milliseconds result_timeout{60000};
  // For adapters whose Dispatch carries a resume: a second instance on the
  // same provider with fresh memory (another process, after a restart).
  std::function<std::unique_ptr<VideoGenerator>(
      VideoGenerator& first, BlobStore* blobs, ResultSink* sink)>
      make_peer = nullptr;
};

inline std::string PrintToString(const VideoGeneratorFactory& f) {
  return f.name;
}

class VideoGeneratorContractTest
    : public ::testing::TestWithParam<VideoGeneratorFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // A small valid request animating "contract/start.png".
  VideoRequest ValidRequest(const std::string& job_id) const;
  ProviderResult SubmitAndWait(const VideoRequest& request);

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<BlobStore> blobs_;
  RecordingSink sink_;
  std::unique_ptr<VideoGenerator> generator_;
};

}  // namespace miri::testing

#endif  // MIRI_TESTING_VIDEO_GENERATOR_CONTRACT_H_
