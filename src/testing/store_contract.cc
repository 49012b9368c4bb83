#include "testing/store_contract.h"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <thread>

namespace miri::testing {

namespace {

constexpr char kAt[] = "2026-03-02T10:15:04Z";
using S = ShotStatus;

std::vector<std::string> ShotIds(const std::vector<Shot>& shots) {
  std::vector<std::string> ids;
  for (const Shot& s : shots) ids.push_back(s.shot_id);
  return ids;
}

LedgerEntry Reserve(const std::string& id, int64_t amount) {
  return {id,           LedgerKind::kReserve, "fal",        amount,
          std::nullopt, std::nullopt,         std::nullopt, kAt};
}

LedgerEntry Close(const std::string& id, LedgerKind kind,
                  const std::string& reservation, int64_t amount) {
  return {id,          kind,         "fal",        amount,
          reservation, std::nullopt, std::nullopt, kAt};
}

}  // namespace

void StoreContractTest::SetUp() {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / "miri-store-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  dir_ = tmpl;
  store_ = Reopen();
  ASSERT_NE(store_, nullptr);
}

void StoreContractTest::TearDown() {
  store_.reset();
  std::filesystem::remove_all(dir_);
}

std::unique_ptr<Store> StoreContractTest::Reopen() {
  Result<std::unique_ptr<Store>> s = GetParam().open(dir_);
  EXPECT_TRUE(s) << s.error().ToString();
  return s ? std::move(*s) : nullptr;
}

TEST_P(StoreContractTest, ProjectRoundTrips) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  EXPECT_EQ(store_->GetProject(p.project_id), p);
  EXPECT_EQ(store_->ListProjects().value(), std::vector<ProjectConfig>{p});
  EXPECT_EQ(store_->GetProjectStatus(p.project_id).value(), std::nullopt);
}

TEST_P(StoreContractTest, DuplicateProjectIsRefusedAndOriginalKept) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ProjectConfig other = p;
  other.project_name = "Other";
  Result<void> r = store_->CreateProject(other);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->GetProject(p.project_id)->project_name, "Rain Song");
}

TEST_P(StoreContractTest, UnknownIdsAreNotFound) {
  EXPECT_EQ(store_->GetProject("nope").error().code, ErrorCode::kNotFound);
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  EXPECT_EQ(store_->GetShot(p.project_id, "nope").error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetVersion(p.project_id, "nope").error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListShots("nope").error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, ProjectUpdateKeepsCreationTime) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  p.project_name = "Renamed";
  ASSERT_TRUE(store_->UpdateProject(p));
  EXPECT_EQ(store_->GetProject(p.project_id)->project_name, "Renamed");
  ProjectConfig bad = p;
  bad.creation_timestamp = "2030-01-01T00:00:00Z";
  Result<void> r = store_->UpdateProject(bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().issues.at(0).path, "creationTimestamp");
  EXPECT_EQ(store_->GetProject(p.project_id), p);
}

TEST_P(StoreContractTest, AgentConfigsArePutAndReplaced) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  AgentConfig a{"director", AgentRole::kDirector, "gemini-2.5-pro", true, kAt};
  ASSERT_TRUE(store_->PutAgentConfig(p.project_id, a));
  a.model_string = "gemini-3.5-flash";
  ASSERT_TRUE(store_->PutAgentConfig(p.project_id, a));
  EXPECT_EQ(store_->ListAgentConfigs(p.project_id).value(),
            std::vector<AgentConfig>{a});
  EXPECT_EQ(store_->PutAgentConfig("nope", a).error().code,
            ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, PlanCommitCreatesDraftShotsInOrder) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  PlanCommit plan = SamplePlan("sh", 3);
  std::swap(plan.shots[0], plan.shots[2]);  // stored order is by time
  ASSERT_TRUE(store_->CommitPlan(p.project_id, plan));
  std::vector<Shot> shots = store_->ListShots(p.project_id).value();
  EXPECT_EQ(ShotIds(shots), (std::vector<std::string>{"sh-0", "sh-1", "sh-2"}));
  for (const Shot& s : shots) EXPECT_EQ(s.status, S::kDraft);
  EXPECT_EQ(store_->ListScenes(p.project_id)->size(), 1u);
  std::vector<Event> events = store_->ListEvents(p.project_id).value();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].seq, 1);
  EXPECT_FALSE(events[0].from);
  EXPECT_EQ(events[2].seq, 3);
}

