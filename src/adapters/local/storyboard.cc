// The drawing half of storyboard.h: a Cairo storyboard frame.
#include "adapters/local/storyboard.h"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace miri::local {
namespace {

struct Rgb {
  double r, g, b;
};
Rgb ToRgb(Pixel p) {
  return {Red(p) / 255.0, Green(p) / 255.0, Blue(p) / 255.0};
}
Rgb Mix(Pixel a, Pixel b, double t) {
  Rgb x = ToRgb(a), y = ToRgb(b);
  return {x.r + (y.r - x.r) * t, x.g + (y.g - x.g) * t, x.b + (y.b - x.b) * t};
}
void SetColor(cairo_t* cr, Rgb c, double alpha = 1.0) {
  cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

constexpr Pixel kSkin = MakePixel(233, 196, 166);
constexpr Pixel kHair = MakePixel(58, 38, 28);
constexpr Pixel kShoes = MakePixel(40, 36, 40);

struct Framing {
  double horizon;        // fraction of the height
  double figure_height;  // fraction of the height (can exceed 1: cropped)
  double figure_top;     // fraction of the height
};

Framing FramingFor(ShotType t) {
  switch (t) {
    case ShotType::kWide:
      return {0.62, 0.30, 0.40};
    case ShotType::kMedium:
      return {0.70, 0.70, 0.12};
    case ShotType::kCloseUp:
      return {0.80, 1.70, 0.10};
    case ShotType::kExtremeCloseUp:
      return {0.90, 3.40, 0.02};
  }
  return {0.70, 0.70, 0.12};
}

FrameInfo Layout(const FrameSpec& spec, int w, int h, std::mt19937_64& rng) {
  FrameInfo info;
  info.shot = spec.shot;
  info.palette = spec.palette;
  Framing f = FramingFor(spec.shot);
  info.horizon_y = static_cast<int>(std::lround(f.horizon * h));
  double cx = 0;
  if (spec.figure_center_x) {
    cx = *spec.figure_center_x;
  } else {
    std::uniform_real_distribution<double> jitter(-0.04, 0.04);
    cx = ((rng() & 1) ? 2.0 / 3.0 : 1.0 / 3.0) + jitter(rng);
    if (spec.shot == ShotType::kExtremeCloseUp) cx = 0.5 + jitter(rng);
  }
  int fh = static_cast<int>(std::lround(f.figure_height * h));
  int fw = static_cast<int>(std::lround(0.42 * fh));
  info.has_figure = spec.shows_miri;
  info.figure = {static_cast<int>(std::lround(cx * w)) - fw / 2,
                 static_cast<int>(std::lround(f.figure_top * h)), fw, fh};
  int head_h = static_cast<int>(std::lround(0.16 * fh));
  int head_w = static_cast<int>(std::lround(0.13 * fh));
  info.head = {info.figure.x + fw / 2 - head_w / 2, info.figure.y, head_w,
               head_h};
  int band = std::max(8, static_cast<int>(std::lround(0.16 * h)));
  info.caption = {0, h - band, w, band};
  return info;
}

void DrawBackground(cairo_t* cr, const FrameInfo& info, int w, int h,
                    std::mt19937_64& rng) {
  const Palette& p = info.palette;
  cairo_pattern_t* sky = cairo_pattern_create_linear(0, 0, 0, info.horizon_y);
  Rgb top = ToRgb(p.sky_top), bottom = ToRgb(p.sky_bottom);
  cairo_pattern_add_color_stop_rgb(sky, 0, top.r, top.g, top.b);
  cairo_pattern_add_color_stop_rgb(sky, 1, bottom.r, bottom.g, bottom.b);
  cairo_rectangle(cr, 0, 0, w, info.horizon_y);
  cairo_set_source(cr, sky);
  cairo_fill(cr);
  cairo_pattern_destroy(sky);
  SetColor(cr, ToRgb(p.ground));
  cairo_rectangle(cr, 0, info.horizon_y, w, h - info.horizon_y);
  cairo_fill(cr);

  std::uniform_real_distribution<double> u(0.0, 1.0);
  // A sun or moon.
  SetColor(cr, Mix(p.accent, p.sky_bottom, 0.25), 0.9);
  cairo_arc(cr, (0.1 + 0.8 * u(rng)) * w, (0.12 + 0.15 * u(rng)) * h, 0.06 * h,
            0, 2 * M_PI);
  cairo_fill(cr);
  if (info.shot == ShotType::kWide || info.shot == ShotType::kMedium) {
    // A skyline of seeded blocks on the horizon.
    double x = -0.05 * w;
    for (int i = 0; i < 24 && x < w; ++i) {
      double bw = (0.06 + 0.10 * u(rng)) * w;
      double bh = (0.08 + 0.22 * u(rng)) * info.horizon_y;
      SetColor(cr, Mix(p.accent, p.sky_bottom, 0.35 + 0.3 * u(rng)));
      cairo_rectangle(cr, x, info.horizon_y - bh, bw, bh);
      cairo_fill(cr);
      x += bw * (0.8 + 0.4 * u(rng));
    }
  } else {
    // Out-of-focus lights behind a close framing.
    for (int i = 0; i < 5; ++i) {
      SetColor(cr, Mix(p.accent, p.sky_top, 0.3), 0.35);
      cairo_arc(cr, u(rng) * w, u(rng) * info.horizon_y,
                (0.05 + 0.08 * u(rng)) * h, 0, 2 * M_PI);
      cairo_fill(cr);
    }
  }
}

// Miri, modestly and simply: a child's proportions, a loose long-sleeved
// dress of heavy fabric to mid-calf, mouth closed.
void DrawFigure(cairo_t* cr, const FrameInfo& info) {
  const Box& f = info.figure;
  double H = f.h, cx = f.x + f.w / 2.0, y0 = f.y;
  auto Y = [&](double t) { return y0 + t * H; };
  // Legs and shoes below the hem.
  SetColor(cr, ToRgb(kSkin));
  cairo_rectangle(cr, cx - 0.07 * H, Y(0.80), 0.05 * H, 0.16 * H);
  cairo_rectangle(cr, cx + 0.02 * H, Y(0.80), 0.05 * H, 0.16 * H);
  cairo_fill(cr);
  SetColor(cr, ToRgb(kShoes));
  cairo_rectangle(cr, cx - 0.08 * H, Y(0.95), 0.07 * H, 0.05 * H);
  cairo_rectangle(cr, cx + 0.01 * H, Y(0.95), 0.07 * H, 0.05 * H);
  cairo_fill(cr);
  // Hair behind the head, to the shoulders.
  SetColor(cr, ToRgb(kHair));
  cairo_rectangle(cr, cx - 0.075 * H, Y(0.05), 0.15 * H, 0.21 * H);
  cairo_fill(cr);
  // The dress: an A-line from the shoulders to mid-calf, long sleeves.
  SetColor(cr, ToRgb(info.palette.dress));
  cairo_move_to(cr, cx - 0.11 * H, Y(0.19));
  cairo_line_to(cr, cx + 0.11 * H, Y(0.19));
  cairo_line_to(cr, cx + 0.20 * H, Y(0.82));
  cairo_line_to(cr, cx - 0.20 * H, Y(0.82));
  cairo_close_path(cr);
  cairo_fill(cr);
  cairo_set_line_width(cr, 0.05 * H);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  cairo_move_to(cr, cx - 0.11 * H, Y(0.21));
  cairo_line_to(cr, cx - 0.17 * H, Y(0.48));
  cairo_move_to(cr, cx + 0.11 * H, Y(0.21));
  cairo_line_to(cr, cx + 0.17 * H, Y(0.48));
  cairo_stroke(cr);
  SetColor(cr, ToRgb(kSkin));
  cairo_arc(cr, cx - 0.17 * H, Y(0.51), 0.025 * H, 0, 2 * M_PI);
  cairo_arc(cr, cx + 0.17 * H, Y(0.51), 0.025 * H, 0, 2 * M_PI);
  cairo_fill(cr);
  // Neck and head.
  cairo_rectangle(cr, cx - 0.025 * H, Y(0.14), 0.05 * H, 0.06 * H);
  cairo_fill(cr);
  cairo_save(cr);
  cairo_translate(cr, cx, Y(0.08));
  cairo_scale(cr, 0.065 * H, 0.08 * H);
  cairo_arc(cr, 0, 0, 1, 0, 2 * M_PI);
  cairo_restore(cr);
  cairo_fill(cr);
  // Fringe.
  SetColor(cr, ToRgb(kHair));
  cairo_save(cr);
  cairo_translate(cr, cx, Y(0.06));
  cairo_scale(cr, 0.07 * H, 0.06 * H);
  cairo_arc(cr, 0, 0, 1, M_PI, 2 * M_PI);
  cairo_restore(cr);
  cairo_fill(cr);
  // Eyes and a closed mouth (a short line, never an opening).
  SetColor(cr, ToRgb(MakePixel(30, 24, 24)));
  cairo_arc(cr, cx - 0.025 * H, Y(0.085), 0.008 * H, 0, 2 * M_PI);
  cairo_arc(cr, cx + 0.025 * H, Y(0.085), 0.008 * H, 0, 2 * M_PI);
  cairo_fill(cr);
  cairo_set_line_width(cr, std::max(0.5, 0.006 * H));
  cairo_move_to(cr, cx - 0.018 * H, Y(0.125));
  cairo_line_to(cr, cx + 0.018 * H, Y(0.125));
  cairo_stroke(cr);
}

// Text fitted to `max_width`, shortened with "..." when it does not fit.
void ShowFitted(cairo_t* cr, std::string text, double x, double y,
                double max_width) {
  cairo_text_extents_t ext;
  for (int guard = 0; guard < 200 && !text.empty(); ++guard) {
    cairo_text_extents(cr, text.c_str(), &ext);
    if (ext.x_advance <= max_width) break;
    text.resize(text.size() > 4 ? text.size() - 4 : 0);
    text += "...";
  }
  cairo_move_to(cr, x, y);
  cairo_show_text(cr, text.c_str());
}

void DrawText(cairo_t* cr, const FrameSpec& spec, const FrameInfo& info, int w,
              int h) {
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                         CAIRO_FONT_WEIGHT_NORMAL);
  const Box& band = info.caption;
  cairo_set_source_rgba(cr, 0, 0, 0, 0.6);
  cairo_rectangle(cr, band.x, band.y, band.w, band.h);
  cairo_fill(cr);
  double size = std::max(5.0, band.h * 0.36);
  cairo_set_font_size(cr, size);
  cairo_set_source_rgb(cr, 1, 1, 1);
  ShowFitted(cr, spec.caption, 0.03 * w, band.y + band.h * 0.66, 0.94 * w);

  double small = std::max(5.0, 0.045 * h);
  cairo_set_font_size(cr, small);
  std::string label(ShotTypeName(info.shot));
  cairo_text_extents_t ext;
  cairo_text_extents(cr, label.c_str(), &ext);
  cairo_set_source_rgba(cr, 0, 0, 0, 0.6);
  cairo_rectangle(cr, w - ext.x_advance - 0.03 * w, 0, ext.x_advance + 0.03 * w,
                  small * 1.5);
  if (!spec.tag.empty()) {
    cairo_text_extents_t tag;
    cairo_text_extents(cr, spec.tag.c_str(), &tag);
    cairo_rectangle(cr, 0, 0, std::min(tag.x_advance + 0.03 * w, 0.6 * w),
                    small * 1.5);
  }
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  ShowFitted(cr, label, w - ext.x_advance - 0.015 * w, small * 1.1, 0.4 * w);
  if (!spec.tag.empty())
    ShowFitted(cr, spec.tag, 0.015 * w, small * 1.1, 0.57 * w);
}

}  // namespace

RenderedFrame RenderFrame(const FrameSpec& spec, int width, int height) {
  std::mt19937_64 rng(spec.seed);
  RenderedFrame out;
  out.info = Layout(spec, width, height, rng);
  cairo_surface_t* surface =
      cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
  cairo_t* cr = cairo_create(surface);
  DrawBackground(cr, out.info, width, height, rng);
  if (out.info.has_figure) DrawFigure(cr, out.info);
  DrawText(cr, spec, out.info, width, height);
  cairo_destroy(cr);
  out.image = FromSurface(surface);
  cairo_surface_destroy(surface);
  return out;
}

}  // namespace miri::local
