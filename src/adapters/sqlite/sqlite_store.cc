#include "adapters/sqlite/sqlite_store.h"

#include <exception>

#include "adapters/sqlite/schema.h"

namespace miri {

using sqlite::Stmt;

namespace {

// A stored document that no longer parses is corruption, not bad input.
template <typename T>
Result<T> ParseStored(const std::string& doc) {
  Result<T> value = ParseDocumentText<T>(doc);
  if (!value) {
    return MakeError(ErrorCode::kInternal, "corrupt stored " +
                                               std::string(T::kKind) + ": " +
                                               value.error().ToString());
  }
  return value;
}

// Every document is checked against its schema before it is written, so a
// value built in code is held to the same rules as one parsed from a
// request, and nothing stored can later fail to parse.
template <typename T>
Result<void> Validate(const T& value) {
  Result<T> parsed = ParseDocument<T>(value.ToJson());
  if (!parsed) return tl::unexpected(parsed.error());
  return {};
}

template <typename T>
Result<std::vector<T>> CollectDocs(Stmt& stmt, int column = 0) {
  std::vector<T> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step(), "reading");
    if (!row) return out;
    ASSIGN_OR_RETURN(T value, ParseStored<T>(stmt.Text(column)), "reading");
    out.push_back(std::move(value));
  }
}

Error NotFound(std::string_view what, std::string_view id) {
  return Error{ErrorCode::kNotFound,
               std::string(what) + " " + std::string(id) + " not found",
               {}};
}

// A shot's status column: NULL before its first event.
ShotStatus ProjectedStatus(const std::optional<std::string>& status) {
  return status ? ParseShotStatus(*status).value_or(ShotStatus::kFailed)
                : ShotStatus::kDraft;
}

std::string Describe(const std::optional<std::string>& status) {
  return status ? *status : std::string("(planned)");
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(
    const std::string& path) {
  ASSIGN_OR_RETURN(sqlite::Db writer, sqlite::Db::Open(path), "opening store");
  // WAL lets readers run beside the one writer; synchronous=FULL makes each
  // commit durable before it returns (reliability.md section 4).
  RETURN_IF_ERROR(writer.Exec("PRAGMA journal_mode=WAL"), "opening store");
  RETURN_IF_ERROR(writer.Exec("PRAGMA synchronous=FULL"), "opening store");
  RETURN_IF_ERROR(writer.Exec("PRAGMA foreign_keys=ON"), "opening store");
  RETURN_IF_ERROR(writer.Exec(sqlite::kSchema), "creating schema");
  ASSIGN_OR_RETURN(sqlite::Db reader, sqlite::Db::Open(path), "opening store");
  RETURN_IF_ERROR(reader.Exec("PRAGMA query_only=ON"), "opening store");
  return std::unique_ptr<SqliteStore>(
      new SqliteStore(std::move(writer), std::move(reader)));
}

// Group commit (batching/batcher.h): concurrent writes run in one
// transaction, each under its own savepoint (a failed one is rolled back
// alone and reports its own error), with one commit, so one fsync covers
// the batch and concurrent requests are not serialised on the disk. Every
// caller still returns only after its write is durable.
Result<void> SqliteStore::Write(const std::function<Result<void>()>& op) {
  PendingWrite mine{&op, {}};
  writes_.Submit(mine);
  return mine.outcome;
}

void SqliteStore::RunWrites(const std::vector<PendingWrite*>& batch) {
  std::lock_guard lock(mu_);
  Result<sqlite::Transaction> tx = sqlite::Transaction::Begin(db_);
  bool any_written = false;
  for (PendingWrite* w : batch) {
    if (!tx) {
      w->outcome = tl::unexpected(tx.error());
      continue;
    }
    Result<void> opened = db_.Run("SAVEPOINT op");
    w->outcome = opened;
    if (opened) {
      // Another caller's operation runs on this thread: what it throws
      // becomes its own error, not the batch's.
      try {
        w->outcome = (*w->op)();
      } catch (const std::exception& e) {
        w->outcome = MakeError(ErrorCode::kInternal,
                               std::string("write failed: ") + e.what());
      }
    }
    if (w->outcome) {
      w->outcome = db_.Run("RELEASE op");
      any_written = any_written || w->outcome.has_value();
    } else if (opened) {
      if (sqlite3_get_autocommit(db_.raw())) {
        // SQLite rolled the whole transaction back (I/O error, disk
        // full): the batch so far is gone, and so is the rest.
        Error lost = WithContext(w->outcome.error(),
                                 "the write transaction was rolled back");
        for (PendingWrite* earlier : batch) {
          if (earlier == w) break;
          earlier->outcome = tl::unexpected(lost);
        }
        tx = tl::unexpected(lost);
        any_written = false;
        continue;
      }
      (void)db_.Run("ROLLBACK TO op");
      (void)db_.Run("RELEASE op");
    }
  }
  if (tx && any_written) {
    if (Result<void> committed = tx->Commit(); !committed) {
      for (PendingWrite* w : batch) {
        if (w->outcome) w->outcome = committed;  // nothing was written
      }
    }
  }
}

Result<std::string> SqliteStore::IntegrityCheck() {
  std::lock_guard lock(read_mu_);
  ASSIGN_OR_RETURN(Stmt stmt, read_db_.Prepare("PRAGMA integrity_check"),
                   "check");
  std::string out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step(), "check");
    if (!row) return out;
    if (!out.empty()) out += "\n";
    out += stmt.Text(0);
  }
}

