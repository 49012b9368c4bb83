#include "adapters/fal/fal_refine.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace miri {
namespace {

// Distance (chamfer 1 / sqrt 2) from each masked pixel to the nearest
// unmasked one; 0 outside the mask. Beyond the image's edge counts as
// masked, so a mask touching the edge does not fade there.
std::vector<float> DistanceInside(const local::Image& mask) {
  const int w = mask.width, h = mask.height;
  constexpr float kInf = std::numeric_limits<float>::max() / 4;
  constexpr float kDiag = 1.41421356f;
  std::vector<float> d(static_cast<size_t>(w) * h);
  auto at = [&](int x, int y) -> float& {
    return d[static_cast<size_t>(y) * w + x];
  };
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      at(x, y) = local::Luma(mask.at(x, y)) == 0 ? 0.f : kInf;
  auto relax = [&](int x, int y, int dx, int dy, float cost) {
    int nx = x + dx, ny = y + dy;
    if (nx < 0 || ny < 0 || nx >= w || ny >= h) return;
    at(x, y) = std::min(at(x, y), at(nx, ny) + cost);
  };
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      relax(x, y, -1, 0, 1.f);
      relax(x, y, 0, -1, 1.f);
      relax(x, y, -1, -1, kDiag);
      relax(x, y, 1, -1, kDiag);
    }
  for (int y = h - 1; y >= 0; --y)
    for (int x = w - 1; x >= 0; --x) {
      relax(x, y, 1, 0, 1.f);
      relax(x, y, 0, 1, 1.f);
      relax(x, y, 1, 1, kDiag);
      relax(x, y, -1, 1, kDiag);
    }
  return d;
}

int Mix(int a, int b, float t) {
  return static_cast<int>(std::lround(a + (b - a) * t));
}

}  // namespace

Result<local::Image> FeatheredComposite(const local::Image& original,
                                        const local::Image& edited,
                                        const local::Image& mask,
                                        int feather_px) {
  if (mask.width != original.width || mask.height != original.height) {
    return MakeError(
        ErrorCode::kInvalidArgument, "refine mask must have the image's size",
        {{"mask_blob", std::to_string(mask.width) + "x" +
                           std::to_string(mask.height) + ", image is " +
                           std::to_string(original.width) + "x" +
                           std::to_string(original.height)}});
  }
  const local::Image scaled =
      edited.width == original.width && edited.height == original.height
          ? edited
          : local::Resize(edited, original.width, original.height);
  const std::vector<float> dist = DistanceInside(mask);
  const float ramp = static_cast<float>(std::max(0, feather_px) + 1);
  local::Image out = original;
  for (size_t i = 0; i < out.px.size(); ++i) {
    const float coverage = local::Luma(mask.px[i]) / 255.f;
    const float t = coverage * std::min(1.f, dist[i] / ramp);
    if (t <= 0.f) continue;
    if (t >= 1.f) {
      out.px[i] = scaled.px[i];
      continue;
    }
    const local::Pixel o = original.px[i], e = scaled.px[i];
    out.px[i] = local::MakePixel(Mix(local::Red(o), local::Red(e), t),
                                 Mix(local::Green(o), local::Green(e), t),
                                 Mix(local::Blue(o), local::Blue(e), t));
  }
  return out;
}

Result<std::string> CompositeRefinePng(std::string_view original_png,
                                       std::string_view edited_png,
                                       std::string_view mask_png,
                                       int feather_px) {
  ASSIGN_OR_RETURN(local::Image original, local::DecodePng(original_png),
                   "refine: the original image");
  ASSIGN_OR_RETURN(local::Image edited, local::DecodePng(edited_png),
                   "refine: fal's edit");
  ASSIGN_OR_RETURN(local::Image mask, local::DecodePng(mask_png),
                   "refine: the mask");
  ASSIGN_OR_RETURN(local::Image out,
                   FeatheredComposite(original, edited, mask, feather_px),
                   "refine");
  return local::EncodePng(out);
}

}  // namespace miri
