// SqliteStore's job records and dispatch intents (ports/store.h): one
// create-only row per job in each table.
#include "adapters/sqlite/sqlite_store.h"

namespace miri {

using sqlite::Stmt;

Result<void> SqliteStore::RecordJob(std::string_view project_id,
                                    const JobRecord& job) {
  if (Result<JobRecord> valid = ParseDocument<JobRecord>(job.ToJson());
      !valid) {
    return tl::unexpected(WithContext(valid.error(), "recording job"));
  }
  return Write([&]() -> Result<void> {
    RETURN_IF_ERROR(RequireProject(db_, project_id), "recording job");
    ASSIGN_OR_RETURN(Stmt stmt,
                     db_.Prepare("INSERT INTO jobs(project_id, job_id, doc) "
                                 "VALUES (?1, ?2, ?3)"),
                     "recording job");
    stmt.Bind(project_id).Bind(job.job_id).Bind(job.ToJson().dump());
    Result<void> r = stmt.Run();
    if (!r && r.error().code == ErrorCode::kAlreadyExists) {
      return MakeError(ErrorCode::kAlreadyExists,
                       "job " + job.job_id + " is already recorded");
    }
    return r;
  });
}

Result<JobRecord> SqliteStore::GetJob(std::string_view project_id,
                                      std::string_view job_id) {
  std::lock_guard lock(read_mu_);
  RETURN_IF_ERROR(RequireProject(read_db_, project_id), "reading job");
  ASSIGN_OR_RETURN(
      Stmt stmt,
      read_db_.Prepare("SELECT doc FROM jobs WHERE project_id=?1 AND "
                       "job_id=?2"),
      "reading job");
  stmt.Bind(project_id).Bind(job_id);
  ASSIGN_OR_RETURN(bool row, stmt.Step(), "reading job");
  if (!row) {
    return MakeError(ErrorCode::kNotFound,
                     "job " + std::string(job_id) + " not found");
  }
  Result<JobRecord> job = ParseDocumentText<JobRecord>(stmt.Text(0));
  if (!job) {
    return MakeError(ErrorCode::kInternal,
                     "corrupt stored job record: " + job.error().ToString());
  }
  return job;
}

Result<void> SqliteStore::RecordDispatchIntent(std::string_view project_id,
                                               const DispatchIntent& intent) {
  if (Result<DispatchIntent> valid =
          ParseDocument<DispatchIntent>(intent.ToJson());
      !valid) {
    return tl::unexpected(
        WithContext(valid.error(), "recording dispatch intent"));
  }
  return Write([&]() -> Result<void> {
    RETURN_IF_ERROR(RequireProject(db_, project_id),
                    "recording dispatch intent");
    ASSIGN_OR_RETURN(
        Stmt stmt,
        db_.Prepare("INSERT INTO dispatch_intents(project_id, job_id, doc) "
                    "VALUES (?1, ?2, ?3)"),
        "recording dispatch intent");
    stmt.Bind(project_id).Bind(intent.job_id).Bind(intent.ToJson().dump());
    Result<void> r = stmt.Run();
    if (!r && r.error().code == ErrorCode::kAlreadyExists) {
      return MakeError(
          ErrorCode::kAlreadyExists,
          "the dispatch of job " + intent.job_id + " is already recorded");
    }
    return r;
  });
}

Result<DispatchIntent> SqliteStore::GetDispatchIntent(
    std::string_view project_id, std::string_view job_id) {
  std::lock_guard lock(read_mu_);
  RETURN_IF_ERROR(RequireProject(read_db_, project_id),
                  "reading dispatch intent");
  ASSIGN_OR_RETURN(Stmt stmt,
                   read_db_.Prepare("SELECT doc FROM dispatch_intents WHERE "
                                    "project_id=?1 AND job_id=?2"),
                   "reading dispatch intent");
  stmt.Bind(project_id).Bind(job_id);
  ASSIGN_OR_RETURN(bool row, stmt.Step(), "reading dispatch intent");
  if (!row) {
    return MakeError(ErrorCode::kNotFound,
                     "no dispatch intent for job " + std::string(job_id));
  }
  Result<DispatchIntent> intent =
      ParseDocumentText<DispatchIntent>(stmt.Text(0));
  if (!intent) {
    return MakeError(ErrorCode::kInternal, "corrupt stored dispatch intent: " +
                                               intent.error().ToString());
  }
  return intent;
}

}  // namespace miri
