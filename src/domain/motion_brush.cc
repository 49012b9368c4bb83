#include "domain/motion_brush.h"

#include <array>

namespace miri {

using nlohmann::json;

namespace {

constexpr char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr size_t kMaxMaskChars = 8u << 20;

std::string SizeText(ImageSize s) {
  return std::to_string(s.width) + "x" + std::to_string(s.height);
}

// The PNG bytes of a base64 field; "" with an issue recorded when it is
// not one; nullopt when absent or empty. `want` is the size every mask
// must have; unset, the first mask sets it.
std::optional<std::string> ReadMask(JsonReader& r, std::string_view key,
                                    std::optional<ImageSize>& want,
                                    bool frame_known) {
  std::optional<std::string> text =
      r.OptionalString(key, {.max_length = kMaxMaskChars});
  if (!text || text->empty()) return std::nullopt;
  std::optional<std::string> png = DecodeBase64(*text);
  std::optional<ImageSize> size;
  if (png) size = PngImageSize(*png);
  if (!size) {
    r.Add(key, "expected a PNG as raw base64 (no data: prefix)");
    return std::string();
  }
  if (want && *size != *want) {
    r.Add(key, "expected a " + SizeText(*want) + " PNG (" +
                   (frame_known ? "the shot's frame" : "the other masks") +
                   "), got " + SizeText(*size));
    return std::string();
  }
  want = *size;
  return *png;
}

std::vector<BrushPoint> ReadPath(JsonReader& r, std::string_view key) {
  std::vector<BrushPoint> out;
  std::vector<JsonReader> points = r.ObjectArray(key);
  if (!r.Has(key)) {
    r.Add(key, "draw the path this region moves along (2 to 77 points)");
  } else if (points.size() < kMinBrushPathPoints ||
             points.size() > kMaxBrushPathPoints) {
    r.Add(key,
          "a path has 2 to 77 points, got " + std::to_string(points.size()));
  }
  for (JsonReader& p : points) {
    BrushPoint bp{p.Number("x", 0.0, 1.0), p.Number("y", 0.0, 1.0)};
    p.RejectUnknownFields();
    out.push_back(bp);
  }
  return out;
}

std::vector<BrushPoint> PointsOf(const json& a) {
  std::vector<BrushPoint> out;
  if (!a.is_array()) return out;
  for (const json& p : a) {
    if (p.is_object() && p.value("x", json()).is_number() &&
        p.value("y", json()).is_number()) {
      out.push_back({p["x"].get<double>(), p["y"].get<double>()});
    }
  }
  return out;
}

json PointsJson(const std::vector<BrushPoint>& points) {
  json a = json::array();
  for (const BrushPoint& p : points) a.push_back({{"x", p.x}, {"y", p.y}});
  return a;
}

}  // namespace

std::optional<ImageSize> PngImageSize(std::string_view b) {
  static constexpr std::string_view kSignature("\x89PNG\r\n\x1a\n", 8);
  if (b.size() < 24 || b.substr(0, 8) != kSignature ||
      b.substr(12, 4) != "IHDR") {
    return std::nullopt;
  }
  auto be32 = [&](size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i)
      v = (v << 8) | static_cast<uint8_t>(b[at + i]);
    return v;
  };
  const uint32_t w = be32(16), h = be32(20);
  if (w == 0 || h == 0 || w > (1u << 16) || h > (1u << 16)) return std::nullopt;
  return ImageSize{static_cast<int>(w), static_cast<int>(h)};
}

std::string EncodeBase64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 2]);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back(i + 2 < bytes.size() ? kAlphabet[n & 63] : '=');
  }
  return out;
}

std::optional<std::string> DecodeBase64(std::string_view text) {
  static const std::array<int8_t, 256> kValue = [] {
    std::array<int8_t, 256> v{};
    v.fill(-1);
    for (int i = 0; i < 64; ++i) v[static_cast<uint8_t>(kAlphabet[i])] = i;
    return v;
  }();
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text[i + k];
      if (c == '=' && last && k >= 2) {
        v[k] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return std::nullopt;  // data after padding
      v[k] = kValue[static_cast<uint8_t>(c)];
      if (v[k] < 0) return std::nullopt;
    }
    const uint32_t n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out.push_back(static_cast<char>(n >> 16));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xff));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xff));
  }
  return out;
}

BrushDocument ReadBrushBody(JsonReader& r, std::optional<ImageSize> frame) {
  BrushDocument doc;
  const bool frame_known = frame.has_value();
  std::optional<ImageSize> want = frame;
  std::vector<JsonReader> regions = r.ObjectArray("dynamicMasks");
  if (!r.Has("dynamicMasks")) {
    r.Add("dynamicMasks", "required (an empty list clears the brush)");
  }
  if (regions.size() > kMaxBrushRegions) {
    r.Add("dynamicMasks",
          "at most 6 regions that move, got " + std::to_string(regions.size()));
  }
  for (JsonReader& t : regions) {
    BrushRegion region;
    std::optional<std::string> mask = ReadMask(t, "mask", want, frame_known);
    if (!mask) t.Add("mask", "paint the region that moves along this path");
    region.mask = mask.value_or("");
    region.trajectory = ReadPath(t, "trajectory");
    t.RejectUnknownFields();
    doc.regions.push_back(std::move(region));
  }
  doc.static_mask = ReadMask(r, "staticMask", want, frame_known).value_or("");
  if (!doc.static_mask.empty() && regions.empty()) {
    r.Add("staticMask",
          "a static area needs a region that moves: paint one and its path");
  }
  for (const char* old : {"trajectories", "maskBlobKey"}) {
    if (r.Has(old)) {
      r.Add(old,
            "replaced by dynamicMasks: each region that moves has its "
            "painted mask and its trajectory");
    }
  }
  return doc;
}

json StoredBrushJson(const BrushDocument& stored) {
  json regions = json::array();
  for (const BrushRegion& r : stored.regions) {
    regions.push_back(
        {{"maskBlobKey", r.mask}, {"trajectory", PointsJson(r.trajectory)}});
  }
  json j = {{"dynamicMasks", regions}};
  if (!stored.static_mask.empty()) j["staticMaskBlobKey"] = stored.static_mask;
  return j;
}

Result<BrushDocument> ParseStoredBrush(const json& doc) {
  if (!doc.is_object()) {
    return MakeError(ErrorCode::kInternal,
                     "the stored motion brush is not a JSON object");
  }
  BrushDocument out;
  if (doc.contains("dynamicMasks")) {
    const json& regions = doc["dynamicMasks"];
    if (!regions.is_array()) {
      return MakeError(ErrorCode::kInternal,
                       "the stored motion brush's dynamicMasks is not a list");
    }
    for (const json& r : regions) {
      if (!r.is_object()) continue;
      out.regions.push_back({r.value("maskBlobKey", ""),
                             PointsOf(r.value("trajectory", json::array()))});
    }
    out.static_mask = doc.value("staticMaskBlobKey", "");
    return out;
  }
  // The first format: paths only, with at most one mask for all.
  const json mask = doc.value("maskBlobKey", json());
  for (const json& t : doc.value("trajectories", json::array())) {
    if (!t.is_object()) continue;
    out.regions.push_back({mask.is_string() ? mask.get<std::string>() : "",
                           PointsOf(t.value("points", json::array()))});
  }
  return out;
}

}  // namespace miri
