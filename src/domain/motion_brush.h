// The motion brush a person paints on a shot's anchor image: up to six
// regions that move, each a painted mask (a PNG, white = the region) with
// the path it moves along (points 0..1, origin top-left), plus an optional
// static mask (white = must stay still). Pure: the API reads the request
// body with ReadBrushBody (masks as raw base64 PNG), stores the masks as
// blobs and the document with their keys (StoredBrushJson); the
// orchestrator reads it back with ParseStoredBrush.
//
// Limits follow Kling's image2video (the provider that takes a brush): at
// most 6 dynamic masks, 2..77 trajectory points, masks the start frame's
// size.
// https://app.klingai.com/global/dev/document-api/apiReference/model/imageToVideo
#ifndef MIRI_DOMAIN_MOTION_BRUSH_H_
#define MIRI_DOMAIN_MOTION_BRUSH_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/json_reader.h"
#include "domain/result.h"

namespace miri {

inline constexpr size_t kMaxBrushRegions = 6;
inline constexpr size_t kMinBrushPathPoints = 2;
inline constexpr size_t kMaxBrushPathPoints = 77;

struct BrushPoint {
  double x = 0, y = 0;  // 0..1 of the image, origin top-left
  friend bool operator==(const BrushPoint&, const BrushPoint&) = default;
};

struct BrushRegion {
  // PNG bytes in a request body, a blob key once stored; empty: no region
  // painted (a document saved before regions existed).
  std::string mask;
  std::vector<BrushPoint> trajectory;
};

struct BrushDocument {
  std::vector<BrushRegion> regions;
  std::string static_mask;  // like BrushRegion::mask; empty: none
  bool empty() const { return regions.empty() && static_mask.empty(); }
};

struct ImageSize {
  int width = 0, height = 0;
  friend bool operator==(const ImageSize&, const ImageSize&) = default;
};

// Width and height from a PNG's signature and IHDR; nullopt otherwise.
std::optional<ImageSize> PngImageSize(std::string_view bytes);

// Standard base64 (RFC 4648 section 4) with padding; Decode refuses
// anything else (a "data:" prefix, whitespace, bad padding).
std::string EncodeBase64(std::string_view bytes);
std::optional<std::string> DecodeBase64(std::string_view text);

// Reads {"dynamicMasks":[{"mask":"<base64 PNG>","trajectory":[{x,y}..]}],
// "staticMask"?:"<base64 PNG>"}: masks come back as PNG bytes. Every
// problem is recorded on `r` with its field: a path without a region, a
// path of fewer than 2 or more than 77 points, a point off the image, more
// than 6 regions, a mask that is not a PNG or whose size is not `frame`
// (when known; otherwise all masks must share one size), a static mask
// with no region that moves. {"dynamicMasks":[]} clears the brush.
BrushDocument ReadBrushBody(JsonReader& r, std::optional<ImageSize> frame);

// The stored document (masks as blob keys) and back. ParseStoredBrush also
// reads the first format ({"trajectories":[{"points":[..]}],
// "maskBlobKey"?}): its paths keep that one mask, or none.
nlohmann::json StoredBrushJson(const BrushDocument& stored);
Result<BrushDocument> ParseStoredBrush(const nlohmann::json& doc);

}  // namespace miri

#endif  // MIRI_DOMAIN_MOTION_BRUSH_H_
