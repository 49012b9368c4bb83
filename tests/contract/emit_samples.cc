// Prints one JSON object {"TypeName": [sample, ...], ...} with samples of
// every domain document, produced by the C++ ToJson. The web contract test
// (web/src/schemas/contract.contract.test.ts) parses each with its Zod
// schema, so the two sides cannot drift apart silently. Samples cover the
// optional fields both present and absent.
#include <iostream>

#include <nlohmann/json.hpp>

#include "domain/project.h"
#include "domain/records.h"
#include "domain/status.h"

namespace {

using nlohmann::json;
using namespace miri;

constexpr char kAt[] = "2026-03-02T10:15:04Z";
constexpr char kAtMs[] = "2026-03-02T10:15:04.123Z";

template <typename T>
json All(std::initializer_list<T> items) {
  json a = json::array();
  for (const T& t : items) a.push_back(t.ToJson());
  return a;
}

}  // namespace

int main() {
  GlobalSettings gs{.llm_model = "gemini-2.5-pro",
                    .image_model = "fal-ai/flux-2/lora",
                    .video_model = "kling-v2",
                    .lora_weights_id = std::string(kMiriLora),
                    .require_human_approval = true,
                    .budget_cap_usd = 25.5,
                    .allow_video_reroute = true};
  GlobalSettings gs_auto = gs;
  gs_auto.require_human_approval = false;
  gs_auto.budget_cap_usd = 0;
  gs_auto.allow_video_reroute = false;

  ProjectConfig p{.project_id = "3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d",
                  .project_name = "Miri and the lighthouse",
                  .global_settings = gs,
                  .creation_timestamp = kAt};
  ProjectConfig p2 = p;
  p2.project_id = "00000000-0000-0000-0000-000000000000";
  p2.global_settings = gs_auto;
  p2.creation_timestamp = kAtMs;

  json out;
  out["GlobalSettings"] = All({gs, gs_auto});
  out["ProjectConfig"] = All({p, p2});

  std::initializer_list<AgentRole> roles = {
      AgentRole::kOrchestrator, AgentRole::kAuditor, AgentRole::kVisionAnalyzer,
      AgentRole::kDirector};
  json agents = json::array();
  for (AgentRole r : roles) {
    AgentConfig a{
        .config_id = std::string("cfg-") + std::string(AgentRoleName(r)),
        .role = r,
        .model_string = "gemini-2.5-flash",
        .active = r != AgentRole::kAuditor,
        .updated_at = kAt};
    agents.push_back(a.ToJson());
  }
  out["AgentConfig"] = agents;

  out["Scene"] = All<Scene>({{.scene_id = "scene-1",
                              .start_ms = 0,
                              .end_ms = 12000,
                              .label = "verse 1",
                              .description = "a foggy harbour"},
                             {.scene_id = "scene_2",
                              .start_ms = 12000,
                              .end_ms = 3'600'000,
                              .label = "chorus",
                              .description = ""}});

  json shots = json::array();
  int i = 0;
  for (ShotStatus s : kAllShotStatuses) {
    Shot shot{.shot_id = "shot-" + std::to_string(i),
              .scene_id = "scene-1",
              .timestamps = {.start_ms = i * 1000, .end_ms = i * 1000 + 1000},
              .lyrics_snippet = "",
              .status = s,
              .versions = {},
              .description = "Miri looks at the sea",
              .shows_miri = i % 2 == 0,
              .end_state = i % 2 ? "Miri has turned toward the waves" : ""};
    if (i % 2) {
      shot.lyrics_snippet = "la la la";
      shot.versions = {"v1", "v2"};
    }
    shots.push_back(shot.ToJson());
    ++i;
  }
  out["Shot"] = shots;

  Finding f{.rule_id = "prompt.required_terms",
            .message = "missing \"Mouth CLOSED\"",
            .offending_text = ""};
  Version v{
      .version_id = "v1",
      .shot_id = "shot-1",
      .kind = VersionKind::kImage,
      .prompt = "[shot-1]_[v1]_[FLX] Miri ...",
      .negative_prompt = "",
      .model_code = "FLX",
      .model = "fal-ai/flux-2/lora",
      .parameters = json{{"seed", 42}, {"loras", json::array({"miriN14"})}},
      .references = {},
      .outputs = {"projects/p/images/v1.png"},
      .parent_version_id = std::nullopt,
      .applied_rule_ids = {"rule-1"},
      .findings = {f},
      .created_at = kAt};
  Version v2 = v;
  v2.version_id = "v2";
  v2.kind = VersionKind::kVideo;
  v2.parameters = json::object();
  v2.references = {"projects/p/images/v1.png"};
  v2.outputs = {};
  v2.parent_version_id = "v1";
  v2.applied_rule_ids = {};
  v2.findings = {};
  Version v3 = v;
  v3.version_id = "v0";
  v3.kind = VersionKind::kPlan;
  out["Version"] = All({v, v2, v3});
  out["Finding"] = All({f});

  Event first{.event_id = "e1",
              .shot_id = "shot-1",
              .version_id = std::nullopt,
              .from = std::nullopt,
              .to = "DRAFT",
              .cause = "planned",
              .at = kAt,
              .idempotency_key = "plan:shot-1",
              .seq = 1,
              .screened_by = std::nullopt};
  Event move = first;
  move.event_id = "e2";
  move.version_id = "v1";
  move.from = "DRAFT";
  move.to = "VALIDATION";
  move.cause = "audit started";
  move.idempotency_key = "k2";
  move.seq = 2;
  Event project{.event_id = "e3",
                .shot_id = "",
                .version_id = std::nullopt,
                .from = "AUDIO_ANALYSIS",
                .to = "PLANNED",
                .cause = "plan committed",
                .at = kAtMs,
                .idempotency_key = "plan:p",
                .seq = 3,
                .screened_by = "the request screen and gemini-3.8-flash"};
  out["Event"] = All({first, move, project});

  Rule r1{.rule_id = "rule-1",
          .text = "No bare shoulders",
          .kind = RuleKind::kNegative,
          .scope = RuleScope::kCharacter,
          .scope_id = std::nullopt,
          .source_version_id = "v1",
          .reason = "dress too short",
          .image_blob = "projects/p/images/v1.png",
          .created_at = kAt,
          .active = true};
  Rule r2{.rule_id = "rule-2",
          .text = "Foggy palette",
          .kind = RuleKind::kPositive,
          .scope = RuleScope::kScene,
          .scope_id = "scene-1",
          .source_version_id = std::nullopt,
          .reason = std::nullopt,
          .image_blob = std::nullopt,
          .created_at = kAt,
          .active = false};
  Rule r3 = r2;
  r3.rule_id = "rule-3";
  r3.kind = RuleKind::kAuditCheck;
  r3.scope = RuleScope::kGlobal;
  r3.scope_id = std::nullopt;
  out["Rule"] = All({r1, r2, r3});

  RuleEvent applied{.rule_event_id = "re1",
                    .rule_id = "rule-1",
                    .kind = RuleEventKind::kApplied,
                    .version_id = "v1",
                    .reason = std::nullopt,
                    .at = kAt};
  RuleEvent strengthened{.rule_event_id = "re2",
                         .rule_id = "rule-1",
                         .kind = RuleEventKind::kStrengthened,
                         .version_id = std::nullopt,
                         .reason = "coat too thin again",
                         .at = kAtMs};
  RuleEvent deactivated = strengthened;
  deactivated.rule_event_id = "re3";
  deactivated.kind = RuleEventKind::kDeactivated;
  deactivated.reason = std::nullopt;
  out["RuleEvent"] = All({applied, strengthened, deactivated});

  LedgerEntry reserve{.entry_id = "l1",
                      .kind = LedgerKind::kReserve,
                      .provider = "fal",
                      .amount_micros = 40000,
                      .reservation_id = std::nullopt,
                      .shot_id = "shot-1",
                      .version_id = "v1",
                      .at = kAt};
  LedgerEntry settle = reserve;
  settle.entry_id = "l2";
  settle.kind = LedgerKind::kSettle;
  settle.reservation_id = "l1";
  settle.amount_micros = 35000;
  LedgerEntry release{.entry_id = "l3",
                      .kind = LedgerKind::kRelease,
                      .provider = "kling",
                      .amount_micros = 0,
                      .reservation_id = "l0",
                      .shot_id = std::nullopt,
                      .version_id = std::nullopt,
                      .at = kAt};
  out["LedgerEntry"] = All({reserve, settle, release});

  std::cout << out.dump(2) << "\n";
  return 0;
}
