// Storyboard frames: what the local ImageGenerator draws for a prompt.
//
// A FrameSpec is read from the request (side effects as data first): the
// shot type gives the framing, the mood words give the palette, the Miri
// LoRA puts her figure in the frame, the first sentence of the shot's
// subject becomes the caption and the prompt prefix the tag. RenderFrame
// draws it with Cairo. The layout and palette travel inside the PNG (a tEXt
// chunk, FrameInfo) so an edit keeps continuity with its references and the
// local VisionAnalyzer knows where the figure stands.
#ifndef MIRI_ADAPTERS_LOCAL_STORYBOARD_H_
#define MIRI_ADAPTERS_LOCAL_STORYBOARD_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/local/raster.h"
#include "ports/image_generator.h"

namespace miri::local {

enum class ShotType { kWide, kMedium, kCloseUp, kExtremeCloseUp };
std::string_view ShotTypeName(ShotType t);  // "WIDE", "MEDIUM", ...
std::optional<ShotType> ParseShotTypeName(std::string_view name);

struct Palette {
  std::string mood;  // "neutral", "melancholy", "joyful", ...
  Pixel sky_top = 0, sky_bottom = 0, ground = 0, accent = 0, dress = 0;
  friend bool operator==(const Palette&, const Palette&) = default;
};

// Pixel boxes, origin top-left.
struct Box {
  int x = 0, y = 0, w = 0, h = 0;
  friend bool operator==(const Box&, const Box&) = default;
};

// Where things are in a rendered frame (serialised into the PNG).
struct FrameInfo {
  ShotType shot = ShotType::kMedium;
  Palette palette;
  int horizon_y = 0;
  bool has_figure = false;
  Box figure;  // the whole figure (may extend past the frame)
  Box head;
  Box caption;
};

struct FrameSpec {
  std::string tag;  // "[ShotID]_[VersionID]_[ModelCode]" or ""
  ShotType shot = ShotType::kMedium;
  Palette palette;
  bool shows_miri = false;
  std::string caption;  // the shot's action
  uint64_t seed = 0;
  // Continuity from a reference frame: its figure column (fraction of the
  // width, 0..1), kept when set.
  std::optional<double> figure_center_x;
  bool shot_named = false;  // the prompt names the framing (close-up, ...)
};

// Reads the spec from a request (tag, shot type, mood, Miri, caption, seed).
FrameSpec ParseFrameSpec(const ImageRequest& request);

Palette PaletteForMood(std::string_view text);
// The palette of an arbitrary image: sky from the top rows, ground from the
// bottom rows (for references without FrameInfo).
Palette PaletteFromPixels(const Image& image);

struct RenderedFrame {
  Image image;
  FrameInfo info;
};
RenderedFrame RenderFrame(const FrameSpec& spec, int width, int height);

std::string FrameInfoToJson(const FrameInfo& info);
std::optional<FrameInfo> FrameInfoFromJson(std::string_view json);
// The tEXt key under which FrameInfo travels in PNGs.
inline constexpr char kFrameInfoKey[] = "miri:frame";

}  // namespace miri::local

#endif  // MIRI_ADAPTERS_LOCAL_STORYBOARD_H_
