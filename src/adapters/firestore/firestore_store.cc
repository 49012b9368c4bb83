#include "adapters/firestore/firestore_store.h"

#include <chrono>
#include <cstdio>
#include <random>
#include <set>
#include <thread>

#include "adapters/firestore/store_util.h"

namespace miri {

using firestore::CreateWrite;
using firestore::NotFound;
using firestore::ParseAll;
using firestore::ParseStored;
using firestore::UsableId;
using firestore::Validate;
namespace v1 = firestore::v1;

Result<std::unique_ptr<FirestoreStore>> FirestoreStore::Open(
    const firestore::ClientOptions& client, FirestoreStoreOptions options) {
  ASSIGN_OR_RETURN(std::unique_ptr<firestore::FirestoreClient> c,
                   firestore::FirestoreClient::Connect(client),
                   "opening Firestore store");
  return std::unique_ptr<FirestoreStore>(
      new FirestoreStore(std::move(c), options));
}

std::string FirestoreStore::ProjectDoc(std::string_view project_id) const {
  return client_->Name("projects/" + std::string(project_id));
}

std::string FirestoreStore::Doc(std::string_view project_id,
                                std::string_view collection,
                                std::string_view id) const {
  return ProjectDoc(project_id) + "/" + std::string(collection) + "/" +
         std::string(id);
}

std::string FirestoreStore::SeqId(int64_t seq) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%012lld", static_cast<long long>(seq));
  return buf;
}

void FirestoreStore::Backoff(int attempt) const {
  thread_local std::minstd_rand rng(std::random_device{}());
  int cap = std::min(options_.max_backoff_ms, 1 << std::min(attempt, 5));
  std::uniform_int_distribution<int> us(0, cap * 1000);
  std::this_thread::sleep_for(std::chrono::microseconds(us(rng)));
}

Result<void> FirestoreStore::RequireProject(std::string_view project_id) {
  if (!UsableId(project_id)) {
    return tl::unexpected(NotFound("project", project_id));
  }
  ASSIGN_OR_RETURN(std::optional<v1::Document> doc,
                   client_->Get(ProjectDoc(project_id)), "project");
  if (!doc) return tl::unexpected(NotFound("project", project_id));
  return {};
}

Result<std::vector<v1::Document>> FirestoreStore::Query(
    std::string_view project_id, const v1::StructuredQuery& q) {
  return client_->RunQuery(ProjectDoc(project_id), q);
}

Result<std::vector<v1::Document>> FirestoreStore::Collection(
    std::string_view project_id, const std::string& collection) {
  return Query(project_id, firestore::CollectionQuery(collection));
}

Result<void> FirestoreStore::CreateOnly(const std::string& name,
                                        const nlohmann::json& doc,
                                        const std::string& what) {
  Result<v1::CommitResponse> r = client_->Commit({CreateWrite(name, doc)});
  if (!r && r.error().code == ErrorCode::kAlreadyExists) {
    return MakeError(ErrorCode::kAlreadyExists, what + " already exists");
  }
  if (!r) return tl::unexpected(r.error());
  return {};
}

Result<void> FirestoreStore::CreateProject(const ProjectConfig& project,
                                           const ProjectStart& start) {
  RETURN_IF_ERROR(Validate(project), "creating project");
  for (const AgentConfig& config : start.agent_configs) {
    RETURN_IF_ERROR(Validate(config), "creating project");
  }
  // The project document is the contended create and goes first: if it
  // exists, nothing of this commit is applied. The configs and the first
  // event (slot 1 of a new project's log) go in the same commit.
  std::vector<v1::Write> writes = {
      CreateWrite(ProjectDoc(project.project_id), project.ToJson())};
  nlohmann::json status = nullptr;
  if (start.first_event) {
    Event first = *start.first_event;
    if (first.from || first.is_shot_event()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "a project's first event has no from and no shot");
    }
    first.seq = 1;
    if (first.event_id.empty()) first.event_id = "e1";
    RETURN_IF_ERROR(Validate(first), "creating project");
    writes.push_back(CreateWrite(
        Doc(project.project_id, "events", SeqId(first.seq)), first.ToJson()));
    status = first.to;
  }
  writes.push_back(CreateWrite(
      Doc(project.project_id, "projections", "project"), {{"status", status}}));
  for (const AgentConfig& config : start.agent_configs) {
    v1::Write w;
    w.mutable_update()->set_name(
        Doc(project.project_id, "agentConfigs", config.config_id));
    firestore::SetFields(config.ToJson(), w.mutable_update());
    writes.push_back(std::move(w));
  }
  Result<v1::CommitResponse> r = client_->Commit(writes);
  if (!r && r.error().code == ErrorCode::kAlreadyExists) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "project " + project.project_id + " already exists");
  }
  if (!r) return tl::unexpected(WithContext(r.error(), "creating project"));
  return {};
}

