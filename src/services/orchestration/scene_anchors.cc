#include "services/orchestration/scene_anchors.h"

#include "domain/screen.h"

namespace miri {

std::map<std::string, std::string> SceneAnchors(
    const std::vector<Shot>& shots) {
  // Per scene: the earliest shot showing Miri, and the earliest shot.
  std::map<std::string, const Shot*> miri, first;
  auto earlier = [](const Shot* a, const Shot& b) {
    return a == nullptr || b.timestamps.start_ms < a->timestamps.start_ms;
  };
  for (const Shot& s : shots) {
    if (earlier(first[s.scene_id], s)) first[s.scene_id] = &s;
    if (EffectiveShowsMiri(s) && earlier(miri[s.scene_id], s)) {
      miri[s.scene_id] = &s;
    }
  }
  std::map<std::string, std::string> out;
  for (const auto& [scene, shot] : first) {
    const Shot* m = miri[scene];
    out[scene] = (m != nullptr ? m : shot)->shot_id;
  }
  return out;
}

std::vector<std::string> ShotsReadyToGenerate(
    const std::vector<Shot>& shots, const std::set<std::string>& sent) {
  const std::map<std::string, std::string> anchors = SceneAnchors(shots);
  std::set<std::string> approved_scenes;
  for (const Shot& s : shots) {
    if (anchors.at(s.scene_id) == s.shot_id &&
        (s.status == ShotStatus::kGeneratingVideo ||
         s.status == ShotStatus::kCompleted)) {
      approved_scenes.insert(s.scene_id);
    }
  }
  std::vector<std::string> out;
  for (const Shot& s : shots) {
    if (s.status != ShotStatus::kDraft || sent.count(s.shot_id)) continue;
    if (anchors.at(s.scene_id) == s.shot_id ||
        approved_scenes.count(s.scene_id)) {
      out.push_back(s.shot_id);
    }
  }
  return out;
}

}  // namespace miri