TEST_P(StoreContractTest, PlanWithTakenIdWritesNothing) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(store_->CommitPlan(p.project_id, SamplePlan("sh", 2)));
  PlanCommit again = SamplePlan("new", 2);
  again.scenes[0].scene_id = "sc2";
  again.shots.push_back(SampleShot("sh-0", 9000, 9500));  // taken
  auto r = store_->CommitPlan(p.project_id, again);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->ListShots(p.project_id)->size(), 2u);
  EXPECT_EQ(store_->ListScenes(p.project_id)->size(), 1u);
  EXPECT_EQ(store_->ListEvents(p.project_id)->size(), 2u);
}

ProjectStart StartWithConfigAndEvent(const std::string& project_id) {
  ProjectStart start;
  AgentConfig a;
  a.config_id = "director";
  a.role = AgentRole::kDirector;
  a.model_string = "local-director";
  a.active = true;
  a.updated_at = "2026-03-02T10:15:04Z";
  start.agent_configs.push_back(a);
  Event e;
  e.to = "AUDIO_ANALYSIS";
  e.cause = "project created";
  e.at = "2026-03-02T10:15:04Z";
  e.idempotency_key = "create:" + project_id;
  start.first_event = e;
  return start;
}

TEST_P(StoreContractTest, AProjectIsCreatedWithItsConfigsAndFirstEvent) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p, StartWithConfigAndEvent(p.project_id)));
  EXPECT_EQ(store_->ListAgentConfigs(p.project_id)->size(), 1u);
  EXPECT_EQ(store_->GetProjectStatus(p.project_id).value(),
            ProjectStatus::kAudioAnalysis);
  const std::vector<Event> log = store_->ListEvents(p.project_id).value();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].seq, 1);
  // The same id again: nothing of the second attempt is written.
  ProjectStart again = StartWithConfigAndEvent(p.project_id);
  again.agent_configs[0].config_id = "other";
  again.first_event->idempotency_key = "create-again";
  auto r = store_->CreateProject(p, again);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->ListAgentConfigs(p.project_id)->size(), 1u);
  EXPECT_EQ(store_->ListEvents(p.project_id)->size(), 1u);
}

// The project's AUDIO_ANALYSIS -> PLANNED event, as CommandService sends it.
PlanCommit PlanMovingTheProject(std::string prefix, int shots) {
  PlanCommit plan = SamplePlan(std::move(prefix), shots);
  Event e;
  e.from = "AUDIO_ANALYSIS";
  e.to = "PLANNED";
  e.cause = "plan committed";
  e.at = "2026-03-02T10:15:04Z";
  e.idempotency_key = "plan:project";
  plan.project_event = e;
  return plan;
}

Result<void> MoveProject(Store& store, const std::string& project,
                         std::optional<std::string> from, std::string to) {
  Event e;
  e.from = std::move(from);
  e.to = std::move(to);
  e.cause = "test";
  e.at = "2026-03-02T10:15:04Z";
  e.idempotency_key = "move:" + e.to;
  RETURN_IF_ERROR(store.AppendEvent(project, e), "");
  return {};
}

TEST_P(StoreContractTest, PlanCommitMovesTheProjectInTheSameStep) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(
      MoveProject(*store_, p.project_id, std::nullopt, "AUDIO_ANALYSIS"));
  auto r = store_->CommitPlan(p.project_id, PlanMovingTheProject("sh", 2));
  ASSERT_TRUE(r) << r.error().ToString();
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->to, "PLANNED");
  EXPECT_EQ((*r)->seq, 2);
  EXPECT_EQ(store_->GetProjectStatus(p.project_id).value(),
            ProjectStatus::kPlanned);
  EXPECT_EQ(store_->ListShots(p.project_id)->size(), 2u);
  EXPECT_EQ(store_->ListEvents(p.project_id)->size(), 4u);
}

