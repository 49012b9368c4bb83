// `miri render`: the final render (design.md section 9). The stand-alone
// form renders a timeline file; its JSON is a stable contract
// (domain/timeline.h):
//   miri render --timeline cut.json --audio song.mp3 -o video.mp4
// With --lyrics FILE (timed: LRC or SRT) the MP4 gets them as a soft
// mov_text track and video.srt and video.vtt are written beside it, on the
// cut's frame grid (domain/captions.h).
// The project form is the render worker (the Cloud Run job): it composes
// the store and blob store from the environment like `miri serve`, renders
// a project in FINAL_RENDER from its song and clips in the BlobStore, and
// stores the MP4 and its exports back under projects/<id>/render/:
//   miri render --project <projectId>
// A failed render exits 1 with the reason and leaves the project FAILED with
// that reason as the event's cause; it is tried again by requesting the
// render (POST /api/projects/<id>/render), which moves it to FINAL_RENDER.
// The project form renders under the project's render lease
// (services/render/render_lease.h): as MIRI_RENDER_LEASE_OWNER when set (the
// owner `miri serve` took the lease for when it started this execution),
// else a new owner; renewed every third of MIRI_RENDER_LEASE_MS while it
// renders, cleared at the end. While another renderer holds the lease it
// renders nothing and exits 0, saying so.
// The animatic (issue 20) of a project in any state, from whatever its shots
// have so far, at 480x270 unless --size says otherwise; it spends nothing,
// changes no shot, takes no lease and stores
// projects/<id>/render/animatic.mp4:
//   miri render --project <projectId> --animatic -o animatic.mp4
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>

#include "adapters/ffmpeg/ffmpeg_renderer.h"
#include "adapters/ffmpeg/render_executor.h"
#include "app/commands.h"
#include "app/composition.h"
#include "app/produce.h"
#include "app/render_settings.h"
#include "domain/event_payload.h"
#include "domain/render_plan.h"
#include "domain/timeline.h"
#include "ports/clock.h"
#include "services/planning/lyrics.h"
#include "services/render/animatic.h"
#include "services/render/exports.h"
#include "services/render/render_lease.h"

namespace miri::app {

namespace {

namespace fs = std::filesystem;

struct RenderCliOptions {
  std::string timeline;
  std::string audio;
  std::string output;
  int fps = 24;
  std::string size = "1920x1080";
  std::string preset = "veryfast";
  int crf = 20;
  std::string audio_codec = "copy";
  std::string otio, fcpxml, edl;  // export files; empty = none
  std::string lyrics;             // timed lyrics for captions; empty = none
  bool quiet = false;
  std::string project;  // the project form
  std::string data;     // its data directory (local copies, the render file)
  bool animatic = false;
  bool size_given = false;  // --size on the command line
};

Result<render::RenderSettings> ParseSettings(const RenderCliOptions& o) {
  render::RenderSettings s;
  s.fps = o.fps;
  int w = 0, h = 0;
  char x = 0, extra = 0;
  if (std::sscanf(o.size.c_str(), "%d%c%d%c", &w, &x, &h, &extra) != 3 ||
      x != 'x') {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "--size: expected WxH (e.g. 1920x1080), got \"" + o.size + "\"");
  }
  s.width = w;
  s.height = h;
  Result<void> valid = render::ValidateSettings(s);
  if (!valid) return tl::unexpected<Error>(std::move(valid).error());
  return s;
}

// Clip paths in a timeline file are relative to the file's directory.
Result<render::Timeline> ReadTimeline(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, "cannot read " + path);
  std::string text(std::istreambuf_iterator<char>(in), {});
  ASSIGN_OR_RETURN(render::Timeline t, render::ParseTimelineJson(text), path);
  fs::path base = fs::path(path).parent_path();
  for (render::TimelineShot& s : t.shots) {
    if (fs::path(s.clip).is_relative()) s.clip = (base / s.clip).string();
  }
  return t;
}

Result<void> WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return MakeError(ErrorCode::kUnavailable, "cannot write " + path);
  return {};
}

// Editors' exports of the cut, with absolute media paths.
Result<void> WriteExports(const RenderCliOptions& o, render::RenderPlan plan) {
  for (render::TimelineShot& s : plan.shots)
    s.clip = fs::absolute(s.clip).lexically_normal().string();
  render::ExportInput in{&plan,
                         fs::absolute(o.audio).lexically_normal().string(),
                         fs::path(o.output).stem().string()};
  if (!o.otio.empty())
    RETURN_IF_ERROR(WriteText(o.otio, render::ExportOtioJson(in)), "--otio");
  if (!o.fcpxml.empty())
    RETURN_IF_ERROR(WriteText(o.fcpxml, render::ExportFcpxml(in)), "--fcpxml");
  if (!o.edl.empty())
    RETURN_IF_ERROR(WriteText(o.edl, render::ExportEdl(in)), "--edl");
  return {};
}

