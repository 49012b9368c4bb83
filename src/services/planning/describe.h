// Scene labels and short visual descriptions from a section's energy and
// lyrics. Deterministic templates: the same section gives the same words.
// Descriptions never mention singing or an open mouth (prompt rules keep
// Miri's mouth closed) and name no other character's likeness.
#ifndef MIRI_SERVICES_PLANNING_DESCRIBE_H_
#define MIRI_SERVICES_PLANNING_DESCRIBE_H_

#include <string>
#include <vector>

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
};
ShotLook DescribeShot(const SceneTraits& scene, double median_db,
                      int index_in_scene, const std::string& snippet);

}  // namespace miri

#endif  // MIRI_SERVICES_PLANNING_DESCRIBE_H_