TEST_P(StoreContractTest, ASecondPlanIsRefusedWithNothingWritten) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(
      MoveProject(*store_, p.project_id, std::nullopt, "AUDIO_ANALYSIS"));
  ASSERT_TRUE(store_->CommitPlan(p.project_id, PlanMovingTheProject("sh", 2)));
  const size_t events = store_->ListEvents(p.project_id)->size();
  // Other shot ids: only the project's status can refuse it.
  auto r = store_->CommitPlan(p.project_id, PlanMovingTheProject("other", 3));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition)
      << r.error().ToString();
  EXPECT_EQ(store_->ListShots(p.project_id)->size(), 2u);
  EXPECT_EQ(store_->ListEvents(p.project_id)->size(), events);
}

TEST_P(StoreContractTest, APlanForAProjectInAnotherStatusWritesNothing) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));  // no status yet
  auto r = store_->CommitPlan(p.project_id, PlanMovingTheProject("sh", 2));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(store_->ListShots(p.project_id)->empty());
  EXPECT_TRUE(store_->ListEvents(p.project_id)->empty());
}

TEST_P(StoreContractTest, ConcurrentPlanCommitsLeaveOnePlan) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(
      MoveProject(*store_, p.project_id, std::nullopt, "AUDIO_ANALYSIS"));
  constexpr int kWriters = 8;
  std::atomic<int> won{0}, refused{0}, other{0};
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      // Half share shot ids, half bring their own.
      auto r = store_->CommitPlan(
          p.project_id,
          PlanMovingTheProject(i % 2 ? "w" + std::to_string(i) : "sh", 2));
      // Every loser is told the same thing, whenever it lost the race:
      // the project already has a plan (PlanAlreadyCommitted).
      if (r) {
        ++won;
      } else if (r.error().code == ErrorCode::kFailedPrecondition &&
                 r.error().message.find("already has a plan") !=
                     std::string::npos) {
        ++refused;
      } else {
        ADD_FAILURE() << r.error().ToString();
        ++other;
      }
    });
  }
  for (std::thread& t : writers) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(refused.load(), kWriters - 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(store_->ListShots(p.project_id)->size(), 2u);
  int planned = 0;
  const std::vector<Event> log = store_->ListEvents(p.project_id).value();
  for (const Event& e : log) {
    planned += e.to == "PLANNED";
  }
  EXPECT_EQ(planned, 1);
}

TEST_P(StoreContractTest, VersionsAreCreateOnly) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(store_->CommitPlan(p.project_id, SamplePlan("sh", 1)));
  Version v = SampleVersion("v1", "sh-0");
  ASSERT_TRUE(store_->AppendVersion(p.project_id, v));
  Version changed = v;
  changed.prompt = "something else";
  Result<void> r = store_->AppendVersion(p.project_id, changed);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->GetVersion(p.project_id, "v1"), v);
  ASSERT_TRUE(store_->AppendVersion(p.project_id, SampleVersion("v2", "sh-0")));
  std::vector<Version> versions =
      store_->ListVersions(p.project_id, "sh-0").value();
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0], v);
  EXPECT_EQ(store_->GetShot(p.project_id, "sh-0")->versions,
            (std::vector<std::string>{"v1", "v2"}));
}

