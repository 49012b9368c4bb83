#include "testing/providers/provider_test_support.h"

#include <stdlib.h>

#include <cstring>
#include <stdexcept>

namespace miri::testing {

void RecordingSink::OnResult(ProviderResult result) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    results_.push_back(std::move(result));
  }
  cv_.notify_all();
}

std::optional<ProviderResult> RecordingSink::WaitFor(
    std::string_view job_id, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  std::optional<ProviderResult> found;
  cv_.wait_for(lock, timeout, [&] {
    for (const ProviderResult& r : results_) {
      if (r.job_id == job_id) {
        found = r;
        return true;
      }
    }
    return false;
  });
  return found;
}

bool RecordingSink::WaitForCount(size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return results_.size() >= n; });
}

std::vector<ProviderResult> RecordingSink::results() const {
  std::lock_guard<std::mutex> lock(mu_);
  return results_;
}

int RecordingSink::CountFor(std::string_view job_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  for (const ProviderResult& r : results_) n += r.job_id == job_id ? 1 : 0;
  return n;
}

TempDir::TempDir() {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / "miri-test-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");  // a broken test machine
  }
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

bool NamesField(const Error& error, std::string_view field) {
  if (error.code != ErrorCode::kInvalidArgument) return false;
  for (const FieldIssue& issue : error.issues) {
    if (issue.path == field) return true;
  }
  return false;
}

std::optional<std::pair<int, int>> PngSize(std::string_view bytes) {
  if (bytes.size() < 24 || bytes.substr(1, 3) != "PNG" ||
      bytes.substr(12, 4) != "IHDR") {
    return std::nullopt;
  }
  auto be32 = [&](size_t pos) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v = (v << 8) | static_cast<uint8_t>(bytes[pos + i]);
    return static_cast<int>(v);
  };
  return std::make_pair(be32(16), be32(20));
}

bool LooksLikeMp4(std::string_view bytes) {
  return bytes.size() >= 12 && bytes.substr(4, 4) == "ftyp";
}

std::string SolidPng(int width, int height, local::Pixel color) {
  return local::EncodePng(local::Image(width, height, color)).value();
}

std::string RectMaskPng(int width, int height, int x, int y, int w, int h) {
  local::Image mask(width, height, local::MakePixel(0, 0, 0));
  for (int yy = std::max(0, y); yy < std::min(height, y + h); ++yy) {
    for (int xx = std::max(0, x); xx < std::min(width, x + w); ++xx) {
      mask.at(xx, yy) = local::MakePixel(255, 255, 255);
    }
  }
  return local::EncodePng(mask).value();
}

}  // namespace miri::testing
