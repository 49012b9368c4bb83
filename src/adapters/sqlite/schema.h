// The SQLite schema of the embedded store. Tables carry their key columns
// plus the document as JSON (`doc`), as the Firestore layout does.
#ifndef MIRI_ADAPTERS_SQLITE_SCHEMA_H_
#define MIRI_ADAPTERS_SQLITE_SCHEMA_H_

namespace miri::sqlite {

inline constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS projects (
  project_id TEXT PRIMARY KEY,
  doc TEXT NOT NULL,
  status TEXT                          -- projection of the project's events
);
CREATE TABLE IF NOT EXISTS agent_configs (
  project_id TEXT NOT NULL REFERENCES projects(project_id),
  config_id TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (project_id, config_id)
);
CREATE TABLE IF NOT EXISTS scenes (
  project_id TEXT NOT NULL REFERENCES projects(project_id),
  scene_id TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (project_id, scene_id)
);
CREATE TABLE IF NOT EXISTS shots (
  project_id TEXT NOT NULL REFERENCES projects(project_id),
  shot_id TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  doc TEXT NOT NULL,
  status TEXT,                          -- projection of the shot's events
  PRIMARY KEY (project_id, shot_id)
);
CREATE TABLE IF NOT EXISTS versions (
  project_id TEXT NOT NULL,
  version_id TEXT NOT NULL,
  shot_id TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (project_id, version_id),
  FOREIGN KEY (project_id, shot_id) REFERENCES shots(project_id, shot_id)
);
CREATE INDEX IF NOT EXISTS versions_by_shot ON versions(project_id, shot_id);
CREATE TABLE IF NOT EXISTS events (
  project_id TEXT NOT NULL REFERENCES projects(project_id),
  seq INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  shot_id TEXT,
  idempotency_key TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (project_id, seq),
  UNIQUE (project_id, event_id),
  UNIQUE (project_id, idempotency_key)
);
CREATE TABLE IF NOT EXISTS rules (
  project_id TEXT NOT NULL REFERENCES projects(project_id),
  rule_id TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (project_id, rule_id)
);
CREATE TABLE IF NOT EXISTS rule_events (
  project_id TEXT NOT NULL,
  rule_event_id TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (project_id, rule_event_id),
  FOREIGN KEY (project_id, rule_id) REFERENCES rules(project_id, rule_id)
);
CREATE TABLE IF NOT EXISTS ledger (
  project_id TEXT NOT NULL REFERENCES projects(project_id),
  entry_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  amount_micros INTEGER NOT NULL,
  reservation_id TEXT,                  -- SETTLE/RELEASE: the RESERVE closed
  doc TEXT NOT NULL,
  PRIMARY KEY (project_id, entry_id),
  UNIQUE (project_id, reservation_id)   -- a reservation closes once
);
-- Added after the first release: IF NOT EXISTS also migrates older files.
CREATE TABLE IF NOT EXISTS jobs (
  project_id TEXT NOT NULL REFERENCES projects(project_id),
  job_id TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (project_id, job_id)
);
-- One render lease per project (ports/store.h), replaced in place.
CREATE TABLE IF NOT EXISTS render_leases (
  project_id TEXT PRIMARY KEY REFERENCES projects(project_id),
  owner TEXT NOT NULL,
  expires_at_ms INTEGER NOT NULL
);
-- Store::ProbeWrite's records (/readyz), outside every project.
CREATE TABLE IF NOT EXISTS write_probes (
  probe_id TEXT PRIMARY KEY,
  writes INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS dispatch_intents (
  project_id TEXT NOT NULL REFERENCES projects(project_id),
  job_id TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (project_id, job_id)
);
CREATE TRIGGER IF NOT EXISTS versions_no_update BEFORE UPDATE ON versions
  BEGIN SELECT RAISE(ABORT, 'versions are immutable'); END;
CREATE TRIGGER IF NOT EXISTS versions_no_delete BEFORE DELETE ON versions
  BEGIN SELECT RAISE(ABORT, 'versions are immutable'); END;
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
CREATE TRIGGER IF NOT EXISTS rules_no_update BEFORE UPDATE ON rules
  BEGIN SELECT RAISE(ABORT, 'rules are immutable'); END;
CREATE TRIGGER IF NOT EXISTS rules_no_delete BEFORE DELETE ON rules
  BEGIN SELECT RAISE(ABORT, 'rules are immutable'); END;
CREATE TRIGGER IF NOT EXISTS rule_events_no_update BEFORE UPDATE ON rule_events
  BEGIN SELECT RAISE(ABORT, 'rule events are immutable'); END;
CREATE TRIGGER IF NOT EXISTS rule_events_no_delete BEFORE DELETE ON rule_events
  BEGIN SELECT RAISE(ABORT, 'rule events are immutable'); END;
CREATE TRIGGER IF NOT EXISTS ledger_no_update BEFORE UPDATE ON ledger
  BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END;
CREATE TRIGGER IF NOT EXISTS ledger_no_delete BEFORE DELETE ON ledger
  BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END;
CREATE TRIGGER IF NOT EXISTS jobs_no_update BEFORE UPDATE ON jobs
  BEGIN SELECT RAISE(ABORT, 'job records are immutable'); END;
CREATE TRIGGER IF NOT EXISTS jobs_no_delete BEFORE DELETE ON jobs
  BEGIN SELECT RAISE(ABORT, 'job records are immutable'); END;
CREATE TRIGGER IF NOT EXISTS dispatch_intents_no_update BEFORE UPDATE
  ON dispatch_intents
  BEGIN SELECT RAISE(ABORT, 'dispatch intents are immutable'); END;
CREATE TRIGGER IF NOT EXISTS dispatch_intents_no_delete BEFORE DELETE
  ON dispatch_intents
  BEGIN SELECT RAISE(ABORT, 'dispatch intents are immutable'); END;
)sql";

}  // namespace miri::sqlite

#endif  // MIRI_ADAPTERS_SQLITE_SCHEMA_H_
