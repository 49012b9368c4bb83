#include "app/produce.h"

#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "adapters/ffmpeg/render_executor.h"
#include "adapters/hnsw/hnsw_index.h"
#include "adapters/lexical/lexical_embedder.h"
#include "domain/event_payload.h"
#include "services/commands/command_service.h"
#include "services/render/exports.h"
#include "services/render/project_timeline.h"
#include "services/render/render_plan.h"
#include "services/rulebook/rulebook.h"

namespace miri::app {

namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// A project status event. The once-per-project steps of `miri produce` are
// keyed by their target status; a render's outcome (RENDERED or FAILED) is
// keyed by `attempt`, the seq of the FINAL_RENDER event that started it, so
// a second render is not taken for a repeat of the first.
Result<void> ProjectEvent(Store& store, EventBus& bus,
                          std::string_view project_id,
                          std::optional<ProjectStatus> from, ProjectStatus to,
                          const std::string& cause, const miri::Clock& clock,
                          const std::string& attempt = "") {
  Event e;
  e.event_id = "p-" + std::string(ProjectStatusName(to));
  for (char& c : e.event_id) c = c == '_' ? '-' : c;
  if (from) e.from = std::string(ProjectStatusName(*from));
  e.to = std::string(ProjectStatusName(to));
  e.cause = cause;
  e.at = clock.NowIso();
  e.idempotency_key = "produce:" + e.to;
  if (!attempt.empty()) {
    e.event_id += "-" + attempt;
    e.idempotency_key = "render:" + attempt + ":" + e.to;
  }
  ASSIGN_OR_RETURN(AppendEventResult r, store.AppendEvent(project_id, e),
                   cause);
  if (!r.duplicate) {
    (void)bus.Publish({std::string(project_id), std::string(kProjectUpdated),
                       EventPayload(project_id, r.event).dump()});
  }
  return {};
}

// The seq of the FINAL_RENDER event that started the render now due: the
// project's latest status event.
Result<std::string> RenderAttempt(Store& store, std::string_view project_id) {
  ASSIGN_OR_RETURN(std::vector<Event> log, store.ListEvents(project_id), "");
  const Event* last = nullptr;
  for (const Event& e : log) {
    if (!e.is_shot_event()) last = &e;
  }
  const std::string final_render(
      ProjectStatusName(ProjectStatus::kFinalRender));
  if (last == nullptr || last->to != final_render) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "the project is " +
                         (last ? last->to : std::string("new")) + ", not " +
                         final_render);
  }
  return std::to_string(last->seq);
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
  ASSIGN_OR_RETURN(std::unique_ptr<HnswIndex> index,
                   HnswIndex::Open(stack.plan.data_dir / "rules-index",
                                   embedder.dimensions()),
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
  // The render runs below, in this process, once every clip is in.
  CommandService commands(store, *stack.bus, clock, orchestrator);
  stack.results.Attach(&orchestrator);
  struct Detach {
    Stack& s;
    ~Detach() { s.results.Attach(nullptr); }
  } detach{stack};

  RETURN_IF_ERROR(commands.CreateProject(project, {}), "creating the project");
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
  ASSIGN_OR_RETURN(Plan plan, director.MakePlan(plan_request), "planning");
  PlanCommit commit{plan.scenes, plan.shots, clock.NowIso(), std::nullopt};
  RETURN_IF_ERROR(commands.CommitPlan(project.project_id, commit),
                  "committing the plan");
  report.shots = static_cast<int>(plan.shots.size());
  report.scenes = static_cast<int>(plan.scenes.size());
  report.duration_ms = plan.duration_ms;
  report.stages.push_back({"plan", Since(t0)});
  progress(
      fmt::format("planned {} shots in {} scenes over {:.1f} s ({:.0f} BPM)",
                  report.shots, report.scenes, plan.duration_ms / 1000.0,
                  plan.tempo_bpm),
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

  // Images and clips: dispatch every shot, then follow the store.
  auto t1 = Clock::now();
  for (const Shot& s : plan.shots) {
    RETURN_IF_ERROR(commands.Generate(project.project_id, s.shot_id,
                                      std::nullopt, "produce"),
                    "shot " + s.shot_id);
  }
  double images_done_at = 0;
  auto deadline = Clock::now() + request.timeout;
  auto last_reconcile = Clock::now();
  while (true) {
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
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  progress("", true);
  report.stages.push_back({"images", images_done_at});
  report.stages.push_back({"clips", Since(t1) - images_done_at});

  // Final render on the original audio.
  auto t2 = Clock::now();
  ASSIGN_OR_RETURN(std::optional<ProjectStatus> status,
                   store.GetProjectStatus(project.project_id), "");
  if (status != ProjectStatus::kFinalRender) {
    RETURN_IF_ERROR(
        ProjectEvent(store, *stack.bus, project.project_id,
                     ProjectStatus::kPlanned, ProjectStatus::kFinalRender,
                     "every shot is COMPLETED", clock),
        "");
  }
  RenderRequest render{
      song_key,       request.output, request.fps,         request.width,
      request.height, request.preset, request.project_name};
  ASSIGN_OR_RETURN(RenderReport rendered,
                   RenderProject(store, *stack.blobs, *stack.bus,
                                 project.project_id, render, progress),
                   "");
  report.frames = rendered.frames;
  report.exports = rendered.exports;
  report.stages.push_back({"render", Since(t2)});
  return report;
}

std::string BoundedCause(std::string cause) {
  constexpr size_t kMax = 2000;
  if (cause.size() <= kMax) return cause;
  size_t end = kMax - 3;
  // Not inside a multi-byte character: continuation bytes are 10xxxxxx.
  while (end > 0 && (static_cast<unsigned char>(cause[end]) & 0xC0) == 0x80)
    --end;
  cause.resize(end);
  return cause + "...";
}

namespace {

// The render itself: the MP4 and its exports, locally and in the BlobStore.
Result<RenderReport> RenderAndStore(Store& store, BlobStore& blobs,
                                    EventBus& bus, std::string_view project_id,
                                    const RenderRequest& request,
                                    const ProgressSink& progress,
                                    const miri::Clock& clock) {
  const std::string pid(project_id);
  ASSIGN_OR_RETURN(std::filesystem::path song,
                   blobs.LocalPath(request.song_key), "final render: the song");
  ASSIGN_OR_RETURN(render::Timeline timeline,
                   render::TimelineFromProject(store, blobs, pid),
                   "final render");
  ASSIGN_OR_RETURN(ffmpeg::SongInfo info, ffmpeg::ProbeSong(song),
                   "final render");
  render::RenderSettings settings{request.fps, request.width, request.height};
  ASSIGN_OR_RETURN(
      render::RenderPlan plan,
      render::BuildRenderPlan(timeline, info.duration_ms, settings),
      "final render");
  ffmpeg::RenderOptions ro;
  ro.output = request.output;
  ro.song = song;
  ro.preset = request.preset;
  ro.clock = &clock;
  ro.on_progress = [&](const render::RenderProgress& p) {
    progress(fmt::format("render {:.0f}%", p.percent), false);
    (void)bus.Publish({pid, std::string(kRenderProgress),
                       render::RenderProgressPayload(pid, p).dump()});
  };
  ASSIGN_OR_RETURN(ffmpeg::RenderStats stats,
                   ffmpeg::ExecuteRenderPlan(plan, ro), "final render");
  progress("", true);
  RenderReport report;
  report.frames = stats.frames_written;
  RETURN_IF_ERROR(
      blobs.PutFile("projects/" + pid + "/render/output.mp4", request.output),
      "storing the render");
  render::ExportInput exports{&plan, song.string(), request.title};
  const std::pair<const char*, std::string> files[] = {
      {"otio", render::ExportOtioJson(exports)},
      {"fcpxml", render::ExportFcpxml(exports)},
      {"edl", render::ExportEdl(exports)}};
  for (const auto& [ext, text] : files) {
    std::filesystem::path path = request.output;
    path.replace_extension(ext);
    std::ofstream(path, std::ios::trunc) << text;
    RETURN_IF_ERROR(
        blobs.Put("projects/" + pid + "/render/output." + ext, text),
        "storing the exports");
    report.exports.push_back(path.string());
  }
  return report;
}

}  // namespace

Result<RenderReport> RenderProject(Store& store, BlobStore& blobs,
                                   EventBus& bus, std::string_view project_id,
                                   const RenderRequest& request,
                                   const ProgressSink& progress) {
  SystemClock clock;
  ASSIGN_OR_RETURN(std::string attempt, RenderAttempt(store, project_id),
                   "final render");
  Result<RenderReport> report =
      RenderAndStore(store, blobs, bus, project_id, request, progress, clock);
  if (!report) {
    progress("", true);
    // Otherwise the project would wait in FINAL_RENDER forever. The cause is
    // what the dashboard shows; a person may then render again.
    Result<void> failed =
        ProjectEvent(store, bus, project_id, ProjectStatus::kFinalRender,
                     ProjectStatus::kFailed,
                     BoundedCause(report.error().ToString()), clock, attempt);
    if (!failed) {
      return tl::unexpected(WithContext(
          report.error(),
          "recording the failure failed (" + failed.error().ToString() + ")"));
    }
    return report;
  }
  RETURN_IF_ERROR(
      ProjectEvent(store, bus, project_id, ProjectStatus::kFinalRender,
                   ProjectStatus::kRendered, "rendered", clock, attempt),
      "");
  return report;
}

}  // namespace miri::app
