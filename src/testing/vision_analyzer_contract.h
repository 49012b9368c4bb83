// The VisionAnalyzer contract suite (ports/vision_analyzer.h): every
// vision adapter (local templates, Gemini against its emulator, ...) must
// pass it. Instantiate with a factory:
//
//   INSTANTIATE_TEST_SUITE_P(Local, VisionAnalyzerContractTest,
//       ::testing::Values(VisionAnalyzerFactory{.name = "local",
//           .make = [](BlobStore* blobs) {
//             return std::make_unique<LocalVisionAnalyzer>(blobs); }}),
//       [](const auto& info) { return info.param.name; });
//
// Provider-neutral: a rule with text and an explanation, named invalid
// fields, a mask PNG the size of the image at output_key, a drawn mask that
// wins, and no rule that undoes Miri's depiction rules. Link the OBJECT
// library miri_vision_analyzer_contract.
#ifndef MIRI_TESTING_VISION_ANALYZER_CONTRACT_H_
#define MIRI_TESTING_VISION_ANALYZER_CONTRACT_H_

#include <functional>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "ports/blob_store.h"
#include "ports/vision_analyzer.h"
#include "testing/providers/provider_test_support.h"

namespace miri::testing {

struct VisionAnalyzerFactory {
  std::string name;
  std::function<std::unique_ptr<VisionAnalyzer>(BlobStore* blobs)> make =
      nullptr;
};

inline std::string PrintToString(const VisionAnalyzerFactory& f) {
  return f.name;
}

class VisionAnalyzerContractTest
    : public ::testing::TestWithParam<VisionAnalyzerFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<BlobStore> blobs_;
  std::unique_ptr<VisionAnalyzer> analyzer_;
};

}  // namespace miri::testing

#endif  // MIRI_TESTING_VISION_ANALYZER_CONTRACT_H_