Result<void> FirestoreStore::UpdateProject(const ProjectConfig& project) {
  RETURN_IF_ERROR(Validate(project), "updating project");
  ASSIGN_OR_RETURN(std::optional<v1::Document> doc,
                   client_->Get(ProjectDoc(project.project_id)),
                   "updating project");
  if (!doc) return tl::unexpected(NotFound("project", project.project_id));
  ASSIGN_OR_RETURN(ProjectConfig old, ParseStored<ProjectConfig>(*doc),
                   "updating project");
  if (old.creation_timestamp != project.creation_timestamp) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid project update",
                     {{"creationTimestamp", "cannot be changed"}});
  }
  // The updateTime precondition makes a concurrent update fail instead of
  // being overwritten.
  RETURN_IF_ERROR(client_->Commit({firestore::ReplaceWrite(
                      doc->name(), project.ToJson(), &doc->update_time())}),
                  "updating project");
  return {};
}

Result<ProjectConfig> FirestoreStore::GetProject(std::string_view project_id) {
  if (!UsableId(project_id)) {
    return tl::unexpected(NotFound("project", project_id));
  }
  ASSIGN_OR_RETURN(std::optional<v1::Document> doc,
                   client_->Get(ProjectDoc(project_id)), "reading project");
  if (!doc) return tl::unexpected(NotFound("project", project_id));
  return ParseStored<ProjectConfig>(*doc);
}

Result<std::vector<ProjectConfig>> FirestoreStore::ListProjects() {
  ASSIGN_OR_RETURN(std::vector<v1::Document> docs,
                   client_->RunQuery(client_->root(),
                                     firestore::CollectionQuery("projects")),
                   "listing projects");
  firestore::SortByCreation(docs);
  return ParseAll<ProjectConfig>(docs);
}

Result<std::optional<ProjectStatus>> FirestoreStore::GetProjectStatus(
    std::string_view project_id) {
  RETURN_IF_ERROR(RequireProject(project_id), "reading project status");
  ASSIGN_OR_RETURN(std::optional<v1::Document> doc,
                   client_->Get(Doc(project_id, "projections", "project")),
                   "reading project status");
  if (!doc) return std::optional<ProjectStatus>();
  auto it = doc->fields().find("status");
  if (it == doc->fields().end() || !it->second.has_string_value()) {
    return std::optional<ProjectStatus>();
  }
  std::optional<ProjectStatus> s =
      ParseProjectStatus(it->second.string_value());
  if (!s) {
    return MakeError(ErrorCode::kInternal,
                     "corrupt project status " + it->second.string_value());
  }
  return s;
}

Result<void> FirestoreStore::PutAgentConfig(std::string_view project_id,
                                            const AgentConfig& config) {
  RETURN_IF_ERROR(Validate(config), "saving agent config");
  RETURN_IF_ERROR(RequireProject(project_id), "saving agent config");
  v1::Write w;
  w.mutable_update()->set_name(
      Doc(project_id, "agentConfigs", config.config_id));
  firestore::SetFields(config.ToJson(), w.mutable_update());
  RETURN_IF_ERROR(client_->Commit({w}), "saving agent config");
  return {};
}

