// The ImageAuditor contract suite (ports/image_auditor.h): every image
// checker (the fake, nsfwjs, Gemini against its emulator, ...) must pass it.
// An adapter's test instantiates it with a factory:
//
//   INSTANTIATE_TEST_SUITE_P(Fake, ImageAuditorContractTest,
//       ::testing::Values(ImageAuditorFactory{"fake", [] {
//         return std::make_shared<FakeImageAuditor>(); }}),
//       [](const auto& info) { return info.param.name; });
//
// The factory may hand every test the same instance (a checker that loads a
// model once). Provider-neutral: a verdict naming its checker with one
// result per requested constraint in order, passed exactly when there is no
// finding, scores in range, PNG and JPEG accepted, named invalid fields. It
// never asserts how a checker judges an image. Link the OBJECT library
// miri_image_auditor_contract.
#ifndef MIRI_TESTING_IMAGE_AUDITOR_CONTRACT_H_
#define MIRI_TESTING_IMAGE_AUDITOR_CONTRACT_H_

#include <functional>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "ports/image_auditor.h"

namespace miri::testing {

struct ImageAuditorFactory {
  std::string name;
  std::function<std::shared_ptr<ImageAuditor>()> make = nullptr;
};

inline std::string PrintToString(const ImageAuditorFactory& f) {
  return f.name;
}

// A storyboard frame (the local ImageGenerator's drawing of `prompt`), PNG.
std::string StoryboardPng(const std::string& prompt, int width, int height);
// A 32x24 baseline JPEG (a red-blue gradient).
std::string TinyJpeg();

// Checks the promises every verdict keeps for `request`; returns the
// failures as text ("" when none), so callers can EXPECT_EQ(..., "").
std::string VerdictProblems(const ImageCheckRequest& request,
                            const ImageVerdict& verdict);

class ImageAuditorContractTest
    : public ::testing::TestWithParam<ImageAuditorFactory> {
 protected:
  void SetUp() override;

  ImageCheckRequest Request() const;

  std::shared_ptr<ImageAuditor> auditor_;
};

}  // namespace miri::testing

#endif  // MIRI_TESTING_IMAGE_AUDITOR_CONTRACT_H_
