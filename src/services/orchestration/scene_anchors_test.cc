#include "services/orchestration/scene_anchors.h"

#include <gtest/gtest.h>

#include "testing/store_fixtures.h"

namespace miri::testing {
namespace {

// sc1: a0 (scenery), a1 (Miri), a2 (Miri); sc2: b0 (scenery), b1 (scenery).
std::vector<Shot> TwoScenes() {
  std::vector<Shot> shots;
  for (int i = 0; i < 5; ++i) {
    Shot s = SampleShot((i < 3 ? "a" : "b") + std::to_string(i < 3 ? i : i - 3),
                        4000 * i, 4000 * (i + 1));
    s.scene_id = i < 3 ? "sc1" : "sc2";
    if (i == 0 || i >= 3) {
      s.shows_miri = false;
      s.description = "an empty street in the rain";
      s.lyrics_snippet = "";
    }
    shots.push_back(s);
  }
  return shots;
}

TEST(SceneAnchorsTest, TheFirstShotShowingMiriElseTheFirstShot) {
  std::vector<Shot> shots = TwoScenes();
  EXPECT_EQ(SceneAnchors(shots),
            (std::map<std::string, std::string>{{"sc1", "a1"}, {"sc2", "b0"}}));
}

TEST(SceneAnchorsTest, TheRestOfASceneWaitsForItsApprovedAnchorOnly) {
  std::vector<Shot> shots = TwoScenes();
  // Nothing sent: the anchors of both scenes, at once.
  EXPECT_EQ(ShotsReadyToGenerate(shots, {}),
            (std::vector<std::string>{"a1", "b0"}));
  // Sent, and sc2's anchor is awaiting approval: nothing more yet.
  shots[1].status = ShotStatus::kGeneratingImage;
  shots[3].status = ShotStatus::kAwaitingApproval;
  EXPECT_TRUE(ShotsReadyToGenerate(shots, {"a1", "b0"}).empty());
  // sc2's anchor approved: the rest of sc2, while sc1 still waits.
  shots[3].status = ShotStatus::kGeneratingVideo;
  EXPECT_EQ(ShotsReadyToGenerate(shots, {"a1", "b0"}),
            std::vector<std::string>{"b1"});
  // sc1's anchor completed: the rest of sc1 (b1 is sent by now).
  shots[1].status = ShotStatus::kCompleted;
  EXPECT_EQ(ShotsReadyToGenerate(shots, {"a1", "b0", "b1"}),
            (std::vector<std::string>{"a0", "a2"}));
}

}  // namespace
}  // namespace miri::testing