Result<void> SqliteStore::RequireProject(sqlite::Db& db,
                                         std::string_view project_id) {
  ASSIGN_OR_RETURN(Stmt stmt,
                   db.Prepare("SELECT 1 FROM projects WHERE project_id=?1"),
                   "project");
  stmt.Bind(project_id);
  ASSIGN_OR_RETURN(bool row, stmt.Step(), "project");
  if (!row) return tl::unexpected(NotFound("project", project_id));
  return {};
}

Result<void> SqliteStore::CreateProject(const ProjectConfig& project,
                                        const ProjectStart& start) {
  RETURN_IF_ERROR(Validate(project), "creating project");
  for (const AgentConfig& config : start.agent_configs) {
    RETURN_IF_ERROR(Validate(config), "creating project");
  }
  return Write([&]() -> Result<void> {
    ASSIGN_OR_RETURN(Stmt stmt,
                     db_.Prepare("INSERT INTO projects(project_id, doc) "
                                 "VALUES (?1, ?2)"),
                     "creating project");
    stmt.Bind(project.project_id).Bind(project.ToJson().dump());
    Result<void> r = stmt.Run();
    if (!r && r.error().code == ErrorCode::kAlreadyExists) {
      return MakeError(ErrorCode::kAlreadyExists,
                       "project " + project.project_id + " already exists");
    }
    RETURN_IF_ERROR(r, "creating project");
    for (const AgentConfig& config : start.agent_configs) {
      ASSIGN_OR_RETURN(
          Stmt put,
          db_.Prepare("INSERT INTO agent_configs(project_id, config_id, doc) "
                      "VALUES (?1, ?2, ?3) ON CONFLICT(project_id, config_id) "
                      "DO UPDATE SET doc=excluded.doc"),
          "creating project");
      put.Bind(project.project_id)
          .Bind(config.config_id)
          .Bind(config.ToJson().dump());
      RETURN_IF_ERROR(put.Run(), "agent config " + config.config_id);
    }
    if (start.first_event) {
      RETURN_IF_ERROR(
          AppendEventLocked(db_, project.project_id, *start.first_event),
          "creating project");
    }
    return {};
  });
}

Result<void> SqliteStore::UpdateProject(const ProjectConfig& project) {
  RETURN_IF_ERROR(Validate(project), "updating project");
  return Write([&]() -> Result<void> {
    ASSIGN_OR_RETURN(
        Stmt read, db_.Prepare("SELECT doc FROM projects WHERE project_id=?1"),
        "updating project");
    read.Bind(project.project_id);
    ASSIGN_OR_RETURN(bool row, read.Step(), "updating project");
    if (!row) return tl::unexpected(NotFound("project", project.project_id));
    ASSIGN_OR_RETURN(ProjectConfig old,
                     ParseStored<ProjectConfig>(read.Text(0)),
                     "updating project");
    if (old.creation_timestamp != project.creation_timestamp) {
      return MakeError(ErrorCode::kInvalidArgument, "invalid project update",
                       {{"creationTimestamp", "cannot be changed"}});
    }
    ASSIGN_OR_RETURN(
        Stmt write,
        db_.Prepare("UPDATE projects SET doc=?2 WHERE project_id=?1"),
        "updating project");
    write.Bind(project.project_id).Bind(project.ToJson().dump());
    RETURN_IF_ERROR(write.Run(), "updating project");
    return {};
  });
}

Result<ProjectConfig> SqliteStore::GetProject(std::string_view project_id) {
  std::lock_guard lock(read_mu_);
  ASSIGN_OR_RETURN(
      Stmt stmt,
      read_db_.Prepare("SELECT doc FROM projects WHERE project_id=?1"),
      "reading project");
  stmt.Bind(project_id);
  ASSIGN_OR_RETURN(bool row, stmt.Step(), "reading project");
  if (!row) return tl::unexpected(NotFound("project", project_id));
  return ParseStored<ProjectConfig>(stmt.Text(0));
}

Result<std::vector<ProjectConfig>> SqliteStore::ListProjects() {
  std::lock_guard lock(read_mu_);
  ASSIGN_OR_RETURN(Stmt stmt,
                   read_db_.Prepare("SELECT doc FROM projects ORDER BY rowid"),
                   "listing projects");
  return CollectDocs<ProjectConfig>(stmt);
}

