// Every command with a store fault at each of its writes (testing/
// faulty_store.h), both before the write and after it (the answer lost),
// then repeated with the same key: the end state is the state of a run
// without the fault, and nothing is sent to a provider twice. The LevelDB
// way: inject the fault, check the invariant. On SQLite and on the official
// Firestore emulator.
#include "services/commands/command_service.h"

#include <chrono>
#include <filesystem>
#include <memory>
#include <random>
#include <set>
#include <thread>
#include <tuple>

#include <gtest/gtest.h>

#include "adapters/firestore/firestore_store.h"
#include "adapters/firestore/test_firestore_emulator.h"
#include "adapters/hnsw/hnsw_index.h"
#include "adapters/inproc_bus/inproc_bus.h"
#include "adapters/lexical/lexical_embedder.h"
#include "adapters/local/local_image_generator.h"
#include "adapters/local/local_video_generator.h"
#include "adapters/local/local_vision_analyzer.h"
#include "adapters/localfs/localfs_blob_store.h"
#include "adapters/sqlite/sqlite_store.h"
#include "testing/faulty_store.h"
#include "testing/store_fixtures.h"

namespace miri {
namespace {

using ::miri::testing::FaultyStore;
using ::miri::testing::SamplePlan;
using ::miri::testing::SampleProject;

enum class Command { kGenerate, kApprove, kRefine, kReject, kCommitPlan };
enum class Backend { kSqlite, kFirestore };

std::string Name(Command c) {
  switch (c) {
    case Command::kGenerate:
      return "generate";
    case Command::kApprove:
      return "approve";
    case Command::kRefine:
      return "refine";
    case Command::kReject:
      return "reject";
    case Command::kCommitPlan:
      return "commit_plan";
  }
  return "?";
}

void PrintTo(Command c, std::ostream* os) { *os << Name(c); }
void PrintTo(Backend b, std::ostream* os) {
  *os << (b == Backend::kSqlite ? "sqlite" : "firestore");
}

// What a run leaves behind, without the parts that are random per run.
struct EndState {
  ShotStatus status = ShotStatus::kDraft;
  std::vector<std::string> versions;
  std::vector<std::tuple<std::string, std::string, std::string>> events;
  std::set<std::pair<std::string, int>> ledger;
  int images_sent = 0;
  int clips_sent = 0;
  size_t rules = 0;
  friend bool operator==(const EndState&, const EndState&) = default;
};

std::ostream& operator<<(std::ostream& os, const EndState& s) {
  os << ShotStatusName(s.status) << ", " << s.versions.size() << " versions, "
     << s.events.size() << " events, " << s.ledger.size()
     << " ledger entries, images sent " << s.images_sent << ", clips sent "
     << s.clips_sent << ", rules " << s.rules;
  for (const auto& [to, version, key] : s.events) {
    os << "\n  " << to << " " << version << " " << key;
  }
  for (const auto& [id, kind] : s.ledger)
    os << "\n  ledger " << id << " " << kind;
  return os;
}

// A fresh store: a SQLite file in `dir`, or a GCP project of its own on
// the run's official Firestore emulator.
std::unique_ptr<Store> OpenStore(Backend backend,
                                 const std::filesystem::path& dir) {
  if (backend == Backend::kSqlite) {
    auto s = SqliteStore::Open((dir / "miri.db").string());
    EXPECT_TRUE(s) << s.error().ToString();
    return s ? std::move(*s) : nullptr;
  }
  testing::TestFirestoreEmulator& emulator = testing::SharedEmulator();
  EXPECT_TRUE(emulator.running()) << emulator.error();
  firestore::ClientOptions options;
  options.target = emulator.host();
  options.emulator = true;
  options.gcp_project = "faults-" + dir.filename().string().substr(12);
  auto s = FirestoreStore::Open(options);
  EXPECT_TRUE(s) << s.error().ToString();
  return s ? std::move(*s) : nullptr;
}

// One instance on a fresh store: the faulty store in front of it, local
// providers that hold their results for the reconciler's polls.
class Instance {
 public:
  Instance(Backend backend, const std::filesystem::path& dir) : dir_(dir) {
    std::filesystem::create_directories(dir);
    real_ = OpenStore(backend, dir);
    faulty_ = std::make_unique<FaultyStore>(*real_);
    blobs_ = std::move(*LocalFsBlobStore::Open(dir / "blobs"));
    local::LocalProviderOptions held;
    held.deliver_results = false;
    images_ = std::make_unique<local::LocalImageGenerator>(blobs_.get(),
                                                           nullptr, held);
    local::LocalVideoOptions video;
    video.provider = held;
    video.scratch_dir = dir;
    videos_ = std::make_unique<local::LocalVideoGenerator>(blobs_.get(),
                                                           nullptr, video);
    vision_ = std::make_unique<local::LocalVisionAnalyzer>(blobs_.get());
    index_ = std::move(*HnswIndex::Open("", embedder_.dimensions()));
    rulebook_ = std::make_unique<Rulebook>(
        *faulty_, embedder_, *index_, *vision_, &bus_, clock_,
        [this] { return "r" + std::to_string(++ids_); });
    OrchestratorOptions options;
    options.image_width = 160;
    options.image_height = 90;
    options.video_fps = 4;
    orchestrator_ = std::make_unique<Orchestrator>(
        *faulty_, *blobs_, &bus_, *images_, *videos_, *vision_, rulebook_.get(),
        clock_, [this] { return "i" + std::to_string(++ids_); }, options);
    commands_ = std::make_unique<CommandService>(*faulty_, bus_, clock_,
                                                 *orchestrator_);
  }
  ~Instance() {
    commands_.reset();
    orchestrator_.reset();
    images_.reset();
    videos_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A project in AUDIO_ANALYSIS, without its plan.
  void Create() {
    ProjectConfig p = SampleProject();
    project_ = p.project_id;
    ASSERT_TRUE(real_->CreateProject(p));
    Event e;
    e.to = "AUDIO_ANALYSIS";
    e.cause = "test";
    e.at = "2026-03-02T10:15:04Z";
    e.idempotency_key = "create";
    ASSERT_TRUE(real_->AppendEvent(project_, e));
  }
  static PlanCommit OneShot() {
    PlanCommit plan = SamplePlan("sh", 1);
    plan.shots[0].description = "Miri at a rainy window";
    plan.at = "2026-03-02T10:15:04Z";
    return plan;
  }
  // A planned project with one shot showing Miri.
  void Plan() {
    Create();
    ASSERT_TRUE(commands_->CommitPlan(project_, OneShot()));
  }

  // Waits for the providers' jobs, then polls their held results, until
  // the shot stops moving (bounded in rounds and time).
  void Settle() {
    ShotStatus last = Status();
    for (int round = 0; round < 50; ++round) {
      ASSERT_TRUE(images_->runner().WaitIdle(std::chrono::seconds(30)));
      ASSERT_TRUE(videos_->runner().WaitIdle(std::chrono::seconds(60)));
      ASSERT_TRUE(orchestrator_->Reconcile(project_, /*ignore_age=*/true));
      ShotStatus now = Status();
      const bool waiting = now == ShotStatus::kGeneratingImage ||
                           now == ShotStatus::kRefining ||
                           now == ShotStatus::kGeneratingVideo;
      if (!waiting && now == last) return;
      last = now;
    }
    FAIL() << "the shot never settled: " << ShotStatusName(Status());
  }

  // Brings the shot to where `c` applies, without faults.
  void Before(Command c) {
    if (c == Command::kCommitPlan) return Create();
    Plan();
    if (c == Command::kGenerate) return;
    ASSERT_TRUE(commands_->Generate(project_, "sh-0", std::nullopt, "g"));
    Settle();
    ASSERT_EQ(Status(), ShotStatus::kAwaitingApproval);
  }

  Result<CommandOutcome> Run(Command c) {
    switch (c) {
      case Command::kGenerate:
        return commands_->Generate(project_, "sh-0", std::nullopt, "key");
      case Command::kApprove:
        return commands_->Approve(project_, "sh-0", "key");
      case Command::kRefine:
        return commands_->Refine(project_, "sh-0", "warmer light", std::nullopt,
                                 "key");
      case Command::kReject:
        return commands_->Reject(project_, "sh-0", "the light is too cold",
                                 "key");
      case Command::kCommitPlan: {
        // A repeat of a commit that went through is refused (a project is
        // planned once); the end state is what counts.
        auto r = commands_->CommitPlan(project_, OneShot());
        if (!r && r.error().code == ErrorCode::kFailedPrecondition &&
            real_->GetProjectStatus(project_).value() ==
                ProjectStatus::kPlanned) {
          return CommandOutcome{};
        }
        return r;
      }
    }
    return MakeError(ErrorCode::kInternal, "unknown command");
  }

  ShotStatus Status() { return real_->GetShot(project_, "sh-0")->status; }

  EndState State() {
    EndState s;
    s.status = Status();
    const std::vector<Version> versions =
        real_->ListVersions(project_, "sh-0").value();
    for (const Version& v : versions) {
      s.versions.push_back(v.version_id);
    }
    const std::vector<Event> log = real_->ListEvents(project_).value();
    for (const Event& e : log) {
      s.events.emplace_back(e.to, e.version_id.value_or(""), e.idempotency_key);
    }
    const std::vector<LedgerEntry> ledger = real_->ListLedger(project_).value();
    for (const LedgerEntry& e : ledger) {
      s.ledger.emplace(e.entry_id, static_cast<int>(e.kind));
    }
    s.rules = real_->ListRules(project_)->size();
    s.images_sent = images_->runner().jobs_started();
    s.clips_sent = videos_->runner().jobs_started();
    return s;
  }

  FaultyStore& faulty() { return *faulty_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<Store> real_;
  std::unique_ptr<FaultyStore> faulty_;
  std::unique_ptr<LocalFsBlobStore> blobs_;
  InProcessBus bus_;
  SystemClock clock_;
  std::atomic<int> ids_{0};
  std::unique_ptr<local::LocalImageGenerator> images_;
  std::unique_ptr<local::LocalVideoGenerator> videos_;
  std::unique_ptr<local::LocalVisionAnalyzer> vision_;
  LexicalEmbedder embedder_;
  std::unique_ptr<HnswIndex> index_;
  std::unique_ptr<Rulebook> rulebook_;
  std::unique_ptr<Orchestrator> orchestrator_;
  std::unique_ptr<CommandService> commands_;
  std::string project_;
};

std::filesystem::path FreshDir() {
  return std::filesystem::temp_directory_path() /
         ("miri-faults-" + std::to_string(std::random_device{}()));
}

class CommandFaultTest
    : public ::testing::TestWithParam<std::tuple<Command, Backend>> {};

TEST_P(CommandFaultTest, AFaultAtAnyWriteThenARepeatEndsAsIfNoFault) {
  const auto [command, backend] = GetParam();
  // The run without a fault: its writes are the steps to break.
  EndState want;
  int writes = 0;
  {
    Instance clean(backend, FreshDir());
    clean.Before(command);
    const int before = clean.faulty().writes();
    auto r = clean.Run(command);
    ASSERT_TRUE(r) << r.error().ToString();
    writes = clean.faulty().writes() - before;
    clean.Settle();
    want = clean.State();
  }
  ASSERT_GT(writes, 0);
  for (int k = 1; k <= writes; ++k) {
    for (FaultyStore::Mode mode :
         {FaultyStore::Mode::kBefore, FaultyStore::Mode::kAfter}) {
      SCOPED_TRACE(
          Name(command) + ", fault at write " + std::to_string(k) +
          (mode == FaultyStore::Mode::kAfter ? " (after)" : " (before)"));
      Instance run(backend, FreshDir());
      run.Before(command);
      run.faulty().Arm(k, mode);
      auto first = run.Run(command);
      run.faulty().Disarm();
      ASSERT_TRUE(run.faulty().fired());
      // The client saw an error (or, for a fault past the point of no
      // return, the outcome): it sends the same request again.
      auto again = run.Run(command);
      ASSERT_TRUE(again) << again.error().ToString() << "; first: "
                         << (first ? "ok" : first.error().ToString());
      run.Settle();
      EndState got = run.State();
      EXPECT_EQ(got, want);
      EXPECT_LE(got.images_sent, want.images_sent) << "an image sent twice";
      EXPECT_LE(got.clips_sent, want.clips_sent) << "a clip sent twice";
    }
  }
}

// A provider result settles its reservation and moves its shot in one
// store write (Store::AppendEventClosing): one durable commit a result, the
// ledger and the shot never seen half done.
class ResultWriteTest : public ::testing::TestWithParam<Backend> {};

TEST_P(ResultWriteTest, AnImageResultSettlesAndMovesItsShotInOneWrite) {
  Instance run(GetParam(), FreshDir());
  run.Plan();
  auto generated = run.Run(Command::kGenerate);
  ASSERT_TRUE(generated) << generated.error().ToString();
  const size_t before = run.faulty().WriteLog().size();
  run.Settle();
  ASSERT_EQ(run.Status(), ShotStatus::kAwaitingApproval);
  std::vector<std::string> log = run.faulty().WriteLog();
  log.erase(log.begin(), log.begin() + static_cast<long>(before));
  int moves = 0;
  for (const std::string& w : log) {
    EXPECT_FALSE(w.starts_with("AppendLedgerEntry")) << w;
    EXPECT_FALSE(w.starts_with("AppendEvent ")) << w;
    if (w.starts_with("AppendEventClosing AWAITING_APPROVAL sh-0/result:")) {
      ++moves;
    }
  }
  EXPECT_EQ(moves, 1);
  // The reservation was closed by that write: settled, nothing reserved.
  int settles = 0;
  for (const auto& [id, kind] : run.State().ledger) {
    if (kind == static_cast<int>(LedgerKind::kSettle)) {
      EXPECT_TRUE(id.starts_with("set-")) << id;
      ++settles;
    }
  }
  EXPECT_EQ(settles, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, ResultWriteTest,
                         ::testing::Values(Backend::kSqlite,
                                           Backend::kFirestore),
                         [](const auto& info) {
                           return info.param == Backend::kSqlite
                                      ? std::string("sqlite")
                                      : std::string("firestore");
                         });

INSTANTIATE_TEST_SUITE_P(
    Commands, CommandFaultTest,
    ::testing::Combine(::testing::Values(Command::kGenerate, Command::kApprove,
                                         Command::kRefine, Command::kReject,
                                         Command::kCommitPlan),
                       ::testing::Values(Backend::kSqlite,
                                         Backend::kFirestore)),
    [](const auto& info) {
      return Name(std::get<0>(info.param)) +
             (std::get<1>(info.param) == Backend::kSqlite ? "_sqlite"
                                                          : "_firestore");
    });

}  // namespace
}  // namespace miri
