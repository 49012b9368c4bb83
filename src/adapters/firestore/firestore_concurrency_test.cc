// Many writers racing on one shot's projection and on the budget, through
// separate store handles (separate gRPC channels) on the official Firestore
// emulator: the create-only slots keep every update and hold the cap.
#include <unistd.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "adapters/firestore/firestore_store.h"
#include "adapters/firestore/firestore_value.h"
#include "adapters/firestore/test_firestore_emulator.h"
#include "testing/store_contract.h"

namespace miri {
namespace {

using S = ShotStatus;
using testing::SamplePlan;
using testing::SampleProject;
using testing::SampleVersion;
using testing::ShotEvent;
namespace v1 = firestore::v1;
constexpr char kAt[] = "2026-03-02T10:15:04Z";

class FirestoreConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::SharedEmulator().running())
        << testing::SharedEmulator().error();
    static std::atomic<int> counter = 0;
    gcp_project_ =
        "race-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
    for (int i = 0; i < kHandles; ++i) handles_.push_back(Open());
    ASSERT_TRUE(store().CreateProject(project_));
  }

  std::unique_ptr<FirestoreStore> Open() {
    firestore::ClientOptions o;
    o.target = testing::SharedEmulator().host();
    o.emulator = true;
    o.gcp_project = gcp_project_;
    return std::move(FirestoreStore::Open(o).value());
  }
  FirestoreStore& store() { return *handles_[0]; }
  FirestoreStore& handle(int i) { return *handles_[i % kHandles]; }

  // Runs fn(i) on n threads at once and waits for all.
  template <typename Fn>
  void Race(int n, Fn fn) {
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) threads.emplace_back(fn, i);
    for (std::thread& t : threads) t.join();
  }

  static constexpr int kHandles = 6;
  std::string gcp_project_;
  ProjectConfig project_ = SampleProject();
  std::vector<std::unique_ptr<FirestoreStore>> handles_;
};

TEST_F(FirestoreConcurrencyTest, WritersRacingOnOneShotLoseNoUpdate) {
  const std::string& p = project_.project_id;
  ASSERT_TRUE(store().CommitPlan(p, SamplePlan("sh", 1)));
  constexpr int kWriters = 8;
  constexpr int kSteps = 5;
  std::atomic<int> stale = 0;
  std::atomic<int> errors = 0;
  Race(kWriters, [&](int w) {
    int done = 0;
    for (int attempt = 0; attempt < 400 && done < kSteps; ++attempt) {
      Result<Shot> shot = handle(w).GetShot(p, "sh-0");
      if (!shot) {
        ++errors;
        return;
      }
      // DRAFT -> VALIDATION (audit starts), VALIDATION -> DRAFT (failed).
      S next = shot->status == S::kDraft ? S::kValidation : S::kDraft;
      std::string key = "w" + std::to_string(w) + "-" + std::to_string(done);
      Result<AppendEventResult> r =
          handle(w).AppendEvent(p, ShotEvent("sh-0", shot->status, next, key));
      if (r) {
        ++done;
      } else if (r.error().code == ErrorCode::kFailedPrecondition) {
        ++stale;  // another writer moved the shot first: re-read
      } else {
        ++errors;
        ADD_FAILURE() << r.error().ToString();
        return;
      }
    }
    EXPECT_EQ(done, kSteps) << "writer " << w;
  });
  EXPECT_EQ(errors.load(), 0);
  std::vector<Event> log = store().ListEvents(p, 0, 100000).value();
  ASSERT_EQ(log.size(), 1u + kWriters * kSteps);
  // One unbroken chain: dense seqs, each event starts where the last ended.
  for (size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i].seq, static_cast<int64_t>(i + 1));
    if (i > 0) {
      EXPECT_EQ(log[i].from, log[i - 1].to) << "seq " << log[i].seq;
    }
  }
  EXPECT_EQ(store().GetShot(p, "sh-0")->status,
            FoldShotStatuses(log).at("sh-0"));
  EXPECT_EQ(store().RebuildProjections(p).value(), 0);
  RecordProperty("stale_refusals", stale.load());
}

TEST_F(FirestoreConcurrencyTest, VersionsAppendedConcurrentlyAreAllListed) {
  const std::string& p = project_.project_id;
  ASSERT_TRUE(store().CommitPlan(p, SamplePlan("sh", 1)));
  constexpr int kWriters = 8;
  constexpr int kEach = 4;
  Race(kWriters, [&](int w) {
    for (int i = 0; i < kEach; ++i) {
      std::string id = "v" + std::to_string(w) + "-" + std::to_string(i);
      EXPECT_TRUE(handle(w).AppendVersion(p, SampleVersion(id, "sh-0")));
    }
  });
  std::vector<std::string> ids = store().GetShot(p, "sh-0")->versions;
  EXPECT_EQ(ids.size(), static_cast<size_t>(kWriters * kEach));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  EXPECT_EQ(store().ListVersions(p, "sh-0")->size(), ids.size());
}