Result<std::optional<ProjectStatus>> SqliteStore::GetProjectStatus(
    std::string_view project_id) {
  std::lock_guard lock(read_mu_);
  ASSIGN_OR_RETURN(
      Stmt stmt,
      read_db_.Prepare("SELECT status FROM projects WHERE project_id=?1"),
      "reading project status");
  stmt.Bind(project_id);
  ASSIGN_OR_RETURN(bool row, stmt.Step(), "reading project status");
  if (!row) return tl::unexpected(NotFound("project", project_id));
  std::optional<std::string> s = stmt.OptionalText(0);
  if (!s) return std::optional<ProjectStatus>();
  return ParseProjectStatus(*s);
}

Result<void> SqliteStore::PutAgentConfig(std::string_view project_id,
                                         const AgentConfig& config) {
  RETURN_IF_ERROR(Validate(config), "saving agent config");
  return Write([&]() -> Result<void> {
    RETURN_IF_ERROR(RequireProject(db_, project_id), "saving agent config");
    ASSIGN_OR_RETURN(
        Stmt stmt,
        db_.Prepare("INSERT INTO agent_configs(project_id, config_id, doc) "
                    "VALUES (?1, ?2, ?3) ON CONFLICT(project_id, config_id) "
                    "DO UPDATE SET doc=excluded.doc"),
        "saving agent config");
    stmt.Bind(project_id).Bind(config.config_id).Bind(config.ToJson().dump());
    return stmt.Run();
  });
}

Result<std::vector<AgentConfig>> SqliteStore::ListAgentConfigs(
    std::string_view project_id) {
  std::lock_guard lock(read_mu_);
  RETURN_IF_ERROR(RequireProject(read_db_, project_id),
                  "listing agent configs");
  ASSIGN_OR_RETURN(Stmt stmt,
                   read_db_.Prepare("SELECT doc FROM agent_configs WHERE "
                                    "project_id=?1 ORDER BY config_id"),
                   "listing agent configs");
  stmt.Bind(project_id);
  return CollectDocs<AgentConfig>(stmt);
}

Result<std::optional<Event>> SqliteStore::CommitPlan(
    std::string_view project_id, const PlanCommit& plan) {
  for (const Scene& scene : plan.scenes) {
    RETURN_IF_ERROR(Validate(scene), "committing plan");
  }
  for (const Shot& shot : plan.shots) {
    RETURN_IF_ERROR(Validate(shot), "committing plan");
  }
  std::optional<Event> committed;
  RETURN_IF_ERROR(
      Write([&]() -> Result<void> {
        RETURN_IF_ERROR(RequireProject(db_, project_id), "committing plan");
        if (plan.project_event) {
          // The project's move first: of racing commits, the first one in the
          // writer's order takes it, the rest are refused with nothing written.
          ASSIGN_OR_RETURN(
              AppendEventResult r,
              AppendEventLocked(db_, project_id, *plan.project_event),
              "committing plan");
          if (r.duplicate) return tl::unexpected(PlanAlreadyCommitted(r.event));
          committed = std::move(r.event);
        }
        for (const Scene& scene : plan.scenes) {
          ASSIGN_OR_RETURN(
              Stmt stmt,
              db_.Prepare("INSERT INTO scenes(project_id, scene_id, "
                          "start_ms, doc) VALUES (?1, ?2, ?3, ?4)"),
              "committing plan");
          stmt.Bind(project_id)
              .Bind(scene.scene_id)
              .Bind(scene.start_ms)
              .Bind(scene.ToJson().dump());
          RETURN_IF_ERROR(stmt.Run(), "scene " + scene.scene_id);
        }
        for (Shot shot : plan.shots) {
          shot.status = ShotStatus::kDraft;
          shot.versions.clear();
          ASSIGN_OR_RETURN(
              Stmt stmt,
              db_.Prepare("INSERT INTO shots(project_id, shot_id, "
                          "start_ms, doc) VALUES (?1, ?2, ?3, ?4)"),
              "committing plan");
          stmt.Bind(project_id)
              .Bind(shot.shot_id)
              .Bind(shot.timestamps.start_ms)
              .Bind(shot.ToJson().dump());
          RETURN_IF_ERROR(stmt.Run(), "shot " + shot.shot_id);
          Event created;
          created.shot_id = shot.shot_id;
          created.to = std::string(ShotStatusName(ShotStatus::kDraft));
          created.cause = "planned by the director";
          created.at = plan.at;
          created.idempotency_key = "planned:" + shot.shot_id;
          RETURN_IF_ERROR(AppendEventLocked(db_, project_id, created),
                          "shot " + shot.shot_id);
        }
        return {};
      }),
      "");
  return committed;
}

