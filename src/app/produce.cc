#include "app/produce.h"

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "adapters/ffmpeg/ffmpeg_renderer.h"
#include "adapters/hnsw/hnsw_index.h"
#include "adapters/lexical/lexical_embedder.h"
#include "domain/event_payload.h"
#include "services/commands/command_service.h"
#include "services/orchestration/scene_anchors.h"
#include "services/planning/propose.h"
#include "services/rulebook/rulebook.h"

namespace miri::app {

namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct Counts {
  int images = 0, clips = 0, failed = 0, total = 0;
  std::string failed_shot, failed_cause;
  std::vector<std::string> awaiting;  // images waiting for (auto-)approval
};

Result<Counts> Count(Store& store, std::string_view project_id) {
  ASSIGN_OR_RETURN(std::vector<Shot> shots, store.ListShots(project_id), "");
  Counts c;
  c.total = static_cast<int>(shots.size());
  for (const Shot& s : shots) {
    if (s.status == ShotStatus::kGeneratingVideo ||
        s.status == ShotStatus::kCompleted ||
        s.status == ShotStatus::kAwaitingApproval) {
      ++c.images;
    }
    if (s.status == ShotStatus::kCompleted) ++c.clips;
    if (s.status == ShotStatus::kAwaitingApproval)
      c.awaiting.push_back(s.shot_id);
    if (s.status == ShotStatus::kFailed) {
      ++c.failed;
      c.failed_shot = s.shot_id;
    }
  }
  return c;
}

}  // namespace

