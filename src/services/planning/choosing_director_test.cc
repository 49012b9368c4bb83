#include "services/planning/choosing_director.h"

#include <gtest/gtest.h>

namespace miri {
namespace {

// A director that returns a fixed plan (or error) and records its calls.
class ScriptedDirector final : public Director {
 public:
  explicit ScriptedDirector(Result<Plan> answer) : answer_(std::move(answer)) {}
  Result<Plan> MakePlan(const PlanRequest& request) override {
    ++calls;
    models.push_back(request.llm_model);
    return answer_;
  }
  int calls = 0;
  std::vector<std::string> models;

 private:
  Result<Plan> answer_;
};

// Two shots over a 6 s song, in one scene: a plan that tiles.
Plan TwoShots(std::string description) {
  Plan p;
  p.duration_ms = 6000;
  Scene scene;
  scene.scene_id = "scene-01";
  scene.start_ms = 0;
  scene.end_ms = 6000;
  p.scenes.push_back(scene);
  for (int i = 0; i < 2; ++i) {
    Shot s;
    s.shot_id = "shot-00" + std::to_string(i + 1);
    s.scene_id = "scene-01";
    s.timestamps = {i * 3000, (i + 1) * 3000};
    s.description = description;
    p.shots.push_back(s);
  }
  return p;
}

PlanRequest WithModel(std::string model) {
  PlanRequest r;
  r.llm_model = std::move(model);
  return r;
}

bool HasWarning(const Plan& p, std::string_view code, std::string_view part) {
  for (const PlanWarning& w : p.warnings) {
    if (w.code == code && w.message.find(part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

TEST(ChoosingDirectorTest, AGeminiModelGoesToGeminiAndThePlanSaysSo) {
  ScriptedDirector local(TwoShots("a quiet street"));
  ScriptedDirector gemini(TwoShots("a rainy rooftop"));
  ChoosingDirector director(local, &gemini);
  Result<Plan> p = director.MakePlan(WithModel("gemini-3.8-flash"));
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  EXPECT_EQ(p->director, "gemini-3.8-flash");
  EXPECT_EQ(gemini.calls, 1);
  EXPECT_EQ(gemini.models, std::vector<std::string>{"gemini-3.8-flash"});
  EXPECT_EQ(local.calls, 0);
  EXPECT_FALSE(HasWarning(*p, "DIRECTOR_FALLBACK", ""));
}

TEST(ChoosingDirectorTest, LocalModelsAndNoModelUseTheLocalDirector) {
  for (const char* model : {"", "local", "local-director"}) {
    ScriptedDirector local(TwoShots("a quiet street"));
    ScriptedDirector gemini(TwoShots("a rainy rooftop"));
    ChoosingDirector director(local, &gemini);
    Result<Plan> p = director.MakePlan(WithModel(model));
    ASSERT_TRUE(p.has_value()) << model;
    EXPECT_EQ(p->director, "local") << model;
    EXPECT_EQ(gemini.calls, 0) << model;
    EXPECT_FALSE(HasWarning(*p, "DIRECTOR_FALLBACK", "")) << model;
  }
}

TEST(ChoosingDirectorTest, AFailingGeminiPlanFallsBackToTheLocalWithTheReason) {
  ScriptedDirector local(TwoShots("a quiet street"));
  ScriptedDirector gemini(
      MakeError(ErrorCode::kUnavailable, "gemini: 503 model overloaded"));
  ChoosingDirector director(local, &gemini);
  Result<Plan> p = director.MakePlan(WithModel("gemini-3.8-flash"));
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  EXPECT_EQ(p->director, "local");
  EXPECT_EQ(local.calls, 1);
  EXPECT_EQ(local.models, std::vector<std::string>{""});
  EXPECT_TRUE(HasWarning(*p, "DIRECTOR_FALLBACK", "503 model overloaded"));
  // Never a half plan: every shot is the local director's.
  for (const Shot& s : p->shots) EXPECT_EQ(s.description, "a quiet street");
}

TEST(ChoosingDirectorTest, AGeminiPlanThatCannotTileTheSongFallsBack) {
  Plan empty;  // no shots, no scenes: nothing to repair
  empty.duration_ms = 6000;
  ScriptedDirector local(TwoShots("a quiet street"));
  ScriptedDirector gemini(empty);
  ChoosingDirector director(local, &gemini);
  Result<Plan> p = director.MakePlan(WithModel("gemini-3.8-flash"));
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  EXPECT_EQ(p->director, "local");
  EXPECT_TRUE(HasWarning(*p, "DIRECTOR_FALLBACK", "Gemini director"));
}

TEST(ChoosingDirectorTest, WithoutAKeyOrForAnotherFamilyTheLocalSaysWhy) {
  ScriptedDirector local(TwoShots("a quiet street"));
  ChoosingDirector no_key(local, nullptr);
  Result<Plan> p = no_key.MakePlan(WithModel("gemini-3.8-flash"));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->director, "local");
  EXPECT_TRUE(HasWarning(*p, "DIRECTOR_FALLBACK", "GEMINI_API_KEY"));

  ScriptedDirector gemini(TwoShots("a rainy rooftop"));
  ChoosingDirector other(local, &gemini);
  p = other.MakePlan(WithModel("claude-sonnet-4-5"));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->director, "local");
  EXPECT_EQ(gemini.calls, 0);
  EXPECT_TRUE(HasWarning(*p, "DIRECTOR_FALLBACK", "claude-sonnet-4-5"));
}

TEST(ChoosingDirectorTest, ALocalFailureIsTheCallersError) {
  ScriptedDirector local(
      MakeError(ErrorCode::kInvalidArgument, "the song lasts 1.0 s"));
  ChoosingDirector director(local, nullptr);
  Result<Plan> p = director.MakePlan(WithModel(""));
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace miri
