// Writes one small project through the C++ FirestoreStore into the
// Firestore named by the environment (FIRESTORE_EMULATOR_HOST,
// GOOGLE_CLOUD_PROJECT) and prints, as one JSON object on stdout, what it
// wrote as our domain types serialise it. cross_check.mjs reads the same
// documents with the official Node SDK and compares.
#include <cstdlib>
#include <iostream>

#include "adapters/firestore/firestore_store.h"

extern char** environ;

namespace miri {
namespace {

constexpr char kAt[] = "2026-03-02T10:15:04Z";

Result<nlohmann::json> Run() {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  SystemClock clock;
  ASSIGN_OR_RETURN(firestore::ClientOptions options,
                   firestore::OptionsFromEnvironment(env, clock), "writer");
  ASSIGN_OR_RETURN(std::unique_ptr<FirestoreStore> store,
                   FirestoreStore::Open(options), "writer");

  ProjectConfig p;
  p.project_id = "3f2b8c1e-5d4a-4e6b-9c7d-0a1b2c3d4e5f";
  p.project_name = "Rain Song";
  p.global_settings = {"gemini-2.5-pro",
                       "fal-ai/flux-2/lora",
                       "kling-v2-5-turbo",
                       "miriN14",
                       true,
                       10.0};
  p.creation_timestamp = kAt;
  RETURN_IF_ERROR(store->CreateProject(p), "writer");
  AgentConfig agent{"director", AgentRole::kDirector, "gemini-2.5-pro", true,
                    kAt};
  RETURN_IF_ERROR(store->PutAgentConfig(p.project_id, agent), "writer");

  PlanCommit plan;
  plan.at = kAt;
  plan.scenes.push_back({"sc1", 0, 8000, "verse 1", "rain at dusk"});
  for (int i = 0; i < 2; ++i) {
    Shot s;
    s.shot_id = "sh-" + std::to_string(i);
    s.scene_id = "sc1";
    s.timestamps = {4000 * i, 4000 * (i + 1)};
    s.lyrics_snippet = "rain on the roof";
    s.description = "Miri at a window";
    s.shows_miri = i == 0;
    plan.shots.push_back(s);
  }
  RETURN_IF_ERROR(store->CommitPlan(p.project_id, plan), "writer");

  Version v;
  v.version_id = "v1";
  v.shot_id = "sh-0";
  v.prompt = "[sh-0]_[v1]_[FLUX2] Miri at a window";
  v.model_code = "FLUX2";
  v.model = "fal-ai/flux-2/lora";
  v.parameters = {{"seed", 7}, {"guidance", 3.5}, {"loras", {"miriN14"}}};
  v.references = {"refs/miri.png"};
  v.created_at = kAt;
  RETURN_IF_ERROR(store->AppendVersion(p.project_id, v), "writer");
  Event e;
  e.event_id = "audit-start";
  e.shot_id = "sh-0";
  e.version_id = "v1";
  e.from = "DRAFT";
  e.to = "VALIDATION";
  e.cause = "audit starts";
  e.at = kAt;
  e.idempotency_key = "audit:sh-0:v1";
  RETURN_IF_ERROR(store->AppendEvent(p.project_id, e), "writer");

  nlohmann::json out = {{"projectId", p.project_id},
                        {"project", p.ToJson()},
                        {"agentConfigs", {agent.ToJson()}},
                        {"versions", {v.ToJson()}}};
  ASSIGN_OR_RETURN(std::vector<Shot> shots, store->ListShots(p.project_id),
                   "writer");
  for (const Shot& s : shots) out["shots"].push_back(s.ToJson());
  ASSIGN_OR_RETURN(std::vector<Event> events,
                   store->ListEvents(p.project_id, 0, 1000), "writer");
  for (const Event& ev : events) out["events"].push_back(ev.ToJson());
  return out;
}

}  // namespace
}  // namespace miri

int main() {
  miri::Result<nlohmann::json> out = miri::Run();
  if (!out) {
    std::cerr << out.error().ToString() << "\n";
    return 1;
  }
  std::cout << out->dump() << "\n";
  return 0;
}