TEST_P(StoreContractTest, InvalidDocumentIsRefusedBeforeWriting) {
  ProjectConfig p = SampleProject();
  p.project_id = "not a uuid";
  Result<void> r = store_->CreateProject(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().issues.at(0).path, "projectId");
  EXPECT_TRUE(store_->ListProjects()->empty());
  ProjectConfig good = SampleProject();
  ASSERT_TRUE(store_->CreateProject(good));
  ASSERT_TRUE(store_->CommitPlan(good.project_id, SamplePlan("sh", 1)));
  Event e = ShotEvent("sh-0", ShotStatus::kDraft, ShotStatus::kValidation, "k");
  e.event_id = "bad id";
  Result<AppendEventResult> appended = store_->AppendEvent(good.project_id, e);
  ASSERT_FALSE(appended);
  EXPECT_EQ(appended.error().issues.at(0).path, "eventId");
  EXPECT_EQ(store_->GetShot(good.project_id, "sh-0")->status,
            ShotStatus::kDraft);
}

TEST_P(StoreContractTest, VersionOfUnknownShotIsNotFound) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  Result<void> r =
      store_->AppendVersion(p.project_id, SampleVersion("v1", "x"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, EventsMoveTheProjection) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(store_->CommitPlan(p.project_id, SamplePlan("sh", 1)));
  Result<AppendEventResult> r = store_->AppendEvent(
      p.project_id, ShotEvent("sh-0", S::kDraft, S::kValidation, "k1"));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_FALSE(r->duplicate);
  EXPECT_EQ(r->event.seq, 2);
  EXPECT_EQ(store_->GetShot(p.project_id, "sh-0")->status, S::kValidation);
}

TEST_P(StoreContractTest, DuplicateIdempotencyKeyChangesNothing) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(store_->CommitPlan(p.project_id, SamplePlan("sh", 1)));
  Event e = ShotEvent("sh-0", S::kDraft, S::kValidation, "k1");
  ASSERT_TRUE(store_->AppendEvent(p.project_id, e));
  Result<AppendEventResult> again = store_->AppendEvent(p.project_id, e);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->event.seq, 2);
  EXPECT_EQ(store_->ListEvents(p.project_id)->size(), 2u);
  EXPECT_EQ(store_->GetShot(p.project_id, "sh-0")->status, S::kValidation);
}

TEST_P(StoreContractTest, IllegalTransitionIsRefusedAndNothingWritten) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(store_->CommitPlan(p.project_id, SamplePlan("sh", 1)));
  Result<AppendEventResult> r = store_->AppendEvent(
      p.project_id, ShotEvent("sh-0", S::kDraft, S::kCompleted, "k1"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(r.error().message.find("DRAFT -> COMPLETED"), std::string::npos);
  EXPECT_EQ(store_->ListEvents(p.project_id)->size(), 1u);
  EXPECT_EQ(store_->GetShot(p.project_id, "sh-0")->status, S::kDraft);
}

TEST_P(StoreContractTest, StaleEventIsRefused) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(store_->CommitPlan(p.project_id, SamplePlan("sh", 1)));
  ASSERT_TRUE(store_->AppendEvent(
      p.project_id, ShotEvent("sh-0", S::kDraft, S::kValidation, "k1")));
  // A second writer that still believes the shot is DRAFT loses.
  Result<AppendEventResult> r = store_->AppendEvent(
      p.project_id, ShotEvent("sh-0", S::kDraft, S::kFailed, "k2"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(r.error().message.find("is VALIDATION"), std::string::npos);
  EXPECT_EQ(store_->GetShot(p.project_id, "sh-0")->status, S::kValidation);
}

TEST_P(StoreContractTest, EventNamingAnotherShotsVersionIsRefused) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(store_->CommitPlan(p.project_id, SamplePlan("sh", 2)));
  ASSERT_TRUE(store_->AppendVersion(p.project_id, SampleVersion("v1", "sh-1")));
  Event e = ShotEvent("sh-0", S::kDraft, S::kValidation, "k1");
  e.version_id = "v1";
  Result<AppendEventResult> r = store_->AppendEvent(p.project_id, e);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetShot(p.project_id, "sh-0")->status, S::kDraft);
}

