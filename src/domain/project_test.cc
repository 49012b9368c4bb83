#include "domain/project.h"

#include <gtest/gtest.h>

#include "domain/test_docs.h"

namespace miri {
namespace {

using nlohmann::json;
using testdocs::Absent;
using testdocs::With;

using testdocs::BadField;
using testdocs::ExpectRefused;

TEST(ProjectConfigTest, RoundTrips) {
  Result<ProjectConfig> p = ParseDocument<ProjectConfig>(testdocs::Project());
  ASSERT_TRUE(p) << p.error().ToString();
  EXPECT_EQ(p->global_settings.budget_cap_usd, 12.5);
  EXPECT_FALSE(p->global_settings.require_human_approval);
  EXPECT_EQ(p->ToJson(), testdocs::Project());
  EXPECT_EQ(ParseDocument<ProjectConfig>(p->ToJson()), p);
}

TEST(ProjectConfigTest, RequireHumanApprovalDefaultsToTrue) {
  json doc = With(testdocs::Project(), "/globalSettings/requireHumanApproval",
                  Absent());
  Result<ProjectConfig> p = ParseDocument<ProjectConfig>(doc);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->global_settings.require_human_approval);
}

TEST(ProjectConfigTest, ImageRouteDefaultsToAutoAndIsWrittenOnlyWhenSet) {
  Result<ProjectConfig> p = ParseDocument<ProjectConfig>(testdocs::Project());
  ASSERT_TRUE(p);
  EXPECT_EQ(p->global_settings.image_route, "auto");
  EXPECT_FALSE(p->ToJson()["globalSettings"].contains("imageRoute"));
  json doc =
      With(testdocs::Project(), "/globalSettings/imageRoute", "cheapest");
  Result<ProjectConfig> cheap = ParseDocument<ProjectConfig>(doc);
  ASSERT_TRUE(cheap) << cheap.error().ToString();
  EXPECT_EQ(cheap->global_settings.image_route, "cheapest");
  EXPECT_EQ(cheap->ToJson(), doc);
}

TEST(ProjectConfigTest, EveryBadFieldIsNamed) {
  const BadField kBad[] = {
      {"/projectId", "not-a-uuid", "projectId", "expected a UUID"},
      {"/projectId", 42, "projectId", "expected string, got number"},
      {"/projectId", Absent(), "projectId", "required"},
      {"/projectName", "", "projectName", "must not be empty"},
      {"/projectName", std::string(201, 'x'), "projectName", "at most 200"},
      {"/projectName", true, "projectName", "expected string, got boolean"},
      {"/globalSettings", "x", "globalSettings", "expected object, got string"},
      {"/globalSettings", Absent(), "globalSettings", "required"},
      {"/globalSettings/llmModel", "", "globalSettings.llmModel", "empty"},
      {"/globalSettings/llmModel", Absent(), "globalSettings.llmModel",
       "required"},
      {"/globalSettings/imageModel", 1, "globalSettings.imageModel",
       "expected string"},
      {"/globalSettings/videoModel", json::array(), "globalSettings.videoModel",
       "expected string, got array"},
      {"/globalSettings/loraWeightsId", "otherLora",
       "globalSettings.loraWeightsId", "only through the LoRA miriN14"},
      {"/globalSettings/loraWeightsId", Absent(),
       "globalSettings.loraWeightsId", "required"},
      {"/globalSettings/requireHumanApproval", "false",
       "globalSettings.requireHumanApproval", "expected boolean, got string"},
      {"/globalSettings/budgetCapUsd", -1, "globalSettings.budgetCapUsd",
       "between 0"},
      {"/globalSettings/budgetCapUsd", "10", "globalSettings.budgetCapUsd",
       "expected number"},
      {"/globalSettings/imageRoute", "vertex-please",
       "globalSettings.imageRoute", "must be auto, cheapest or fal"},
      {"/globalSettings/imageRoute", 3, "globalSettings.imageRoute",
       "expected string"},
      {"/globalSettings/extra", 1, "globalSettings.extra", "unknown field"},
      {"/creationTimestamp", "yesterday", "creationTimestamp", "ISO-8601"},
      {"/creationTimestamp", Absent(), "creationTimestamp", "required"},
      {"/surprise", 1, "surprise", "unknown field"},
  };
  for (const BadField& bad : kBad)
    ExpectRefused<ProjectConfig>(testdocs::Project(), bad);
}

TEST(ProjectConfigTest, AllProblemsAreReportedAtOnce) {
  json doc = testdocs::Project();
  doc["projectId"] = 1;
  doc["globalSettings"]["requireHumanApproval"] = "yes";
  Result<ProjectConfig> p = ParseDocument<ProjectConfig>(doc);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().issues.size(), 2u);
  EXPECT_EQ(
      p.error().ToString(),
      "invalid project: projectId: expected string, got number; "
      "globalSettings.requireHumanApproval: expected boolean, got string");
}