Result<std::vector<Scene>> SqliteStore::ListScenes(
    std::string_view project_id) {
  std::lock_guard lock(read_mu_);
  RETURN_IF_ERROR(RequireProject(read_db_, project_id), "listing scenes");
  ASSIGN_OR_RETURN(
      Stmt stmt,
      read_db_.Prepare("SELECT doc FROM scenes WHERE project_id=?1 "
                       "ORDER BY start_ms, scene_id"),
      "listing scenes");
  stmt.Bind(project_id);
  return CollectDocs<Scene>(stmt);
}

Result<Shot> SqliteStore::ReadShot(sqlite::Db& db, std::string_view project_id,
                                   std::string_view shot_id) {
  ASSIGN_OR_RETURN(Stmt stmt,
                   db.Prepare("SELECT doc, status FROM shots WHERE "
                              "project_id=?1 AND shot_id=?2"),
                   "reading shot");
  stmt.Bind(project_id).Bind(shot_id);
  ASSIGN_OR_RETURN(bool row, stmt.Step(), "reading shot");
  if (!row) return tl::unexpected(NotFound("shot", shot_id));
  ASSIGN_OR_RETURN(Shot shot, ParseStored<Shot>(stmt.Text(0)), "reading shot");
  shot.status = ProjectedStatus(stmt.OptionalText(1));
  ASSIGN_OR_RETURN(Stmt versions,
                   db.Prepare("SELECT version_id FROM versions WHERE "
                              "project_id=?1 AND shot_id=?2 ORDER BY rowid"),
                   "reading shot");
  versions.Bind(project_id).Bind(shot_id);
  shot.versions.clear();
  while (true) {
    ASSIGN_OR_RETURN(bool vrow, versions.Step(), "reading shot");
    if (!vrow) break;
    shot.versions.push_back(versions.Text(0));
  }
  return shot;
}

Result<Shot> SqliteStore::GetShot(std::string_view project_id,
                                  std::string_view shot_id) {
  std::lock_guard lock(read_mu_);
  RETURN_IF_ERROR(RequireProject(read_db_, project_id), "reading shot");
  return ReadShot(read_db_, project_id, shot_id);
}

Result<std::vector<Shot>> SqliteStore::ListShots(std::string_view project_id) {
  std::lock_guard lock(read_mu_);
  RETURN_IF_ERROR(RequireProject(read_db_, project_id), "listing shots");
  // One statement (one snapshot): each shot's row once per version, in order.
  ASSIGN_OR_RETURN(
      Stmt stmt,
      read_db_.Prepare(
          "SELECT s.shot_id, s.doc, s.status, v.version_id FROM shots s "
          "LEFT JOIN versions v ON v.project_id=s.project_id AND "
          "v.shot_id=s.shot_id WHERE s.project_id=?1 "
          "ORDER BY s.start_ms, s.shot_id, v.rowid"),
      "listing shots");
  stmt.Bind(project_id);
  std::vector<Shot> shots;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step(), "listing shots");
    if (!row) return shots;
    if (shots.empty() || shots.back().shot_id != stmt.Text(0)) {
      ASSIGN_OR_RETURN(Shot shot, ParseStored<Shot>(stmt.Text(1)),
                       "listing shots");
      shot.status = ProjectedStatus(stmt.OptionalText(2));
      shot.versions.clear();
      shots.push_back(std::move(shot));
    }
    if (std::optional<std::string> v = stmt.OptionalText(3))
      shots.back().versions.push_back(*v);
  }
}

Result<void> SqliteStore::AppendVersion(std::string_view project_id,
                                        const Version& version) {
  RETURN_IF_ERROR(Validate(version), "appending version");
  return Write([&]() -> Result<void> {
    RETURN_IF_ERROR(RequireProject(db_, project_id), "appending version");
    RETURN_IF_ERROR(ReadShot(db_, project_id, version.shot_id),
                    "appending version");
    ASSIGN_OR_RETURN(Stmt stmt,
                     db_.Prepare("INSERT INTO versions(project_id, version_id, "
                                 "shot_id, doc) VALUES (?1, ?2, ?3, ?4)"),
                     "appending version");
    stmt.Bind(project_id)
        .Bind(version.version_id)
        .Bind(version.shot_id)
        .Bind(version.ToJson().dump());
    Result<void> r = stmt.Run();
    if (!r) {
      if (r.error().code == ErrorCode::kAlreadyExists) {
        return MakeError(ErrorCode::kAlreadyExists,
                         "version " + version.version_id +
                             " already exists; versions are never replaced");
      }
      return r;
    }
    return {};
  });
}

