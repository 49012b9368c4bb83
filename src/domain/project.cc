#include "domain/project.h"

#include <cmath>

namespace miri {

using nlohmann::json;

namespace {

// Cross-field rule shared by scenes and shots: 0 <= start < end <= 1 h.
void ReadSpan(JsonReader& r, int64_t* start, int64_t* end) {
  *start = r.Int("startMs", 0, kMaxTimelineMs);
  *end = r.Int("endMs", 0, kMaxTimelineMs);
  if (r.Has("startMs") && r.Has("endMs") && *end <= *start) {
    r.Add("endMs", "must be greater than startMs");
  }
}

}  // namespace

bool IsImageRoute(std::string_view route) {
  return route == "auto" || route == "cheapest" || route == "fal";
}

int64_t GlobalSettings::BudgetCapMicros() const {
  return std::llround(budget_cap_usd * 1'000'000.0);
}

GlobalSettings GlobalSettings::Read(JsonReader& r) {
  GlobalSettings g;
  g.llm_model = r.String("llmModel", kNonEmpty);
  g.image_model = r.String("imageModel", kNonEmpty);
  g.video_model = r.String("videoModel", kNonEmpty);
  g.lora_weights_id = r.String("loraWeightsId", kNonEmpty);
  if (!g.lora_weights_id.empty() && g.lora_weights_id != kMiriLora) {
    r.Add("loraWeightsId",
          "Miri is drawn only through the LoRA " + std::string(kMiriLora) +
              "; another LoRA would be a second route to a child's likeness");
  }
  g.require_human_approval = r.Bool("requireHumanApproval", true);
  g.budget_cap_usd = r.Number("budgetCapUsd", 0, 100000, 25.0);
  g.allow_video_reroute = r.Bool("allowVideoReroute", true);
  if (r.Has("imageRoute")) {
    g.image_route = r.String("imageRoute", kNonEmpty);
    // A wrong type is already named (and reads as "").
    if (!g.image_route.empty() && !IsImageRoute(g.image_route)) {
      r.Add("imageRoute",
            "must be auto, cheapest or fal, got '" + g.image_route + "'");
    }
  }
  r.RejectUnknownFields();
  return g;
}

json GlobalSettings::ToJson() const {
  json j = {{"llmModel", llm_model},
            {"imageModel", image_model},
            {"videoModel", video_model},
            {"loraWeightsId", lora_weights_id},
            {"requireHumanApproval", require_human_approval},
            {"budgetCapUsd", budget_cap_usd}};
  // Written only when off: the default (true) stays implicit, so stored
  // projects read back as they were written.
  if (!allow_video_reroute) j["allowVideoReroute"] = false;
  if (image_route != "auto") j["imageRoute"] = image_route;
  return j;
}

ProjectConfig ProjectConfig::Read(JsonReader& r) {
  ProjectConfig p;
  p.project_id = r.String("projectId", kUuidRules);
  p.project_name =
      r.String("projectName", {.min_length = 1, .max_length = 200});
  JsonReader gs = r.Object("globalSettings");
  p.global_settings = GlobalSettings::Read(gs);
  p.creation_timestamp = r.String("creationTimestamp", kDateTimeRules);
  r.RejectUnknownFields();
  return p;
}

json ProjectConfig::ToJson() const {
  return {{"projectId", project_id},
          {"projectName", project_name},
          {"globalSettings", global_settings.ToJson()},
          {"creationTimestamp", creation_timestamp}};
}

std::string_view AgentRoleName(AgentRole role) {
  switch (role) {
    case AgentRole::kOrchestrator:
      return "ORCHESTRATOR";
    case AgentRole::kAuditor:
      return "AUDITOR";
    case AgentRole::kVisionAnalyzer:
      return "VISION_ANALYZER";
    case AgentRole::kDirector:
      return "DIRECTOR";
  }
  return "?";
}

std::optional<AgentRole> ParseAgentRole(std::string_view name) {
  for (AgentRole r : {AgentRole::kOrchestrator, AgentRole::kAuditor,
                      AgentRole::kVisionAnalyzer, AgentRole::kDirector}) {
    if (AgentRoleName(r) == name) return r;
  }
  return std::nullopt;
}

AgentConfig AgentConfig::Read(JsonReader& r) {
  AgentConfig a;
  a.config_id = r.String("configId", kIdRules);
  a.role = r.Enum<AgentRole>("role", ParseAgentRole, kAgentRoleValues);
  a.model_string = r.String("modelString", kNonEmpty);
  a.active = r.Bool("active");
  a.updated_at = r.String("updatedAt", kDateTimeRules);
  r.RejectUnknownFields();
  return a;
}

json AgentConfig::ToJson() const {
  return {{"configId", config_id},
          {"role", AgentRoleName(role)},
          {"modelString", model_string},
          {"active", active},
          {"updatedAt", updated_at}};
}

Scene Scene::Read(JsonReader& r) {
  Scene s;
  s.scene_id = r.String("sceneId", kIdRules);
  ReadSpan(r, &s.start_ms, &s.end_ms);
  s.label = r.String("label", {.min_length = 1, .max_length = 100});
  s.description =
      r.OptionalString("description", {.max_length = 2000}).value_or("");
  r.RejectUnknownFields();
  return s;
}

json Scene::ToJson() const {
  return {{"sceneId", scene_id},
          {"startMs", start_ms},
          {"endMs", end_ms},
          {"label", label},
          {"description", description}};
}

Shot Shot::Read(JsonReader& r) {
  Shot s;
  s.shot_id = r.String("shotId", kIdRules);
  s.scene_id = r.String("sceneId", kIdRules);
  JsonReader ts = r.Object("timestamps");
  ReadSpan(ts, &s.timestamps.start_ms, &s.timestamps.end_ms);
  ts.RejectUnknownFields();
  s.lyrics_snippet = r.String("lyricsSnippet", {.max_length = 4000});
  s.status = r.Enum<ShotStatus>("status", ParseShotStatus, kShotStatusValues);
  s.versions = r.StringArray("versions", kIdRules, /*optional=*/false);
  s.description =
      r.OptionalString("description", {.max_length = 2000}).value_or("");
  s.shows_miri = r.Bool("showsMiri", true);
  s.end_state = r.OptionalString("endState", {.max_length = 2000}).value_or("");
  r.RejectUnknownFields();
  return s;
}

json Shot::ToJson() const {
  return {{"shotId", shot_id},
          {"sceneId", scene_id},
          {"timestamps",
           {{"startMs", timestamps.start_ms}, {"endMs", timestamps.end_ms}}},
          {"lyricsSnippet", lyrics_snippet},
          {"status", ShotStatusName(status)},
          {"versions", versions},
          {"description", description},
          {"showsMiri", shows_miri},
          {"endState", end_state}};
}

}  // namespace miri
