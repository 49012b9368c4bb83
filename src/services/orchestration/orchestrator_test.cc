#include "services/orchestration/orchestrator.h"

#include <algorithm>

#include "services/orchestration/orchestrator_fixture.h"
#include "services/orchestration/requests.h"

namespace miri::testing {
namespace {

using S = ShotStatus;

TEST_F(OrchestratorTest, ImageThenApprovalThenClip) {
  Start();
  CreateProject();
  Result<ShotStep> step =
      orchestrator_->Generate(project_.project_id, "sh-0", std::nullopt, "k1");
  ASSERT_TRUE(step) << step.error().ToString();
  EXPECT_EQ(step->status, S::kGeneratingImage);
  ASSERT_EQ(WaitFor("sh-0", S::kAwaitingApproval), S::kAwaitingApproval);
  Version image = Versions("sh-0").back();
  EXPECT_EQ(image.kind, VersionKind::kImage);
  EXPECT_EQ(image.prompt.rfind("[sh-0]_[" + image.version_id + "]_[FLUX2] ", 0),
            0u);
  EXPECT_NE(image.prompt.find("Mouth CLOSED"), std::string::npos);
  EXPECT_EQ(LorasOf(image), std::vector<std::string>{"miriN14"});
  ASSERT_EQ(image.findings.size(), 1u);  // offline: says no vision audit ran
  EXPECT_EQ(image.findings[0].rule_id, "vision.unavailable");
  EXPECT_TRUE(blobs_->Exists(image.outputs[0]).value());

  ASSERT_TRUE(orchestrator_->Approve(project_.project_id, "sh-0", "k2"));
  ASSERT_EQ(WaitFor("sh-0", S::kCompleted), S::kCompleted);
  Version clip = Versions("sh-0").back();
  EXPECT_EQ(clip.kind, VersionKind::kVideo);
  EXPECT_EQ(clip.parent_version_id, image.version_id);
  EXPECT_LT(clip.prompt.find("Resting state:"), clip.prompt.find("Action:"));
  EXPECT_TRUE(blobs_->Exists(clip.outputs[0]).value());
  // One shot of two is done: no final render yet.
  EXPECT_EQ(RenderStartedFor(), "");
}

TEST_F(OrchestratorTest,
       AnEndStateMakesAnEndFrameFromTheStartAndTheClipHasBoth) {
  end_states_ = {"Miri has turned toward the lamp"};
  Start();
  CreateProject();
  ASSERT_TRUE(
      orchestrator_->Generate(project_.project_id, "sh-0", std::nullopt, "g"));
  // The start frame, then (without a person) its end frame.
  std::vector<Version> versions;
  for (int i = 0; i < 3000; ++i) {
    versions = Versions("sh-0");
    if (versions.size() == 2 && Status("sh-0") == S::kAwaitingApproval) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(versions.size(), 2u);
  ASSERT_EQ(Status("sh-0"), S::kAwaitingApproval);
  const Version& start = versions[0];
  const Version& end = versions[1];
  EXPECT_FALSE(IsEndFrame(start));
  ASSERT_TRUE(IsEndFrame(end));
  EXPECT_EQ(end.parameters["mode"], "edit");
  EXPECT_EQ(end.parameters["startVersion"], start.version_id);
  EXPECT_EQ(end.references, std::vector<std::string>{start.outputs[0]});
  EXPECT_EQ(end.parent_version_id, start.version_id);
  EXPECT_EQ(LorasOf(end), std::vector<std::string>{"miriN14"});
  EXPECT_NE(end.prompt.find("Miri has turned toward the lamp"),
            std::string::npos);
  EXPECT_NE(end.prompt.find("Mouth CLOSED"), std::string::npos);
  EXPECT_TRUE(blobs_->Exists(end.outputs[0]).value());
  EXPECT_EQ(ImageRequestOf(project_.project_id, end).mode,
            ImageRequest::Mode::kEdit);

  ASSERT_TRUE(orchestrator_->Approve(project_.project_id, "sh-0", "a"));
  ASSERT_EQ(WaitFor("sh-0", S::kCompleted), S::kCompleted);
  const Version clip = Versions("sh-0").back();
  EXPECT_EQ(clip.parent_version_id, start.version_id);
  const VideoRequest request = VideoRequestOf(project_.project_id, clip);
  EXPECT_EQ(request.start_frame_blob, start.outputs[0]);
  EXPECT_EQ(request.end_frame_blob, end.outputs[0]);
  EXPECT_TRUE(clip.findings.empty());
  EXPECT_EQ(store_->RebuildProjections(project_.project_id).value(), 0);
}

// A video model that takes no end frame: no end frame is made, and the
// clip says it starts from the start frame alone.
class NoEndFrameVideos final : public VideoGenerator {
 public:
  explicit NoEndFrameVideos(VideoGenerator& inner) : inner_(inner) {}
  std::string_view name() const override { return "start-only-video"; }
  Result<Dispatch> Submit(const VideoRequest& r) override {
    sent.push_back(r);
    return inner_.Submit(r);
  }
  Result<std::optional<ProviderResult>> Poll(std::string_view id) override {
    return inner_.Poll(id);
  }
  int64_t EstimateCostMicros(const VideoRequest&) const override { return 0; }
  Result<void> CheckRequest(const VideoRequest& r) const override {
    if (r.end_frame_blob.empty()) return {};
    return MakeError(ErrorCode::kFailedPrecondition,
                     "kling-v1-6 cannot serve this clip",
                     {{"end_frame_blob", "kling-v1-6 std takes no end frame"}});
  }
  std::vector<VideoRequest> sent;

 private:
  VideoGenerator& inner_;
};

TEST_F(OrchestratorTest,
       AModelWithoutEndFramesGetsTheStartFrameAloneAndSaysSo) {
  end_states_ = {"Miri has turned toward the lamp"};
  Start();
  NoEndFrameVideos videos(*videos_);
  sink_.target = nullptr;
  orchestrator_ = std::make_unique<Orchestrator>(
      *store_, *blobs_, &bus_, *priced_, videos, *vision_, rulebook_.get(),
      clock_, [this] { return Id(""); }, options_);
  sink_.target = orchestrator_.get();
  CreateProject(2, /*human_approval=*/false);
  ASSERT_TRUE(
      orchestrator_->Generate(project_.project_id, "sh-0", std::nullopt, "g"));
  ASSERT_EQ(WaitFor("sh-0", S::kCompleted), S::kCompleted);
  const std::vector<Version> versions = Versions("sh-0");
  ASSERT_EQ(versions.size(), 2u);  // the start frame and the clip
  EXPECT_FALSE(IsEndFrame(versions[0]));
  ASSERT_EQ(videos.sent.size(), 1u);
  EXPECT_TRUE(videos.sent[0].end_frame_blob.empty());
  ASSERT_EQ(versions[1].findings.size(), 1u);
  EXPECT_EQ(versions[1].findings[0].rule_id, "video.start-frame-only");
  EXPECT_NE(versions[1].findings[0].message.find("takes no end frame"),
            std::string::npos);
  sink_.target = nullptr;
  orchestrator_.reset();  // before `videos` goes
}

TEST_F(OrchestratorTest, AutoApprovalWaitsForTheEndFrameAndSendsThePair) {
  end_states_ = {"Miri has turned toward the lamp", "the rain has stopped"};
  Start();
  CreateProject(2, /*human_approval=*/false);
  for (const char* shot : {"sh-0", "sh-1"}) {
    ASSERT_TRUE(
        orchestrator_->Generate(project_.project_id, shot, std::nullopt, "g"));
  }
  for (const char* shot : {"sh-0", "sh-1"}) {
    ASSERT_EQ(WaitFor(shot, S::kCompleted), S::kCompleted) << shot;
    const std::vector<Version> v = Versions(shot);
    ASSERT_EQ(v.size(), 3u) << shot;  // start, end, clip
    EXPECT_TRUE(IsEndFrame(v[1]));
    EXPECT_EQ(v[2].parameters["endFrame"], v[1].outputs[0]);
  }
}

TEST_F(OrchestratorTest, AutoApprovalRunsEveryShotToTheFinalRender) {
  Start();
  CreateProject(3, /*human_approval=*/false);
  for (const char* shot : {"sh-0", "sh-1", "sh-2"}) {
    ASSERT_TRUE(
        orchestrator_->Generate(project_.project_id, shot, std::nullopt, "go"));
  }
  for (const char* shot : {"sh-0", "sh-1", "sh-2"}) {
    EXPECT_EQ(WaitFor(shot, S::kCompleted), S::kCompleted) << shot;
  }
  // The project moves right after the last clip's event: wait (bounded).
  for (int i = 0;
       i < 500 && store_->GetProjectStatus(project_.project_id).value() !=
                      ProjectStatus::kFinalRender;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(store_->GetProjectStatus(project_.project_id).value(),
            ProjectStatus::kFinalRender);
  // The render starts on the provider's thread just after that event.
  for (int i = 0; i < 500 && RenderStartedFor().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(RenderStartedFor(), project_.project_id);
  // The log rebuilds to what is stored.
  EXPECT_EQ(store_->RebuildProjections(project_.project_id).value(), 0);
}

TEST_F(OrchestratorTest, RepeatedRequestChangesNothing) {
  Start();
  CreateProject();
  ASSERT_TRUE(
      orchestrator_->Generate(project_.project_id, "sh-0", std::nullopt, "k1"));
  ASSERT_EQ(WaitFor("sh-0", S::kAwaitingApproval), S::kAwaitingApproval);
  size_t events = EventCount();
  Result<ShotStep> again =
      orchestrator_->Generate(project_.project_id, "sh-0", std::nullopt, "k1");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, S::kAwaitingApproval);
  EXPECT_EQ(EventCount(), events);
  EXPECT_EQ(Versions("sh-0").size(), 1u);
}

// A step reports exactly the events it appended (the API answers with
// them), read from the step itself rather than the whole project log; a
// repeat appended nothing and reports nothing.
TEST_F(OrchestratorTest, AStepReportsTheEventsItAppendedAndARepeatNone) {
  Start();
  CreateProject();
  Result<ShotStep> step =
      orchestrator_->Generate(project_.project_id, "sh-0", std::nullopt, "k1");
  ASSERT_TRUE(step) << step.error().ToString();
  ASSERT_EQ(step->events.size(), 2u);
  EXPECT_EQ(step->events[0].to, "VALIDATION");
  EXPECT_EQ(step->events[1].to, "GENERATING_IMAGE");
  std::vector<Event> log =
      static_cast<Store&>(*store_).ListEvents(project_.project_id).value();
  for (const Event& e : step->events) {
    EXPECT_EQ(e.shot_id, "sh-0");
    EXPECT_TRUE(std::any_of(log.begin(), log.end(), [&](const Event& stored) {
      return stored.event_id == e.event_id;
    }));
  }
  Result<ShotStep> again =
      orchestrator_->Generate(project_.project_id, "sh-0", std::nullopt, "k1");
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->events.empty());
}

TEST_F(OrchestratorTest, DuplicateResultChangesNothing) {
  Start();
  CreateProject();
  ASSERT_TRUE(
      orchestrator_->Generate(project_.project_id, "sh-0", std::nullopt, "k1"));
  ASSERT_EQ(WaitFor("sh-0", S::kAwaitingApproval), S::kAwaitingApproval);
  const std::string job = Orchestrator::JobId(
      project_.project_id, Versions("sh-0").back().version_id);
  std::optional<ProviderResult> result = *images_->Poll(job);
  ASSERT_TRUE(result);
  size_t events = EventCount();
  orchestrator_->OnResult(*result);
  orchestrator_->OnResult(*result);
  EXPECT_EQ(EventCount(), events);
  EXPECT_EQ(Status("sh-0"), S::kAwaitingApproval);
}

TEST_F(OrchestratorTest, LateResultOfASupersededVersionNeverMovesTheShot) {
  Start();
  CreateProject();
  ASSERT_TRUE(
      orchestrator_->Generate(project_.project_id, "sh-0", std::nullopt, "k1"));
  ASSERT_EQ(WaitFor("sh-0", S::kAwaitingApproval), S::kAwaitingApproval);
  const Version first = Versions("sh-0").back();
  std::optional<ProviderResult> old = *images_->Poll(
      Orchestrator::JobId(project_.project_id, first.version_id));
  ASSERT_TRUE(orchestrator_->Reject(project_.project_id, "sh-0",
                                    "the umbrella is missing", "k2"));
  ASSERT_EQ(WaitFor("sh-0", S::kAwaitingApproval), S::kAwaitingApproval);
  ASSERT_TRUE(orchestrator_->Approve(project_.project_id, "sh-0", "k3"));
  ASSERT_EQ(WaitFor("sh-0", S::kCompleted), S::kCompleted);
  size_t events = EventCount();
  orchestrator_->OnResult(*old);  // the first image's result, delivered late
  EXPECT_EQ(Status("sh-0"), S::kCompleted);
  EXPECT_EQ(EventCount(), events);
}

TEST_F(OrchestratorTest, LostResultIsFoundByTheReconciler) {
  local::LocalProviderOptions lost;
  lost.deliver_results = false;  // the webhook never comes
  Start(lost);
  CreateProject();
  ASSERT_TRUE(
      orchestrator_->Generate(project_.project_id, "sh-0", std::nullopt, "k1"));
  const std::string job = Orchestrator::JobId(
      project_.project_id, Versions("sh-0").back().version_id);
  for (int i = 0; i < 3000 && !images_->Poll(job).value(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(Status("sh-0"), S::kGeneratingImage);
  EXPECT_EQ(orchestrator_->Reconcile(project_.project_id).value(),
            0);  // too young
  EXPECT_EQ(orchestrator_->Reconcile(project_.project_id, /*ignore_age=*/true)
                .value(),
            1);
  EXPECT_EQ(Status("sh-0"), S::kAwaitingApproval);
}

TEST_F(OrchestratorTest, AfterARestartForgottenJobsAreSentAgainOnce) {
  local::LocalProviderOptions paused;
  paused.start_paused = true;  // the process dies before the job runs
  Start(paused);
  CreateProject();
  ASSERT_TRUE(
      orchestrator_->Generate(project_.project_id, "sh-0", std::nullopt, "k1"));
  EXPECT_EQ(images_->runner().jobs_started(), 0);
  // "Restart": new providers and orchestrator on the same store and blobs.
  sink_.target = nullptr;
  priced_.reset();
  images_.reset();
  Start();
  EXPECT_EQ(Status("sh-0"), S::kGeneratingImage);
  EXPECT_EQ(orchestrator_->Reconcile(project_.project_id, true).value(), 1);
  ASSERT_EQ(WaitFor("sh-0", S::kAwaitingApproval), S::kAwaitingApproval);
  EXPECT_EQ(images_->runner().jobs_started(), 1);
  EXPECT_EQ(orchestrator_->Reconcile(project_.project_id, true).value(), 0);
  // Local jobs die with their process: nothing was recorded to resume.
  const std::string job = Orchestrator::JobId(
      project_.project_id, Versions("sh-0").back().version_id);
  EXPECT_EQ(store_->GetJob(project_.project_id, job).error().code,
            ErrorCode::kNotFound);
}

TEST_F(OrchestratorTest, RetryableFailureIsRetriedThenSucceeds) {
  local::LocalProviderOptions flaky;
  flaky.fail_first_n = 1;
  Start(flaky);
  CreateProject();
  ASSERT_TRUE(
      orchestrator_->Generate(project_.project_id, "sh-0", std::nullopt, "k1"));
  EXPECT_EQ(WaitFor("sh-0", S::kAwaitingApproval), S::kAwaitingApproval);
  EXPECT_EQ(images_->runner().jobs_started(), 2);
}

TEST_F(OrchestratorTest, PersistentFailureEndsInFailedAfterBoundedRetries) {
  local::LocalProviderOptions broken;
  broken.fail_first_n = 100;
  OrchestratorOptions options;
  options.max_provider_retries = 2;
  Start(broken, options);
  CreateProject();
  ASSERT_TRUE(
      orchestrator_->Generate(project_.project_id, "sh-0", std::nullopt, "k1"));
  EXPECT_EQ(WaitFor("sh-0", S::kFailed), S::kFailed);
  EXPECT_EQ(images_->runner().jobs_started(), 3);  // first try + 2 retries
}

TEST_F(OrchestratorTest, RefineInpaintsAndKeepsTheChat) {
  Start();
  CreateProject();
  ASSERT_TRUE(
      orchestrator_->Generate(project_.project_id, "sh-0", std::nullopt, "k1"));
  ASSERT_EQ(WaitFor("sh-0", S::kAwaitingApproval), S::kAwaitingApproval);
  const Version before = Versions("sh-0").back();
  Result<ShotStep> step = orchestrator_->Refine(
      project_.project_id, "sh-0", "make the umbrella red", std::nullopt, "k2");
  ASSERT_TRUE(step) << step.error().ToString();
  ASSERT_EQ(WaitFor("sh-0", S::kAwaitingApproval), S::kAwaitingApproval);
  const Version after = Versions("sh-0").back();
  EXPECT_EQ(after.parent_version_id, before.version_id);
  EXPECT_EQ(after.parameters["mode"], "inpaint");
  EXPECT_EQ(after.parameters["chat"][0]["text"], "make the umbrella red");
  EXPECT_TRUE(
      blobs_->Exists(after.parameters["maskBlob"].get<std::string>()).value());
  EXPECT_TRUE(blobs_->Exists(after.outputs[0]).value());
}

TEST_F(OrchestratorTest, UnsafeInstructionsAreRefusedAndNothingChanges) {
  Start();
  CreateProject();
  ASSERT_TRUE(
      orchestrator_->Generate(project_.project_id, "sh-0", std::nullopt, "k1"));
  ASSERT_EQ(WaitFor("sh-0", S::kAwaitingApproval), S::kAwaitingApproval);
  size_t events = EventCount();
  Result<ShotStep> refine =
      orchestrator_->Refine(project_.project_id, "sh-0",
                            "make her dress shorter", std::nullopt, "k2");
  ASSERT_FALSE(refine);
  EXPECT_EQ(refine.error().code, ErrorCode::kRefused);
  EXPECT_EQ(refine.error().issues.at(0).path, "instruction");
  Result<ShotStep> reject = orchestrator_->Reject(project_.project_id, "sh-0",
                                                  "remove the loose fit", "k3");
  ASSERT_FALSE(reject);
  EXPECT_EQ(reject.error().code, ErrorCode::kRefused);
  Result<ShotStep> regenerate = orchestrator_->Generate(
      project_.project_id, "sh-1", "Miri in a bikini", "k4");
  ASSERT_FALSE(regenerate);
  EXPECT_EQ(regenerate.error().code, ErrorCode::kRefused);
  EXPECT_EQ(EventCount(), events);
  EXPECT_EQ(Versions("sh-0").size(), 1u);
  EXPECT_TRUE(store_->ListRules(project_.project_id)->empty());
}

// Regression (issue 18): "Miri is in this shot" unticked and a child
// described went out with no LoRA, no depiction terms and no negatives.
TEST_F(OrchestratorTest, AChildInAShotWithoutTheFlagIsDrawnAsMiri) {
  Start();
  CreateProject();
  PlanCommit plan;
  plan.at = "2026-03-02T10:15:04Z";
  Shot girl = SampleShot("girl", 8000, 9000);
  girl.shows_miri = false;
  girl.lyrics_snippet = "";
  girl.description = "a young girl walks home alone in the rain";
  plan.shots = {girl};
  ASSERT_TRUE(store_->CommitPlan(project_.project_id, plan));
  Result<ShotStep> step =
      orchestrator_->Generate(project_.project_id, "girl", std::nullopt, "k");
  ASSERT_TRUE(step) << step.error().ToString();
  EXPECT_EQ(step->status, S::kGeneratingImage);
  const Version v = Versions("girl").back();
  EXPECT_EQ(LorasOf(v), std::vector<std::string>{"miriN14"});
  for (const DepictionTerm& t : kDepictionTerms) {
    EXPECT_NE(v.prompt.find(t.text), std::string::npos) << t.text;
  }
  EXPECT_NE(v.negative_prompt.find("open mouth"), std::string::npos);
}

TEST_F(OrchestratorTest, AnOverrideThatAddsAnotherChildIsRefused) {
  Start();
  CreateProject();
  const size_t events = EventCount();
  Result<ShotStep> step = orchestrator_->Generate(
      project_.project_id, "sh-1", "two kids chase each other", "k");
  ASSERT_FALSE(step);
  EXPECT_EQ(step.error().code, ErrorCode::kRefused);
  EXPECT_NE(step.error().issues.at(0).message.find(
                "only Miri may appear as a child, through her LoRA"),
            std::string::npos);
  EXPECT_EQ(EventCount(), events);
  EXPECT_TRUE(Versions("sh-1").empty());
}

// Regression (issue 18): asking for what the rules require was refused.
TEST_F(OrchestratorTest, ARefineThatRestoresARuleIsAcceptedAndPromptsTheRule) {
  Start();
  CreateProject();
  ASSERT_TRUE(
      orchestrator_->Generate(project_.project_id, "sh-0", std::nullopt, "k1"));
  ASSERT_EQ(WaitFor("sh-0", S::kAwaitingApproval), S::kAwaitingApproval);
  Result<ShotStep> step = orchestrator_->Refine(
      project_.project_id, "sh-0",
      "her mouth is slightly open, it must be closed", std::nullopt, "k2");
  ASSERT_TRUE(step) << step.error().ToString();
  const Version refined = Versions("sh-0").back();
  EXPECT_EQ(refined.parameters["instruction"],
            "her mouth is slightly open, it must be closed");
  // The complaint is not prompted (it would draw an open mouth); the rule
  // it asks for is.
  EXPECT_EQ(refined.prompt.find("slightly open"), std::string::npos);
  EXPECT_NE(refined.prompt.find("Mouth CLOSED, lips together"),
            std::string::npos);
}

TEST_F(OrchestratorTest, RejectionTeachesARuleAndTheRedraftCarriesIt) {
  Start();
  CreateProject();
  ASSERT_TRUE(
      orchestrator_->Generate(project_.project_id, "sh-0", std::nullopt, "k1"));
  ASSERT_EQ(WaitFor("sh-0", S::kAwaitingApproval), S::kAwaitingApproval);
  Result<ShotStep> step = orchestrator_->Reject(
      project_.project_id, "sh-0", "her raincoat should be yellow", "k2");
  ASSERT_TRUE(step) << step.error().ToString();
  std::vector<Rule> rules = *store_->ListRules(project_.project_id);
  ASSERT_EQ(rules.size(), 1u);
  const Version redraft = Versions("sh-0").back();
  EXPECT_EQ(redraft.applied_rule_ids,
            std::vector<std::string>{rules[0].rule_id});
  EXPECT_NE(redraft.prompt.find(rules[0].text), std::string::npos);
  EXPECT_EQ(WaitFor("sh-0", S::kAwaitingApproval), S::kAwaitingApproval);
}

TEST_F(OrchestratorTest, FailingAuditIsAutoFixed) {
  Start();
  CreateProject();
  Result<ShotStep> step = orchestrator_->Generate(
      project_.project_id, "sh-1", std::nullopt, "k1");  // plain description
  ASSERT_TRUE(step);
  // A description that breaks a depiction rule (the director wrote it):
  // stripped of the offending words and audited again.
  PlanCommit plan;
  plan.at = "2026-03-02T10:15:04Z";
  Shot singing = SampleShot("sing", 8000, 9000);
  singing.description = "Miri singing on the rooftop";
  plan.shots = {singing};
  ASSERT_TRUE(store_->CommitPlan(project_.project_id, plan));
  step =
      orchestrator_->Generate(project_.project_id, "sing", std::nullopt, "k2");
  ASSERT_TRUE(step) << step.error().ToString();
  EXPECT_EQ(step->status, S::kGeneratingImage);
  std::vector<Version> versions = Versions("sing");
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].findings.at(0).rule_id, "miri.mouth");
  EXPECT_EQ(versions[1].prompt.find("singing"), std::string::npos);
  EXPECT_NE(versions[1].prompt.find("Miri on the rooftop"), std::string::npos);
}

// Regression: the clip prompt was rebuilt from the original description and
// failed the audit the image had been auto-fixed for, so auto-approval
// failed and the shot waited forever.
TEST_F(OrchestratorTest, ClipOfAnAutoFixedImageUsesTheFixedWording) {
  Start();
  CreateProject(2, /*human_approval=*/false);
  PlanCommit plan;
  plan.at = "2026-03-02T10:15:04Z";
  Shot puddle = SampleShot("puddle", 8000, 9000);
  puddle.description =
      "Miri steps around a puddle; \"Every puddle sings a song\"";
  plan.shots = {puddle};
  ASSERT_TRUE(store_->CommitPlan(project_.project_id, plan));
  ASSERT_TRUE(orchestrator_->Generate(project_.project_id, "puddle",
                                      std::nullopt, "k"));
  ASSERT_EQ(WaitFor("puddle", S::kCompleted), S::kCompleted);
  Version clip = Versions("puddle").back();
  EXPECT_EQ(clip.kind, VersionKind::kVideo);
  EXPECT_EQ(clip.prompt.find("sings"), std::string::npos);
}

TEST_F(OrchestratorTest, AuditThatCannotBeFixedEndsInFailedWithFindings) {
  OrchestratorOptions options;
  options.max_autofix = 0;
  Start({}, options);
  CreateProject();
  PlanCommit plan;
  plan.at = "2026-03-02T10:15:04Z";
  Shot singing = SampleShot("sing", 8000, 9000);
  singing.description = "Miri singing on the rooftop";
  plan.shots = {singing};
  ASSERT_TRUE(store_->CommitPlan(project_.project_id, plan));
  Result<ShotStep> step =
      orchestrator_->Generate(project_.project_id, "sing", std::nullopt, "k");
  ASSERT_TRUE(step);
  EXPECT_EQ(step->status, S::kFailed);
  EXPECT_EQ(step->findings.at(0).rule_id, "miri.mouth");
  EXPECT_EQ(Status("sing"), S::kFailed);
}

TEST_F(OrchestratorTest, BudgetCapStopsPaidDispatch) {
  // $3 an image, cap $5. Jobs stay queued: a settled result (the local
  // provider charges nothing) would give the first reservation back.
  local::LocalProviderOptions queued;
  queued.start_paused = true;
  Start(queued, {}, /*image_price=*/3'000'000);
  CreateProject();
  Result<CostForecast> f = orchestrator_->Forecast(project_.project_id);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->shots.size(), 2u);
  EXPECT_EQ(f->total_micros, 2 * 4'500'000);  // 1.5 images a shot, free video
  EXPECT_FALSE(f->fits());
  ASSERT_TRUE(
      orchestrator_->Generate(project_.project_id, "sh-0", std::nullopt, "a"));
  Result<ShotStep> second =
      orchestrator_->Generate(project_.project_id, "sh-1", std::nullopt, "b");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, S::kFailed);
  EXPECT_EQ(store_->GetBudget(project_.project_id)->committed_micros(),
            3'000'000);
}

// A video generator whose model cannot serve the clip (as Kling's
// capability map refuses a motion brush on an omni model); counts submits.
class UnservableVideos final : public VideoGenerator {
 public:
  explicit UnservableVideos(VideoGenerator& inner) : inner_(inner) {}
  std::string_view name() const override { return "unservable-video"; }
  Result<Dispatch> Submit(const VideoRequest& r) override {
    ++submits;
    return inner_.Submit(r);
  }
  Result<std::optional<ProviderResult>> Poll(std::string_view id) override {
    return inner_.Poll(id);
  }
  int64_t EstimateCostMicros(const VideoRequest&) const override {
    return 1'000'000;
  }
  Result<void> CheckRequest(const VideoRequest&) const override {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "kling-v3-omni cannot serve this clip",
                     {{"motion_brush",
                       "kling-v3-omni pro has no motion brush; "
                       "rerouting is off"}});
  }
  int submits = 0;

