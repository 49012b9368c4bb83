#include "adapters/kling/kling_wire.h"

#include <algorithm>

#include "ports/blob_store.h"

namespace miri {

std::string KlingModelFor(const KlingConfig& c, const VideoRequest& r) {
  return r.motion_brush ? c.motion_brush_model : c.model;
}

std::string KlingDuration(const std::string& model, int64_t duration_ms) {
  int64_t secs = (duration_ms + 999) / 1000;
  if (model.rfind("kling-v3", 0) == 0)
    return std::to_string(std::clamp<int64_t>(secs, 3, 15));
  return secs <= 5 ? "5" : "10";
}

Result<void> ValidateKlingRequest(const KlingConfig& c, const VideoRequest& r) {
  std::vector<FieldIssue> issues;
  if (r.job_id.empty()) issues.push_back({"job_id", "required"});
  if (r.start_frame_blob.empty())
    issues.push_back({"start_frame_blob", "required"});
  if (r.prompt.size() > 2500)
    issues.push_back({"prompt", "at most 2500 characters"});
  if (r.negative_prompt.size() > 2500)
    issues.push_back({"negative_prompt", "at most 2500 characters"});
  if (!IsValidBlobKey(r.output_key))
    issues.push_back({"output_key", "not a blob key"});
  if (r.duration_ms <= 0) issues.push_back({"duration_ms", "must be positive"});
  if (r.motion_brush) {
    if (!c.motion_brush_models.count(KlingModelFor(c, r))) {
      issues.push_back(
          {"motion_brush", "configured model has no motion brush"});
    }
    if (r.motion_brush->dynamic_masks.size() > 6) {
      issues.push_back({"motion_brush.dynamic_masks", "at most 6"});
    }
    const auto& masks = r.motion_brush->dynamic_masks;
    for (size_t i = 0; i < masks.size(); ++i) {
      if (masks[i].trajectory.size() < 2 || masks[i].trajectory.size() > 77) {
        issues.push_back(
            {"motion_brush.dynamic_masks[" + std::to_string(i) + "].trajectory",
             "2..77 points"});
      }
    }
  }
  if (!issues.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid video request",
                     std::move(issues));
  }
  return {};
}

nlohmann::json BuildKlingBody(const KlingConfig& c, const VideoRequest& r,
                              const KlingImages& images,
                              const std::string& callback_url) {
  std::string model = KlingModelFor(c, r);
  nlohmann::json j = {
      {"model_name", model},
      {"mode", r.motion_brush ? c.motion_brush_mode : c.mode},
      {"duration", r.motion_brush ? "5" : KlingDuration(model, r.duration_ms)},
      {"image", images.image},
      {"prompt", r.prompt}};
  if (!r.negative_prompt.empty()) j["negative_prompt"] = r.negative_prompt;
  // End frame and masks are mutually exclusive (providers.md 3.2).
  if (!r.motion_brush && !images.image_tail.empty() &&
      !c.no_end_frame_models.count(model)) {
    j["image_tail"] = images.image_tail;
  }
  if (r.motion_brush) {
    if (!images.static_mask.empty()) j["static_mask"] = images.static_mask;
    nlohmann::json masks = nlohmann::json::array();
    for (size_t i = 0; i < r.motion_brush->dynamic_masks.size(); ++i) {
      nlohmann::json traj = nlohmann::json::array();
      for (const TrajectoryPoint& p :
           r.motion_brush->dynamic_masks[i].trajectory) {
        // Ours: origin top-left. Kling's: origin bottom-left.
        traj.push_back({{"x", p.x}, {"y", images.frame_height - p.y}});
      }
      masks.push_back(
          {{"mask",
            i < images.dynamic_masks.size() ? images.dynamic_masks[i] : ""},
           {"trajectories", traj}});
    }
    if (!masks.empty()) j["dynamic_masks"] = masks;
  }
  if (!callback_url.empty()) j["callback_url"] = callback_url;
  j["external_task_id"] = r.job_id;
  return j;
}

Result<KlingTask> ParseKlingTask(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("task_id") || !j.contains("task_status") ||
      !j["task_status"].is_string()) {
    return MakeError(ErrorCode::kInvalidArgument, "malformed Kling task");
  }
  KlingTask t;
  t.task_id = j["task_id"].is_string() ? j["task_id"].get<std::string>()
                                       : j["task_id"].dump();
  t.status = j["task_status"];
  if (j.contains("task_status_msg") && j["task_status_msg"].is_string())
    t.status_msg = j["task_status_msg"];
  if (j.contains("task_info") && j["task_info"].is_object() &&
      j["task_info"].contains("external_task_id") &&
      j["task_info"]["external_task_id"].is_string()) {
    t.external_task_id = j["task_info"]["external_task_id"];
  }
  if (j.contains("task_result") && j["task_result"].is_object() &&
      j["task_result"].contains("videos") &&
      j["task_result"]["videos"].is_array()) {
    for (const auto& v : j["task_result"]["videos"]) {
      if (v.is_object() && v.contains("url") && v["url"].is_string())
        t.video_urls.push_back(v["url"]);
    }
  }
  return t;
}

}  // namespace miri
