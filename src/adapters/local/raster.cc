#include "adapters/local/raster.h"

#include <cairo.h>
#include <zlib.h>

#include <cstring>
#include <memory>

namespace miri::local {
namespace {

constexpr unsigned char kPngSignature[8] = {0x89, 'P',  'N',  'G',
                                            '\r', '\n', 0x1A, '\n'};

struct SurfaceFree {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceFree>;

cairo_status_t AppendToString(void* closure, const unsigned char* data,
                              unsigned int length) {
  static_cast<std::string*>(closure)->append(
      reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

struct ReadCursor {
  std::string_view bytes;
  size_t pos = 0;
};

cairo_status_t ReadFromView(void* closure, unsigned char* data,
                            unsigned int length) {
  auto* c = static_cast<ReadCursor*>(closure);
  if (c->bytes.size() - c->pos < length) return CAIRO_STATUS_READ_ERROR;
  std::memcpy(data, c->bytes.data() + c->pos, length);
  c->pos += length;
  return CAIRO_STATUS_SUCCESS;
}

void PutBigEndian32(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

uint32_t GetBigEndian32(std::string_view s, size_t pos) {
  auto b = [&](size_t i) {
    return static_cast<uint32_t>(static_cast<uint8_t>(s[pos + i]));
  };
  return (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
}

std::string Chunk(std::string_view type, std::string_view data) {
  std::string out;
  PutBigEndian32(out, static_cast<uint32_t>(data.size()));
  std::string body = std::string(type) + std::string(data);
  out += body;
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(body.data()),
              static_cast<uInt>(body.size()));
  PutBigEndian32(out, static_cast<uint32_t>(crc));
  return out;
}

bool IsPng(std::string_view bytes) {
  return bytes.size() >= 8 &&
         std::memcmp(bytes.data(), kPngSignature, sizeof(kPngSignature)) == 0;
}

}  // namespace

Image FromSurface(cairo_surface_t* surface) {
  cairo_surface_flush(surface);
  int w = cairo_image_surface_get_width(surface);
  int h = cairo_image_surface_get_height(surface);
  int stride = cairo_image_surface_get_stride(surface);
  cairo_format_t format = cairo_image_surface_get_format(surface);
  const unsigned char* data = cairo_image_surface_get_data(surface);
  Image out(w, h);
  for (int y = 0; y < h; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(data + y * stride);
    for (int x = 0; x < w; ++x) {
      uint32_t p = row[x];
      // Premultiplied ARGB over black is the colour channels themselves.
      if (format == CAIRO_FORMAT_ARGB32 || format == CAIRO_FORMAT_RGB24) {
        out.at(x, y) = 0xFF000000u | (p & 0x00FFFFFFu);
      }
    }
  }
  return out;
}

cairo_surface_t* ToSurface(const Image& image) {
  cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
                                                  image.width, image.height);
  cairo_surface_flush(s);
  int stride = cairo_image_surface_get_stride(s);
  unsigned char* data = cairo_image_surface_get_data(s);
  for (int y = 0; y < image.height; ++y) {
    std::memcpy(data + y * stride,
                &image.px[static_cast<size_t>(y) * image.width],
                static_cast<size_t>(image.width) * 4);
  }
  cairo_surface_mark_dirty(s);
  return s;
}

Result<std::string> EncodePng(const Image& image,
                              const std::map<std::string, std::string>& text) {
  if (image.width <= 0 || image.height <= 0) {
    return MakeError(ErrorCode::kInvalidArgument, "encoding an empty image");
  }
  SurfacePtr s(ToSurface(image));
  std::string png;
  if (cairo_surface_write_to_png_stream(s.get(), AppendToString, &png) !=
      CAIRO_STATUS_SUCCESS) {
    return MakeError(ErrorCode::kInternal, "cairo could not encode the PNG");
  }
  if (text.empty()) return png;
  // Insert the tEXt chunks right after IHDR (signature 8 + IHDR 25 bytes).
  constexpr size_t kAfterIhdr = 8 + 4 + 4 + 13 + 4;
  std::string chunks;
  for (const auto& [key, value] : text) {
    chunks += Chunk("tEXt", key + std::string(1, '\0') + value);
  }
  png.insert(kAfterIhdr, chunks);
  return png;
}

Result<Image> DecodePng(std::string_view bytes) {
  if (!IsPng(bytes)) {
    return MakeError(ErrorCode::kInvalidArgument, "not a PNG image");
  }
  ReadCursor cursor{bytes};
  SurfacePtr s(
      cairo_image_surface_create_from_png_stream(ReadFromView, &cursor));
  if (cairo_surface_status(s.get()) != CAIRO_STATUS_SUCCESS) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string("cannot decode PNG: ") +
                         cairo_status_to_string(cairo_surface_status(s.get())));
  }
  return FromSurface(s.get());
}

std::map<std::string, std::string> PngText(std::string_view bytes) {
  std::map<std::string, std::string> out;
  if (!IsPng(bytes)) return out;
  size_t pos = 8;
  for (int guard = 0; guard < 10000 && pos + 12 <= bytes.size(); ++guard) {
    uint32_t len = GetBigEndian32(bytes, pos);
    if (len > bytes.size() - pos - 12) break;
    std::string_view type = bytes.substr(pos + 4, 4);
    std::string_view data = bytes.substr(pos + 8, len);
    if (type == "tEXt") {
      size_t nul = data.find('\0');
      if (nul != std::string_view::npos) {
        out[std::string(data.substr(0, nul))] =
            std::string(data.substr(nul + 1));
      }
    }
    if (type == "IDAT" || type == "IEND") break;  // text precedes the pixels
    pos += 12 + len;
  }
  return out;
}

Image Resize(const Image& image, int width, int height) {
  if (image.width == width && image.height == height) return image;
  SurfacePtr src(ToSurface(image));
  SurfacePtr dst(
      cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height));
  cairo_t* cr = cairo_create(dst.get());
  cairo_scale(cr, static_cast<double>(width) / image.width,
              static_cast<double>(height) / image.height);
  cairo_set_source_surface(cr, src.get(), 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
  cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD);
  cairo_paint(cr);
  cairo_destroy(cr);
  return FromSurface(dst.get());
}

}  // namespace miri::local
