#include "adapters/local/animator.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <string>

namespace miri::local {
namespace {

uint8_t Clamp8(int v) { return static_cast<uint8_t>(std::clamp(v, 0, 255)); }

void Rgb2Yuv(int r, int g, int b, int& y, int& u, int& v) {
  y = 16 + ((66 * r + 129 * g + 25 * b + 128) >> 8);
  u = 128 + ((-38 * r - 74 * g + 112 * b + 128) >> 8);
  v = 128 + ((112 * r - 94 * g - 18 * b + 128) >> 8);
}

struct Bounds {
  int x0, y0, x1, y1;  // inclusive-exclusive
};

Bounds BoundsOf(const Mask& m) {
  Bounds b{m.width, m.height, 0, 0};
  for (int y = 0; y < m.height; ++y) {
    for (int x = 0; x < m.width; ++x) {
      if (!m.at(x, y)) continue;
      b.x0 = std::min(b.x0, x), b.y0 = std::min(b.y0, y);
      b.x1 = std::max(b.x1, x + 1), b.y1 = std::max(b.y1, y + 1);
    }
  }
  if (b.x0 >= b.x1) b = {0, 0, 0, 0};
  return b;
}

// dst = src viewed through a camera that zooms by `zoom` around the source
// point (cx, cy) (pixels), bilinear in 8.8 fixed point. Separable: source
// rows are interpolated horizontally once (tables per frame, rows cached:
// with zoom >= 1 neighbouring output rows share source rows), then blended
// vertically.
void WarpPlane(const uint8_t* src, int w, int h, double zoom, double cx,
               double cy, uint8_t* dst, int stride) {
  if (w < 2 || h < 2) return;
  thread_local std::vector<int> x0;
  thread_local std::vector<uint16_t> wx, row_a, row_b;
  x0.resize(w), wx.resize(w), row_a.resize(w), row_b.resize(w);
  for (int x = 0; x < w; ++x) {
    double fx = std::clamp(cx + (x + 0.5 - w / 2.0) / zoom - 0.5, 0.0, w - 1.0);
    int i = std::min(static_cast<int>(fx), w - 2);
    x0[x] = i;
    wx[x] = static_cast<uint16_t>(std::lround((fx - i) * 256));
  }
  int cached_a = -1, cached_b = -1;
  auto interpolate = [&](int sy, std::vector<uint16_t>& out) {
    const uint8_t* r = src + static_cast<size_t>(sy) * w;
    for (int x = 0; x < w; ++x) {
      int i = x0[x];
      out[x] = static_cast<uint16_t>(r[i] * (256 - wx[x]) + r[i + 1] * wx[x]);
    }
  };
  for (int y = 0; y < h; ++y) {
    double fy = std::clamp(cy + (y + 0.5 - h / 2.0) / zoom - 0.5, 0.0, h - 1.0);
    int y0 = std::min(static_cast<int>(fy), h - 2);
    uint32_t wy = static_cast<uint32_t>(std::lround((fy - y0) * 256));
    if (cached_a != y0) {
      if (cached_b == y0) {
        std::swap(row_a, row_b);
        std::swap(cached_a, cached_b);
      } else {
        interpolate(y0, row_a);
        cached_a = y0;
      }
    }
    if (cached_b != y0 + 1) {
      interpolate(y0 + 1, row_b);
      cached_b = y0 + 1;
    }
    uint8_t* out = dst + static_cast<size_t>(y) * stride;
    const uint16_t* a = row_a.data();
    const uint16_t* b = row_b.data();
    for (int x = 0; x < w; ++x) {
      out[x] =
          static_cast<uint8_t>((a[x] * (256 - wy) + b[x] * wy + 32768) >> 16);
    }
  }
}

void CopyPlane(const uint8_t* src, int w, int h, uint8_t* dst, int stride) {
  for (int y = 0; y < h; ++y) {
    std::memcpy(dst + static_cast<size_t>(y) * stride,
                src + static_cast<size_t>(y) * w, w);
  }
}

void BlendInto(uint8_t* dst, int stride, const uint8_t* other, int w, int h,
               int t256) {
  for (int y = 0; y < h; ++y) {
    uint8_t* d = dst + static_cast<size_t>(y) * stride;
    const uint8_t* o = other + static_cast<size_t>(y) * w;
    for (int x = 0; x < w; ++x)
      d[x] =
          static_cast<uint8_t>((d[x] * (256 - t256) + o[x] * t256 + 128) >> 8);
  }
}

bool Has(const std::string& s, std::string_view w) {
  return s.find(w) != std::string::npos;
}

}  // namespace

Planes ToPlanes(const Image& rgb) {
  Planes p;
  p.width = rgb.width & ~1;
  p.height = rgb.height & ~1;
  int cw = p.width / 2, ch = p.height / 2;
  p.y.resize(static_cast<size_t>(p.width) * p.height);
  p.u.resize(static_cast<size_t>(cw) * ch);
  p.v.resize(static_cast<size_t>(cw) * ch);
  int y, u, v;
  for (int j = 0; j < p.height; ++j) {
    for (int i = 0; i < p.width; ++i) {
      Pixel px = rgb.at(i, j);
      Rgb2Yuv(Red(px), Green(px), Blue(px), y, u, v);
      p.y[static_cast<size_t>(j) * p.width + i] = Clamp8(y);
    }
  }
  for (int j = 0; j < ch; ++j) {
    for (int i = 0; i < cw; ++i) {
      int r = 0, g = 0, b = 0;
      for (int dy = 0; dy < 2; ++dy) {
        for (int dx = 0; dx < 2; ++dx) {
          Pixel px = rgb.at(2 * i + dx, 2 * j + dy);
          r += Red(px), g += Green(px), b += Blue(px);
        }
      }
      Rgb2Yuv(r / 4, g / 4, b / 4, y, u, v);
      p.u[static_cast<size_t>(j) * cw + i] = Clamp8(u);
      p.v[static_cast<size_t>(j) * cw + i] = Clamp8(v);
    }
  }
  return p;
}

CameraMove CameraMoveFor(std::string_view prompt) {
  std::string s(prompt);
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  CameraMove m;
  if (Has(s, "static") || Has(s, "locked")) return m;
  if (Has(s, "zoom in") || Has(s, "push in") || Has(s, "dolly in")) {
    m.zoom_to = 1.15;
  } else if (Has(s, "zoom out") || Has(s, "pull back") || Has(s, "dolly out")) {
    m.zoom_from = 1.15;
  } else if (Has(s, "pan left") || Has(s, "pan right")) {
    m.zoom_from = m.zoom_to = 1.12;
    double dir = Has(s, "pan left") ? -1.0 : 1.0;
    m.pan_x_from = -0.05 * dir, m.pan_x_to = 0.05 * dir;
  } else if (Has(s, "tilt up") || Has(s, "tilt down")) {
    m.zoom_from = m.zoom_to = 1.12;
    double dir = Has(s, "tilt up") ? -1.0 : 1.0;
    m.pan_y_from = -0.05 * dir, m.pan_y_to = 0.05 * dir;
  } else {
    m.zoom_to = 1.06;  // a gentle push-in keeps an animatic alive
  }
  return m;
}

Mask MaskFromImage(const Image& image) {
  Mask m{image.width, image.height,
         std::vector<uint8_t>(static_cast<size_t>(image.width) * image.height)};
  for (size_t i = 0; i < image.px.size(); ++i)
    m.on[i] = Luma(image.px[i]) >= 128 ? 1 : 0;
  return m;
}

Animator::Animator(AnimationPlan plan)
    : plan_(std::move(plan)), holed_(plan_.start) {
  const int w = holed_.width, h = holed_.height, cw = w / 2;
  for (const MotionLayer& layer : plan_.layers) {
    Bounds b = BoundsOf(layer.mask);
    if (b.x1 == 0) continue;
    // The colour just around the region fills the hole it leaves.
    int64_t sy = 0, su = 0, sv = 0, n = 0;
    for (int y = std::max(0, b.y0 - 3); y < std::min(h, b.y1 + 3); ++y) {
      for (int x = std::max(0, b.x0 - 3); x < std::min(w, b.x1 + 3); ++x) {
        if (layer.mask.at(x, y)) continue;
        sy += plan_.start.y[static_cast<size_t>(y) * w + x];
        su += plan_.start.u[static_cast<size_t>(y / 2) * cw + x / 2];
        sv += plan_.start.v[static_cast<size_t>(y / 2) * cw + x / 2];
        ++n;
      }
    }
    if (n == 0) n = 1, sy = 16, su = sv = 128;
    for (int y = b.y0; y < b.y1; ++y) {
      for (int x = b.x0; x < b.x1; ++x) {
        if (!layer.mask.at(x, y)) continue;
        holed_.y[static_cast<size_t>(y) * w + x] = static_cast<uint8_t>(sy / n);
        holed_.u[static_cast<size_t>(y / 2) * cw + x / 2] =
            static_cast<uint8_t>(su / n);
        holed_.v[static_cast<size_t>(y / 2) * cw + x / 2] =
            static_cast<uint8_t>(sv / n);
      }
    }
  }
}

TrajectoryPoint Animator::PathAt(size_t layer, double t) const {
  const auto& path = plan_.layers[layer].path;
  if (path.size() < 2) return path.empty() ? TrajectoryPoint{} : path.front();
  double s = std::clamp(t, 0.0, 1.0) * static_cast<double>(path.size() - 1);
  size_t j = std::min(static_cast<size_t>(s), path.size() - 2);
  double f = s - static_cast<double>(j);
  return {static_cast<int>(
              std::lround(path[j].x + (path[j + 1].x - path[j].x) * f)),
          static_cast<int>(
              std::lround(path[j].y + (path[j + 1].y - path[j].y) * f))};
}

void Animator::Render(int k, int n, PlaneView y, PlaneView u,
                      PlaneView v) const {
  const int w = width(), h = height(), cw = w / 2, ch = h / 2;
  const double t = n > 1 ? static_cast<double>(k) / (n - 1) : 0.0;
  const int t256 = static_cast<int>(std::lround(t * 256));
  const Planes& base = plan_.layers.empty() ? plan_.start : holed_;
  thread_local std::vector<uint8_t> scratch;

  if (plan_.layers.empty()) {
    const CameraMove& c = plan_.camera;
    double zoom = c.zoom_from + (c.zoom_to - c.zoom_from) * t;
    double px = (c.pan_x_from + (c.pan_x_to - c.pan_x_from) * t) * w;
    double py = (c.pan_y_from + (c.pan_y_to - c.pan_y_from) * t) * h;
    const bool identity = zoom == 1.0 && px == 0.0 && py == 0.0;
    auto warp = [&](const Planes& p, PlaneView dy, PlaneView du, PlaneView dv) {
      if (identity) {
        CopyPlane(p.y.data(), w, h, dy.data, dy.stride);
        CopyPlane(p.u.data(), cw, ch, du.data, du.stride);
        CopyPlane(p.v.data(), cw, ch, dv.data, dv.stride);
        return;
      }
      WarpPlane(p.y.data(), w, h, zoom, w / 2.0 + px, h / 2.0 + py, dy.data,
                dy.stride);
      WarpPlane(p.u.data(), cw, ch, zoom, cw / 2.0 + px / 2, ch / 2.0 + py / 2,
                du.data, du.stride);
      WarpPlane(p.v.data(), cw, ch, zoom, cw / 2.0 + px / 2, ch / 2.0 + py / 2,
                dv.data, dv.stride);
    };
    warp(base, y, u, v);
    if (plan_.end && t256 > 0) {
      scratch.resize(static_cast<size_t>(w) * h * 3 / 2);
      uint8_t* sy = scratch.data();
      uint8_t* su = sy + static_cast<size_t>(w) * h;
      uint8_t* sv = su + static_cast<size_t>(cw) * ch;
      warp(*plan_.end, {sy, w}, {su, cw}, {sv, cw});
      BlendInto(y.data, y.stride, sy, w, h, t256);
      BlendInto(u.data, u.stride, su, cw, ch, t256);
      BlendInto(v.data, v.stride, sv, cw, ch, t256);
    }
  } else {
    CopyPlane(base.y.data(), w, h, y.data, y.stride);
    CopyPlane(base.u.data(), cw, ch, u.data, u.stride);
    CopyPlane(base.v.data(), cw, ch, v.data, v.stride);
    if (plan_.end && t256 > 0) {
      BlendInto(y.data, y.stride, plan_.end->y.data(), w, h, t256);
      BlendInto(u.data, u.stride, plan_.end->u.data(), cw, ch, t256);
      BlendInto(v.data, v.stride, plan_.end->v.data(), cw, ch, t256);
    }
    for (size_t i = 0; i < plan_.layers.size(); ++i) {
      const MotionLayer& layer = plan_.layers[i];
      TrajectoryPoint at = PathAt(i, t);
      int dx = at.x - layer.path.front().x, dy = at.y - layer.path.front().y;
      int cdx = static_cast<int>(std::lround(dx / 2.0)),
          cdy = static_cast<int>(std::lround(dy / 2.0));
      for (int sy = 0; sy < h; ++sy) {
        int ty = sy + dy;
        if (ty < 0 || ty >= h) continue;
        for (int sx = 0; sx < w; ++sx) {
          if (!layer.mask.at(sx, sy)) continue;
          int tx = sx + dx;
          if (tx < 0 || tx >= w) continue;
          y.data[static_cast<size_t>(ty) * y.stride + tx] =
              plan_.start.y[static_cast<size_t>(sy) * w + sx];
          if ((sx & 1) || (sy & 1)) continue;
          int ux = sx / 2 + cdx, uy = sy / 2 + cdy;
          if (ux < 0 || ux >= cw || uy < 0 || uy >= ch) continue;
          size_t src = static_cast<size_t>(sy / 2) * cw + sx / 2;
          u.data[static_cast<size_t>(uy) * u.stride + ux] = plan_.start.u[src];
          v.data[static_cast<size_t>(uy) * v.stride + ux] = plan_.start.v[src];
        }
      }
    }
  }
  if (plan_.still) {
    const Mask& m = *plan_.still;
    for (int sy = 0; sy < h; ++sy) {
      for (int sx = 0; sx < w; ++sx) {
        if (!m.at(sx, sy)) continue;
        y.data[static_cast<size_t>(sy) * y.stride + sx] =
            plan_.start.y[static_cast<size_t>(sy) * w + sx];
        if ((sx & 1) || (sy & 1)) continue;
        size_t src = static_cast<size_t>(sy / 2) * cw + sx / 2;
        u.data[static_cast<size_t>(sy / 2) * u.stride + sx / 2] =
            plan_.start.u[src];
        v.data[static_cast<size_t>(sy / 2) * v.stride + sx / 2] =
            plan_.start.v[src];
      }
    }
  }
}

}  // namespace miri::local