TEST_P(StoreContractTest, ProjectEventsFollowTheProjectLifecycle) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  Event e;
  e.event_id = "p1";
  e.to = "AUDIO_ANALYSIS";
  e.cause = "song uploaded";
  e.at = kAt;
  e.idempotency_key = "p1";
  ASSERT_TRUE(store_->AppendEvent(p.project_id, e));
  EXPECT_EQ(store_->GetProjectStatus(p.project_id).value(),
            ProjectStatus::kAudioAnalysis);
  Event skip = e;
  skip.event_id = skip.idempotency_key = "p2";
  skip.from = "AUDIO_ANALYSIS";
  skip.to = "RENDERED";
  EXPECT_EQ(store_->AppendEvent(p.project_id, skip).error().code,
            ErrorCode::kFailedPrecondition);
}

TEST_P(StoreContractTest, EventsPageBySeq) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(store_->CommitPlan(p.project_id, SamplePlan("sh", 5)));
  std::vector<Event> page = store_->ListEvents(p.project_id, 2, 2).value();
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].seq, 3);
  EXPECT_EQ(page[1].seq, 4);
}

TEST_P(StoreContractTest, RebuildFromEventsEqualsStoredProjection) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(store_->CommitPlan(p.project_id, SamplePlan("sh", 4)));
  const S path[] = {S::kDraft,           S::kValidation,
                    S::kGeneratingImage, S::kAwaitingApproval,
                    S::kGeneratingVideo, S::kCompleted};
  for (int shot = 0; shot < 4; ++shot) {
    std::string id = "sh-" + std::to_string(shot);
    for (int step = 0; step < shot + 2; ++step) {  // sh-3 reaches COMPLETED
      ASSERT_TRUE(store_->AppendEvent(
          p.project_id, ShotEvent(id, path[step], path[step + 1],
                                  id + "-" + std::to_string(step))));
    }
  }
  std::map<std::string, ShotStatus> folded =
      FoldShotStatuses(store_->ListEvents(p.project_id).value());
  std::map<std::string, ShotStatus> stored;
  std::vector<Shot> shots = store_->ListShots(p.project_id).value();
  for (const Shot& s : shots) {
    stored[s.shot_id] = s.status;
  }
  EXPECT_EQ(folded, stored);
  EXPECT_EQ(stored["sh-3"], S::kCompleted);
  EXPECT_EQ(store_->RebuildProjections(p.project_id).value(), 0);
}

TEST_P(StoreContractTest, RulesAndLedgerAreCreateOnly) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  Rule rule{"r1",
            "hem stays mid-calf",
            RuleKind::kPositive,
            RuleScope::kGlobal,
            std::nullopt,
            std::nullopt,
            "the dress is above the knee",
            std::nullopt,
            kAt,
            true};
  ASSERT_TRUE(store_->AppendRule(p.project_id, rule));
  Rule changed = rule;
  changed.active = false;
  EXPECT_EQ(store_->AppendRule(p.project_id, changed).error().code,
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->ListRules(p.project_id).value(), std::vector<Rule>{rule});
  LedgerEntry e = Reserve("l1", 21000);
  ASSERT_TRUE(store_->ReserveBudget(p.project_id, e, 1'000'000));
  EXPECT_EQ(store_->ReserveBudget(p.project_id, e, 1'000'000).error().code,
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->ListLedger(p.project_id).value(),
            std::vector<LedgerEntry>{e});
}

TEST_P(StoreContractTest, RuleEventsAreCreateOnlyAndNeedTheirRule) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  Rule rule{"r1",
            "hem stays mid-calf",
            RuleKind::kPositive,
            RuleScope::kGlobal,
            std::nullopt,
            std::nullopt,
            std::nullopt,
            std::nullopt,
            kAt,
            true};
  ASSERT_TRUE(store_->AppendRule(p.project_id, rule));
  RuleEvent e{"re1",
              "r1",
              RuleEventKind::kDeactivated,
              std::nullopt,
              "no longer wanted",
              kAt};
  ASSERT_TRUE(store_->AppendRuleEvent(p.project_id, e));
  EXPECT_EQ(store_->AppendRuleEvent(p.project_id, e).error().code,
            ErrorCode::kAlreadyExists);
  RuleEvent orphan = e;
  orphan.rule_event_id = "re2";
  orphan.rule_id = "nope";
  EXPECT_EQ(store_->AppendRuleEvent(p.project_id, orphan).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListRuleEvents(p.project_id).value(),
            std::vector<RuleEvent>{e});
}

