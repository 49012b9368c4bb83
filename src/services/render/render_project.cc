#include "services/render/render_project.h"

#include <fstream>

#include <fmt/format.h>

#include "domain/event_payload.h"
#include "domain/render_plan.h"
#include "domain/text.h"
#include "services/render/exports.h"
#include "services/render/lyric_captions.h"
#include "services/render/project_timeline.h"

namespace miri::render {
namespace {

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

// A render's outcome (RENDERED or FAILED), keyed by `attempt`, the seq of
// the FINAL_RENDER event that started it, so a second render is not taken
// for a repeat of the first.
Result<void> RecordOutcome(const RenderDeps& d, std::string_view project_id,
                           ProjectStatus to, const std::string& cause,
                           const std::string& attempt) {
  Event e;
  e.event_id = "p-" + std::string(ProjectStatusName(to));
  for (char& c : e.event_id) c = c == '_' ? '-' : c;
  e.event_id += "-" + attempt;
  e.from = std::string(ProjectStatusName(ProjectStatus::kFinalRender));
  e.to = std::string(ProjectStatusName(to));
  e.cause = cause;
  e.at = d.clock.NowIso();
  e.idempotency_key = "render:" + attempt + ":" + e.to;
  ASSIGN_OR_RETURN(AppendEventResult r, d.store.AppendEvent(project_id, e),
                   cause);
  if (!r.duplicate) {
    (void)d.bus.Publish({std::string(project_id), std::string(kProjectUpdated),
                         EventPayload(project_id, r.event).dump()});
  }
  return {};
}

// The render itself: the MP4 and its exports, locally and in the BlobStore.
Result<RenderReport> RenderAndStore(const RenderDeps& d,
                                    std::string_view project_id,
                                    const RenderRequest& request,
                                    const ProgressSink& progress) {
  const std::string pid(project_id);
  ASSIGN_OR_RETURN(std::filesystem::path song,
                   d.blobs.LocalPath(request.song_key),
                   "final render: the song");
  ASSIGN_OR_RETURN(Timeline timeline,
                   TimelineFromProject(d.store, d.blobs, pid), "final render");
  ASSIGN_OR_RETURN(int64_t song_ms, d.renderer.SongDurationMs(song),
                   "final render");
  RenderSettings settings{request.fps, request.width, request.height};
  ASSIGN_OR_RETURN(RenderPlan plan,
                   BuildRenderPlan(timeline, song_ms, settings),
                   "final render");
  ASSIGN_OR_RETURN(plan.captions, LyricCaptions(d.blobs, pid, plan),
                   "final render");
  RenderJob job;
  job.plan = &plan;
  job.song = song;
  job.output = request.output;
  job.preset = request.preset;
  job.on_progress = [&](const RenderProgress& p) {
    progress(fmt::format("render {:.0f}%", p.percent), false);
    (void)d.bus.Publish({pid, std::string(kRenderProgress),
                         RenderProgressPayload(pid, p).dump()});
  };
  ASSIGN_OR_RETURN(int64_t frames, d.renderer.Render(job), "final render");
  progress("", true);
  RenderReport report;
  report.frames = frames;
  RETURN_IF_ERROR(
      d.blobs.PutFile("projects/" + pid + "/render/output.mp4", request.output),
      "storing the render");
  ASSIGN_OR_RETURN(
      report.exports,
      StoreCaptions(d.blobs, "projects/" + pid + "/render/output",
                    request.output, plan.captions, plan.settings.fps),
      "");
  ExportInput exports{&plan, song.string(), request.title};
  const std::pair<const char*, std::string> files[] = {
      {"otio", ExportOtioJson(exports)},
      {"fcpxml", ExportFcpxml(exports)},
      {"edl", ExportEdl(exports)}};
  for (const auto& [ext, text] : files) {
    std::filesystem::path path = request.output;
    path.replace_extension(ext);
    std::ofstream(path, std::ios::trunc) << text;
    RETURN_IF_ERROR(
        d.blobs.Put("projects/" + pid + "/render/output." + ext, text),
        "storing the exports");
    report.exports.push_back(path.string());
  }
  return report;
}

}  // namespace

std::string BoundedCause(const std::string& cause) {
  constexpr size_t kMax = 2000;
  if (cause.size() <= kMax) return cause;
  return TruncateUtf8(cause, kMax - 3) + "...";
}

Result<RenderReport> RenderProject(const RenderDeps& deps,
                                   std::string_view project_id,
                                   const RenderRequest& request,
                                   const ProgressSink& progress) {
  ASSIGN_OR_RETURN(std::string attempt, RenderAttempt(deps.store, project_id),
                   "final render");
  Result<RenderReport> report =
      RenderAndStore(deps, project_id, request, progress);
  if (!report) {
    progress("", true);
    // Otherwise the project would wait in FINAL_RENDER forever. The cause is
    // what the dashboard shows; a person may then render again.
    Result<void> failed =
        RecordOutcome(deps, project_id, ProjectStatus::kFailed,
                      BoundedCause(report.error().ToString()), attempt);
    if (!failed) {
      return tl::unexpected(WithContext(
          report.error(),
          "recording the failure failed (" + failed.error().ToString() + ")"));
    }
    return report;
  }
  RETURN_IF_ERROR(RecordOutcome(deps, project_id, ProjectStatus::kRendered,
                                "rendered", attempt),
                  "");
  return report;
}

}  // namespace miri::render