Result<std::vector<AgentConfig>> FirestoreStore::ListAgentConfigs(
    std::string_view project_id) {
  RETURN_IF_ERROR(RequireProject(project_id), "listing agent configs");
  ASSIGN_OR_RETURN(std::vector<v1::Document> docs,
                   Collection(project_id, "agentConfigs"),
                   "listing agent configs");
  ASSIGN_OR_RETURN(std::vector<AgentConfig> out, ParseAll<AgentConfig>(docs),
                   "listing agent configs");
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.config_id < b.config_id;
  });
  return out;
}

Result<std::vector<Scene>> FirestoreStore::ListScenes(
    std::string_view project_id) {
  RETURN_IF_ERROR(RequireProject(project_id), "listing scenes");
  ASSIGN_OR_RETURN(std::vector<v1::Document> docs,
                   Collection(project_id, "scenes"), "listing scenes");
  ASSIGN_OR_RETURN(std::vector<Scene> out, ParseAll<Scene>(docs),
                   "listing scenes");
  std::sort(out.begin(), out.end(), [](const Scene& a, const Scene& b) {
    return std::tie(a.start_ms, a.scene_id) < std::tie(b.start_ms, b.scene_id);
  });
  return out;
}

Result<Shot> FirestoreStore::ReadShot(std::string_view project_id,
                                      std::string_view shot_id) {
  if (!UsableId(shot_id)) return tl::unexpected(NotFound("shot", shot_id));
  ASSIGN_OR_RETURN(std::optional<v1::Document> doc,
                   client_->Get(Doc(project_id, "shots", shot_id)),
                   "reading shot");
  if (!doc) return tl::unexpected(NotFound("shot", shot_id));
  return ParseStored<Shot>(*doc);
}

Result<Shot> FirestoreStore::GetShot(std::string_view project_id,
                                     std::string_view shot_id) {
  RETURN_IF_ERROR(RequireProject(project_id), "reading shot");
  return ReadShot(project_id, shot_id);
}

Result<std::vector<Shot>> FirestoreStore::ListShots(
    std::string_view project_id) {
  RETURN_IF_ERROR(RequireProject(project_id), "listing shots");
  ASSIGN_OR_RETURN(std::vector<v1::Document> docs,
                   Collection(project_id, "shots"), "listing shots");
  ASSIGN_OR_RETURN(std::vector<Shot> out, ParseAll<Shot>(docs),
                   "listing shots");
  std::sort(out.begin(), out.end(), [](const Shot& a, const Shot& b) {
    return std::tie(a.timestamps.start_ms, a.shot_id) <
           std::tie(b.timestamps.start_ms, b.shot_id);
  });
  return out;
}

Result<void> FirestoreStore::AppendVersion(std::string_view project_id,
                                           const Version& version) {
  RETURN_IF_ERROR(Validate(version), "appending version");
  RETURN_IF_ERROR(RequireProject(project_id), "appending version");
  RETURN_IF_ERROR(ReadShot(project_id, version.shot_id), "appending version");
  // 1. claim the id project-wide (the contended create: if taken, nothing
  //    is applied), 2. the immutable version, 3. append its id to the
  //    shot's list with an arrayUnion transform (no read-modify-write).
  v1::Write append;
  append.mutable_update()->set_name(Doc(project_id, "shots", version.shot_id));
  append.mutable_update_mask();  // empty mask: no field is replaced
  append.mutable_current_document()->set_exists(true);
  auto* t = append.add_update_transforms();
  t->set_field_path("versions");
  *t->mutable_append_missing_elements()->add_values() =
      firestore::ToValue(version.version_id);
  Result<v1::CommitResponse> r = client_->Commit(
      {CreateWrite(Doc(project_id, "versionIndex", version.version_id),
                   {{"shotId", version.shot_id}}),
       CreateWrite(Doc(project_id, "shots", version.shot_id) + "/versions/" +
                       version.version_id,
                   version.ToJson()),
       append});
  if (!r && r.error().code == ErrorCode::kAlreadyExists) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "version " + version.version_id +
                         " already exists; versions are never replaced");
  }
  if (!r) return tl::unexpected(WithContext(r.error(), "appending version"));
  return {};
}