Result<Version> SqliteStore::GetVersion(std::string_view project_id,
                                        std::string_view version_id) {
  std::lock_guard lock(read_mu_);
  RETURN_IF_ERROR(RequireProject(read_db_, project_id), "reading version");
  ASSIGN_OR_RETURN(
      Stmt stmt,
      read_db_.Prepare("SELECT doc FROM versions WHERE project_id=?1 "
                       "AND version_id=?2"),
      "reading version");
  stmt.Bind(project_id).Bind(version_id);
  ASSIGN_OR_RETURN(bool row, stmt.Step(), "reading version");
  if (!row) return tl::unexpected(NotFound("version", version_id));
  return ParseStored<Version>(stmt.Text(0));
}

Result<std::vector<Version>> SqliteStore::ListVersions(
    std::string_view project_id, std::string_view shot_id) {
  std::lock_guard lock(read_mu_);
  RETURN_IF_ERROR(RequireProject(read_db_, project_id), "listing versions");
  RETURN_IF_ERROR(ReadShot(read_db_, project_id, shot_id), "listing versions");
  ASSIGN_OR_RETURN(
      Stmt stmt,
      read_db_.Prepare("SELECT doc FROM versions WHERE project_id=?1 "
                       "AND shot_id=?2 ORDER BY rowid"),
      "listing versions");
  stmt.Bind(project_id).Bind(shot_id);
  return CollectDocs<Version>(stmt);
}

Result<AppendEventResult> SqliteStore::AppendEvent(std::string_view project_id,
                                                   const Event& event) {
  std::optional<AppendEventResult> result;
  RETURN_IF_ERROR(Write([&]() -> Result<void> {
                    ASSIGN_OR_RETURN(
                        result, AppendEventLocked(db_, project_id, event), "");
                    return {};
                  }),
                  "appending event");
  return std::move(*result);
}

Result<AppendEventResult> SqliteStore::AppendEventClosing(
    std::string_view project_id, const Event& event, const LedgerEntry& close) {
  RETURN_IF_ERROR(Validate(close), "appending event");
  if (close.kind == LedgerKind::kReserve) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "appending event: the entry must close a reservation",
                     {{"kind", "expected SETTLE or RELEASE"}});
  }
  std::optional<AppendEventResult> result;
  // One transaction (and one fsync, shared with whatever else is in the
  // batch): the event first, so a refused one rolls the savepoint back
  // before the entry is tried.
  RETURN_IF_ERROR(
      Write([&]() -> Result<void> {
        ASSIGN_OR_RETURN(result, AppendEventLocked(db_, project_id, event), "");
        // A failed INSERT undoes only itself: a reservation closed before
        // or never made leaves the ledger as it is, and the event stands.
        Result<void> closed = CloseReservationLocked(project_id, close);
        if (!closed && closed.error().code != ErrorCode::kAlreadyExists &&
            closed.error().code != ErrorCode::kFailedPrecondition) {
          return closed;
        }
        return {};
      }),
      "appending event");
  return std::move(*result);
}

Result<int64_t> SqliteStore::NextSeq(sqlite::Db& db,
                                     std::string_view project_id) {
  ASSIGN_OR_RETURN(Stmt stmt,
                   db.Prepare("SELECT COALESCE(MAX(seq), 0) + 1 FROM events "
                              "WHERE project_id=?1"),
                   "next seq");
  stmt.Bind(project_id);
  RETURN_IF_ERROR(stmt.Step(), "next seq");
  return stmt.Int(0);
}

Result<void> SqliteStore::InsertEvent(sqlite::Db& db,
                                      std::string_view project_id,
                                      const Event& event) {
  ASSIGN_OR_RETURN(
      Stmt stmt,
      db.Prepare("INSERT INTO events(project_id, seq, event_id, shot_id, "
                 "idempotency_key, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
      "inserting event");
  stmt.Bind(project_id)
      .Bind(event.seq)
      .Bind(event.event_id)
      .BindOptional(event.is_shot_event() ? std::optional(event.shot_id)
                                          : std::nullopt)
      .Bind(event.idempotency_key)
      .Bind(event.ToJson().dump());
  Result<void> r = stmt.Run();
  if (!r && r.error().code == ErrorCode::kAlreadyExists) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "event " + event.event_id + " already exists");
  }
  return r;
}

