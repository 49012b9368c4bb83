// Crash safety: a writer process is SIGKILLed while it commits; the store
// reopened afterwards holds only whole transactions and a projection equal
// to the fold of its event log.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "adapters/sqlite/sqlite_store.h"
#include "testing/store_contract.h"

namespace miri {
namespace {

using testing::SamplePlan;
using testing::SampleProject;
using testing::SampleVersion;
using testing::ShotEvent;

constexpr int kShotsPerPlan = 5;

// The writer: plans of five shots (one transaction each), then a version
// and a DRAFT -> VALIDATION event per shot. Runs until killed.
[[noreturn]] void RunWriter(const std::string& db, const std::string& project,
                            int round) {
  auto store = SqliteStore::Open(db);
  if (!store) _exit(2);
  for (int i = 0; i < 100000; ++i) {
    std::string prefix = "r" + std::to_string(round) + "p" + std::to_string(i);
    PlanCommit plan = SamplePlan(prefix, kShotsPerPlan);
    plan.scenes[0].scene_id = prefix;
    for (Shot& s : plan.shots) s.scene_id = prefix;
    if (!(*store)->CommitPlan(project, plan)) _exit(3);
    for (const Shot& s : plan.shots) {
      std::string v = s.shot_id + "v";
      if (!(*store)->AppendVersion(project, SampleVersion(v, s.shot_id)))
        _exit(4);
      Event e = ShotEvent(s.shot_id, ShotStatus::kDraft,
                          ShotStatus::kValidation, s.shot_id + ":validate");
      e.version_id = v;
      if (!(*store)->AppendEvent(project, e)) _exit(5);
    }
  }
  _exit(0);
}

size_t CountShots(const std::string& db, const std::string& project) {
  auto store = SqliteStore::Open(db);
  if (!store) return 0;
  auto shots = (*store)->ListShots(project);
  return shots ? shots->size() : 0;
}

TEST(SqliteCrashTest, KilledWriterLeavesOnlyWholeTransactions) {
  std::string dir =
      (std::filesystem::temp_directory_path() / "miri-crash-XXXXXX").string();
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  const std::string db = dir + "/miri.db";
  const ProjectConfig project = SampleProject();
  {
    auto store = SqliteStore::Open(db);
    ASSERT_TRUE(store);
    ASSERT_TRUE((*store)->CreateProject(project));
  }  // no connection is open across fork()

  std::mt19937 rng(20261125);
  constexpr int kRounds = 6;
  for (int round = 0; round < kRounds; ++round) {
    size_t before = CountShots(db, project.project_id);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) RunWriter(db, project.project_id, round);
    // Let it commit something (bounded wait), then kill it at a random point.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (CountShots(db, project.project_id) == before &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 40000));
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "writer exited early: " << status;
  }

  auto store = SqliteStore::Open(db);
  ASSERT_TRUE(store);
  EXPECT_EQ((*store)->IntegrityCheck().value(), "ok");
  Store& port = **store;  // the port's default arguments
  Result<std::vector<Shot>> listed = port.ListShots(project.project_id);
  ASSERT_TRUE(listed) << listed.error().ToString();
  Result<std::vector<Event>> logged = port.ListEvents(project.project_id);
  ASSERT_TRUE(logged) << logged.error().ToString();
  const std::vector<Shot>& shots = *listed;
  const std::vector<Event>& events = *logged;
  ASSERT_FALSE(shots.empty());
  // Plans are all-or-nothing: every scene has all of its shots.
  EXPECT_EQ(shots.size() % kShotsPerPlan, 0u);
  EXPECT_EQ((*store)->ListScenes(project.project_id)->size() * kShotsPerPlan,
            shots.size());
  // Seqs are contiguous: no transaction left a hole or a half-written event.
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].seq, static_cast<int64_t>(i + 1));
  }
  // Every shot has its creation event; every VALIDATION names a stored
  // version of its shot.
  std::set<std::string> created;
  for (const Event& e : events) {
    if (!e.from) created.insert(e.shot_id);
    if (e.version_id) {
      EXPECT_TRUE((*store)->GetVersion(project.project_id, *e.version_id));
    }
  }
  EXPECT_EQ(created.size(), shots.size());
  // The stored projection equals the fold of the log.
  std::map<std::string, ShotStatus> stored;
  for (const Shot& s : shots) stored[s.shot_id] = s.status;
  EXPECT_EQ(stored, FoldShotStatuses(events));
  EXPECT_EQ((*store)->RebuildProjections(project.project_id).value(), 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace miri
