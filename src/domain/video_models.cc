#include "domain/video_models.h"

#include <algorithm>
#include <limits>
#include <set>

namespace miri {
namespace {

std::vector<int> Range(int from, int to) {
  std::vector<int> v;
  for (int i = from; i <= to; ++i) v.push_back(i);
  return v;
}

constexpr EndFrame kNo = EndFrame::kNo;
constexpr EndFrame kOpt = EndFrame::kOptional;
constexpr EndFrame kReq = EndFrame::kRequired;

std::string Durations(const std::vector<int>& d) {
  if (d.size() > 2 && d.back() - d.front() + 1 == static_cast<int>(d.size()))
    return std::to_string(d.front()) + "-" + std::to_string(d.back()) + " s";
  std::string s;
  for (int x : d) s += (s.empty() ? "" : "/") + std::to_string(x);
  return s + " s";
}

Error Cannot(std::string_view model, std::string path, std::string why) {
  return Error{ErrorCode::kFailedPrecondition,
               std::string(model) + " cannot serve this clip",
               {{std::move(path), std::move(why)}}};
}

bool Fits(const VideoOffer& o, const ClipNeeds& n) {
  if (n.end_frame ? o.end_frame == kNo : o.end_frame == kReq) return false;
  return !n.motion_brush || o.motion_brush;
}

}  // namespace

const std::vector<VideoModel>& VideoModels() {
  static const std::vector<VideoModel> kModels = {
      {"kling-v1", VideoApi::kKlingImage2Video, false},
      {"kling-v1-5", VideoApi::kKlingImage2Video, false},
      {"kling-v1-6", VideoApi::kKlingImage2Video, false},
      {"kling-v2-master", VideoApi::kKlingImage2Video, false},
      {"kling-v2-1", VideoApi::kKlingImage2Video, false},
      {"kling-v2-1-master", VideoApi::kKlingImage2Video, false},
      {"kling-v2-5-turbo", VideoApi::kKlingImage2Video, false},
      {"kling-v2-6", VideoApi::kKlingImage2Video, true},
      {"kling-v3", VideoApi::kKlingImage2Video, true},
      // The omni models ("O1", "O3") are served only on omni-video.
      {"kling-video-o1", VideoApi::kKlingOmniVideo, false},
      {"kling-v3-omni", VideoApi::kKlingOmniVideo, true},
  };
  return kModels;
}

const std::vector<VideoOffer>& VideoOffers() {
  static const std::vector<VideoOffer> kOffers = {
      // kling-v1: end frame and motion brush at 5 s only, both modes.
      {"kling-v1", "std", {5}, kOpt, true},
      {"kling-v1", "std", {10}, kNo, false},
      {"kling-v1", "pro", {5}, kOpt, true},
      {"kling-v1", "pro", {10}, kNo, false},
      // kling-v1-5: end frame in pro (5/10 s), motion brush pro 5 s.
      {"kling-v1-5", "std", {5, 10}, kNo, false},
      {"kling-v1-5", "pro", {5}, kOpt, true},
      {"kling-v1-5", "pro", {10}, kOpt, false},
      {"kling-v1-6", "std", {5, 10}, kNo, false},
      {"kling-v1-6", "pro", {5, 10}, kOpt, false},
      // The masters have no mode choice (the mode sent is ignored) and no
      // end frame.
      {"kling-v2-master", "std", {5, 10}, kNo, false},
      {"kling-v2-master", "pro", {5, 10}, kNo, false},
      {"kling-v2-1", "std", {5, 10}, kNo, false},
      {"kling-v2-1", "pro", {5, 10}, kOpt, false},
      {"kling-v2-1-master", "std", {5, 10}, kNo, false},
      {"kling-v2-1-master", "pro", {5, 10}, kNo, false},
      {"kling-v2-5-turbo", "std", {5, 10}, kNo, false},
      {"kling-v2-5-turbo", "pro", {5, 10}, kOpt, false},
      // kling-v2-6: end frame in pro, silent video only [UNVERIFIED:
      // republished capability map, not providers.md].
      {"kling-v2-6", "std", {5, 10}, kNo, false},
      {"kling-v2-6", "pro", {5, 10}, kOpt, false},
      // kling-v3: "3".."15"; the 2026 doc's example sends image_tail in std.
      {"kling-v3", "std", Range(3, 15), kOpt, false},
      {"kling-v3", "pro", Range(3, 15), kOpt, false},
      // Omni-Video (O1) FAQ: text and first-frame-only video 5 or 10 s;
      // with first and end frames 3..10 s.
      {"kling-video-o1", "std", {5, 10}, kNo, false},
      {"kling-video-o1", "pro", {5, 10}, kNo, false},
      {"kling-video-o1", "std", Range(3, 10), kReq, false},
      {"kling-video-o1", "pro", Range(3, 10), kReq, false},
      // kling-v3-omni: 3..15 s [UNVERIFIED whether first-frame-only video
      // keeps O1's 5/10 s rule; resellers' copies of the page say 3-15].
      {"kling-v3-omni", "std", Range(3, 15), kOpt, false},
      {"kling-v3-omni", "pro", Range(3, 15), kOpt, false},
  };
  return kOffers;
}

const VideoModel* FindVideoModel(std::string_view id) {
  for (const VideoModel& m : VideoModels()) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

std::string WhereOffered(bool end_frame, bool motion_brush) {
  std::string s;
  for (const VideoOffer& o : VideoOffers()) {
    if ((end_frame && o.end_frame == kNo) || (motion_brush && !o.motion_brush))
      continue;
    s += (s.empty() ? "" : ", ") + std::string(o.model) + " " +
         std::string(o.mode) + " " + Durations(o.durations_s);
  }
  return s.empty() ? "no model" : s;
}

Result<ClipPlan> PlanClip(std::string_view model, std::string_view mode,
                          const ClipNeeds& needs) {
  if (needs.end_frame && needs.motion_brush) {
    return tl::unexpected(
        Cannot(model, "motion_brush",
               "a motion brush and an end frame cannot go in one request"));
  }
  const VideoModel* m = FindVideoModel(model);
  if (m == nullptr) {
    std::string known;
    for (const VideoModel& k : VideoModels())
      known += (known.empty() ? "" : ", ") + std::string(k.id);
    return tl::unexpected(Cannot(model, "model",
                                 "unknown video model '" + std::string(model) +
                                     "' (known: " + known + ")"));
  }
  std::set<std::string_view> modes;
  std::set<int> durations;
  for (const VideoOffer& o : VideoOffers()) {
    if (o.model != model) continue;
    modes.insert(o.mode);
    if (o.mode == mode && Fits(o, needs))
      durations.insert(o.durations_s.begin(), o.durations_s.end());
  }
  if (!modes.count(mode)) {
    std::string list;
    for (std::string_view x : modes)
      list += (list.empty() ? "" : ", ") + std::string(x);
    return tl::unexpected(Cannot(model, "mode",
                                 std::string(model) + " has no mode '" +
                                     std::string(mode) + "' (modes: " + list +
                                     ")"));
  }
  const std::string where = std::string(model) + " " + std::string(mode);
  if (durations.empty() && needs.motion_brush) {
    return tl::unexpected(Cannot(model, "motion_brush",
                                 where + " has no motion brush (offered on: " +
                                     WhereOffered(false, true) + ")"));
  }
  if (durations.empty() && !needs.end_frame) {
    return tl::unexpected(
        Cannot(model, "end_frame_blob", where + " needs an end frame"));
  }
  if (durations.empty()) {
    return tl::unexpected(Cannot(model, "end_frame_blob",
                                 where + " takes no end frame (offered on: " +
                                     WhereOffered(true, false) + ")"));
  }
  const int64_t secs = std::max<int64_t>(1, (needs.duration_ms + 999) / 1000);
  auto covering = durations.lower_bound(static_cast<int>(
      std::min<int64_t>(secs, std::numeric_limits<int>::max())));
  const int chosen =
      covering != durations.end() ? *covering : *durations.rbegin();
  return ClipPlan{std::string(model), std::string(mode), chosen, m->api};
}

}  // namespace miri
