// SqliteStore's render leases (ports/store.h): one row per project. The
// compare-and-set is a read and a write inside one write transaction,
// which BEGIN IMMEDIATE serialises across threads and processes.
#include "adapters/sqlite/sqlite_store.h"

namespace miri {

using sqlite::Stmt;

Result<bool> SqliteStore::AcquireRenderLease(std::string_view project_id,
                                             std::string_view owner,
                                             int64_t now_ms,
                                             int64_t expires_at_ms) {
  bool taken = false;
  auto compare_and_set = [&]() -> Result<void> {
    taken = false;
    RETURN_IF_ERROR(RequireProject(db_, project_id), "render lease");
    ASSIGN_OR_RETURN(Stmt read,
                     db_.Prepare("SELECT owner, expires_at_ms FROM "
                                 "render_leases WHERE project_id=?1"),
                     "render lease");
    read.Bind(project_id);
    ASSIGN_OR_RETURN(bool row, read.Step(), "render lease");
    if (row && read.Text(0) != owner && read.Int(1) > now_ms) {
      return {};  // another owner holds it
    }
    ASSIGN_OR_RETURN(Stmt write,
                     db_.Prepare("INSERT OR REPLACE INTO render_leases("
                                 "project_id, owner, expires_at_ms) "
                                 "VALUES (?1, ?2, ?3)"),
                     "render lease");
    write.Bind(project_id).Bind(owner).Bind(expires_at_ms);
    RETURN_IF_ERROR(write.Run(), "render lease");
    taken = true;
    return {};
  };
  Result<void> written = Write(compare_and_set);
  if (!written) return tl::unexpected(written.error());
  return taken;
}

Result<void> SqliteStore::ReleaseRenderLease(std::string_view project_id,
                                             std::string_view owner) {
  return Write([&]() -> Result<void> {
    RETURN_IF_ERROR(RequireProject(db_, project_id), "render lease");
    ASSIGN_OR_RETURN(Stmt stmt,
                     db_.Prepare("DELETE FROM render_leases WHERE "
                                 "project_id=?1 AND owner=?2"),
                     "render lease");
    stmt.Bind(project_id).Bind(owner);
    return stmt.Run();
  });
}

Result<std::optional<RenderLease>> SqliteStore::GetRenderLease(
    std::string_view project_id) {
  std::lock_guard lock(read_mu_);
  RETURN_IF_ERROR(RequireProject(read_db_, project_id), "render lease");
  ASSIGN_OR_RETURN(Stmt stmt,
                   read_db_.Prepare("SELECT owner, expires_at_ms FROM "
                                    "render_leases WHERE project_id=?1"),
                   "render lease");
  stmt.Bind(project_id);
  ASSIGN_OR_RETURN(bool row, stmt.Step(), "render lease");
  if (!row) return std::optional<RenderLease>();
  return std::optional<RenderLease>(RenderLease{stmt.Text(0), stmt.Int(1)});
}

Result<void> SqliteStore::ProbeWrite(std::string_view probe_id) {
  return Write([&]() -> Result<void> {
    ASSIGN_OR_RETURN(Stmt stmt,
                     db_.Prepare("INSERT INTO write_probes(probe_id, writes) "
                                 "VALUES (?1, 1) ON CONFLICT(probe_id) DO "
                                 "UPDATE SET writes = writes + 1"),
                     "write probe");
    stmt.Bind(probe_id);
    return stmt.Run();
  });
}

}  // namespace miri
