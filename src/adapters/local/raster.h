// Raster images for the local providers: an opaque RGB image type, PNG
// encoding/decoding through Cairo, and PNG text chunks that carry a frame's
// layout from the local image generator to the other local providers.
// Adapter-internal (and used by provider test helpers); pure functions,
// safe from any thread.
#ifndef MIRI_ADAPTERS_LOCAL_RASTER_H_
#define MIRI_ADAPTERS_LOCAL_RASTER_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

typedef struct _cairo_surface cairo_surface_t;

namespace miri::local {

// 0xFFRRGGBB, the layout of Cairo's ARGB32 for opaque pixels.
using Pixel = uint32_t;

constexpr Pixel MakePixel(int r, int g, int b) {
  return 0xFF000000u | (static_cast<uint32_t>(r & 0xFF) << 16) |
         (static_cast<uint32_t>(g & 0xFF) << 8) |
         static_cast<uint32_t>(b & 0xFF);
}
constexpr int Red(Pixel p) { return (p >> 16) & 0xFF; }
constexpr int Green(Pixel p) { return (p >> 8) & 0xFF; }
constexpr int Blue(Pixel p) { return p & 0xFF; }
// BT.601 luma, 0..255.
constexpr int Luma(Pixel p) {
  return (77 * Red(p) + 150 * Green(p) + 29 * Blue(p)) >> 8;
}

// An opaque image, row-major, no padding.
struct Image {
  int width = 0;
  int height = 0;
  std::vector<Pixel> px;

  Image() = default;
  Image(int w, int h, Pixel fill = MakePixel(0, 0, 0))
      : width(w), height(h), px(static_cast<size_t>(w) * h, fill) {}
  Pixel at(int x, int y) const {
    return px[static_cast<size_t>(y) * width + x];
  }
  Pixel& at(int x, int y) { return px[static_cast<size_t>(y) * width + x]; }
  friend bool operator==(const Image&, const Image&) = default;
};

// PNG bytes; `text` becomes tEXt chunks (key -> value, Latin-1 keys).
Result<std::string> EncodePng(
    const Image& image, const std::map<std::string, std::string>& text = {});

// Decodes any PNG Cairo reads; transparency is flattened onto black.
Result<Image> DecodePng(std::string_view bytes);

// The tEXt chunks of a PNG (empty when none or not a PNG).
std::map<std::string, std::string> PngText(std::string_view bytes);

// Bilinear resize (Cairo's GOOD filter).
Image Resize(const Image& image, int width, int height);

// Copies between Image and a Cairo ARGB32 image surface of the same size.
Image FromSurface(cairo_surface_t* surface);
cairo_surface_t* ToSurface(const Image& image);  // caller destroys

}  // namespace miri::local

#endif  // MIRI_ADAPTERS_LOCAL_RASTER_H_