// Runs inside the caller's transaction, with mu_ held.
Result<AppendEventResult> SqliteStore::AppendEventLocked(
    sqlite::Db& db, std::string_view project_id, Event event) {
  RETURN_IF_ERROR(RequireProject(db, project_id), "event");
  ASSIGN_OR_RETURN(Stmt dup,
                   db.Prepare("SELECT doc FROM events WHERE project_id=?1 "
                              "AND idempotency_key=?2"),
                   "event");
  dup.Bind(project_id).Bind(event.idempotency_key);
  ASSIGN_OR_RETURN(bool seen, dup.Step(), "event");
  if (seen) {
    ASSIGN_OR_RETURN(Event stored, ParseStored<Event>(dup.Text(0)), "event");
    return AppendEventResult{std::move(stored), true};
  }

  std::optional<std::string> current;
  if (event.is_shot_event()) {
    ASSIGN_OR_RETURN(Stmt shot,
                     db.Prepare("SELECT status FROM shots WHERE "
                                "project_id=?1 AND shot_id=?2"),
                     "event");
    shot.Bind(project_id).Bind(event.shot_id);
    ASSIGN_OR_RETURN(bool found, shot.Step(), "event");
    if (!found) return tl::unexpected(NotFound("shot", event.shot_id));
    current = shot.OptionalText(0);
  } else {
    ASSIGN_OR_RETURN(Stmt project,
                     db.Prepare("SELECT status FROM projects WHERE "
                                "project_id=?1"),
                     "event");
    project.Bind(project_id);
    RETURN_IF_ERROR(project.Step(), "event");
    current = project.OptionalText(0);
  }
  if (current != event.from) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "stale event: " +
                         (event.is_shot_event() ? "shot " + event.shot_id
                                                : std::string("the project")) +
                         " is " + Describe(current) + ", the event expects " +
                         Describe(event.from));
  }
  if (event.is_shot_event()) {
    RETURN_IF_ERROR(CheckShotTransition(event.shot_from(), event.shot_to()),
                    "shot " + event.shot_id);
  } else if (!IsLegalProjectTransition(event.project_from(),
                                       event.project_to())) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "illegal project transition " + Describe(event.from) +
                         " -> " + event.to);
  }
  if (event.version_id) {
    ASSIGN_OR_RETURN(Stmt v,
                     db.Prepare("SELECT shot_id FROM versions WHERE "
                                "project_id=?1 AND version_id=?2"),
                     "event");
    v.Bind(project_id).Bind(*event.version_id);
    ASSIGN_OR_RETURN(bool found, v.Step(), "event");
    if (!found || v.Text(0) != event.shot_id) {
      return MakeError(ErrorCode::kNotFound,
                       "version " + *event.version_id + " of shot " +
                           event.shot_id + " not found",
                       {{"versionId", "no such version of this shot"}});
    }
  }

  ASSIGN_OR_RETURN(event.seq, NextSeq(db, project_id), "event");
  if (event.event_id.empty()) event.event_id = "e" + std::to_string(event.seq);
  RETURN_IF_ERROR(Validate(event), "event");
  RETURN_IF_ERROR(InsertEvent(db, project_id, event), "event");
  ASSIGN_OR_RETURN(
      Stmt update,
      db.Prepare(event.is_shot_event()
                     ? "UPDATE shots SET status=?3 WHERE project_id=?1 AND "
                       "shot_id=?2"
                     : "UPDATE projects SET status=?3 WHERE project_id=?1 "
                       "AND ?2 = ''"),
      "event");
  update.Bind(project_id).Bind(event.shot_id).Bind(event.to);
  RETURN_IF_ERROR(update.Run(), "event");
  return AppendEventResult{std::move(event), false};
}

Result<std::vector<Event>> SqliteStore::ListEvents(std::string_view project_id,
                                                   int64_t after_seq,
                                                   size_t limit) {
  std::lock_guard lock(read_mu_);
  RETURN_IF_ERROR(RequireProject(read_db_, project_id), "listing events");
  ASSIGN_OR_RETURN(
      Stmt stmt,
      read_db_.Prepare("SELECT doc FROM events WHERE project_id=?1 "
                       "AND seq > ?2 ORDER BY seq LIMIT ?3"),
      "listing events");
  stmt.Bind(project_id).Bind(after_seq).Bind(static_cast<int64_t>(limit));
  return CollectDocs<Event>(stmt);
}

Result<int> SqliteStore::RebuildProjections(std::string_view project_id) {
  int changed = 0;
  RETURN_IF_ERROR(
      Write([&]() -> Result<void> {
        RETURN_IF_ERROR(RequireProject(db_, project_id), "rebuilding");
        ASSIGN_OR_RETURN(
            Stmt events,
            db_.Prepare("SELECT doc FROM events WHERE project_id=?1 "
                        "ORDER BY seq"),
            "rebuilding");
        events.Bind(project_id);
        ASSIGN_OR_RETURN(std::vector<Event> log, CollectDocs<Event>(events),
                         "rebuilding");
        std::map<std::string, ShotStatus> shots = FoldShotStatuses(log);
        std::optional<std::string> project_status;
        for (const Event& e : log) {
          if (!e.is_shot_event()) project_status = e.to;
        }
        for (const auto& [shot_id, status] : shots) {
          ASSIGN_OR_RETURN(Stmt update,
                           db_.Prepare("UPDATE shots SET status=?3 WHERE "
                                       "project_id=?1 AND shot_id=?2 AND "
                                       "status IS NOT ?3"),
                           "rebuilding");
          update.Bind(project_id).Bind(shot_id).Bind(ShotStatusName(status));
          RETURN_IF_ERROR(update.Run(), "rebuilding");
          changed += sqlite3_changes(db_.raw());
        }
        ASSIGN_OR_RETURN(Stmt project,
                         db_.Prepare("UPDATE projects SET status=?2 WHERE "
                                     "project_id=?1 AND status IS NOT ?2"),
                         "rebuilding");
        project.Bind(project_id).BindOptional(project_status);
        RETURN_IF_ERROR(project.Run(), "rebuilding");
        changed += sqlite3_changes(db_.raw());
        return {};
      }),
      "rebuilding");
  return changed;
}