TEST_P(StoreContractTest, ReservationsNeverPassTheCap) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  EXPECT_EQ(
      store_->ReserveBudget(p.project_id, Reserve("r1", 600), 1000).value(),
      (BudgetState{0, 600}));
  Result<BudgetState> over =
      store_->ReserveBudget(p.project_id, Reserve("r2", 500), 1000);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(store_->GetBudget(p.project_id).value(), (BudgetState{0, 600}));
  EXPECT_EQ(store_->ListLedger(p.project_id)->size(), 1u);
}

TEST_P(StoreContractTest, SettleAndReleaseCloseAReservationOnce) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(store_->ReserveBudget(p.project_id, Reserve("r1", 600), 1000));
  ASSERT_TRUE(store_->ReserveBudget(p.project_id, Reserve("r2", 300), 1000));
  ASSERT_TRUE(store_->AppendLedgerEntry(
      p.project_id, Close("s1", LedgerKind::kSettle, "r1", 450)));
  EXPECT_EQ(store_->GetBudget(p.project_id).value(), (BudgetState{450, 300}));
  ASSERT_TRUE(store_->AppendLedgerEntry(
      p.project_id, Close("x2", LedgerKind::kRelease, "r2", 0)));
  EXPECT_EQ(store_->GetBudget(p.project_id).value(), (BudgetState{450, 0}));
  Result<void> twice = store_->AppendLedgerEntry(
      p.project_id, Close("s1b", LedgerKind::kSettle, "r1", 450));
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::kFailedPrecondition);
  Result<void> unknown = store_->AppendLedgerEntry(
      p.project_id, Close("s3", LedgerKind::kSettle, "nope", 1));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(store_->GetBudget(p.project_id).value(), (BudgetState{450, 0}));
  // What was freed can be reserved again.
  EXPECT_TRUE(store_->ReserveBudget(p.project_id, Reserve("r3", 550), 1000));
}

// AppendEventClosing: a result's settle and its shot's move as one step.
TEST_P(StoreContractTest, AnEventAndTheSettleItCarriesAreWrittenTogether) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(store_->CommitPlan(p.project_id, SamplePlan("sh", 2)));
  ASSERT_TRUE(store_->ReserveBudget(p.project_id, Reserve("r1", 600), 1000));
  ASSERT_TRUE(store_->ReserveBudget(p.project_id, Reserve("r2", 300), 1000));
  Event e = ShotEvent("sh-0", S::kDraft, S::kValidation, "k1");
  Result<AppendEventResult> r = store_->AppendEventClosing(
      p.project_id, e, Close("s1", LedgerKind::kSettle, "r1", 450));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_FALSE(r->duplicate);
  EXPECT_EQ(r->event.seq, 3);
  EXPECT_EQ(store_->GetShot(p.project_id, "sh-0")->status, S::kValidation);
  EXPECT_EQ(store_->GetBudget(p.project_id).value(), (BudgetState{450, 300}));
  // Again (a duplicate delivery): the stored event, nothing more written.
  r = store_->AppendEventClosing(p.project_id, e,
                                 Close("s1", LedgerKind::kSettle, "r1", 450));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_TRUE(r->duplicate);
  EXPECT_EQ(r->event.seq, 3);
  EXPECT_EQ(store_->ListEvents(p.project_id)->size(), 3u);
  EXPECT_EQ(store_->ListLedger(p.project_id)->size(), 3u);
  EXPECT_EQ(store_->GetBudget(p.project_id).value(), (BudgetState{450, 300}));
  // A duplicate event still closes a reservation left open.
  Event f = ShotEvent("sh-1", S::kDraft, S::kValidation, "k2");
  ASSERT_TRUE(store_->AppendEvent(p.project_id, f));
  r = store_->AppendEventClosing(p.project_id, f,
                                 Close("x2", LedgerKind::kRelease, "r2", 0));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_TRUE(r->duplicate);
  EXPECT_EQ(store_->GetBudget(p.project_id).value(), (BudgetState{450, 0}));
}