// The timed lyrics of `path` on the plan's frame grid.
Result<std::vector<render::CaptionCue>> ReadCaptions(
    const std::string& path, const render::RenderPlan& plan) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, "cannot read " + path);
  std::string text(std::istreambuf_iterator<char>(in), {});
  ASSIGN_OR_RETURN(Lyrics lyrics, ParseLyricsAuto(text), path);
  if (!lyrics.timed()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     path +
                         " has no timed lines: captions need LRC or SRT "
                         "lyrics");
  }
  FitLyricsToSong(lyrics, plan.song_duration_ms);
  std::vector<render::CaptionLine> lines;
  for (const LyricLine& l : lyrics.lines)
    lines.push_back({l.start_ms, l.end_ms, l.text});
  return render::SnapCaptions(lines, plan.settings.fps, plan.total_frames);
}

std::string MinSec(int64_t ms) {
  int64_t s = (ms + 500) / 1000;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%lld:%02lld", static_cast<long long>(s / 60),
                static_cast<long long>(s % 60));
  return buf;
}

// "\r[##########----------]  50%  2160/4320 frames  ETA 0:21".
void DrawBar(const render::RenderProgress& p) {
  constexpr int kWidth = 30;
  int filled = static_cast<int>(p.percent * kWidth / 100.0);
  std::string bar(filled, '#');
  bar.append(kWidth - filled, '-');
  std::fprintf(stderr, "\r[%s] %3.0f%%  %lld/%lld frames  ETA %s ", bar.c_str(),
               p.percent, static_cast<long long>(p.frames_done),
               static_cast<long long>(p.total_frames),
               p.eta_ms ? MinSec(*p.eta_ms).c_str() : "-:--");
  if (p.frames_done == p.total_frames) std::fprintf(stderr, "\n");
  std::fflush(stderr);
}

Result<ffmpeg::RenderStats> RunRender(const RenderCliOptions& o,
                                      const miri::Clock& clock) {
  ASSIGN_OR_RETURN(render::RenderSettings settings, ParseSettings(o),
                   "options");
  ASSIGN_OR_RETURN(render::Timeline timeline, ReadTimeline(o.timeline),
                   "timeline");
  ASSIGN_OR_RETURN(ffmpeg::SongInfo song, ffmpeg::ProbeSong(o.audio), "audio");
  ASSIGN_OR_RETURN(
      render::RenderPlan plan,
      render::BuildRenderPlan(timeline, song.duration_ms, settings), "plan");
  RETURN_IF_ERROR(WriteExports(o, plan), "exports");
  if (!o.lyrics.empty()) {
    ASSIGN_OR_RETURN(plan.captions, ReadCaptions(o.lyrics, plan), "--lyrics");
    for (const char* ext : {"srt", "vtt"}) {
      fs::path path = fs::path(o.output).replace_extension(ext);
      RETURN_IF_ERROR(
          WriteText(path.string(),
                    ext == std::string("srt")
                        ? render::ToSrt(plan.captions, plan.settings.fps)
                        : render::ToWebVtt(plan.captions, plan.settings.fps)),
          "captions");
    }
  }
  ffmpeg::RenderOptions ro;
  ro.output = o.output;
  ro.song = o.audio;
  ro.preset = o.preset;
  ro.crf = o.crf;
  ro.audio_mode = o.audio_codec == "aac" ? ffmpeg::AudioMode::kAac
                                         : ffmpeg::AudioMode::kCopy;
  ro.clock = &clock;
  if (!o.quiet && ::isatty(STDERR_FILENO)) ro.on_progress = DrawBar;
  return ffmpeg::ExecuteRenderPlan(plan, ro);
}

