#include "adapters/local/local_image_generator.h"

#include <fmt/format.h>

#include "adapters/local/storyboard.h"

namespace miri::local {
namespace {

constexpr int kMinSide = 16;
constexpr int kMaxSide = 4096;
constexpr size_t kMaxReferences = 4;

// Continuity from a reference PNG: its FrameInfo when it carries one,
// otherwise the palette of its pixels. Its framing (shot type, figure
// column) too when `framing` (an inpaint keeps the image's layout).
void TakeContinuity(std::string_view png, const Image& decoded, bool framing,
                    FrameSpec& spec) {
  auto text = PngText(png);
  if (auto it = text.find(kFrameInfoKey); it != text.end()) {
    if (auto info = FrameInfoFromJson(it->second)) {
      spec.palette = info->palette;
      if (!framing) return;
      spec.shot = info->shot;
      if (info->has_figure && decoded.width > 0) {
        spec.figure_center_x =
            (info->figure.x + info->figure.w / 2.0) / decoded.width;
      }
      return;
    }
  }
  spec.palette = PaletteFromPixels(decoded);
}

Result<Image> LoadPng(BlobStore& blobs, const std::string& key,
                      std::string* bytes_out) {
  ASSIGN_OR_RETURN(std::string bytes, blobs.Get(key), "reading " + key);
  ASSIGN_OR_RETURN(Image image, DecodePng(bytes), "decoding " + key);
  if (bytes_out != nullptr) *bytes_out = std::move(bytes);
  return image;
}

// out = old where mask is black, the new render where white, blended between.
Image Composite(const Image& old_image, const Image& fresh, const Image& mask) {
  Image out = old_image;
  for (size_t i = 0; i < out.px.size(); ++i) {
    int a = Luma(mask.px[i]);
    if (a == 0) continue;
    Pixel o = old_image.px[i], n = fresh.px[i];
    auto mix = [a](int x, int y) {
      return (x * (255 - a) + y * a + 127) / 255;
    };
    out.px[i] = MakePixel(mix(Red(o), Red(n)), mix(Green(o), Green(n)),
                          mix(Blue(o), Blue(n)));
  }
  return out;
}

JobOutcome ToOutcome(Result<std::string> r) {
  JobOutcome out;
  if (r) {
    out.output_blobs.push_back(std::move(*r));
  } else {
    out.error = std::move(r.error());
  }
  return out;
}

}  // namespace

Result<void> ValidateImageRequest(const ImageRequest& r) {
  std::vector<FieldIssue> issues;
  if (r.job_id.empty()) issues.push_back({"job_id", "required"});
  if (r.prompt.empty()) issues.push_back({"prompt", "required"});
  if (r.width < kMinSide || r.width > kMaxSide) {
    issues.push_back({"width", fmt::format("must be {}..{}, got {}", kMinSide,
                                           kMaxSide, r.width)});
  }
  if (r.height < kMinSide || r.height > kMaxSide) {
    issues.push_back({"height", fmt::format("must be {}..{}, got {}", kMinSide,
                                            kMaxSide, r.height)});
  }
  if (!IsValidBlobKey(r.output_key)) {
    issues.push_back({"output_key", "not a valid blob key"});
  }
  if (r.mode == ImageRequest::Mode::kEdit) {
    if (r.reference_blobs.empty()) {
      issues.push_back(
          {"reference_blobs", "an edit needs at least one reference"});
    } else if (r.reference_blobs.size() > kMaxReferences) {
      issues.push_back(
          {"reference_blobs", fmt::format("at most {}", kMaxReferences)});
    }
  }
  if (r.mode == ImageRequest::Mode::kInpaint) {
    if (r.image_blob.empty())
      issues.push_back({"image_blob", "inpainting needs the image"});
    if (r.mask_blob.empty())
      issues.push_back({"mask_blob", "inpainting needs a mask"});
  }
  if (!issues.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid image request",
                     std::move(issues));
  }
  return {};
}

Result<std::string> GenerateImage(BlobStore& blobs, const ImageRequest& r) {
  FrameSpec spec = ParseFrameSpec(r);
  RenderedFrame frame;
  if (r.mode == ImageRequest::Mode::kTextToImage) {
    frame = RenderFrame(spec, r.width, r.height);
  } else if (r.mode == ImageRequest::Mode::kEdit) {
    std::string bytes;
    ASSIGN_OR_RETURN(Image ref,
                     LoadPng(blobs, r.reference_blobs.front(), &bytes),
                     "reference_blobs[0]");
    // The references keep the scene's look; the prompt says how this shot
    // is framed (FLUX.2 edit reads it the same way), else the reference.
    TakeContinuity(bytes, ref, !spec.shot_named, spec);
    frame = RenderFrame(spec, r.width, r.height);
  } else {
    std::string bytes;
    ASSIGN_OR_RETURN(Image image, LoadPng(blobs, r.image_blob, &bytes),
                     "image_blob");
    ASSIGN_OR_RETURN(Image mask, LoadPng(blobs, r.mask_blob, nullptr),
                     "mask_blob");
    if (mask.width != image.width || mask.height != image.height) {
      return MakeError(
          ErrorCode::kInvalidArgument, "mask and image differ in size",
          {{"mask_blob", fmt::format("{}x{}, image is {}x{}", mask.width,
                                     mask.height, image.width, image.height)}});
    }
    // The framing stays the image's; a mood the prompt names recolours the
    // masked region (that is what the person asked to change).
    Palette asked = spec.palette;
    TakeContinuity(bytes, image, /*framing=*/true, spec);
    if (asked.mood != "neutral") spec.palette = asked;
    frame = RenderFrame(spec, image.width, image.height);
    frame.image = Composite(image, frame.image, mask);
  }
  ASSIGN_OR_RETURN(
      std::string png,
      EncodePng(frame.image, {{kFrameInfoKey, FrameInfoToJson(frame.info)}}),
      "encoding the frame");
  RETURN_IF_ERROR(blobs.Put(r.output_key, png), "writing " + r.output_key);
  return r.output_key;
}

LocalImageGenerator::LocalImageGenerator(BlobStore* blobs, ResultSink* sink,
                                         LocalProviderOptions options)
    : blobs_(blobs), runner_("local-image", sink, options) {}

Result<Dispatch> LocalImageGenerator::Submit(const ImageRequest& request) {
  RETURN_IF_ERROR(ValidateImageRequest(request), "local-image");
  return runner_.Submit(
      request.job_id, EstimateCostMicros(request),
      [this, request] { return ToOutcome(GenerateImage(*blobs_, request)); });
}

Result<std::optional<ProviderResult>> LocalImageGenerator::Poll(
    std::string_view job_id) {
  return runner_.Poll(job_id);
}

}  // namespace miri::local