TEST_P(StoreContractTest, ARefusedEventClosesNoReservation) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(store_->CommitPlan(p.project_id, SamplePlan("sh", 1)));
  ASSERT_TRUE(store_->ReserveBudget(p.project_id, Reserve("r1", 600), 1000));
  // Stale (the shot is DRAFT) and illegal: refused, and the ledger is as
  // it was.
  for (const Event& e : {ShotEvent("sh-0", S::kValidation, S::kFailed, "k1"),
                         ShotEvent("sh-0", S::kDraft, S::kCompleted, "k2")}) {
    Result<AppendEventResult> r = store_->AppendEventClosing(
        p.project_id, e, Close("s1", LedgerKind::kSettle, "r1", 450));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  }
  // An entry that closes nothing is refused before anything is written.
  Result<AppendEventResult> bad = store_->AppendEventClosing(
      p.project_id, ShotEvent("sh-0", S::kDraft, S::kValidation, "k3"),
      Reserve("r9", 10));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->ListEvents(p.project_id)->size(), 1u);
  EXPECT_EQ(store_->GetShot(p.project_id, "sh-0")->status, S::kDraft);
  EXPECT_EQ(store_->ListLedger(p.project_id)->size(), 1u);
  EXPECT_EQ(store_->GetBudget(p.project_id).value(), (BudgetState{0, 600}));
}

TEST_P(StoreContractTest, AnEventStandsWhenItsReservationIsClosedOrUnknown) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(store_->CommitPlan(p.project_id, SamplePlan("sh", 1)));
  ASSERT_TRUE(store_->ReserveBudget(p.project_id, Reserve("r1", 600), 1000));
  ASSERT_TRUE(store_->AppendLedgerEntry(
      p.project_id, Close("s1", LedgerKind::kSettle, "r1", 450)));
  // Settled before (another instance's result): the move still happens.
  Result<AppendEventResult> r = store_->AppendEventClosing(
      p.project_id, ShotEvent("sh-0", S::kDraft, S::kValidation, "k1"),
      Close("s1b", LedgerKind::kSettle, "r1", 450));
  ASSERT_TRUE(r) << r.error().ToString();
  // Never reserved: the move still happens.
  r = store_->AppendEventClosing(
      p.project_id, ShotEvent("sh-0", S::kValidation, S::kFailed, "k2"),
      Close("s2", LedgerKind::kSettle, "nope", 1));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(store_->GetShot(p.project_id, "sh-0")->status, S::kFailed);
  EXPECT_EQ(store_->ListEvents(p.project_id)->size(), 3u);
  EXPECT_EQ(store_->ListLedger(p.project_id)->size(), 2u);
  EXPECT_EQ(store_->GetBudget(p.project_id).value(), (BudgetState{450, 0}));
}

