#include "adapters/kling/kling_wire.h"

#include <algorithm>
#include <cstdlib>

#include "ports/blob_store.h"

namespace miri {

namespace {

constexpr size_t kMaxPrompt = 2500;

ClipNeeds NeedsOf(const VideoRequest& r) {
  return ClipNeeds{r.duration_ms, !r.end_frame_blob.empty(),
                   r.motion_brush.has_value()};
}

// The omni endpoint has no negative_prompt field; its prompt "can include
// positive and negative descriptions".
std::string OmniPrompt(const VideoRequest& r) {
  if (r.negative_prompt.empty()) return r.prompt;
  return r.prompt + " Avoid: " + r.negative_prompt + ".";
}

std::string OtherMode(const std::string& mode) {
  return mode == "pro" ? "std" : "pro";
}

}  // namespace

Result<ClipPlan> KlingPlanFor(const KlingConfig& c, const VideoRequest& r) {
  const ClipNeeds needs = NeedsOf(r);
  Result<ClipPlan> plan = PlanClip(c.model, c.mode, needs);
  if (plan) return plan;
  Error refused = plan.error();
  // An unknown model or mode is a configuration mistake, never rerouted.
  const std::string field =
      refused.issues.empty() ? "" : refused.issues[0].path;
  if (field == "model" || field == "mode") return tl::unexpected(refused);
  std::string tried;
  // The server's setting and the project's (GlobalSettings::
  // allow_video_reroute) must both allow it.
  const bool reroute = c.reroute && r.allow_reroute;
  if (reroute) {
    // The configured model in its other mode first, then the list.
    if (auto same = PlanClip(c.model, OtherMode(c.mode), needs)) return same;
    for (const std::string& m : c.reroute_models) {
      for (const std::string& mode : {c.mode, OtherMode(c.mode)}) {
        Result<ClipPlan> other = PlanClip(m, mode, needs);
        if (other) return other;
      }
      tried += (tried.empty() ? "" : ", ") + m;
    }
  }
  for (FieldIssue& i : refused.issues) {
    i.message +=
        !c.reroute         ? "; rerouting is off"
        : !r.allow_reroute ? "; the project does not allow another model "
                             "(Settings: allow another video model)"
        : tried.empty()    ? "; no reroute model is configured"
                        : "; nor " + tried + " (the configured reroute models)";
  }
  return tl::unexpected(refused);
}

std::string KlingCreatePath(const ClipPlan& plan) {
  return plan.api == VideoApi::kKlingOmniVideo ? "/v1/videos/omni-video"
                                               : "/v1/videos/image2video";
}

std::string KlingQueryPath(const std::string& model,
                           const std::string& task_id) {
  const VideoModel* m = FindVideoModel(model);
  const bool omni = m != nullptr && m->api == VideoApi::kKlingOmniVideo;
  return std::string(omni ? "/v1/videos/omni-video/"
                          : "/v1/videos/image2video/") +
         task_id;
}

Result<void> ValidateKlingRequest(const KlingConfig& c, const VideoRequest& r) {
  std::vector<FieldIssue> issues;
  if (r.job_id.empty()) issues.push_back({"job_id", "required"});
  if (r.start_frame_blob.empty())
    issues.push_back({"start_frame_blob", "required"});
  if (r.negative_prompt.size() > kMaxPrompt)
    issues.push_back({"negative_prompt", "at most 2500 characters"});
  if (!IsValidBlobKey(r.output_key))
    issues.push_back({"output_key", "not a blob key"});
  if (r.duration_ms <= 0) issues.push_back({"duration_ms", "must be positive"});
  if (r.motion_brush) {
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
  Result<ClipPlan> plan = KlingPlanFor(c, r);
  const bool omni = plan && plan->api == VideoApi::kKlingOmniVideo;
  if (omni && OmniPrompt(r).size() > kMaxPrompt) {
    issues.push_back({"prompt",
                      "at most 2500 characters with the negatives folded in "
                      "(omni-video has no negative_prompt)"});
  } else if (r.prompt.size() > kMaxPrompt) {
    issues.push_back({"prompt", "at most 2500 characters"});
  }
  if (!issues.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid video request",
                     std::move(issues));
  }
  if (!plan) return tl::unexpected(plan.error());
  return {};
}

namespace {

nlohmann::json Image2VideoBody(const ClipPlan& plan, const VideoRequest& r,
                               const KlingImages& images) {
  nlohmann::json j = {{"model_name", plan.model},
                      {"mode", plan.mode},
                      {"duration", std::to_string(plan.duration_s)},
                      {"image", images.image},
                      {"prompt", r.prompt}};
  if (!r.negative_prompt.empty()) j["negative_prompt"] = r.negative_prompt;
  // End frame and masks are mutually exclusive (providers.md 3.2); the plan
  // says the model takes the end frame.
  if (!r.motion_brush && !images.image_tail.empty())
    j["image_tail"] = images.image_tail;
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
  return j;
}

nlohmann::json OmniVideoBody(const ClipPlan& plan, const VideoRequest& r,
                             const KlingImages& images) {
  // With a first frame there is no aspect_ratio (it follows the frame) and
  // multi_shot stays false (multi-shot takes no start/end frames).
  nlohmann::json list = nlohmann::json::array(
      {{{"image_url", images.image}, {"type", "first_frame"}}});
  if (!images.image_tail.empty())
    list.push_back({{"image_url", images.image_tail}, {"type", "end_frame"}});
  return {{"model_name", plan.model},
          {"mode", plan.mode},
          {"duration", std::to_string(plan.duration_s)},
          {"prompt", OmniPrompt(r)},
          {"image_list", list}};
}

}  // namespace

nlohmann::json BuildKlingBody(const ClipPlan& plan, const VideoRequest& r,
                              const KlingImages& images,
                              const std::string& callback_url) {
  nlohmann::json j = plan.api == VideoApi::kKlingOmniVideo
                         ? OmniVideoBody(plan, r, images)
                         : Image2VideoBody(plan, r, images);
  // The song is the soundtrack: models that can add sound are told not to.
  const VideoModel* m = FindVideoModel(plan.model);
  if (m != nullptr && m->sound) j["sound"] = "off";
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
  // A string in the docs ("3.5"); a number is taken too.
  if (j.contains("final_unit_deduction")) {
    const auto& u = j["final_unit_deduction"];
    if (u.is_number()) {
      t.units_charged = u.get<double>();
    } else if (u.is_string()) {
      char* end = nullptr;
      const std::string text = u.get<std::string>();
      double v = std::strtod(text.c_str(), &end);
      if (end != text.c_str() && *end == '\0' && v >= 0) t.units_charged = v;
    }
  }
  return t;
}

}  // namespace miri