 private:
  VideoGenerator& inner_;
};

TEST_F(OrchestratorTest, AClipTheVideoModelCannotServeIsRefusedBeforeAnything) {
  Start();
  CreateProject();
  ASSERT_TRUE(
      orchestrator_->Generate(project_.project_id, "sh-0", std::nullopt, "g"));
  ASSERT_EQ(WaitFor("sh-0", S::kAwaitingApproval), S::kAwaitingApproval);
  UnservableVideos videos(*videos_);
  sink_.target = nullptr;
  orchestrator_ = std::make_unique<Orchestrator>(
      *store_, *blobs_, &bus_, *priced_, videos, *vision_, rulebook_.get(),
      clock_, [this] { return Id(""); }, options_);
  sink_.target = orchestrator_.get();
  const size_t events = EventCount();
  const size_t versions = Versions("sh-0").size();
  const int64_t committed =
      store_->GetBudget(project_.project_id)->committed_micros();

  Result<ShotStep> r = orchestrator_->Approve(project_.project_id, "sh-0", "a");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(r.error().message.find("kling-v3-omni cannot serve this clip"),
            std::string::npos)
      << r.error().message;
  ASSERT_EQ(r.error().issues.size(), 1u);
  EXPECT_EQ(r.error().issues[0].path, "motion_brush");
  EXPECT_EQ(Status("sh-0"), S::kAwaitingApproval);
  EXPECT_EQ(EventCount(), events);
  EXPECT_EQ(Versions("sh-0").size(), versions);
  EXPECT_EQ(store_->GetBudget(project_.project_id)->committed_micros(),
            committed);
  EXPECT_EQ(videos.submits, 0);
  sink_.target = nullptr;
  orchestrator_.reset();  // before `videos` goes
}

TEST_F(OrchestratorTest, IllegalStepIsRefusedAndNothingWritten) {
  Start();
  CreateProject();
  size_t events = EventCount();
  Result<ShotStep> r = orchestrator_->Approve(project_.project_id, "sh-0", "k");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(r.error().message.find("DRAFT -> GENERATING_VIDEO"),
            std::string::npos);
  EXPECT_EQ(EventCount(), events);
  EXPECT_TRUE(Versions("sh-0").empty());
}

}  // namespace
}  // namespace miri::testing