Result<void> SqliteStore::AppendRule(std::string_view project_id,
                                     const Rule& rule) {
  RETURN_IF_ERROR(Validate(rule), "appending rule");
  return Write([&]() -> Result<void> {
    RETURN_IF_ERROR(RequireProject(db_, project_id), "appending rule");
    ASSIGN_OR_RETURN(Stmt stmt,
                     db_.Prepare("INSERT INTO rules(project_id, rule_id, doc) "
                                 "VALUES (?1, ?2, ?3)"),
                     "appending rule");
    stmt.Bind(project_id).Bind(rule.rule_id).Bind(rule.ToJson().dump());
    Result<void> r = stmt.Run();
    if (!r && r.error().code == ErrorCode::kAlreadyExists) {
      return MakeError(ErrorCode::kAlreadyExists,
                       "rule " + rule.rule_id + " already exists");
    }
    return r;
  });
}

Result<std::vector<Rule>> SqliteStore::ListRules(std::string_view project_id) {
  std::lock_guard lock(read_mu_);
  RETURN_IF_ERROR(RequireProject(read_db_, project_id), "listing rules");
  ASSIGN_OR_RETURN(Stmt stmt,
                   read_db_.Prepare("SELECT doc FROM rules WHERE project_id=?1 "
                                    "ORDER BY rowid"),
                   "listing rules");
  stmt.Bind(project_id);
  return CollectDocs<Rule>(stmt);
}

Result<void> SqliteStore::AppendRuleEvent(std::string_view project_id,
                                          const RuleEvent& event) {
  RETURN_IF_ERROR(Validate(event), "appending rule event");
  return Write([&]() -> Result<void> {
    RETURN_IF_ERROR(RequireProject(db_, project_id), "appending rule event");
    ASSIGN_OR_RETURN(Stmt rule,
                     db_.Prepare("SELECT 1 FROM rules WHERE project_id=?1 AND "
                                 "rule_id=?2"),
                     "rule event");
    rule.Bind(project_id).Bind(event.rule_id);
    ASSIGN_OR_RETURN(bool found, rule.Step(), "rule event");
    if (!found) return tl::unexpected(NotFound("rule", event.rule_id));
    ASSIGN_OR_RETURN(Stmt stmt,
                     db_.Prepare("INSERT INTO rule_events(project_id, "
                                 "rule_event_id, rule_id, doc) "
                                 "VALUES (?1, ?2, ?3, ?4)"),
                     "rule event");
    stmt.Bind(project_id)
        .Bind(event.rule_event_id)
        .Bind(event.rule_id)
        .Bind(event.ToJson().dump());
    Result<void> r = stmt.Run();
    if (!r) {
      if (r.error().code == ErrorCode::kAlreadyExists) {
        return MakeError(
            ErrorCode::kAlreadyExists,
            "rule event " + event.rule_event_id + " already exists");
      }
      return r;
    }
    return {};
  });
}

Result<std::vector<RuleEvent>> SqliteStore::ListRuleEvents(
    std::string_view project_id) {
  std::lock_guard lock(read_mu_);
  RETURN_IF_ERROR(RequireProject(read_db_, project_id), "listing rule events");
  ASSIGN_OR_RETURN(Stmt stmt,
                   read_db_.Prepare("SELECT doc FROM rule_events WHERE "
                                    "project_id=?1 ORDER BY rowid"),
                   "listing rule events");
  stmt.Bind(project_id);
  return CollectDocs<RuleEvent>(stmt);
}