// The project form: one project of the shared store, media in the BlobStore.
Result<std::string> RunProjectRender(const RenderCliOptions& o) {
  ASSIGN_OR_RETURN(render::RenderSettings settings, ParseSettings(o),
                   "options");
  ASSIGN_OR_RETURN(CompositionPlan plan, PlanComposition(ProcessEnv(), o.data),
                   "");
  if (!o.quiet) std::cerr << StartupLine(plan) << "\n";
  ASSIGN_OR_RETURN(std::unique_ptr<Stack> stack, Compose(plan), "");
  ASSIGN_OR_RETURN(std::optional<ProjectStatus> status,
                   stack->store->GetProjectStatus(o.project),
                   "project " + o.project);
  if (status == ProjectStatus::kFailed) {
    return MakeError(
        ErrorCode::kFailedPrecondition,
        "project " + o.project +
            " is FAILED; to try a failed render again, request it "
            "(POST /api/projects/" +
            o.project +
            "/render or the dashboard's "
            "\"Render again\"), which moves it back to FINAL_RENDER");
  }
  if (status != ProjectStatus::kFinalRender) {
    return MakeError(
        ErrorCode::kFailedPrecondition,
        "project " + o.project + " is " +
            std::string(status ? ProjectStatusName(*status) : "new") +
            "; it is rendered once every shot is COMPLETED (FINAL_RENDER)");
  }
  ASSIGN_OR_RETURN(ProjectConfig project, stack->store->GetProject(o.project),
                   "");
  ASSIGN_OR_RETURN(RenderWorkerSettings worker,
                   ReadRenderWorkerSettings(ProcessEnv()), "");
  SystemClock clock;
  std::string owner = ProcessEnv()("MIRI_RENDER_LEASE_OWNER").value_or("");
  if (owner.empty()) owner = "render-" + RandomUuid().substr(0, 12);
  render::RenderLeases leases(*stack->store, clock, owner, worker.lease);
  ASSIGN_OR_RETURN(bool taken, leases.Take(o.project), "");
  if (!taken) {
    auto lease = stack->store->GetRenderLease(o.project);
    return "nothing rendered: " +
           (lease && *lease ? (*lease)->owner + " renders project " +
                                  o.project + " (its lease runs until " +
                                  FormatIsoMs((*lease)->expires_at_ms) + ")"
                            : "another renderer renders project " + o.project);
  }
  leases.StartHeartbeat();
  render::RenderRequest request;
  request.song_key = "projects/" + o.project + "/audio/song.mp3";
  request.output = o.output.empty()
                       ? fs::path(o.data) / "renders" / (o.project + ".mp4")
                       : fs::path(o.output);
  std::error_code ec;
  if (request.output.has_parent_path())
    fs::create_directories(request.output.parent_path(), ec);
  request.fps = settings.fps;
  request.width = settings.width;
  request.height = settings.height;
  request.preset = o.preset;
  request.title = project.project_name;
  bool bar = !o.quiet && ::isatty(STDERR_FILENO);
  // On failure RenderProject has moved the project to FAILED with the error
  // as its cause; the exit status and the message say so too.
  ffmpeg::FfmpegRenderer renderer(clock);
  Result<render::RenderReport> rendered = render::RenderProject(
      {*stack->store, *stack->blobs, *stack->bus, renderer, clock}, o.project,
      request, [bar](const std::string& line, bool final) {
        if (bar)
          std::fprintf(stderr, "\r%-40s%s", line.c_str(), final ? "\n" : "");
      });
  (void)leases.Release(o.project);
  ASSIGN_OR_RETURN(render::RenderReport report, std::move(rendered),
                   "project " + o.project);
  return "stored projects/" + o.project + "/render/output.mp4 (" +
         std::to_string(report.frames) + " frames)";
}

// The animatic of one project of the shared store.
Result<std::string> RunProjectAnimatic(const RenderCliOptions& o) {
  RenderCliOptions sized = o;
  if (!o.size_given) sized.size = "480x270";
  ASSIGN_OR_RETURN(render::RenderSettings settings, ParseSettings(sized),
                   "options");
  ASSIGN_OR_RETURN(CompositionPlan plan, PlanComposition(ProcessEnv(), o.data),
                   "");
  if (!o.quiet) std::cerr << StartupLine(plan) << "\n";
  ASSIGN_OR_RETURN(std::unique_ptr<Stack> stack, Compose(plan), "");
  SystemClock clock;
  ffmpeg::FfmpegRenderer renderer(clock);
  const fs::path renders = fs::path(o.data) / "renders";
  render::AnimaticService animatic(
      *stack->store, *stack->blobs, renderer, renders,
      {settings.fps, settings.width, settings.height, "ultrafast"});
  fs::path output = o.output.empty() ? renders / (o.project + ".animatic.mp4")
                                     : fs::path(o.output);
  std::error_code ec;
  if (output.has_parent_path())
    fs::create_directories(output.parent_path(), ec);
  ASSIGN_OR_RETURN(render::AnimaticReport report,
                   animatic.Render(o.project, output), "project " + o.project);
  return "wrote " + output.string() + " and stored " + report.blob_key + " (" +
         std::to_string(report.frames) +
         " frames: " + std::to_string(report.clips) + " shots from clips, " +
         std::to_string(report.stills) + " from frames, " +
         std::to_string(report.cards) + " as cards)";
}