TEST(AgentConfigTest, RoundTrips) {
  Result<AgentConfig> a = ParseDocument<AgentConfig>(testdocs::AgentConfig());
  ASSERT_TRUE(a) << a.error().ToString();
  EXPECT_EQ(a->role, AgentRole::kDirector);
  EXPECT_EQ(a->ToJson(), testdocs::AgentConfig());
}

TEST(AgentConfigTest, EveryBadFieldIsNamed) {
  const BadField kBad[] = {
      {"/configId", "a b", "configId", "expected an id"},
      {"/role", "BOSS", "role", "expected one of ORCHESTRATOR, AUDITOR"},
      {"/role", 3, "role", "expected string, got number"},
      {"/modelString", "", "modelString", "empty"},
      {"/active", "true", "active", "expected boolean"},
      {"/active", Absent(), "active", "required"},
      {"/updatedAt", "2026-01-01", "updatedAt", "ISO-8601"},
      {"/x", 0, "x", "unknown field"},
  };
  for (const BadField& bad : kBad)
    ExpectRefused<AgentConfig>(testdocs::AgentConfig(), bad);
}

TEST(AgentRoleTest, NamesRoundTrip) {
  for (AgentRole r : {AgentRole::kOrchestrator, AgentRole::kAuditor,
                      AgentRole::kVisionAnalyzer, AgentRole::kDirector}) {
    EXPECT_EQ(ParseAgentRole(AgentRoleName(r)), r);
  }
}

TEST(SceneTest, RoundTrips) {
  Result<Scene> s = ParseDocument<Scene>(testdocs::Scene());
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(s->ToJson(), testdocs::Scene());
}

TEST(SceneTest, EveryBadFieldIsNamed) {
  const BadField kBad[] = {
      {"/sceneId", "", "sceneId", "must not be empty"},
      {"/startMs", -5, "startMs", "at least 0"},
      {"/startMs", "0", "startMs", "expected integer"},
      {"/endMs", 0, "endMs", "greater than startMs"},
      {"/endMs", 4'000'000, "endMs", "at most 3600000"},
      {"/label", "", "label", "empty"},
      {"/description", 5, "description", "expected string"},
      {"/mood", "x", "mood", "unknown field"},
  };
  for (const BadField& bad : kBad) ExpectRefused<Scene>(testdocs::Scene(), bad);
}

TEST(ShotTest, RoundTrips) {
  Result<Shot> s = ParseDocument<Shot>(testdocs::Shot());
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(s->status, ShotStatus::kDraft);
  EXPECT_EQ(s->ToJson(), testdocs::Shot());
}

TEST(ShotTest, EveryBadFieldIsNamed) {
  const BadField kBad[] = {
      {"/shotId", "sh 1", "shotId", "expected an id"},
      {"/sceneId", Absent(), "sceneId", "required"},
      {"/timestamps", 3, "timestamps", "expected object, got number"},
      {"/timestamps/startMs", 1.5, "timestamps.startMs", "expected integer"},
      {"/timestamps/endMs", 0, "timestamps.endMs", "greater than startMs"},
      {"/timestamps/durationMs", 1, "timestamps.durationMs", "unknown field"},
      {"/lyricsSnippet", Absent(), "lyricsSnippet", "required"},
      {"/lyricsSnippet", 1, "lyricsSnippet", "expected string"},
      {"/status", "DONE", "status", "expected one of DRAFT"},
      {"/versions", "v1", "versions", "expected array, got string"},
      {"/versions", Absent(), "versions", "required"},
      {"/versions/0", 7, "versions[0]", "expected string, got number"},
      {"/description", false, "description", "expected string"},
      {"/showsMiri", "yes", "showsMiri", "expected boolean"},
  };
  for (const BadField& bad : kBad) ExpectRefused<Shot>(testdocs::Shot(), bad);
}

TEST(ShotTest, ParsesFromText) {
  Result<Shot> s = ParseDocumentText<Shot>(testdocs::Shot().dump());
  ASSERT_TRUE(s);
  Result<Shot> bad = ParseDocumentText<Shot>("{\"shotId\": ");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message.find("invalid shot: malformed JSON"),
            std::string::npos);
}

}  // namespace
}  // namespace miri
