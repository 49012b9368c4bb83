// Small media helpers shared by the provider adapters: image dimensions
// from PNG/JPEG headers, base64 and data: URIs.
#ifndef MIRI_ADAPTERS_CURL_MEDIA_PROBE_H_
#define MIRI_ADAPTERS_CURL_MEDIA_PROBE_H_

#include <optional>
#include <string>
#include <string_view>

namespace miri {

struct ImageDims {
  int width = 0;
  int height = 0;
};

// PNG (IHDR) or JPEG (SOFn) dimensions; nullopt for anything else.
std::optional<ImageDims> ProbeImageDims(std::string_view bytes);
// "image/png", "image/jpeg", "image/webp" or "application/octet-stream".
std::string SniffImageMime(std::string_view bytes);

std::string Base64Encode(std::string_view bytes);
std::optional<std::string> Base64Decode(std::string_view text);
// An 8-bit greyscale PNG (stored deflate: no compression library needed);
// `pixels` holds width*height bytes, row-major.
std::string EncodeGrayPng(int width, int height, std::string_view pixels);

// "data:<mime>;base64,<...>"
std::string DataUri(std::string_view bytes);

}  // namespace miri

#endif  // MIRI_ADAPTERS_CURL_MEDIA_PROBE_H_
