// Projects, agent configs, uploads, the plan, and read-only views of scenes,
// shots, versions, events and the budget.
#include <algorithm>

#include "domain/audit.h"
#include "domain/text.h"
#include "http/api.h"
#include "http/controller_util.h"
#include "services/planning/propose.h"

namespace miri::http {
namespace {

using nlohmann::json;

Response Fail(const Error& e) { return ErrorResponse(e); }

json ProjectView(Store& store, const ProjectConfig& p) {
  json j = p.ToJson();
  auto status = store.GetProjectStatus(p.project_id);
  j["status"] =
      status && *status ? json(ProjectStatusName(**status)) : json(nullptr);
  json configs = json::array();
  if (auto list = store.ListAgentConfigs(p.project_id)) {
    for (const AgentConfig& c : *list) configs.push_back(c.ToJson());
  }
  j["agentConfigs"] = configs;
  return j;
}

// An MP3 starts with an ID3v2 tag or an MPEG audio frame sync (11 set bits).
bool LooksLikeMp3(std::string_view b) {
  if (b.size() >= 10 && b.substr(0, 3) == "ID3") return true;
  if (b.size() >= 4) {
    auto u0 = static_cast<unsigned char>(b[0]),
         u1 = static_cast<unsigned char>(b[1]);
    return u0 == 0xFF && (u1 & 0xE0) == 0xE0;
  }
  return false;
}

Response CreateProject(const ApiDeps& d, const Request& req) {
  auto body = ReadJsonObject(req);
  if (!body) return Fail(body.error());
  json j = *body;
  json configs = j.contains("agentConfigs") ? j["agentConfigs"] : json::array();
  j.erase("agentConfigs");
  if (!j.contains("projectId")) j["projectId"] = RandomUuid();
  if (!j.contains("creationTimestamp"))
    j["creationTimestamp"] = d.clock->NowIso();
  std::vector<FieldIssue> issues;
  auto project = ParseDocument<ProjectConfig>(j);
  if (!project) issues = project.error().issues;
  std::vector<AgentConfig> agents;
  if (!configs.is_array()) {
    issues.push_back({"agentConfigs", "expected array"});
  } else {
    for (size_t i = 0; i < configs.size(); ++i) {
      json c = configs[i];
      if (c.is_object() && !c.contains("updatedAt"))
        c["updatedAt"] = d.clock->NowIso();
      auto a =
          ParseAt<AgentConfig>(c, "agentConfigs[" + std::to_string(i) + "].");
      if (!a) {
        issues.insert(issues.end(), a.error().issues.begin(),
                      a.error().issues.end());
      } else {
        agents.push_back(*a);
      }
    }
  }
  if (!issues.empty())
    return Fail(Error{ErrorCode::kInvalidArgument, "invalid project", issues});
  // The project, its agent configs and its first event: one atomic write.
  if (auto r = d.commands->CreateProject(*project, std::move(agents)); !r) {
    return Fail(r.error());
  }
  return Response::Json(201, ProjectView(*d.store, *project));
}

Response UpdateProject(const ApiDeps& d, const Request& req) {
  const std::string& id = req.params.at("projectId");
  auto old = d.store->GetProject(id);
  if (!old) return Fail(old.error());
  auto body = ReadJsonObject(req);
  if (!body) return Fail(body.error());
  json j = *body;
  std::vector<FieldIssue> issues;
  if (j.contains("projectId") && j["projectId"] != id)
    issues.push_back({"projectId", "cannot change"});
  if (j.contains("creationTimestamp") &&
      j["creationTimestamp"] != old->creation_timestamp) {
    issues.push_back({"creationTimestamp", "cannot change"});
  }
  j["projectId"] = id;
  j["creationTimestamp"] = old->creation_timestamp;
  auto project = ParseDocument<ProjectConfig>(j);
  if (!project)
    issues.insert(issues.end(), project.error().issues.begin(),
                  project.error().issues.end());
  if (!issues.empty())
    return Fail(Error{ErrorCode::kInvalidArgument, "invalid project", issues});
  if (auto r = d.commands->UpdateProject(*project); !r) return Fail(r.error());
  return Response::Json(200, ProjectView(*d.store, *project));
}

Response PutAgentConfig(const ApiDeps& d, const Request& req) {
  const std::string& id = req.params.at("projectId");
  auto body = ReadJsonObject(req);
  if (!body) return Fail(body.error());
  json j = *body;
  const std::string& config_id = req.params.at("configId");
  if (j.contains("configId") && j["configId"] != config_id) {
    return Fail(Error{ErrorCode::kInvalidArgument,
                      "invalid agent config",
                      {{"configId", "must equal the path's configId"}}});
  }
  j["configId"] = config_id;
  if (!j.contains("updatedAt")) j["updatedAt"] = d.clock->NowIso();
  auto config = ParseDocument<AgentConfig>(j);
  if (!config) return Fail(config.error());
  if (auto r = d.commands->PutAgentConfig(id, *config); !r)
    return Fail(r.error());
  return Response::Json(200, config->ToJson());
}

Response PutSong(const ApiDeps& d, const Request& req) {
  const std::string& id = req.params.at("projectId");
  if (auto r = d.store->GetProject(id); !r) return Fail(r.error());
  std::string type = req.Header("content-type");
  if (type != "audio/mpeg" && type != "audio/mp3") {
    return ErrorResponse(
        415, "UNSUPPORTED_MEDIA_TYPE", "the song must be an MP3",
        {{"Content-Type", "expected audio/mpeg, got \"" + type + "\""}});
  }
  if (req.body.empty()) {
    return Fail(Error{ErrorCode::kInvalidArgument,
                      "empty upload",
                      {{"body", "the MP3 is empty"}}});
  }
  if (!LooksLikeMp3(req.body)) {
    return Fail(
        Error{ErrorCode::kInvalidArgument,
              "not an MP3",
              {{"body", "no ID3 tag or MPEG frame sync at the start"}}});
  }
  std::string key = "projects/" + id + "/audio/song.mp3";
  if (auto r = d.blobs->Put(key, req.body); !r) return Fail(r.error());
  return Response::Json(200, {{"blobKey", key}, {"bytes", req.body.size()}});
}

Response PutLyrics(const ApiDeps& d, const Request& req) {
  const std::string& id = req.params.at("projectId");
  if (auto r = d.store->GetProject(id); !r) return Fail(r.error());
  std::string type = req.Header("content-type");
  if (type.rfind("text/", 0) != 0 &&
      type.rfind("application/x-subrip", 0) != 0) {
    return ErrorResponse(
        415, "UNSUPPORTED_MEDIA_TYPE", "lyrics must be text",
        {{"Content-Type",
          "expected text/plain (LRC, SRT or plain), got \"" + type + "\""}});
  }
  if (req.body.empty() || !IsValidUtf8(req.body) ||
      req.body.find('\0') != std::string::npos) {
    return Fail(Error{ErrorCode::kInvalidArgument,
                      "invalid lyrics",
                      {{"body", "expected non-empty UTF-8 text"}}});
  }
  auto key = UploadLyrics(*d.store, *d.blobs, id, req.body);
  if (!key) return Fail(key.error());
  return Response::Json(200, {{"blobKey", *key}, {"bytes", req.body.size()}});
}

Response Commit(const ApiDeps& d, const std::string& id,
                const PlanCommit& plan);

// The director's proposal for the uploaded song and lyrics. Nothing is
// committed: the person edits the proposal and commits it with PUT .../plan
// (a tool that plans for you should still let you change the cut first).
// Local planning of a song takes well under a second: done in the request.
Response ProposePlan(const ApiDeps& d, const Request& req) {
  const std::string& id = req.params.at("projectId");
  if (d.director == nullptr) {
    // What is missing first (the uploads), then that nobody can plan here.
    if (auto r = CheckReadyToPlan(*d.store, *d.blobs, id); !r) {
      return Fail(r.error());
    }
    return ErrorResponse(501, "NOT_IMPLEMENTED",
                         "no director is configured; commit a plan with "
                         "PUT /api/projects/{projectId}/plan");
  }
  auto made = miri::ProposePlan(*d.store, *d.blobs, *d.director, id);
  if (!made) return Fail(made.error());
  auto proposal = ProposalJson(*made);
  if (!proposal) return Fail(proposal.error());
  return Response::Json(200, std::move(*proposal));
}

Response CommitPlan(const ApiDeps& d, const Request& req) {
  const std::string& id = req.params.at("projectId");
  auto body = ReadJsonObject(req);
  if (!body) return Fail(body.error());
  std::vector<FieldIssue> issues;
  PlanCommit plan;
  plan.at = d.clock->NowIso();
  for (const char* key : {"scenes", "shots"}) {
    if (!body->contains(key) || !(*body)[key].is_array()) {
      issues.push_back({key, "required array"});
    }
  }
  for (auto& [k, v] : body->items()) {
    if (k != "scenes" && k != "shots") issues.push_back({k, "unknown field"});
  }
  if (issues.empty()) {
    const json& scenes = (*body)["scenes"];
    for (size_t i = 0; i < scenes.size(); ++i) {
      auto s = ParseAt<Scene>(scenes[i], "scenes[" + std::to_string(i) + "].");
      if (s)
        plan.scenes.push_back(*s);
      else
        issues.insert(issues.end(), s.error().issues.begin(),
                      s.error().issues.end());
    }
    const json& shots = (*body)["shots"];
    for (size_t i = 0; i < shots.size(); ++i) {
      json sj = shots[i];
      if (sj.is_object()) {
        if (!sj.contains("status")) sj["status"] = "DRAFT";
        if (!sj.contains("versions")) sj["versions"] = json::array();
      }
      auto s = ParseAt<Shot>(sj, "shots[" + std::to_string(i) + "].");
      if (s)
        plan.shots.push_back(*s);
      else
        issues.insert(issues.end(), s.error().issues.begin(),
                      s.error().issues.end());
    }
  }
  if (!issues.empty())
    return Fail(Error{ErrorCode::kInvalidArgument, "invalid plan", issues});
  // Descriptions are screened as prompt text by the command service.
  return Commit(d, id, plan);
}

// Commits a plan (AUDIO_ANALYSIS -> PLANNED) and announces it: exactly
// once per project (a racing or later commit is 409 naming the plan that
// won).
Response Commit(const ApiDeps& d, const std::string& id,
                const PlanCommit& plan) {
  auto r = d.commands->CommitPlan(id, plan);
  if (!r) return Fail(r.error());
  return Response::Json(
      201, {{"scenes", plan.scenes.size()},
            {"shots", plan.shots.size()},
            {"seq", r->events.empty() ? 0 : r->events.back().seq}});
}

template <typename T>
json ToJsonArray(const std::vector<T>& items) {
  json a = json::array();
  for (const T& t : items) a.push_back(t.ToJson());
  return a;
}

Response ListEvents(const ApiDeps& d, const Request& req) {
  const std::string& id = req.params.at("projectId");
  int64_t after = 0;
  size_t limit = 1000;
  std::vector<FieldIssue> issues;
  try {
    if (std::string a = req.Query("after"); !a.empty()) after = std::stoll(a);
    if (std::string l = req.Query("limit"); !l.empty()) limit = std::stoul(l);
  } catch (const std::exception&) {
    issues.push_back({"after", "after and limit must be integers"});
  }
  if (after < 0) issues.push_back({"after", "must be >= 0"});
  if (limit < 1 || limit > 10000)
    issues.push_back({"limit", "must be 1..10000"});
  if (!issues.empty())
    return Fail(Error{ErrorCode::kInvalidArgument, "invalid query", issues});
  if (auto r = d.store->GetProject(id); !r) return Fail(r.error());
  auto events = d.store->ListEvents(id, after, limit);
  if (!events) return Fail(events.error());
  json list = json::array();
  for (const Event& e : *events) list.push_back(EventPayload(id, e));
  return Response::Json(
      200, {{"events", list},
            {"lastSeq", events->empty() ? after : events->back().seq}});
}

Response Budget(const ApiDeps& d, const Request& req) {
  const std::string& id = req.params.at("projectId");
  auto project = d.store->GetProject(id);
  if (!project) return Fail(project.error());
  // The same fold (Store::GetBudget) and the same rounding
  // (BudgetCapMicros) that every dispatch reserves against.
  auto budget = d.store->GetBudget(id);
  if (!budget) return Fail(budget.error());
  const int64_t spent = budget->settled_micros;
  const int64_t reserved = budget->reserved_micros;
  const int64_t cap = project->global_settings.BudgetCapMicros();
  return Response::Json(200,
                        {{"capMicros", cap},
                         {"spentMicros", spent},
                         {"reservedMicros", reserved},
                         {"remainingMicros", cap - spent - reserved},
                         {"capUsd", project->global_settings.budget_cap_usd}});
}

}  // namespace

void AddProjectRoutes(Router& router, const ApiDeps& d,
                      const ApiConfig& config) {
  auto add = [&](std::string method, std::string pattern,
                 std::function<Response(const ApiDeps&, const Request&)> fn,
                 size_t limit = kDefaultBodyLimit) {
    router.Add(Route{std::move(method), std::move(pattern), Access::kBearer,
                     limit, [d, fn](const Request& r) { return fn(d, r); }});
  };
  add("GET", "/api/projects", [](const ApiDeps& d, const Request&) {
    auto list = d.store->ListProjects();
    if (!list) return Fail(list.error());
    json a = json::array();
    for (const ProjectConfig& p : *list) a.push_back(ProjectView(*d.store, p));
    return Response::Json(200, {{"projects", a}});
  });
  add("POST", "/api/projects", CreateProject);
  add("GET", "/api/projects/{projectId}",
      [](const ApiDeps& d, const Request& r) {
        auto p = d.store->GetProject(r.params.at("projectId"));
        return p ? Response::Json(200, ProjectView(*d.store, *p))
                 : Fail(p.error());
      });
  add("PUT", "/api/projects/{projectId}", UpdateProject);
  add("PUT", "/api/projects/{projectId}/agent-configs/{configId}",
      PutAgentConfig);
  add("PUT", "/api/projects/{projectId}/song", PutSong, config.song_limit);
  add("PUT", "/api/projects/{projectId}/lyrics", PutLyrics,
      config.lyrics_limit);
  add("POST", "/api/projects/{projectId}/plan", ProposePlan);
  add("PUT", "/api/projects/{projectId}/plan", CommitPlan, 8u << 20);
  add("GET", "/api/projects/{projectId}/scenes",
      [](const ApiDeps& d, const Request& r) {
        const std::string& id = r.params.at("projectId");
        if (auto p = d.store->GetProject(id); !p) return Fail(p.error());
        auto s = d.store->ListScenes(id);
        return s ? Response::Json(200, {{"scenes", ToJsonArray(*s)}})
                 : Fail(s.error());
      });
  add("GET", "/api/projects/{projectId}/shots",
      [](const ApiDeps& d, const Request& r) {
        const std::string& id = r.params.at("projectId");
        if (auto p = d.store->GetProject(id); !p) return Fail(p.error());
        auto s = d.store->ListShots(id);
        return s ? Response::Json(200, {{"shots", ToJsonArray(*s)}})
                 : Fail(s.error());
      });
  add("GET", "/api/projects/{projectId}/shots/{shotId}",
      [](const ApiDeps& d, const Request& r) {
        auto s =
            d.store->GetShot(r.params.at("projectId"), r.params.at("shotId"));
        return s ? Response::Json(200, s->ToJson()) : Fail(s.error());
      });
  add("GET", "/api/projects/{projectId}/shots/{shotId}/versions",
      [](const ApiDeps& d, const Request& r) {
        const std::string& id = r.params.at("projectId");
        if (auto s = d.store->GetShot(id, r.params.at("shotId")); !s)
          return Fail(s.error());
        auto v = d.store->ListVersions(id, r.params.at("shotId"));
        return v ? Response::Json(200, {{"versions", ToJsonArray(*v)}})
                 : Fail(v.error());
      });
  add("GET", "/api/projects/{projectId}/events", ListEvents);
  add("GET", "/api/projects/{projectId}/budget", Budget);
}

}  // namespace miri::http
