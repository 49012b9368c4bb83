// Animator: the frames of a local clip, as data and arithmetic only (no
// codec). An AnimationPlan holds the start (and optional end) picture in
// yuv420p planes, a camera move, and motion-brush layers; RenderAnimationFrame
// draws frame k of n into caller-provided planes. The local VideoGenerator
// feeds those frames to the FFmpeg adapter's VideoWriter.
//
// - Without a motion brush: the start picture cross-fades into the end
//   picture while the camera zooms/pans (from the prompt's words).
// - With a motion brush the camera is locked (as Kling's API does): each
//   dynamic region is lifted out of the picture (its hole filled with the
//   colour around it) and moved along its trajectory, with the points spread
//   evenly over the clip; the static region is repainted from the start
//   picture on every frame, so it never moves.
#ifndef MIRI_ADAPTERS_LOCAL_ANIMATOR_H_
#define MIRI_ADAPTERS_LOCAL_ANIMATOR_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "adapters/local/raster.h"
#include "ports/video_generator.h"

namespace miri::local {

// yuv420p picture, even width and height, BT.601 limited range.
struct Planes {
  int width = 0, height = 0;
  std::vector<uint8_t> y, u, v;  // y: w*h; u, v: (w/2)*(h/2)
};
Planes ToPlanes(const Image& rgb);

// A destination plane (e.g. an AVFrame's data[i] and linesize[i]).
struct PlaneView {
  uint8_t* data = nullptr;
  int stride = 0;
};

struct CameraMove {
  double zoom_from = 1.0, zoom_to = 1.0;
  // Offsets of the view centre, as fractions of the width/height.
  double pan_x_from = 0, pan_x_to = 0, pan_y_from = 0, pan_y_to = 0;
  friend bool operator==(const CameraMove&, const CameraMove&) = default;
};
// From the prompt: zoom/push in, zoom out/pull back, pan left/right, tilt
// up/down, static/locked; otherwise a gentle push-in.
CameraMove CameraMoveFor(std::string_view prompt);

// A binary mask at the output size (1 = inside).
struct Mask {
  int width = 0, height = 0;
  std::vector<uint8_t> on;
  bool at(int x, int y) const {
    return on[static_cast<size_t>(y) * width + x] != 0;
  }
};
Mask MaskFromImage(const Image& image);  // luma >= 128 is inside

struct MotionLayer {
  Mask mask;
  std::vector<TrajectoryPoint> path;  // output pixels, >= 2 points
};

struct AnimationPlan {
  Planes start;
  std::optional<Planes> end;
  CameraMove camera;
  std::vector<MotionLayer> layers;  // non-empty: camera is locked
  std::optional<Mask> still;        // the static region
};

// Precomputes what every frame shares (the start picture with holes filled).
class Animator {
 public:
  explicit Animator(AnimationPlan plan);
  int width() const { return plan_.start.width; }
  int height() const { return plan_.start.height; }
  // Draws frame k of n (0 <= k < n) into y/u/v.
  void Render(int k, int n, PlaneView y, PlaneView u, PlaneView v) const;
  // Where layer i's path is at time t in [0, 1] (rounded pixels).
  TrajectoryPoint PathAt(size_t layer, double t) const;

 private:
  AnimationPlan plan_;
  Planes holed_;  // start with every dynamic region filled
};

}  // namespace miri::local

#endif  // MIRI_ADAPTERS_LOCAL_ANIMATOR_H_
