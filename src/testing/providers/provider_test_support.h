// Helpers shared by the provider contract suites and the local providers'
// tests: a recording ResultSink with bounded waits, a temporary directory,
// and small PNG builders/readers for test inputs.
#ifndef MIRI_TESTING_PROVIDERS_PROVIDER_TEST_SUPPORT_H_
#define MIRI_TESTING_PROVIDERS_PROVIDER_TEST_SUPPORT_H_

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/local/raster.h"
#include "domain/result.h"
#include "ports/provider_result.h"

namespace miri::testing {

// Records every result; waits are bounded by a deadline.
class RecordingSink final : public ResultSink {
 public:
  void OnResult(ProviderResult result) override;
  // The first result for `job_id`, waiting up to `timeout` for it.
  std::optional<ProviderResult> WaitFor(std::string_view job_id,
                                        std::chrono::milliseconds timeout);
  // Waits until `n` results in total arrived (or the timeout passed).
  bool WaitForCount(size_t n, std::chrono::milliseconds timeout);
  std::vector<ProviderResult> results() const;
  int CountFor(std::string_view job_id) const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ProviderResult> results_;
};

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// True when `error` is INVALID_ARGUMENT with an issue whose path is `field`.
bool NamesField(const Error& error, std::string_view field);

// Width and height from a PNG's IHDR, nullopt when not a PNG.
std::optional<std::pair<int, int>> PngSize(std::string_view bytes);
// True when `bytes` look like an ISO-BMFF (MP4) file: "ftyp" at offset 4.
bool LooksLikeMp4(std::string_view bytes);

// A PNG filled with one colour.
std::string SolidPng(int width, int height, local::Pixel color);
// A mask PNG: white inside the rectangle, black elsewhere.
std::string RectMaskPng(int width, int height, int x, int y, int w, int h);

}  // namespace miri::testing

#endif  // MIRI_TESTING_PROVIDERS_PROVIDER_TEST_SUPPORT_H_