int Run(const RenderCliOptions& o) {
  SystemClock clock;
  int64_t start = clock.NowMs();
  if (o.animatic) {
    if (o.project.empty()) {
      std::cerr << "miri render: --animatic renders a project of the store; "
                   "give its id with --project\n";
      return 2;
    }
    if (!o.timeline.empty() || !o.audio.empty()) {
      std::cerr << "miri render: --animatic renders from the store; it takes "
                   "no --timeline or --audio\n";
      return 2;
    }
    Result<std::string> done = RunProjectAnimatic(o);
    if (!done) {
      std::cerr << "miri render: " << done.error().ToString() << "\n";
      return 1;
    }
    if (!o.quiet) {
      std::cerr << *done << " in " << (clock.NowMs() - start) << " ms\n";
    }
    return 0;
  }
  if (!o.project.empty()) {
    if (!o.timeline.empty() || !o.audio.empty()) {
      std::cerr << "miri render: --project renders from the store; it takes no "
                   "--timeline or --audio\n";
      return 2;
    }
    Result<std::string> stored = RunProjectRender(o);
    if (!stored) {
      std::cerr << "miri render: " << stored.error().ToString() << "\n";
      return 1;
    }
    if (!o.quiet) {
      std::cerr << *stored << " in " << (clock.NowMs() - start) << " ms\n";
    }
    return 0;
  }
  for (const auto& [flag, value] :
       {std::pair{"--timeline", &o.timeline}, std::pair{"--audio", &o.audio},
        std::pair{"--output", &o.output}}) {
    if (value->empty()) {
      std::cerr << "miri render: " << flag << " is required (or --project)\n";
      return 2;
    }
  }
  Result<ffmpeg::RenderStats> stats = RunRender(o, clock);
  if (!stats) {
    std::cerr << "miri render: " << stats.error().ToString() << "\n";
    return 1;
  }
  if (!o.quiet) {
    std::cerr << "wrote " << o.output << ": " << stats->frames_written
              << " frames in " << (clock.NowMs() - start) << " ms\n";
  }
  return 0;
}

}  // namespace

void RegisterRenderCommand(CLI::App& app) {
  auto opts = std::make_shared<RenderCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "render",
      "Render the final video: each shot's clip on its slot of the song's "
      "timeline, frame-accurate, with the song as audio");
  cmd->add_option("--timeline", opts->timeline,
                  "JSON {\"shots\":[{\"shotId\",\"startMs\",\"endMs\","
                  "\"clip\"}]}; clip paths relative to this file");
  cmd->add_option("--audio", opts->audio, "the song (e.g. MP3)");
  cmd->add_option("-o,--output", opts->output,
                  "the MP4 to write (with --project: a local copy, default "
                  "DATA/renders/<id>.mp4)");
  cmd->add_option("--project", opts->project,
                  "render this project of the configured store (MIRI_STORE, "
                  "MIRI_GCS_BUCKET, ...) from its clips in the blob store, and "
                  "store the MP4 and its exports under projects/<id>/render/; "
                  "instead of --timeline and --audio (--crf, --audio-codec and "
                  "the export files are for the timeline form)");
  cmd->add_option("--data", opts->data,
                  "with --project: data directory (env MIRI_DATA_DIR, default "
                  "./miri-data)");
  cmd->add_option("--fps", opts->fps, "output frame rate")
      ->capture_default_str();
  cmd->add_option("--size", opts->size, "output WxH")->capture_default_str();
  cmd->add_option("--preset", opts->preset, "x264 preset")
      ->capture_default_str();
  cmd->add_option("--crf", opts->crf, "x264 CRF (quality)")
      ->check(CLI::Range(0, 51))
      ->capture_default_str();
  cmd->add_option("--audio-codec", opts->audio_codec,
                  "copy the song's stream, or encode AAC")
      ->check(CLI::IsMember({"copy", "aac"}))
      ->capture_default_str();
  cmd->add_option("--otio", opts->otio,
                  "also write the cut as OpenTimelineIO JSON to this file");
  cmd->add_option("--fcpxml", opts->fcpxml,
                  "also write the cut as FCPXML 1.9 to this file");
  cmd->add_option("--edl", opts->edl,
                  "also write the cut as a CMX 3600 EDL to this file");
  cmd->add_option("--lyrics", opts->lyrics,
                  "timed lyrics (LRC or SRT): a soft caption track in the MP4 "
                  "and .srt/.vtt beside it (timeline form; a project's own "
                  "lyrics are used with --project)");
  cmd->add_flag("--animatic", opts->animatic,
                "with --project: render the project's animatic instead (its "
                "clips, else frames with a slow camera move, else cards with "
                "the shot's description) at 480x270 unless --size is given; "
                "spends nothing and changes no shot");
  cmd->add_flag("-q,--quiet", opts->quiet, "no progress bar or summary");
  cmd->callback([opts, cmd] {
    opts->size_given = cmd->count("--size") > 0;
    if (opts->data.empty()) {
      const char* env = std::getenv("MIRI_DATA_DIR");
      opts->data = env != nullptr && *env ? env : "miri-data";
    }
    throw CLI::RuntimeError(Run(*opts));
  });
}

}  // namespace miri::app
