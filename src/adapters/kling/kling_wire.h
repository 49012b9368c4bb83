// Kling configuration and the JSON the Kling adapter puts on the wire
// (providers.md section 3), as pure functions tests can assert on.
//
// Two create endpoints, chosen by the model (domain/video_models.h):
// - POST /v1/videos/image2video (providers.md 3.2): `image`, `image_tail`,
//   masks, `negative_prompt`.
// - POST /v1/videos/omni-video for kling-video-o1 and kling-v3-omni (the
//   "O1"/"O3" models): frames as `image_list: [{image_url, type:
//   first_frame|end_frame}]`, no end frame without a first, no masks, no
//   negative_prompt field (the prompt carries negatives), `duration` a
//   string, queried at GET /v1/videos/omni-video/{task_id}. Source: Kling
//   API reference "Omni-Video"
//   (https://app.klingai.com/global/dev/document-api/apiReference/model/OmniVideo
//   ; the official page was not reachable from here: modelled on its
//   republished copies, github.com/WHQ25/rawgenai
//   docs/research/kling/omni-video-o1.md and resellers' pages of the same
//   API, e.g.
//   https://docs.kkiai.com/Other-Model-APIs/kling-platform-api/omni-video/omni-video-api.html).
#ifndef MIRI_ADAPTERS_KLING_KLING_WIRE_H_
#define MIRI_ADAPTERS_KLING_KLING_WIRE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/curl/http_client.h"
#include "domain/result.h"
#include "domain/video_models.h"
#include "ports/video_generator.h"

namespace miri {

struct KlingConfig {
  std::string access_key;
  std::string secret_key;
  std::string base_url = "https://api-singapore.klingai.com";
  // Our public callback endpoint (POST /api/webhooks/kling); empty = none.
  std::string callback_base_url;
  std::string callback_secret;  // server secret for per-task tokens

  std::string model = "kling-v2-5-turbo";
  std::string mode = "pro";
  // A clip `model` cannot serve in `mode` (a motion brush: only kling-v1
  // and kling-v1-5 have one; an end frame on a master or in std) goes to
  // `model` in its other mode if that serves it, else to the first of
  // reroute_models that can, in `mode` if it has it, else its other mode.
  // reroute = false: such a clip is refused, the reason naming the field.
  bool reroute = true;
  std::vector<std::string> reroute_models = {"kling-v1-5", "kling-v1"};

  FetchPolicy result_fetch = [] {
    FetchPolicy p;
    p.allowed_hosts = {};  // the Kling CDN hosts, from configuration
    p.allowed_content_types = {"video/"};
    p.max_bytes = 512 << 20;
    return p;
  }();
  int64_t request_timeout_ms = 30'000;
  int64_t connect_timeout_ms = 10'000;
};

// Images already encoded as raw base64 (no data: prefix).
struct KlingImages {
  std::string image;
  std::string image_tail;
  std::string static_mask;
  std::vector<std::string> dynamic_masks;  // parallel to the request's
  int frame_height = 0;  // start frame height, for the trajectory flip
};

// How a request is served: on the configured model and mode, or rerouted
// (see KlingConfig::reroute). FAILED_PRECONDITION naming the field and the
// model when nothing may serve it.
Result<ClipPlan> KlingPlanFor(const KlingConfig& c, const VideoRequest& r);
// Everything Submit checks before a request goes out (no I/O).
Result<void> ValidateKlingRequest(const KlingConfig& c, const VideoRequest& r);
// The create body for the plan's endpoint.
nlohmann::json BuildKlingBody(const ClipPlan& plan, const VideoRequest& r,
                              const KlingImages& images,
                              const std::string& callback_url);
// "/v1/videos/image2video" or "/v1/videos/omni-video".
std::string KlingCreatePath(const ClipPlan& plan);
// The task query path of a task created for `model`.
std::string KlingQueryPath(const std::string& model,
                           const std::string& task_id);

struct KlingTask {
  std::string task_id;
  std::string status;  // submitted | processing | succeed | failed
  std::string status_msg;
  std::string external_task_id;
  std::vector<std::string> video_urls;
  std::optional<double> units_charged;  // final_unit_deduction
};
// A task object (query "data" or a callback body).
Result<KlingTask> ParseKlingTask(const nlohmann::json& j);

}  // namespace miri

#endif  // MIRI_ADAPTERS_KLING_KLING_WIRE_H_