TEST_F(FirestoreConcurrencyTest, ReservationsAndSettlementsRacingHoldTheCap) {
  const std::string& p = project_.project_id;
  constexpr int64_t kCap = 1000;
  constexpr int kCallers = 40;
  std::atomic<int> granted = 0;
  std::atomic<int> settled = 0;
  // Each caller reserves 70; a granted one settles at 50 or releases, which
  // frees room for the others, all while the rest keep reserving.
  Race(kCallers, [&](int i) {
    std::string id = "r" + std::to_string(i);
    LedgerEntry reserve{id,           LedgerKind::kReserve, "fal",        70,
                        std::nullopt, std::nullopt,         std::nullopt, kAt};
    Result<BudgetState> r = handle(i).ReserveBudget(p, reserve, kCap);
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::kResourceExhausted)
          << r.error().ToString();
      return;
    }
    ++granted;
    EXPECT_LE(r->committed_micros(), kCap);
    bool settle = i % 2 == 0;
    if (settle) ++settled;
    LedgerEntry close{"c" + std::to_string(i),
                      settle ? LedgerKind::kSettle : LedgerKind::kRelease,
                      "fal",
                      settle ? 50 : 0,
                      id,
                      std::nullopt,
                      std::nullopt,
                      kAt};
    EXPECT_TRUE(handle(i).AppendLedgerEntry(p, close));
  });
  // The cap held at every step of the budget chain, which is dense and
  // names every ledger entry exactly once.
  v1::StructuredQuery q = firestore::CollectionQuery("budget");
  std::vector<v1::Document> chain =
      store().client().RunQuery(store().ProjectDoc(p), q).value();
  std::vector<LedgerEntry> ledger = store().ListLedger(p).value();
  ASSERT_EQ(chain.size(), ledger.size());
  std::set<int64_t> revs;
  std::set<std::string> entries;
  for (const v1::Document& d : chain) {
    nlohmann::json j = firestore::FieldsToJson(d).value();
    EXPECT_LE(
        j["settledMicros"].get<int64_t>() + j["reservedMicros"].get<int64_t>(),
        kCap);
    revs.insert(j["rev"].get<int64_t>());
    entries.insert(j["entryId"].get<std::string>());
  }
  EXPECT_EQ(revs.size(), chain.size());
  EXPECT_EQ(*revs.rbegin(), static_cast<int64_t>(chain.size()));
  EXPECT_EQ(entries.size(), ledger.size());
  // The final state is the fold of the ledger.
  BudgetState folded;
  std::map<std::string, int64_t> open;
  for (const LedgerEntry& e : ledger) {
    if (e.kind == LedgerKind::kReserve) {
      open[e.entry_id] = e.amount_micros;
      folded.reserved_micros += e.amount_micros;
    } else {
      folded.reserved_micros -= open.at(*e.reservation_id);
      if (e.kind == LedgerKind::kSettle)
        folded.settled_micros += e.amount_micros;
    }
  }
  EXPECT_EQ(store().GetBudget(p).value(), folded);
  EXPECT_EQ(folded.reserved_micros, 0);
  EXPECT_EQ(folded.settled_micros, 50 * settled.load());
  RecordProperty("granted", granted.load());
}

TEST_F(FirestoreConcurrencyTest, AReservationIsClosedByExactlyOneRacer) {
  const std::string& p = project_.project_id;
  LedgerEntry reserve{"r1",         LedgerKind::kReserve, "fal",        600,
                      std::nullopt, std::nullopt,         std::nullopt, kAt};
  ASSERT_TRUE(store().ReserveBudget(p, reserve, 1000));
  constexpr int kRacers = 10;
  std::atomic<int> won = 0;
  Race(kRacers, [&](int i) {
    LedgerEntry settle{"s" + std::to_string(i),
                       LedgerKind::kSettle,
                       "fal",
                       400,
                       "r1",
                       std::nullopt,
                       std::nullopt,
                       kAt};
    Result<void> r = handle(i).AppendLedgerEntry(p, settle);
    if (r) {
      ++won;
    } else {
      EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
    }
  });
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(store().GetBudget(p).value(), (BudgetState{400, 0}));
  EXPECT_EQ(store().ListLedger(p)->size(), 2u);
}

}  // namespace
}  // namespace miri
