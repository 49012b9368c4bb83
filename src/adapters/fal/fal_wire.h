// The JSON the fal adapter puts on the wire and reads back (providers.md
// sections 1-2), as pure functions so tests can assert exact shapes.
#ifndef MIRI_ADAPTERS_FAL_FAL_WIRE_H_
#define MIRI_ADAPTERS_FAL_FAL_WIRE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/fal/fal_config.h"
#include "domain/result.h"
#include "ports/image_generator.h"

namespace miri {

// Image inputs, already uploaded to fal storage (their URLs).
struct FalInputs {
  std::vector<std::string> reference_urls;  // kEdit
  std::string image_url;                    // kInpaint: the image to refine
  int image_width = 0;                      // kInpaint: its size, which the
  int image_height = 0;                     // edit keeps
};

std::string FalModelFor(const FalConfig& config, ImageRequest::Mode mode);
// Whether a fal model id is a FLUX.2 endpoint (fal-ai/flux-2, -2-pro,
// -2-max, -2-flex, ...): the only ones that can load a FLUX.2 LoRA.
bool IsFlux2Model(std::string_view model_id);
// "owner/app" (the path dropped; workflows/ and comfy/ keep three parts).
std::string FalAppId(std::string_view model_id);

// Checks the request (INVALID_ARGUMENT naming the field), including that
// its LoRAs go to a FLUX.2 endpoint.
Result<void> ValidateFalRequest(const FalConfig& config, const ImageRequest& r);
// The model input body for the request's mode. FLUX.2 has no
// negative_prompt: negatives are appended to the prompt as text.
nlohmann::json BuildFalInput(const FalConfig& config, const ImageRequest& r,
                             const FalInputs& inputs);

struct FalImage {
  std::string url;
  int width = 0;
  int height = 0;
  std::string content_type;
};

// The model output {"images":[...],...}; INVALID_ARGUMENT if no image.
Result<std::vector<FalImage>> ParseFalImages(const nlohmann::json& output);

struct FalWebhook {
  std::string request_id;
  std::string status;  // "OK" | "ERROR"
  nlohmann::json payload;
  std::string error;
  std::string payload_error;
};
Result<FalWebhook> ParseFalWebhook(std::string_view raw_body);

// A readable message from an error body: "detail" string or list of
// {loc,msg,type}, plus whether it was a content-policy rejection.
struct FalErrorInfo {
  std::string message;
  bool content_policy = false;
};
FalErrorInfo DescribeFalError(int http_status, std::string_view body);

}  // namespace miri

#endif  // MIRI_ADAPTERS_FAL_FAL_WIRE_H_
