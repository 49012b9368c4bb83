// Configuration of the fal.ai adapter. Hosts, models and prices are
// configuration (providers.md sections 1, 2, 7); defaults name the
// documented endpoints.
#ifndef MIRI_ADAPTERS_FAL_FAL_CONFIG_H_
#define MIRI_ADAPTERS_FAL_FAL_CONFIG_H_

#include <cstdint>
#include <map>
#include <string>

#include "adapters/curl/http_client.h"

namespace miri {

struct FalConfig {
  std::string api_key;  // sent as "Authorization: Key <api_key>"
  std::string queue_base_url = "https://queue.fal.run";
  // fal's REST host: input files are uploaded through its storage API
  // (getRestApiUrl in fal-js libs/client/src/config.ts).
  std::string rest_base_url = "https://rest.fal.ai";
  // Our public webhook endpoint (POST /api/webhooks/fal); empty = no
  // webhook, results only through Poll.
  std::string webhook_url;
  // Server secret that signs the job parameters in the webhook URL
  // (adapters/curl/signed_params.h), so any instance can finish a job
  // another submitted; empty = only the submitting instance can.
  std::string webhook_secret;

  std::string text_to_image_model = "fal-ai/flux-2/lora";
  std::string edit_model = "fal-ai/flux-2/lora/edit";
  // A refine (ImageRequest::Mode::kInpaint) is an edit of the current image
  // on a FLUX.2 LoRA endpoint, then the masked region is composited back
  // here (fal_refine.h): fal has no FLUX.2 mask-inpainting endpoint, and
  // the LoRAs below cannot load into FLUX.1 ones.
  std::string refine_model = "fal-ai/flux-2/lora/edit";
  int refine_feather_px = 12;  // the blend ramp inside the mask's edge
  // loraWeightsId (e.g. "miriN14") -> URL / HF path of the .safetensors.
  // These are FLUX.2 LoRAs: every model above that gets one must be a
  // FLUX.2 endpoint (IsFlux2Model), else the request is refused.
  std::map<std::string, std::string> lora_paths;
  double lora_scale = 1.0;
  int num_inference_steps = 28;
  double guidance_scale = 2.5;
  std::string output_format = "png";  // a refine always asks for png
  bool enable_safety_checker = true;
  int max_edit_references = 3;  // lora/edit: send <= 3 (providers.md 2.2)

  // Where results may be fetched from: fal's CDN, which serves both the
  // apex fal.media and its subdomains (v3.fal.media, ...).
  FetchPolicy result_fetch = [] {
    FetchPolicy p;
    p.allowed_hosts = {"fal.media", "*.fal.media"};
    p.allowed_content_types = {"image/"};
    p.max_bytes = 64 << 20;
    return p;
  }();
  int64_t request_timeout_ms = 30'000;
  int64_t connect_timeout_ms = 10'000;
};

}  // namespace miri

#endif  // MIRI_ADAPTERS_FAL_FAL_CONFIG_H_
