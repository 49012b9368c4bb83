#include "adapters/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <gtest/gtest.h>

#include "testing/store_contract.h"

namespace miri {
namespace {

using testing::SamplePlan;
using testing::SampleProject;
using testing::SampleVersion;
using testing::StoreContractTest;
using testing::StoreFactory;

INSTANTIATE_TEST_SUITE_P(
    Sqlite, StoreContractTest,
    ::testing::Values(StoreFactory{
        "sqlite",
        [](const std::string& dir) -> Result<std::unique_ptr<Store>> {
          ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> s,
                           SqliteStore::Open(dir + "/miri.db"), "test");
          return std::unique_ptr<Store>(std::move(s));
        }}),
    [](const auto& info) { return info.param.name; });

class SqliteStoreTest : public StoreContractTest {};

// Runs raw SQL on the database file, bypassing the store, and returns the
// SQLite error message ("" on success).
std::string RawSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  char* err = nullptr;
  sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err != nullptr ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  return msg;
}

// The first column of the first row of a raw query.
std::string RawQuery(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  std::string out;
  auto cb = [](void* o, int, char** values, char**) {
    if (values[0] != nullptr) *static_cast<std::string*>(o) = values[0];
    return 0;
  };
  sqlite3_exec(db, sql.c_str(), cb, &out, nullptr);
  sqlite3_close(db);
  return out;
}

// A write that throws (here: text that is not UTF-8 cannot be serialised)
// runs on whichever thread leads the group commit: it must come back as
// that write's own error, write nothing, and leave the store writable.
TEST_P(SqliteStoreTest, AWriteThatThrowsFailsAloneAndTheStoreStaysWritable) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(store_->CommitPlan(p.project_id, SamplePlan("sh", 1)));
  Event bad = testing::ShotEvent("sh-0", ShotStatus::kDraft,
                                 ShotStatus::kValidation, "k1");
  bad.cause = "not utf-8: \xff\xfe";
  Result<AppendEventResult> r = store_->AppendEvent(p.project_id, bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInternal);
  EXPECT_EQ(store_->ListEvents(p.project_id)->size(), 1u);
  EXPECT_EQ(store_->GetShot(p.project_id, "sh-0")->status, ShotStatus::kDraft);
  Event good = testing::ShotEvent("sh-0", ShotStatus::kDraft,
                                  ShotStatus::kValidation, "k2");
  ASSERT_TRUE(store_->AppendEvent(p.project_id, good));
  EXPECT_EQ(store_->GetShot(p.project_id, "sh-0")->status,
            ShotStatus::kValidation);
}

TEST_P(SqliteStoreTest, DatabaseRefusesRawUpdateAndDeleteOfImmutableRows) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(store_->CommitPlan(p.project_id, SamplePlan("sh", 1)));
  Version v = SampleVersion("v1", "sh-0");
  ASSERT_TRUE(store_->AppendVersion(p.project_id, v));
  const std::string db = dir_ + "/miri.db";
  EXPECT_EQ(RawSql(db, "UPDATE versions SET doc='{}'"),
            "versions are immutable");
  EXPECT_EQ(RawSql(db, "DELETE FROM versions"), "versions are immutable");
  EXPECT_EQ(RawSql(db, "UPDATE events SET doc='{}'"), "events are immutable");
  EXPECT_EQ(RawSql(db, "DELETE FROM events"), "events are immutable");
  EXPECT_EQ(RawSql(db, "INSERT INTO rules VALUES('" + p.project_id +
                           "','r','{}'); UPDATE rules SET doc='x'"),
            "rules are immutable");
  EXPECT_EQ(RawSql(db, "INSERT INTO rule_events VALUES('" + p.project_id +
                           "','e','r','{}'); DELETE FROM rule_events"),
            "rule events are immutable");
  EXPECT_EQ(RawSql(db, "INSERT INTO ledger VALUES('" + p.project_id +
                           "','l','RESERVE',1,NULL,'{}'); DELETE FROM ledger"),
            "ledger entries are immutable");
  EXPECT_EQ(store_->GetVersion(p.project_id, "v1"), v);
  EXPECT_EQ(store_->ListEvents(p.project_id)->size(), 1u);
}

JobRecord SampleJob(const std::string& id) {
  return {id, "fal", "req-" + id, R"({"request_id":"req"})",
          "2026-03-02T10:15:04Z"};
}

TEST_P(SqliteStoreTest, DatabaseRefusesRawUpdateAndDeleteOfJobRecords) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(store_->RecordJob(p.project_id, SampleJob("p:v1")));
  const std::string db = dir_ + "/miri.db";
  EXPECT_EQ(RawSql(db, "UPDATE jobs SET doc='{}'"),
            "job records are immutable");
  EXPECT_EQ(RawSql(db, "DELETE FROM jobs"), "job records are immutable");
  EXPECT_EQ(store_->GetJob(p.project_id, "p:v1"), SampleJob("p:v1"));
}

// A database file written before job records existed gains the table when
// it is opened; its other data stays.
TEST_P(SqliteStoreTest, DatabaseWithoutTheJobsTableIsMigratedOnOpen) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  store_.reset();
  const std::string db = dir_ + "/miri.db";
  ASSERT_EQ(RawSql(db, "DROP TABLE jobs"), "");
  ASSERT_EQ(
      RawQuery(db, "SELECT count(*) FROM sqlite_master WHERE name='jobs'"),
      "0");
  store_ = Reopen();
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(store_->GetProject(p.project_id), p);
  ASSERT_TRUE(store_->RecordJob(p.project_id, SampleJob("p:v1")));
  EXPECT_EQ(RawSql(db, "DELETE FROM jobs"), "job records are immutable");
}

TEST_P(SqliteStoreTest, ProjectionTamperedWithIsRepairedFromEvents) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(store_->CommitPlan(p.project_id, SamplePlan("sh", 2)));
  const std::string db = dir_ + "/miri.db";
  ASSERT_EQ(RawSql(db, "UPDATE shots SET status='COMPLETED'"), "");
  EXPECT_EQ(store_->GetShot(p.project_id, "sh-0")->status,
            ShotStatus::kCompleted);
  EXPECT_EQ(store_->RebuildProjections(p.project_id).value(), 2);
  EXPECT_EQ(store_->GetShot(p.project_id, "sh-0")->status, ShotStatus::kDraft);
}

TEST_P(SqliteStoreTest, UsesWalAndPassesIntegrityCheck) {
  EXPECT_EQ(RawQuery(dir_ + "/miri.db", "PRAGMA journal_mode"), "wal");
  auto* sqlite = dynamic_cast<SqliteStore*>(store_.get());
  ASSERT_NE(sqlite, nullptr);
  EXPECT_EQ(sqlite->IntegrityCheck().value(), "ok");
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/miri.db-wal"));
}

TEST_P(SqliteStoreTest, UnopenablePathIsAnError) {
  Result<std::unique_ptr<SqliteStore>> s =
      SqliteStore::Open(dir_ + "/missing-dir/miri.db");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("opening"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Sqlite, SqliteStoreTest,
    ::testing::Values(StoreFactory{
        "sqlite",
        [](const std::string& dir) -> Result<std::unique_ptr<Store>> {
          ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> s,
                           SqliteStore::Open(dir + "/miri.db"), "test");
          return std::unique_ptr<Store>(std::move(s));
        }}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace miri
