#include "adapters/sqlite/sqlite_db.h"

namespace miri::sqlite {

Error ToError(sqlite3* db, int rc, std::string_view what) {
  std::string msg = std::string(what) + ": " +
                    (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_TRIGGER) {
        return Error{ErrorCode::kFailedPrecondition, msg, {}};
      }
      return Error{ErrorCode::kAlreadyExists, msg, {}};
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error{ErrorCode::kUnavailable, msg, {}};
    default:
      return Error{ErrorCode::kInternal, msg, {}};
  }
}

Stmt::~Stmt() {
  if (in_use_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *in_use_ = false;
  } else {
    sqlite3_finalize(stmt_);
  }
}

Stmt& Stmt::Bind(std::string_view text) {
  sqlite3_bind_text(stmt_, next_index_++, text.data(),
                    static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::Bind(int64_t value) {
  sqlite3_bind_int64(stmt_, next_index_++, value);
  return *this;
}

Stmt& Stmt::BindOptional(const std::optional<std::string>& text) {
  if (text) return Bind(*text);
  sqlite3_bind_null(stmt_, next_index_++);
  return *this;
}

Result<bool> Stmt::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return tl::unexpected(
      ToError(db_, sqlite3_extended_errcode(db_), sqlite3_sql(stmt_)));
}

Result<void> Stmt::Run() {
  for (int i = 0; i < 1'000'000; ++i) {
    ASSIGN_OR_RETURN(bool row, Step(), "sqlite");
    if (!row) return {};
  }
  return MakeError(ErrorCode::kInternal, "statement returned too many rows");
}

std::string Stmt::Text(int column) const {
  const unsigned char* t = sqlite3_column_text(stmt_, column);
  if (t == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(t),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::string> Stmt::OptionalText(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  return Text(column);
}

int64_t Stmt::Int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

Result<Db> Db::Open(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &raw,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
      nullptr);
  if (rc != SQLITE_OK) {
    Error e = ToError(raw, rc, "opening " + path);
    sqlite3_close(raw);
    return tl::unexpected(e);
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 10000);
  return Db(raw);
}

Db::~Db() {
  for (auto& [sql, c] : cache_) sqlite3_finalize(c.stmt);
  sqlite3_close(db_);
}

Result<void> Db::Exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return {};
  sqlite3_free(err);
  return tl::unexpected(ToError(db_, sqlite3_extended_errcode(db_), sql));
}

Result<void> Db::Run(std::string_view sql) {
  ASSIGN_OR_RETURN(Stmt stmt, Prepare(sql), "");
  return stmt.Run();
}

Result<Stmt> Db::Prepare(std::string_view sql) {
  auto [it, added] = cache_.try_emplace(std::string(sql));
  Cached& c = it->second;
  if (c.stmt != nullptr && !c.in_use) {
    c.in_use = true;
    return Stmt(db_, c.stmt, &c.in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              c.stmt == nullptr ? SQLITE_PREPARE_PERSISTENT : 0,
                              &stmt, nullptr);
  if (rc != SQLITE_OK) {
    if (added) cache_.erase(it);
    return tl::unexpected(ToError(db_, rc, sql));
  }
  if (c.stmt != nullptr) return Stmt(db_, stmt);  // the cached one is busy
  c.stmt = stmt;
  c.in_use = true;
  return Stmt(db_, stmt, &c.in_use);
}

Result<Transaction> Transaction::Begin(Db& db) {
  RETURN_IF_ERROR(db.Run("BEGIN IMMEDIATE"), "begin transaction");
  return Transaction(db);
}

Transaction::~Transaction() {
  if (open_) (void)db_->Run("ROLLBACK");
}

Result<void> Transaction::Commit() {
  RETURN_IF_ERROR(db_->Run("COMMIT"), "commit");
  open_ = false;
  return {};
}

}  // namespace miri::sqlite
