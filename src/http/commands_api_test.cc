// The one command path through the API (issue 15): every route runs the
// real CommandService over the Orchestrator and the local providers, so
// these tests show what production does: webhooks settle the ledger and
// auto-approve, refusals write nothing, repeats return the first outcome,
// concurrent commits leave one plan, and a slow provider holds up nobody.
#include <condition_variable>
#include <future>
#include <thread>

#include "http/api_test_fixture.h"

namespace miri::http::testing {
namespace {

using nlohmann::json;

const std::string kProject = std::string("/api/projects/") + kProjectId;

// Every test here runs on SQLite and on the official Firestore emulator.
class CommandsApiTest : public ApiTest,
                        public ::testing::WithParamInterface<StoreKind> {
 protected:
  StoreKind store_kind() const override { return GetParam(); }

  // A project that approves its own images (nobody watching).
  void CreateAutoApprovedProject() {
    json p = ProjectJson();
    p["globalSettings"]["requireHumanApproval"] = false;
    ASSERT_EQ(Call("POST", "/api/projects", p.dump()).status, 201);
    ASSERT_EQ(Call("PUT", kProject + "/plan", PlanJson().dump()).status, 201);
  }
  Response KlingWebhook(const std::string& shot, const std::string& version,
                        const std::string& task_id) {
    EXPECT_TRUE(WaitForOutputs(version)) << version;
    return Call("POST",
                std::string("/api/webhooks/kling?projectId=") + kProjectId +
                    "&shotId=" + shot + "&versionId=" + version,
                json{{"task_id", task_id},
                     {"task_status", "succeed"},
                     {"target", Target(shot, version)}}
                    .dump(),
                {{"x-test-signature", "good"}});
  }
  std::vector<LedgerEntry> Ledger() {
    return store_->ListLedger(kProjectId).value();
  }
  int Count(LedgerKind kind, const std::string& version) {
    int n = 0;
    for (const LedgerEntry& e : Ledger()) {
      n += e.kind == kind && e.version_id == version;
    }
    return n;
  }
  std::string GenerateWithKey(const std::string& shot, const std::string& key,
                              int* status = nullptr) {
    Response r = Call("POST", "/api/shots/generate",
                      json{{"projectId", kProjectId}, {"shotId", shot}}.dump(),
                      {{"idempotency-key", key}});
    if (status != nullptr) *status = r.status;
    return Body(r).value("versionId", std::string());
  }
};

TEST_P(CommandsApiTest,
       GenericWebhooksSettleTheLedgerAutoApproveAndStartTheRender) {
  CreateAutoApprovedProject();
  for (const std::string shot : {"sh1", "sh2"}) {
    const std::string image = Generate(shot);
    Response r = FalWebhook(shot, image, "req-" + shot);
    ASSERT_EQ(r.status, 200) << r.body;
    // The image's cost settled, and the project's own approval sent the
    // clip: the same steps as fal's signed webhook and a local result.
    EXPECT_EQ(Count(LedgerKind::kSettle, image), 1) << shot;
    ASSERT_EQ(ShotStatus(shot), "GENERATING_VIDEO") << r.body;
    bool auto_approved = false;
    const json body = Body(r);
    for (const json& e : body["events"]) {
      auto_approved |= e["status"] == "GENERATING_VIDEO";
    }
    EXPECT_TRUE(auto_approved) << r.body;
    const std::string clip = LatestVersion(shot);
    ASSERT_NE(clip, image);
    EXPECT_EQ(Count(LedgerKind::kReserve, clip), 1);
    Response k = KlingWebhook(shot, clip, "task-" + shot);
    ASSERT_EQ(k.status, 200) << k.body;
    EXPECT_EQ(ShotStatus(shot), "COMPLETED");
    EXPECT_EQ(Count(LedgerKind::kSettle, clip), 1);
  }
  // The last clip in: the project moved to FINAL_RENDER and its render
  // started.
  EXPECT_EQ(Body(Call("GET", kProject))["status"], "FINAL_RENDER");
  EXPECT_EQ(RendersStarted(), std::vector<std::string>{kProjectId});
}

TEST_P(CommandsApiTest, AGenericWebhookSettlesWhatWasReserved) {
  CreatePlannedProject();
  ::miri::testing::PricedImages priced(*images_, 250'000);
  RebuildOrchestrator(&priced);
  const std::string v = Generate("sh1");
  ASSERT_EQ(FalWebhook("sh1", v, "req-1").status, 200);
  int64_t settled = -1;
  for (const LedgerEntry& e : Ledger()) {
    if (e.kind == LedgerKind::kSettle && e.version_id == v) {
      settled = e.amount_micros;
    }
  }
  // The delivery names no price: the job costs its reservation.
  EXPECT_EQ(settled, 250'000);
  EXPECT_EQ(Body(Call("GET", kProject + "/budget"))["spentMicros"], 250'000);
}

TEST_P(CommandsApiTest, AWebhookForAnotherShotsVersionMovesNothing) {
  CreatePlannedProject();
  const std::string v1 = Generate("sh1");
  Generate("sh2");
  ASSERT_TRUE(WaitForOutputs(v1));
  size_t before = EventCount();
  Response r = FalWebhook("sh2", v1, "req-x");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(FirstIssue(r), "versionId");
  EXPECT_EQ(EventCount(), before);
  EXPECT_EQ(ShotStatus("sh1"), "GENERATING_IMAGE");
  EXPECT_EQ(ShotStatus("sh2"), "GENERATING_IMAGE");
}

TEST_P(CommandsApiTest, AResultWhoseOutputIsNotStoredMovesNothing) {
  CreatePlannedProject();
  const std::string v = Generate("sh1");
  ASSERT_TRUE(WaitForOutputs(v));
  const Version stored = store_->GetVersion(kProjectId, v).value();
  for (const std::string& key : stored.outputs) {
    ASSERT_TRUE(std::filesystem::remove(dir_ / "blobs" / key));
  }
  size_t before = EventCount();
  Response r = Call("POST",
                    std::string("/api/webhooks/fal?projectId=") + kProjectId +
                        "&shotId=sh1&versionId=" + v,
                    json{{"request_id", "req-1"},
                         {"status", "OK"},
                         {"target", Target("sh1", v)}}
                        .dump(),
                    {{"x-test-signature", "good"}});
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(FirstIssue(r), "outputs");
  EXPECT_EQ(EventCount(), before);
  EXPECT_EQ(Count(LedgerKind::kSettle, v), 0);
  EXPECT_EQ(ShotStatus("sh1"), "GENERATING_IMAGE");
}

TEST_P(CommandsApiTest, ASecondGenerateWhileTheFirstIsInFlightWritesNothing) {
  CreatePlannedProject();
  int status = 0;
  const std::string first = GenerateWithKey("sh1", "k1", &status);
  ASSERT_EQ(status, 202);
  const size_t events = EventCount();
  const size_t ledger = Ledger().size();
  GenerateWithKey("sh1", "k2", &status);
  EXPECT_EQ(status, 409);
  EXPECT_EQ(EventCount(), events);
  EXPECT_EQ(Ledger().size(), ledger);
  ASSERT_EQ(store_->ListVersions(kProjectId, "sh1")->size(), 1u)
      << "no orphan version";
  // Nothing for the reconciler to send later either: one job ran.
  ASSERT_TRUE(orchestrator_->Reconcile(kProjectId, /*ignore_age=*/true));
  ASSERT_TRUE(WaitForOutputs(first));
  EXPECT_EQ(images_->runner().jobs_started(), 1);
  EXPECT_EQ(LatestVersion("sh1"), first);
}

TEST_P(CommandsApiTest, RepeatedCommandsReturnTheOriginalOutcome) {
  CreatePlannedProject();
  const std::string v = Generate("sh1");
  ASSERT_EQ(FalWebhook("sh1", v, "req-1").status, 200);

  const json refine = {{"instruction", "warmer light"}};
  Response first = Call("POST", ShotPath("sh1", "refine"), refine.dump(),
                        {{"idempotency-key", "r1"}});
  ASSERT_EQ(first.status, 202) << first.body;
  const size_t events = EventCount();
  Response again = Call("POST", ShotPath("sh1", "refine"), refine.dump(),
                        {{"idempotency-key", "r1"}});
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Body(again)["duplicate"], true);
  EXPECT_EQ(Body(again)["versionId"], Body(first)["versionId"]);
  EXPECT_EQ(EventCount(), events);

  ASSERT_EQ(FalWebhook("sh1", Body(first)["versionId"], "req-2").status, 200);
  Response approve =
      Call("POST", ShotPath("sh1", "approve"), "", {{"idempotency-key", "a1"}});
  ASSERT_EQ(approve.status, 202) << approve.body;
  const size_t after_approve = EventCount();
  ASSERT_TRUE(WaitForOutputs(Body(approve)["versionId"]));
  const int jobs = videos_->runner().jobs_started();
  ASSERT_EQ(jobs, 1);
  Response repeat =
      Call("POST", ShotPath("sh1", "approve"), "", {{"idempotency-key", "a1"}});
  EXPECT_EQ(repeat.status, 200) << repeat.body;
  EXPECT_EQ(Body(repeat)["duplicate"], true);
  EXPECT_EQ(Body(repeat)["versionId"], Body(approve)["versionId"]);
  EXPECT_EQ(EventCount(), after_approve);
  EXPECT_EQ(videos_->runner().jobs_started(), jobs) << "never sent twice";
  // Another key is another request: refused, nothing written.
  Response other =
      Call("POST", ShotPath("sh1", "approve"), "", {{"idempotency-key", "a2"}});
  EXPECT_EQ(other.status, 409);
  EXPECT_EQ(EventCount(), after_approve);
}

TEST_P(CommandsApiTest, TwentyConcurrentPlanCommitsLeaveExactlyOnePlan) {
  ASSERT_EQ(Call("POST", "/api/projects", ProjectJson().dump()).status, 201);
  constexpr int kCommits = 20;
  std::vector<std::future<Response>> answers;
  for (int i = 0; i < kCommits; ++i) {
    json plan = PlanJson();
    if (i % 2 == 1) {  // half of them with other shot ids
      plan["shots"][0]["shotId"] = "x" + std::to_string(i) + "a";
      plan["shots"][1]["shotId"] = "x" + std::to_string(i) + "b";
    }
    answers.push_back(std::async(std::launch::async, [this, plan] {
      return Call("PUT", kProject + "/plan", plan.dump());
    }));
  }
  int created = 0, conflicts = 0;
  for (auto& a : answers) {
    Response r = a.get();
    if (r.status == 201) ++created;
    if (r.status == 409) {
      ++conflicts;
      EXPECT_NE(r.body.find("already has a plan"), std::string::npos) << r.body;
    }
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(conflicts, kCommits - 1);
  EXPECT_EQ(store_->ListShots(kProjectId)->size(), 2u);
  int planned = 0;
  const std::vector<Event> log = store_->ListEvents(kProjectId).value();
  for (const Event& e : log) {
    planned += e.to == "PLANNED";
  }
  EXPECT_EQ(planned, 1);
}

// Blocks Submit of one shot's image until released: a provider call that
// takes as long as a test needs.
class GatedImages final : public ImageGenerator {
 public:
  GatedImages(ImageGenerator& inner, std::string shot)
      : inner_(inner), shot_(std::move(shot)) {}
  std::string_view name() const override { return inner_.name(); }
  Result<Dispatch> Submit(const ImageRequest& r) override {
    // Output keys are "projects/<p>/shots/<shot>/...".
    if (r.output_key.find("/shots/" + shot_ + "/") != std::string::npos) {
      std::unique_lock lock(mu_);
      entered_ = true;
      cv_.notify_all();
      cv_.wait(lock, [this] { return released_; });
    }
    return inner_.Submit(r);
  }
  Result<std::optional<ProviderResult>> Poll(std::string_view id) override {
    return inner_.Poll(id);
  }
  int64_t EstimateCostMicros(const ImageRequest& r) const override {
    return inner_.EstimateCostMicros(r);
  }
  bool WaitEntered(std::chrono::seconds limit) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [this] { return entered_; });
  }
  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  ImageGenerator& inner_;
  const std::string shot_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool entered_ = false;
  bool released_ = false;
};

TEST_P(CommandsApiTest, ASlowProviderCallHoldsUpNoOtherShotOrRequest) {
  CreatePlannedProject();
  GatedImages gated(*images_, "sh1");
  RebuildOrchestrator(&gated);
  auto slow =
      std::async(std::launch::async, [this] { return Generate("sh1"); });
  ASSERT_TRUE(gated.WaitEntered(std::chrono::seconds(30)));
  // sh1's submit is stuck inside the provider. Everything else goes on:
  // a command and a webhook for another shot, and the health check. Each
  // runs on another thread with a bound, so a lock held across the stuck
  // call fails the test instead of hanging it.
  auto others = std::async(std::launch::async, [this] {
    const std::string v = Generate("sh2");
    Response hook = FalWebhook("sh2", v, "req-sh2");
    Response health = Call("GET", "/healthz");
    return std::pair{hook.status, health.status};
  });
  ASSERT_EQ(others.wait_for(std::chrono::seconds(20)),
            std::future_status::ready)
      << "a request waited for another shot's provider call";
  EXPECT_EQ(others.get(), (std::pair{200, 200}));
  EXPECT_EQ(ShotStatus("sh2"), "AWAITING_APPROVAL");
  EXPECT_EQ(ShotStatus("sh1"), "GENERATING_IMAGE");
  gated.Release();
  ASSERT_EQ(slow.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_FALSE(slow.get().empty());
}

TEST_P(CommandsApiTest, TwoInstancesApprovingOneShotReserveAndSettleOnce) {
  CreatePlannedProject();
  const std::string v = Generate("sh1");
  ASSERT_EQ(FalWebhook("sh1", v, "req-1").status, 200);
  // A second instance: its own store handle on the same data, its own
  // orchestrator and command service, the same blobs.
  std::unique_ptr<Store> store2 = OpenStore();
  ASSERT_NE(store2, nullptr);
  Orchestrator orchestrator2(*store2, *blobs_, &bus_, *images_, *videos_,
                             *vision_, nullptr, clock_,
                             [this] { return "b" + std::to_string(++ids_); });
  CommandService commands2(*store2, bus_, clock_, orchestrator2);
  auto on_a = std::async(std::launch::async, [&] {
    return commands_->Approve(kProjectId, "sh1", "click-on-a");
  });
  auto on_b = std::async(std::launch::async, [&] {
    return commands2.Approve(kProjectId, "sh1", "click-on-b");
  });
  auto a = on_a.get();
  auto b = on_b.get();
  ASSERT_NE(a.has_value(), b.has_value()) << "exactly one approval wins";
  const Error& lost = a ? b.error() : a.error();
  EXPECT_EQ(lost.code, ErrorCode::kFailedPrecondition) << lost.ToString();
  const std::string clip = LatestVersion("sh1");
  int reservations = 0;
  for (const LedgerEntry& e : Ledger()) {
    reservations += e.kind == LedgerKind::kReserve && e.version_id != v;
  }
  EXPECT_EQ(reservations, 1);
  EXPECT_EQ(store_->ListVersions(kProjectId, "sh1")->size(), 2u)
      << "the losing approval left no version";
  ASSERT_EQ(KlingWebhook("sh1", clip, "task-1").status, 200);
  EXPECT_EQ(Count(LedgerKind::kSettle, clip), 1);
  EXPECT_EQ(ShotStatus("sh1"), "COMPLETED");
}

INSTANTIATE_TEST_SUITE_P(Stores, CommandsApiTest,
                         ::testing::Values(StoreKind::kSqlite,
                                           StoreKind::kFirestore),
                         [](const auto& info) {
                           return info.param == StoreKind::kSqlite
                                      ? "sqlite"
                                      : "firestore";
                         });

}  // namespace
}  // namespace miri::http::testing
