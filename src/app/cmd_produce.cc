// `miri produce SONG --lyrics FILE -o OUT.mp4`: the whole pipeline headless
// on the embedded defaults (or the configured adapters), with a live
// progress line on the terminal.
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>

#include <fmt/format.h>

#include "app/commands.h"
#include "app/produce.h"
#include "services/planning/choosing_director.h"

namespace miri::app {

namespace {

struct ProduceOptions {
  std::string song;
  std::string lyrics;
  std::string output = "miri.mp4";
  std::string data_dir = "miri-data";
  std::string name = "Miri music video";
  std::string size = "1280x720";
  int fps = 24;
  std::string preset = "veryfast";
  std::string director_model = std::string(kDefaultDirectorModel);
};

int RunProduce(const ProduceOptions& o) {
  std::ifstream in(o.lyrics, std::ios::binary);
  if (!in) {
    std::cerr << "miri produce: cannot read lyrics file " << o.lyrics << "\n";
    return 2;
  }
  ProduceRequest request;
  request.song = o.song;
  request.lyrics_text = std::string(std::istreambuf_iterator<char>(in), {});
  request.project_name = o.name;
  request.output = o.output;
  request.fps = o.fps;
  request.preset = o.preset;
  request.director_model = o.director_model;
  if (std::sscanf(o.size.c_str(), "%dx%d", &request.width, &request.height) !=
      2) {
    std::cerr << "miri produce: --size must be WxH, e.g. 1280x720\n";
    return 2;
  }

  auto plan = PlanComposition(ProcessEnv(), o.data_dir);
  if (!plan) {
    std::cerr << "miri produce: " << plan.error().ToString() << "\n";
    return 2;
  }
  std::cerr << StartupLine(*plan) << "\n";
  ComposeOptions compose;
  compose.video.provider.workers = 2;
  auto stack = Compose(*plan, compose);
  if (!stack) {
    std::cerr << "miri produce: " << stack.error().ToString() << "\n";
    return 2;
  }
  auto report = Produce(**stack, *(*stack)->director, request,
                        [](const std::string& line, bool final) {
                          std::cerr << "\r\033[K" << line << (final ? "\n" : "")
                                    << std::flush;
                        });
  if (!report) {
    std::cerr << "\nmiri produce: " << report.error().ToString() << "\n";
    return 1;
  }
  std::cout << fmt::format("wrote {} ({} frames, {:.1f} s) for project {}\n",
                           o.output, report->frames,
                           report->duration_ms / 1000.0, report->project_id);
  for (const std::string& e : report->exports)
    std::cout << "wrote " << e << "\n";
  double total = 0;
  for (const StageTime& s : report->stages) {
    std::cout << fmt::format("  {:<7} {:7.1f} s\n", s.stage, s.seconds);
    total += s.seconds;
  }
  std::cout << fmt::format("  {:<7} {:7.1f} s\n", "total", total);
  return 0;
}

}  // namespace

void RegisterProduceCommand(CLI::App& app) {
  auto opts = std::make_shared<ProduceOptions>();
  CLI::App* cmd = app.add_subcommand(
      "produce",
      "Song and lyrics in, music video out: plan, images, clips and the final "
      "render, headless with auto-approval");
  cmd->add_option("SONG", opts->song, "the song (MP3, WAV, FLAC, OGG, M4A)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--lyrics", opts->lyrics,
                  "lyrics file: LRC, SRT or plain text")
      ->required();
  cmd->add_option("-o,--output", opts->output, "the MP4 to write")
      ->capture_default_str();
  cmd->add_option("--data", opts->data_dir,
                  "where the store, blobs and rule index live")
      ->capture_default_str()
      ->envname("MIRI_DATA_DIR");
  cmd->add_option("--name", opts->name, "the project's name")
      ->capture_default_str();
  cmd->add_option("--size", opts->size, "frame size WxH")
      ->capture_default_str();
  cmd->add_option("--fps", opts->fps, "frames per second")
      ->capture_default_str()
      ->check(CLI::Range(1, 120));
  cmd->add_option("--preset", opts->preset, "x264 preset of the final render")
      ->capture_default_str();
  cmd->add_option("--director-model", opts->director_model,
                  "the DIRECTOR's model: gemini-* plans with Gemini when "
                  "GEMINI_API_KEY is set; local (or no key): the local "
                  "director")
      ->capture_default_str();
  cmd->callback([opts] { throw CLI::RuntimeError(RunProduce(*opts)); });
}

}  // namespace miri::app