Result<ProduceReport> Produce(Stack& stack, Director& director,
                              const ProduceRequest& request,
                              const ProgressSink& progress) {
  ProduceReport report;
  SystemClock clock;
  Store& store = *stack.store;
  auto t0 = Clock::now();

  // Project, with auto-approval: nobody is watching a headless run.
  ProjectConfig project;
  project.project_id = RandomUuid();
  project.project_name = request.project_name;
  project.global_settings = {
      "local-director",       "local-image", "local-video",
      std::string(kMiriLora), false,         25.0};
  project.creation_timestamp = clock.NowIso();
  report.project_id = project.project_id;
  // The same services the server runs.
  LexicalEmbedder embedder;
  // The rule index is built from the store (the truth) as rules are read.
  ASSIGN_OR_RETURN(std::unique_ptr<HnswIndex> index,
                   HnswIndex::Open("", embedder.dimensions()),
                   "opening the rule index");
  Rulebook rulebook(store, embedder, *index, *stack.vision, stack.bus.get(),
                    clock, [] { return "r" + RandomUuid().substr(0, 8); });
  OrchestratorOptions options;
  options.image_width = request.width;
  options.image_height = request.height;
  options.video_fps = request.fps;
  options.reconcile_after_ms = 20'000;
  Orchestrator orchestrator(
      store, *stack.blobs, stack.bus.get(), *stack.images, *stack.videos,
      *stack.vision, &rulebook, clock,
      [] { return RandomUuid().substr(0, 12); }, options);
  orchestrator.SetImageAuditor(stack.auditor.get());
  // The render runs below, in this process, once every clip is in.
  CommandService commands(store, *stack.bus, clock, orchestrator);
  commands.SetRequestAuditor(stack.request_auditor.get());
  stack.results.Attach(&orchestrator);
  struct Detach {
    Stack& s;
    ~Detach() { s.results.Attach(nullptr); }
  } detach{stack};

  AgentConfig director_config;
  director_config.config_id = "director";
  director_config.role = AgentRole::kDirector;
  director_config.model_string = request.director_model;
  director_config.updated_at = project.creation_timestamp;
  RETURN_IF_ERROR(commands.CreateProject(project, {director_config}),
                  "creating the project");
  const std::string song_key = "projects/" + project.project_id +
                               "/audio/song" +
                               request.song.extension().string();
  RETURN_IF_ERROR(stack.blobs->PutFile(song_key, request.song),
                  "storing the song");
  RETURN_IF_ERROR(
      stack.blobs->Put("projects/" + project.project_id + "/lyrics.txt",
                       request.lyrics_text),
      "storing the lyrics");

  // Plan.
  PlanRequest plan_request;
  plan_request.audio_path = request.song.string();
  plan_request.lyrics_text = request.lyrics_text;
  ASSIGN_OR_RETURN(plan_request.llm_model,
                   DirectorModel(store, project.project_id), "planning");
  ASSIGN_OR_RETURN(Plan plan, director.MakePlan(plan_request), "planning");
  report.director = plan.director;
  for (const PlanWarning& w : plan.warnings) {
    if (w.code == "DIRECTOR_FALLBACK") progress("note: " + w.message, true);
  }
  PlanCommit commit{plan.scenes, plan.shots, clock.NowIso(), std::nullopt};
  RETURN_IF_ERROR(commands.CommitPlan(project.project_id, commit),
                  "committing the plan");
  report.shots = static_cast<int>(plan.shots.size());
  report.scenes = static_cast<int>(plan.scenes.size());
  report.duration_ms = plan.duration_ms;
  report.stages.push_back({"plan", Since(t0)});
  progress(
      fmt::format("planned {} shots in {} scenes over {:.1f} s ({:.0f} BPM) "
                  "with the {} director",
                  report.shots, report.scenes, plan.duration_ms / 1000.0,
                  plan.tempo_bpm, plan.director),
      true);

  ASSIGN_OR_RETURN(CostForecast forecast,
                   orchestrator.Forecast(project.project_id),
                   "forecasting the cost");
  report.forecast_micros = forecast.total_micros;
  progress(fmt::format("cost forecast ${:.2f} of a ${:.2f} cap",
                       forecast.total_micros / 1e6, forecast.cap_micros / 1e6),
           true);
  if (!forecast.fits()) {
    return MakeError(
        ErrorCode::kResourceExhausted,
        "the forecast passes the budget cap; nothing was dispatched");
  }

  // Images and clips, following the store. Each scene's anchor (its first
  // shot showing Miri) goes first; once it is approved (auto-approval),
  // the rest of its scene is generated with it as a reference
  // (ApprovedReferences), while other scenes go on side by side. A shot's
  // move on the bus wakes the loop, so the rest follows at once.
  auto t1 = Clock::now();
  std::mutex wake_mu;
  std::condition_variable wake;
  bool moved = false;
  struct Unsubscribe {
    EventBus& bus;
    EventBus::SubscriptionId id;
    ~Unsubscribe() { bus.Unsubscribe(id); }
  } unsubscribe{*stack.bus, stack.bus->Subscribe(
                                project.project_id, [&](const BusMessage& m) {
                                  if (m.type != kShotUpdated) return;
                                  std::lock_guard lock(wake_mu);
                                  moved = true;
                                  wake.notify_one();
                                })};
  std::set<std::string> sent;
  auto generate_ready = [&]() -> Result<void> {
    ASSIGN_OR_RETURN(std::vector<Shot> shots,
                     store.ListShots(project.project_id), "");
    for (const std::string& shot : ShotsReadyToGenerate(shots, sent)) {
      RETURN_IF_ERROR(
          commands.Generate(project.project_id, shot, std::nullopt, "produce"),
          "shot " + shot);
      sent.insert(shot);
    }
    return {};
  };
  double images_done_at = 0;
  auto deadline = Clock::now() + request.timeout;
  auto last_reconcile = Clock::now();
  while (true) {
    RETURN_IF_ERROR(generate_ready(), "generating");
    ASSIGN_OR_RETURN(Counts c, Count(store, project.project_id), "progress");
    if (images_done_at == 0 && c.images + c.failed == c.total)
      images_done_at = Since(t1);
    progress(fmt::format("images {}/{}, clips {}/{}{}", c.images, c.total,
                         c.clips, c.total,
                         c.failed ? fmt::format(", failed {}", c.failed) : ""),
             false);
    if (c.failed > 0) {
      progress("", true);
      ASSIGN_OR_RETURN(std::vector<Event> log,
                       store.ListEvents(project.project_id), "");
      std::string cause;
      for (const Event& e : log) {
        if (e.shot_id == c.failed_shot && e.to == "FAILED") cause = e.cause;
      }
      return MakeError(ErrorCode::kFailedPrecondition,
                       "shot " + c.failed_shot + " failed: " + cause);
    }
    if (c.clips == c.total) break;
    if (Clock::now() > deadline) {
      return MakeError(ErrorCode::kUnavailable,
                       "shots still generating after the timeout");
    }
    if (Clock::now() - last_reconcile > std::chrono::seconds(5)) {
      RETURN_IF_ERROR(orchestrator.Reconcile(project.project_id),
                      "reconciling");
      // Auto-approval happens as each image arrives; one still waiting here
      // is approved again, and if that is refused the run stops saying why
      // instead of waiting forever.
      for (const std::string& shot : c.awaiting) {
        auto approved =
            commands.Approve(project.project_id, shot, "produce-approve");
        ASSIGN_OR_RETURN(Shot now, store.GetShot(project.project_id, shot), "");
        if (!approved && now.status == ShotStatus::kAwaitingApproval) {
          return tl::unexpected(
              WithContext(approved.error(), "approving shot " + shot));
        }
      }
      last_reconcile = Clock::now();
    }
    std::unique_lock lock(wake_mu);
    wake.wait_for(lock, std::chrono::milliseconds(200), [&] { return moved; });
    moved = false;
  }
  progress("", true);
  report.stages.push_back({"images", images_done_at});
  report.stages.push_back({"clips", Since(t1) - images_done_at});

  // Final render on the original audio, in this process: the same use case
  // as the render worker (services/render).
  auto t2 = Clock::now();
  // The last clip's result moves the project to FINAL_RENDER by itself
  // (Orchestrator::MaybeFinish), possibly between a look and this request:
  // a refusal is an error only if the project did not get there.
  if (Result<CommandOutcome> started =
          commands.StartFinalRender(project.project_id, "produce");
      !started) {
    ASSIGN_OR_RETURN(std::optional<ProjectStatus> status,
                     store.GetProjectStatus(project.project_id), "");
    if (status != ProjectStatus::kFinalRender) {
      return tl::unexpected(started.error());
    }
  }
  render::RenderRequest render{
      song_key,       request.output, request.fps,         request.width,
      request.height, request.preset, request.project_name};
  ffmpeg::FfmpegRenderer renderer(clock);
  ASSIGN_OR_RETURN(
      render::RenderReport rendered,
      render::RenderProject({store, *stack.blobs, *stack.bus, renderer, clock},
                            project.project_id, render, progress),
      "");
  report.frames = rendered.frames;
  report.exports = rendered.exports;
  report.stages.push_back({"render", Since(t2)});
  return report;
}

}  // namespace miri::app
