// Thin RAII wrappers over the SQLite C API: a connection, prepared
// statements with typed binding (cached per connection: a statement is
// compiled once and reset after each use), and an IMMEDIATE transaction
// guard.
// Written by hand because Debian ships no maintained C++ SQLite wrapper;
// this is only the few calls the store needs, each mapped to a Result.
#ifndef MIRI_ADAPTERS_SQLITE_SQLITE_DB_H_
#define MIRI_ADAPTERS_SQLITE_SQLITE_DB_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <sqlite3.h>

#include "domain/result.h"

namespace miri::sqlite {

// Maps an SQLite result code to an Error: constraint violations become
// ALREADY_EXISTS (unique) or FAILED_PRECONDITION (trigger), BUSY/LOCKED
// become UNAVAILABLE, the rest INTERNAL.
Error ToError(sqlite3* db, int rc, std::string_view what);

class Stmt {
 public:
  // `in_use`: the cache's flag for a cached statement (reset and handed
  // back on destruction); null for one this Stmt owns (finalized).
  Stmt(sqlite3* db, sqlite3_stmt* stmt, bool* in_use = nullptr)
      : db_(db), stmt_(stmt), in_use_(in_use) {}
  Stmt(Stmt&& other) noexcept
      : db_(other.db_),
        stmt_(other.stmt_),
        in_use_(other.in_use_),
        next_index_(other.next_index_) {
    other.stmt_ = nullptr;
    other.in_use_ = nullptr;
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // Binds positional parameters ?1, ?2, ... in order.
  Stmt& Bind(std::string_view text);
  Stmt& Bind(int64_t value);
  Stmt& BindOptional(const std::optional<std::string>& text);

  // Steps once: true with a row, false when done.
  Result<bool> Step();
  // Steps to completion, for statements without rows.
  Result<void> Run();

  std::string Text(int column) const;
  std::optional<std::string> OptionalText(int column) const;
  int64_t Int(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool* in_use_;
  int next_index_ = 1;
};

class Db {
 public:
  static Result<Db> Open(const std::string& path);
  Db(Db&& other) noexcept : db_(other.db_), cache_(std::move(other.cache_)) {
    other.db_ = nullptr;
  }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  // Runs SQL text, several statements allowed, compiled each time (schema).
  Result<void> Exec(std::string_view sql);
  // Runs one statement without rows through the statement cache (BEGIN,
  // COMMIT, SAVEPOINT: the hot path of every write).
  Result<void> Run(std::string_view sql);
  // The cached statement for `sql`, or a fresh one while the cached one is
  // still in use (a statement stepped inside another's loop).
  Result<Stmt> Prepare(std::string_view sql);
  sqlite3* raw() const { return db_; }

 private:
  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  // Keyed by SQL text; nodes never move, so a Stmt may point at in_use.
  std::unordered_map<std::string, Cached> cache_;
};

// BEGIN IMMEDIATE on construction (takes the write lock up front, so two
// processes never deadlock upgrading read locks); ROLLBACK unless Commit().
class Transaction {
 public:
  static Result<Transaction> Begin(Db& db);
  Transaction(Transaction&& other) noexcept
      : db_(other.db_), open_(other.open_) {
    other.open_ = false;
  }
  ~Transaction();
  Result<void> Commit();

 private:
  explicit Transaction(Db& db) : db_(&db), open_(true) {}
  Db* db_;
  bool open_;
};

}  // namespace miri::sqlite

#endif  // MIRI_ADAPTERS_SQLITE_SQLITE_DB_H_
