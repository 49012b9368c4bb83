#include "testing/store_fixtures.h"

#include <iterator>
#include <string_view>

namespace miri::testing {

namespace {
constexpr char kAt[] = "2026-03-02T10:15:04Z";
}  // namespace

ProjectConfig SampleProject(const std::string& id_suffix) {
  ProjectConfig p;
  p.project_id = "123e4567-e89b-12d3-a456-" + id_suffix;
  p.project_name = "Rain Song";
  p.global_settings = {"gemini-2.5-pro",
                       "fal-ai/flux-2/lora",
                       "kling-v2-5-turbo",
                       "miriN14",
                       true,
                       10.0};
  p.creation_timestamp = kAt;
  return p;
}

Shot SampleShot(const std::string& shot_id, int64_t start_ms, int64_t end_ms) {
  Shot s;
  s.shot_id = shot_id;
  s.scene_id = "sc1";
  s.timestamps = {start_ms, end_ms};
  s.lyrics_snippet = "rain on the roof";
  s.description = "Miri at a window";
  return s;
}

Version SampleVersion(const std::string& version_id,
                      const std::string& shot_id) {
  Version v;
  v.version_id = version_id;
  v.shot_id = shot_id;
  v.kind = VersionKind::kImage;
  v.prompt = "[" + shot_id + "]_[" + version_id + "]_[FLUX2] a window";
  v.model_code = "FLUX2";
  v.model = "fal-ai/flux-2/lora";
  v.parameters = {{"seed", 7}};
  v.created_at = kAt;
  return v;
}

Event ShotEvent(const std::string& shot_id, std::optional<ShotStatus> from,
                ShotStatus to, const std::string& key) {
  Event e;
  e.event_id = "ev-" + key;
  for (char& c : e.event_id) {
    if (!IsSafeId(std::string(1, c))) c = '-';
  }
  e.shot_id = shot_id;
  if (from) e.from = std::string(ShotStatusName(*from));
  e.to = std::string(ShotStatusName(to));
  e.cause = "test";
  e.at = kAt;
  e.idempotency_key = key;
  return e;
}

Result<void> WalkShot(Store& store, std::string_view project_id,
                      const std::string& shot_id, ShotStatus last) {
  using S = ShotStatus;
  const S path[] = {S::kDraft,           S::kValidation,
                    S::kGeneratingImage, S::kAwaitingApproval,
                    S::kGeneratingVideo, S::kCompleted};
  for (size_t i = 1; i < std::size(path); ++i) {
    RETURN_IF_ERROR(
        store.AppendEvent(project_id,
                          ShotEvent(shot_id, path[i - 1], path[i],
                                    shot_id + "-" + std::to_string(i))),
        "walking " + shot_id);
    if (path[i] == last) return {};
  }
  return {};
}

PlanCommit SamplePlan(const std::string& prefix, int n) {
  PlanCommit plan;
  plan.at = kAt;
  plan.scenes.push_back({"sc1", 0, 4000 * n, "verse", "rain"});
  for (int i = 0; i < n; ++i) {
    plan.shots.push_back(
        SampleShot(prefix + "-" + std::to_string(i), 4000 * i, 4000 * (i + 1)));
  }
  return plan;
}

}  // namespace miri::testing
