// Scene anchors (issue 16 item 7): the look of a scene is set by one
// approved image before the rest of the scene is drawn, so the rest are
// made with it as a reference (ApprovedReferences, requests.h). A scene's
// anchor is its first shot showing Miri, else its first shot. Scenes do
// not wait for each other. Pure functions over the shots' projections.
#ifndef MIRI_SERVICES_ORCHESTRATION_SCENE_ANCHORS_H_
#define MIRI_SERVICES_ORCHESTRATION_SCENE_ANCHORS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "domain/project.h"

namespace miri {

// Scene id -> the shot id of its anchor.
std::map<std::string, std::string> SceneAnchors(const std::vector<Shot>& shots);

// The DRAFT shots to generate now, in the order of `shots`, leaving out
// those in `sent`: every anchor, and the other shots of a scene once its
// anchor is approved (GENERATING_VIDEO or COMPLETED).
std::vector<std::string> ShotsReadyToGenerate(
    const std::vector<Shot>& shots, const std::set<std::string>& sent);

}  // namespace miri

#endif  // MIRI_SERVICES_ORCHESTRATION_SCENE_ANCHORS_H_
