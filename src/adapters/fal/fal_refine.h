// The local half of a refine. fal has no FLUX.2 mask-inpainting endpoint
// (fal-js libs/client/src/types/endpoints.ts lists only
// fal-ai/flux-2-pro/outpaint), and Miri's FLUX.2 LoRA cannot load into the
// FLUX.1 inpainting endpoints. So a refine is a FLUX.2 LoRA edit of the
// whole image (her LoRA kept), and only the masked region of that edit is
// blended back onto the original here: outside the mask nothing changes.
// Pure functions, safe from any thread.
#ifndef MIRI_ADAPTERS_FAL_FAL_REFINE_H_
#define MIRI_ADAPTERS_FAL_FAL_REFINE_H_

#include <string>
#include <string_view>

#include "adapters/local/raster.h"
#include "domain/result.h"

namespace miri {

// original where the mask is black; `edited` (scaled to the original's
// size when it differs) where it is white, ramping from the original at
// the mask's border to the edit `feather_px` pixels inside it (grey mask
// values scale the blend). The feather lies inside the mask only, so every
// pixel outside it is the original's, bit for bit. INVALID_ARGUMENT when
// the mask's size is not the original's.
Result<local::Image> FeatheredComposite(const local::Image& original,
                                        const local::Image& edited,
                                        const local::Image& mask,
                                        int feather_px);

// The same on PNG bytes; the result is a PNG. INVALID_ARGUMENT naming the
// input that is not a PNG.
Result<std::string> CompositeRefinePng(std::string_view original_png,
                                       std::string_view edited_png,
                                       std::string_view mask_png,
                                       int feather_px);

}  // namespace miri

#endif  // MIRI_ADAPTERS_FAL_FAL_REFINE_H_