TEST_P(StoreContractTest, FiftyConcurrentReservationsHoldTheCap) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  constexpr int kCallers = 50;
  std::vector<std::unique_ptr<Store>> handles;
  for (int i = 0; i < 5; ++i) handles.push_back(Reopen());
  std::atomic<int> granted = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < kCallers; ++i) {
    threads.emplace_back([&, i] {
      auto r = handles[i % handles.size()]->ReserveBudget(
          p.project_id, Reserve("c" + std::to_string(i), 70), 1000);
      if (r) ++granted;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(granted.load(), 14);  // 14 x 70 = 980 <= 1000 < 15 x 70
  EXPECT_EQ(store_->GetBudget(p.project_id)->committed_micros(), 980);
}

TEST_P(StoreContractTest, DataSurvivesReopen) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(store_->CommitPlan(p.project_id, SamplePlan("sh", 2)));
  ASSERT_TRUE(store_->AppendVersion(p.project_id, SampleVersion("v1", "sh-0")));
  store_.reset();
  store_ = Reopen();
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(store_->GetProject(p.project_id), p);
  EXPECT_EQ(store_->ListShots(p.project_id)->size(), 2u);
  EXPECT_EQ(store_->GetShot(p.project_id, "sh-0")->versions,
            std::vector<std::string>{"v1"});
}

// Many threads writing through one handle at once (what a busy server
// does): every accepted event is stored exactly once with its own seq, a
// repeat is a duplicate, and a refused event, even one that shares a
// commit with accepted ones, leaves nothing behind.
TEST_P(StoreContractTest,
       ConcurrentWritesOnOneHandleCommitOnceAndRefusalsWriteNothing) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  constexpr int kThreads = 8, kShotsEach = 6;
  ASSERT_TRUE(store_->CommitPlan(p.project_id,
                                 SamplePlan("sh", kThreads * kShotsEach)));
  std::vector<int> accepted(kThreads, 0), duplicates(kThreads, 0),
      refused(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kShotsEach; ++i) {
        const std::string shot = "sh-" + std::to_string(t * kShotsEach + i);
        Event go = ShotEvent(shot, S::kDraft, S::kValidation, shot + "/go");
        auto a = store_->AppendEvent(p.project_id, go);
        if (a && !a->duplicate) ++accepted[t];
        auto again = store_->AppendEvent(p.project_id, go);
        if (again && again->duplicate && again->event.seq == a->event.seq)
          ++duplicates[t];
        auto stale = store_->AppendEvent(
            p.project_id,
            ShotEvent(shot, S::kDraft, S::kFailed, shot + "/stale"));
        auto illegal = store_->AppendEvent(
            p.project_id,
            ShotEvent(shot, S::kValidation, S::kCompleted, shot + "/illegal"));
        if (!stale && stale.error().code == ErrorCode::kFailedPrecondition)
          ++refused[t];
        if (!illegal && illegal.error().code == ErrorCode::kFailedPrecondition)
          ++refused[t];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  constexpr int kShots = kThreads * kShotsEach;
  EXPECT_EQ(std::accumulate(accepted.begin(), accepted.end(), 0), kShots);
  EXPECT_EQ(std::accumulate(duplicates.begin(), duplicates.end(), 0), kShots);
  EXPECT_EQ(std::accumulate(refused.begin(), refused.end(), 0), 2 * kShots);
  std::vector<Event> log = store_->ListEvents(p.project_id).value();
  ASSERT_EQ(log.size(), static_cast<size_t>(2 * kShots));  // planned + accepted
  for (size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i].seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ(log[i].idempotency_key.find("/stale"), std::string::npos);
    EXPECT_EQ(log[i].idempotency_key.find("/illegal"), std::string::npos);
  }
  std::vector<Shot> shots = store_->ListShots(p.project_id).value();
  for (const Shot& s : shots) {
    EXPECT_EQ(s.status, S::kValidation) << s.shot_id;
  }
}

TEST_P(StoreContractTest, ConcurrentWritersOnOneShotNeverBothWin) {
  ProjectConfig p = SampleProject();
  ASSERT_TRUE(store_->CreateProject(p));
  ASSERT_TRUE(store_->CommitPlan(p.project_id, SamplePlan("sh", 1)));
  // Eight handles race the same DRAFT -> VALIDATION step with distinct keys:
  // exactly one may win, the others must see a stale state.
  constexpr int kWriters = 8;
  std::vector<std::unique_ptr<Store>> handles;
  for (int i = 0; i < kWriters; ++i) handles.push_back(Reopen());
  std::vector<int> won(kWriters, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      Result<AppendEventResult> r = handles[i]->AppendEvent(
          p.project_id, ShotEvent("sh-0", S::kDraft, S::kValidation,
                                  "w" + std::to_string(i)));
      won[i] = r.has_value() ? 1 : 0;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(std::accumulate(won.begin(), won.end(), 0), 1);
  EXPECT_EQ(store_->ListEvents(p.project_id)->size(), 2u);
}

}  // namespace miri::testing
