// The project-level documents: ProjectConfig (with GlobalSettings),
// AgentConfig, Scene and Shot. Field names follow the PRD's Zod schemas
// (ProjectConfigSchema, AgentConfigSchema, ShotSchema); the web app's Zod
// schemas parse what ToJson produces.
#ifndef MIRI_DOMAIN_PROJECT_H_
#define MIRI_DOMAIN_PROJECT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/json_reader.h"
#include "domain/status.h"

namespace miri {

// The only LoRA through which Miri's likeness may be drawn. A project may
// not name another: that would be a second route to a child's likeness.
inline constexpr std::string_view kMiriLora = "miriN14";

// Times are milliseconds on the song's timeline; a song is at most 1 hour.
inline constexpr int64_t kMaxTimelineMs = 3'600'000;

// GlobalSettings::image_route's values.
bool IsImageRoute(std::string_view route);

struct GlobalSettings {
  std::string llm_model;
  std::string image_model;
  std::string video_model;
  std::string lora_weights_id;
  bool require_human_approval = true;
  double budget_cap_usd = 25.0;  // hard cap on provider spend
  // A clip the project's video model cannot serve (an end frame, a motion
  // brush it lacks) may go to a model that can (the server's reroute
  // list); false: such a clip is refused with the reason.
  bool allow_video_reroute = true;
  // Where images without Miri may be made (services/routing): "auto" (fal;
  // the Vertex route when fal is unavailable), "cheapest" (the cheaper
  // route), "fal" (fal only). Images of Miri go to fal whatever this says.
  std::string image_route = "auto";

  // The cap in micro-dollars, rounded to the nearest: the one conversion
  // the dispatch path (Store::ReserveBudget) and the budget view share.
  int64_t BudgetCapMicros() const;

  static GlobalSettings Read(JsonReader& r);
  nlohmann::json ToJson() const;
  friend bool operator==(const GlobalSettings&,
                         const GlobalSettings&) = default;
};

struct ProjectConfig {
  static constexpr char kKind[] = "project";
  std::string project_id;  // UUID
  std::string project_name;
  GlobalSettings global_settings;
  std::string creation_timestamp;  // ISO-8601 UTC

  static ProjectConfig Read(JsonReader& r);
  nlohmann::json ToJson() const;
  friend bool operator==(const ProjectConfig&, const ProjectConfig&) = default;
};

enum class AgentRole { kOrchestrator, kAuditor, kVisionAnalyzer, kDirector };
inline constexpr std::string_view kAgentRoleValues =
    "ORCHESTRATOR, AUDITOR, VISION_ANALYZER, DIRECTOR";
std::string_view AgentRoleName(AgentRole role);
std::optional<AgentRole> ParseAgentRole(std::string_view name);

struct AgentConfig {
  static constexpr char kKind[] = "agent config";
  std::string config_id;
  AgentRole role = AgentRole::kOrchestrator;
  std::string model_string;
  bool active = true;
  std::string updated_at;

  static AgentConfig Read(JsonReader& r);
  nlohmann::json ToJson() const;
  friend bool operator==(const AgentConfig&, const AgentConfig&) = default;
};

struct Scene {
  static constexpr char kKind[] = "scene";
  std::string scene_id;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::string label;        // e.g. "verse 1", "chorus", "instrumental"
  std::string description;  // mood and setting shared by its shots

  static Scene Read(JsonReader& r);
  nlohmann::json ToJson() const;
  friend bool operator==(const Scene&, const Scene&) = default;
};

struct Timestamps {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  friend bool operator==(const Timestamps&, const Timestamps&) = default;
};

// A shot as the API shows it. `status` and `versions` are projections of the
// shot's events and versions; the store keeps them in step.
struct Shot {
  static constexpr char kKind[] = "shot";
  std::string shot_id;
  std::string scene_id;
  Timestamps timestamps;
  std::string lyrics_snippet;
  ShotStatus status = ShotStatus::kDraft;
  std::vector<std::string> versions;  // version ids, oldest first
  std::string description;            // what the shot shows
  bool shows_miri = true;
  // Where the shot ends (the plan's end state: the same framing a few
  // seconds on). Non-empty: after the start frame, an end frame is edited
  // from it and the clip goes from one to the other. Empty: start frame
  // only.
  std::string end_state;

  static Shot Read(JsonReader& r);
  nlohmann::json ToJson() const;
  friend bool operator==(const Shot&, const Shot&) = default;
};

}  // namespace miri

#endif  // MIRI_DOMAIN_PROJECT_H_