Result<void> SqliteStore::InsertLedger(sqlite::Db& db,
                                       std::string_view project_id,
                                       const LedgerEntry& entry) {
  ASSIGN_OR_RETURN(Stmt stmt,
                   db.Prepare("INSERT INTO ledger(project_id, entry_id, kind, "
                              "amount_micros, reservation_id, doc) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
                   "ledger");
  stmt.Bind(project_id)
      .Bind(entry.entry_id)
      .Bind(LedgerKindName(entry.kind))
      .Bind(entry.amount_micros)
      .BindOptional(entry.reservation_id)
      .Bind(entry.ToJson().dump());
  Result<void> r = stmt.Run();
  if (!r && r.error().code == ErrorCode::kAlreadyExists) {
    bool closes = entry.reservation_id.has_value() &&
                  r.error().message.find("reservation_id") != std::string::npos;
    return MakeError(
        closes ? ErrorCode::kFailedPrecondition : ErrorCode::kAlreadyExists,
        closes ? "reservation " + *entry.reservation_id +
                     " is already settled or released"
               : "ledger entry " + entry.entry_id + " already exists");
  }
  return r;
}

Result<BudgetState> SqliteStore::ReadBudget(sqlite::Db& db,
                                            std::string_view project_id) {
  ASSIGN_OR_RETURN(
      Stmt stmt,
      db.Prepare("SELECT "
                 " COALESCE((SELECT SUM(amount_micros) FROM ledger WHERE "
                 "   project_id=?1 AND kind='SETTLE'), 0),"
                 " COALESCE((SELECT SUM(r.amount_micros) FROM ledger r WHERE "
                 "   r.project_id=?1 AND r.kind='RESERVE' AND NOT EXISTS ("
                 "     SELECT 1 FROM ledger c WHERE c.project_id=?1 AND "
                 "     c.reservation_id=r.entry_id)), 0)"),
      "budget");
  stmt.Bind(project_id);
  RETURN_IF_ERROR(stmt.Step(), "budget");
  return BudgetState{stmt.Int(0), stmt.Int(1)};
}

Result<void> SqliteStore::AppendLedgerEntry(std::string_view project_id,
                                            const LedgerEntry& entry) {
  RETURN_IF_ERROR(Validate(entry), "appending ledger entry");
  if (entry.kind == LedgerKind::kReserve) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a RESERVE goes through ReserveBudget",
                     {{"kind", "RESERVE needs a budget check"}});
  }
  return Write([&]() -> Result<void> {
    RETURN_IF_ERROR(RequireProject(db_, project_id), "appending ledger entry");
    return CloseReservationLocked(project_id, entry);
  });
}

Result<void> SqliteStore::CloseReservationLocked(std::string_view project_id,
                                                 const LedgerEntry& entry) {
  ASSIGN_OR_RETURN(Stmt reserve,
                   db_.Prepare("SELECT 1 FROM ledger WHERE project_id=?1 AND "
                               "entry_id=?2 AND kind='RESERVE'"),
                   "ledger");
  reserve.Bind(project_id).Bind(*entry.reservation_id);
  ASSIGN_OR_RETURN(bool found, reserve.Step(), "ledger");
  if (!found) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "no reservation " + *entry.reservation_id,
                     {{"reservationId", "names no RESERVE entry"}});
  }
  RETURN_IF_ERROR(InsertLedger(db_, project_id, entry),
                  "appending ledger entry");
  return {};
}

Result<BudgetState> SqliteStore::ReserveBudget(std::string_view project_id,
                                               const LedgerEntry& reserve,
                                               int64_t cap_micros) {
  RETURN_IF_ERROR(Validate(reserve), "reserving budget");
  if (reserve.kind != LedgerKind::kReserve) {
    return MakeError(ErrorCode::kInvalidArgument, "not a reservation",
                     {{"kind", "expected RESERVE"}});
  }
  BudgetState state;
  // The write transaction (BEGIN IMMEDIATE) holds the write lock from the
  // read of the sums to the insert, so concurrent reservations (any
  // process) are serialised.
  RETURN_IF_ERROR(
      Write([&]() -> Result<void> {
        RETURN_IF_ERROR(RequireProject(db_, project_id), "reserving budget");
        ASSIGN_OR_RETURN(state, ReadBudget(db_, project_id),
                         "reserving budget");
        if (state.committed_micros() + reserve.amount_micros > cap_micros) {
          return MakeError(ErrorCode::kResourceExhausted,
                           "budget cap reached: " +
                               std::to_string(state.committed_micros()) +
                               " of " + std::to_string(cap_micros) +
                               " micro-USD committed, this call needs " +
                               std::to_string(reserve.amount_micros));
        }
        RETURN_IF_ERROR(InsertLedger(db_, project_id, reserve),
                        "reserving budget");
        return {};
      }),
      "");
  state.reserved_micros += reserve.amount_micros;
  return state;
}

Result<BudgetState> SqliteStore::GetBudget(std::string_view project_id) {
  std::lock_guard lock(read_mu_);
  RETURN_IF_ERROR(RequireProject(read_db_, project_id), "reading budget");
  return ReadBudget(read_db_, project_id);
}

Result<std::vector<LedgerEntry>> SqliteStore::ListLedger(
    std::string_view project_id) {
  std::lock_guard lock(read_mu_);
  RETURN_IF_ERROR(RequireProject(read_db_, project_id), "listing ledger");
  ASSIGN_OR_RETURN(
      Stmt stmt,
      read_db_.Prepare("SELECT doc FROM ledger WHERE project_id=?1 "
                       "ORDER BY rowid"),
      "listing ledger");
  stmt.Bind(project_id);
  return CollectDocs<LedgerEntry>(stmt);
}

}  // namespace miri
