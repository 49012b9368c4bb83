// The ImageGenerator contract suite (ports/image_generator.h): every image
// adapter (local, fal against its emulator, ...) must pass it. An adapter's
// test instantiates it with a factory:
//
//   INSTANTIATE_TEST_SUITE_P(Local, ImageGeneratorContractTest,
//       ::testing::Values(ImageGeneratorFactory{"local",
//           [](BlobStore* blobs, ResultSink* sink) {
//             return std::make_unique<LocalImageGenerator>(blobs, sink); }}),
//       [](const auto& info) { return info.param.name; });
//
// The suite is provider-neutral: it checks the port's promises (result on
// the sink with our job_id, idempotent job_id, Poll, named invalid fields,
// PNG outputs of the requested size in the BlobStore), never how an image
// looks. Link the OBJECT library miri_image_generator_contract.
#ifndef MIRI_TESTING_IMAGE_GENERATOR_CONTRACT_H_
#define MIRI_TESTING_IMAGE_GENERATOR_CONTRACT_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "ports/blob_store.h"
#include "ports/image_generator.h"
#include "testing/providers/provider_test_support.h"

namespace miri::testing {

struct ImageGeneratorFactory {
  std::string name;
  // Builds the adapter; it copies outputs into `blobs` and reports on `sink`.
  std::function<std::unique_ptr<ImageGenerator>(BlobStore* blobs,
                                                ResultSink* sink)>
      make;
  // Optional provider-specific changes to the suite's valid requests.
  std::function<void(ImageRequest&)> adjust = nullptr;
  std::chrono::milliseconds result_timeout{30000};
  // For adapters whose Dispatch carries a resume: a second instance on the
  // same provider with fresh memory (another process, after a restart).
  std::function<std::unique_ptr<ImageGenerator>(
      ImageGenerator& first, BlobStore* blobs, ResultSink* sink)>
      make_peer = nullptr;
};

inline std::string PrintToString(const ImageGeneratorFactory& f) {
  return f.name;
}

class ImageGeneratorContractTest
    : public ::testing::TestWithParam<ImageGeneratorFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // A small valid text-to-image request writing to "contract/<job_id>.png".
  ImageRequest ValidRequest(const std::string& job_id) const;
  // Submits, waits for the sink, and expects success; returns the result.
  ProviderResult SubmitAndWait(const ImageRequest& request);

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<BlobStore> blobs_;
  RecordingSink sink_;
  std::unique_ptr<ImageGenerator> generator_;
};

}  // namespace miri::testing

#endif  // MIRI_TESTING_IMAGE_GENERATOR_CONTRACT_H_
