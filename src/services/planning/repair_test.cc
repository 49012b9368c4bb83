#include "services/planning/repair.h"

#include <random>

#include <gtest/gtest.h>

#include "domain/screen.h"
#include "services/planning/describe.h"
#include "services/planning/planner.h"

namespace miri {
namespace {

Shot MakeShot(std::string id, std::string scene, int64_t s, int64_t e) {
  Shot shot;
  shot.shot_id = std::move(id);
  shot.scene_id = std::move(scene);
  shot.timestamps = {s, e};
  return shot;
}

bool Logged(const Plan& p, std::string_view words) {
  for (const PlanWarning& w : p.warnings)
    if (w.code == "PLAN_REPAIRED" && w.message.find(words) != std::string::npos)
      return true;
  return false;
}

TEST(RepairTest, ABrokenPlanIsRepairedAndEachRepairLogged) {
  Plan p;
  p.duration_ms = 30000;
  for (int64_t b = 0; b < 30000; b += 500) p.beats_ms.push_back(b);
  p.scenes = {{"s1", 0, 12000, "verse", ""},
              {"s2", 11000, 40000, "chorus", ""}};
  p.shots = {MakeShot("c", "s2", 14000, 26000),   // too long, out of order
             MakeShot("a", "s1", 500, 6000),      // does not start at 0
             MakeShot("b", "s1", 5000, 9000),     // overlaps a
             MakeShot("bad", "s1", 9000, 8000),   // ends before it starts
             MakeShot("d", "s2", 26000, 27000),   // too short
             MakeShot("e", "s2", 27000, 45000)};  // past the end
  Plan r = RepairPlan(p, PlanLimits{});
  Result<void> ok = CheckTiling(r, PlanLimits{});
  ASSERT_TRUE(ok.has_value()) << ok.error().ToString();
  EXPECT_TRUE(Logged(r, "dropped shot bad"));
  EXPECT_TRUE(Logged(r, "sorted shots"));
  EXPECT_TRUE(Logged(r, "trimmed shot b"));
  EXPECT_TRUE(Logged(r, "filled the gap 9000..14000"));
  EXPECT_TRUE(Logged(r, "extended shot a back to the song's start"));
  EXPECT_TRUE(Logged(r, "clamped shot e"));
  EXPECT_TRUE(Logged(r, "split shot"));
  EXPECT_TRUE(Logged(r, "merged shot d"));
  EXPECT_TRUE(Logged(r, "moved scene s2"));
}

TEST(RepairTest, AValidPlanIsUntouched) {
  Plan p;
  p.duration_ms = 12000;
  p.scenes = {{"s1", 0, 12000, "verse", ""}};
  p.shots = {MakeShot("a", "s1", 0, 5000), MakeShot("b", "s1", 5000, 12000)};
  Plan r = RepairPlan(p, PlanLimits{});
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_EQ(r.shots[1].timestamps.start_ms, 5000);
}

class FixedDirector final : public Director {
 public:
  explicit FixedDirector(Plan plan) : plan_(std::move(plan)) {}
  Result<Plan> MakePlan(const PlanRequest&) override { return plan_; }

