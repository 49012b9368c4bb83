// Kling configuration and the JSON the Kling adapter puts on the wire
// (providers.md section 3), as pure functions tests can assert on.
#ifndef MIRI_ADAPTERS_KLING_KLING_WIRE_H_
#define MIRI_ADAPTERS_KLING_KLING_WIRE_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/curl/http_client.h"
#include "domain/result.h"
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
  // Motion-brush shots go here: only kling-v1 and kling-v1-5 support masks
  // (providers.md 3.6); kling-v1-5 supports them in pro, 5 s.
  std::string motion_brush_model = "kling-v1-5";
  std::string motion_brush_mode = "pro";
  std::set<std::string> motion_brush_models = {"kling-v1", "kling-v1-5"};
  std::set<std::string> no_end_frame_models = {"kling-v2-master",
                                               "kling-v2-1-master"};

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

// The model a request goes to: motion-brush shots to a model that has it.
std::string KlingModelFor(const KlingConfig& c, const VideoRequest& r);
// "5" / "10" for v1..v2.x; "3".."15" for kling-v3.
std::string KlingDuration(const std::string& model, int64_t duration_ms);
Result<void> ValidateKlingRequest(const KlingConfig& c, const VideoRequest& r);
nlohmann::json BuildKlingBody(const KlingConfig& c, const VideoRequest& r,
                              const KlingImages& images,
                              const std::string& callback_url);

struct KlingTask {
  std::string task_id;
  std::string status;  // submitted | processing | succeed | failed
  std::string status_msg;
  std::string external_task_id;
  std::vector<std::string> video_urls;
};
// A task object (query "data" or a callback body).
Result<KlingTask> ParseKlingTask(const nlohmann::json& j);

}  // namespace miri

#endif  // MIRI_ADAPTERS_KLING_KLING_WIRE_H_