Result<Version> FirestoreStore::GetVersion(std::string_view project_id,
                                           std::string_view version_id) {
  RETURN_IF_ERROR(RequireProject(project_id), "reading version");
  if (!UsableId(version_id)) {
    return tl::unexpected(NotFound("version", version_id));
  }
  ASSIGN_OR_RETURN(std::optional<v1::Document> index,
                   client_->Get(Doc(project_id, "versionIndex", version_id)),
                   "reading version");
  if (!index) return tl::unexpected(NotFound("version", version_id));
  auto shot = index->fields().find("shotId");
  if (shot == index->fields().end()) {
    return MakeError(ErrorCode::kInternal,
                     "corrupt version index " + std::string(version_id));
  }
  ASSIGN_OR_RETURN(
      std::optional<v1::Document> doc,
      client_->Get(Doc(project_id, "shots", shot->second.string_value()) +
                   "/versions/" + std::string(version_id)),
      "reading version");
  if (!doc) return tl::unexpected(NotFound("version", version_id));
  return ParseStored<Version>(*doc);
}

Result<std::vector<Version>> FirestoreStore::ListVersions(
    std::string_view project_id, std::string_view shot_id) {
  RETURN_IF_ERROR(RequireProject(project_id), "listing versions");
  ASSIGN_OR_RETURN(Shot shot, ReadShot(project_id, shot_id),
                   "listing versions");
  std::vector<std::string> names;
  for (const std::string& v : shot.versions) {
    names.push_back(Doc(project_id, "shots", shot_id) + "/versions/" + v);
  }
  ASSIGN_OR_RETURN(std::vector<std::optional<v1::Document>> docs,
                   client_->BatchGet(names), "listing versions");
  std::vector<Version> out;
  for (size_t i = 0; i < docs.size(); ++i) {
    if (!docs[i]) {
      return MakeError(ErrorCode::kInternal,
                       "shot " + std::string(shot_id) + " lists version " +
                           shot.versions[i] + " which is missing");
    }
    ASSIGN_OR_RETURN(Version v, ParseStored<Version>(*docs[i]),
                     "listing versions");
    out.push_back(std::move(v));
  }
  return out;
}

Result<void> FirestoreStore::AppendRule(std::string_view project_id,
                                        const Rule& rule) {
  RETURN_IF_ERROR(Validate(rule), "appending rule");
  RETURN_IF_ERROR(RequireProject(project_id), "appending rule");
  return CreateOnly(Doc(project_id, "rules", rule.rule_id), rule.ToJson(),
                    "rule " + rule.rule_id);
}

Result<std::vector<Rule>> FirestoreStore::ListRules(
    std::string_view project_id) {
  RETURN_IF_ERROR(RequireProject(project_id), "listing rules");
  ASSIGN_OR_RETURN(std::vector<v1::Document> docs,
                   Collection(project_id, "rules"), "listing rules");
  firestore::SortByCreation(docs);
  return ParseAll<Rule>(docs);
}

Result<void> FirestoreStore::AppendRuleEvent(std::string_view project_id,
                                             const RuleEvent& event) {
  RETURN_IF_ERROR(Validate(event), "appending rule event");
  RETURN_IF_ERROR(RequireProject(project_id), "appending rule event");
  ASSIGN_OR_RETURN(std::optional<v1::Document> rule,
                   client_->Get(Doc(project_id, "rules", event.rule_id)),
                   "appending rule event");
  if (!rule) return tl::unexpected(NotFound("rule", event.rule_id));
  return CreateOnly(Doc(project_id, "ruleEvents", event.rule_event_id),
                    event.ToJson(), "rule event " + event.rule_event_id);
}

Result<std::vector<RuleEvent>> FirestoreStore::ListRuleEvents(
    std::string_view project_id) {
  RETURN_IF_ERROR(RequireProject(project_id), "listing rule events");
  ASSIGN_OR_RETURN(std::vector<v1::Document> docs,
                   Collection(project_id, "ruleEvents"), "listing rule events");
  firestore::SortByCreation(docs);
  return ParseAll<RuleEvent>(docs);
}

}  // namespace miri