 private:
  Plan plan_;
};

bool Warned(const Plan& p, std::string_view code, std::string_view words) {
  for (const PlanWarning& w : p.warnings)
    if (w.code == code && w.message.find(words) != std::string::npos)
      return true;
  return false;
}

// Issue 18: a director (a cloud model) may describe a child in a shot it
// marks as not showing Miri, or children other than Miri.
TEST(CheckedDirectorTest, EveryChildIsMiriAndNoOtherChildLeavesThePlanner) {
  Plan p;
  p.duration_ms = 12000;
  p.scenes = {{"s1", 0, 12000, "verse", ""}};
  p.shots = {MakeShot("a", "s1", 0, 4000), MakeShot("b", "s1", 4000, 8000),
             MakeShot("c", "s1", 8000, 12000)};
  p.shots[0].shows_miri = false;
  p.shots[0].description = "a young girl walks home alone in the rain";
  p.shots[1].shows_miri = false;
  p.shots[1].description = "two kids chase each other across the playground";
  p.shots[2].shows_miri = false;
  p.shots[2].description = "rain on an empty street";
  FixedDirector inner(p);
  CheckedDirector director(inner);
  Result<Plan> r = director.MakePlan({});
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_TRUE(r->shots[0].shows_miri);
  EXPECT_EQ(r->shots[0].description,
            "a young girl walks home alone in the rain");
  EXPECT_TRUE(Warned(*r, "PLAN_CHILD_IS_MIRI", "shot a"));
  EXPECT_EQ(r->shots[1].description.find("kids"), std::string::npos);
  EXPECT_TRUE(ScreenText(r->shots[1].description, TextChannel::kPlanEdit,
                         r->shots[1].shows_miri)
                  .allowed());
  EXPECT_TRUE(Warned(*r, "PLAN_UNSAFE_DESCRIPTION",
                     "only Miri may appear as a child, through her LoRA"));
  EXPECT_FALSE(r->shots[2].shows_miri);
}

// A director's end state is prompt text (the end frame's): one that breaks
// a rule is dropped with the reason, and the clip starts from the start
// frame alone.
TEST(CheckedDirectorTest, AnUnsafeEndStateIsDroppedWithTheReason) {
  Plan p;
  p.duration_ms = 8000;
  p.scenes = {{"s1", 0, 8000, "verse", ""}};
  p.shots = {MakeShot("a", "s1", 0, 4000), MakeShot("b", "s1", 4000, 8000)};
  p.shots[0].description = "Miri at a rainy window";
  p.shots[0].end_state = "Miri opens her mouth and sings";
  p.shots[1].description = "Miri at a rainy window";
  p.shots[1].end_state = "Miri has turned toward the lamp";
  FixedDirector inner(p);
  CheckedDirector director(inner);
  Result<Plan> r = director.MakePlan({});
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->shots[0].end_state, "");
  EXPECT_TRUE(Warned(*r, "PLAN_UNSAFE_DESCRIPTION", "end state"));
  EXPECT_EQ(r->shots[1].end_state, "Miri has turned toward the lamp");
}

TEST(DescribeTest, LyricsWithOtherChildrenAreNotQuoted) {
  SceneTraits verse{.energy_db = -20, .vocal = true, .label = "verse"};
  ShotLook look =
      DescribeShot(verse, -20, 0, "the children are playing in the street");
  EXPECT_EQ(look.description.find("children"), std::string::npos);
  EXPECT_TRUE(look.shows_miri);
}

TEST(RepairTest, EmptyPlanBecomesOneSceneOfShots) {
  Plan p;
  p.duration_ms = 25000;
  Plan r = RepairPlan(p, PlanLimits{});
  ASSERT_TRUE(CheckTiling(r, PlanLimits{}).has_value());
  EXPECT_TRUE(Logged(r, "one shot now covers the song"));
  EXPECT_EQ(r.shots.size(), 3u);
}

TEST(RepairTest, UnsafeAndDuplicateIdsAreRenamed) {
  Plan p;
  p.duration_ms = 10000;
  p.scenes = {{"scene one", 0, 10000, "verse", ""}};
  p.shots = {MakeShot("x", "scene one", 0, 5000),
             MakeShot("x", "scene one", 5000, 10000)};
  Plan r = RepairPlan(p, PlanLimits{});
  ASSERT_TRUE(CheckTiling(r, PlanLimits{}).has_value());
  EXPECT_EQ(r.scenes[0].scene_id, "scene-01");
  EXPECT_NE(r.shots[0].shot_id, r.shots[1].shot_id);
}

TEST(RepairPropertyTest, RandomPlansAlwaysComeOutTiled) {
  std::mt19937 rng(99);
  for (int round = 0; round < 300; ++round) {
    Plan p;
    p.duration_ms = std::uniform_int_distribution<int64_t>(2000, 400000)(rng);
    std::uniform_int_distribution<int64_t> t(-5000, p.duration_ms + 5000);
    int scenes = std::uniform_int_distribution<int>(0, 6)(rng);
    for (int k = 0; k < scenes; ++k)
      p.scenes.push_back({"s" + std::to_string(k), t(rng), t(rng), "x", ""});
    int shots = std::uniform_int_distribution<int>(0, 80)(rng);
    for (int k = 0; k < shots; ++k) {
      int64_t s = t(rng);
      p.shots.push_back(MakeShot(
          "k" + std::to_string(k % 50), "s0", s,
          s + std::uniform_int_distribution<int64_t>(-1000, 20000)(rng)));
    }
    Plan r = RepairPlan(p, PlanLimits{});
    Result<void> ok = CheckTiling(r, PlanLimits{});
    ASSERT_TRUE(ok.has_value())
        << "round " << round << ": " << ok.error().ToString();
  }
}

}  // namespace
}  // namespace miri
