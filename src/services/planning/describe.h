// Scene labels and short visual descriptions from a section's energy and
// lyrics. Deterministic templates: the same section gives the same words.
// Descriptions never mention singing or an open mouth (prompt rules keep
// Miri's mouth closed) and name no other character's likeness.
#ifndef MIRI_SERVICES_PLANNING_DESCRIBE_H_
#define MIRI_SERVICES_PLANNING_DESCRIBE_H_

#include <string>
#include <vector>

#include "ports/director.h"

namespace miri {

struct SceneTraits {
  double energy_db = 0;
  bool vocal = false;  // lyrics fall in it
  bool first = false;
  bool last = false;
  std::string label;  // set by LabelScenes
};

// intro / outro (lyric-less first and last), instrumental (lyric-less in
// between), chorus (vocal, at least 1.5 dB above the vocal scenes' mean
// energy), verse (other vocal). Repeated labels are numbered: "verse 2".
void LabelScenes(std::vector<SceneTraits>& scenes);

std::string SceneDescription(const SceneTraits& scene, double median_db);

struct ShotLook {
  std::string description;
  bool shows_miri = true;
  std::string end_state;  // where the shot ends (Shot::end_state)
};
ShotLook DescribeShot(const SceneTraits& scene, double median_db,
                      int index_in_scene, const std::string& snippet);

// Whoever wrote a plan's descriptions (a template, a cloud model), what
// leaves the planner keeps Miri's rules: a shot that shows a child shows
// Miri (PLAN_CHILD_IS_MIRI), and a description the request screen refuses
// (another child, a short dress, ...) is replaced by a plain one, with the
// reason (PLAN_UNSAFE_DESCRIPTION). Each change is a warning on the plan.
void KeepDescriptionsSafe(std::vector<Shot>* shots,
                          std::vector<PlanWarning>* warnings);

}  // namespace miri

#endif  // MIRI_SERVICES_PLANNING_DESCRIBE_H_
