// `miri plan SONG --lyrics FILE [--json]`: the Director's plan for a song.
// The JSON form is a stable contract (services/planning/plan_json.h).
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>

#include <cstdlib>

#include "adapters/aubio/analyze.h"
#include "adapters/curl/http_client.h"
#include "adapters/gemini/gemini_director.h"
#include "app/commands.h"
#include "services/planning/local_director.h"
#include "services/planning/plan_json.h"
#include "services/planning/repair.h"

namespace miri::app {

namespace {

struct PlanOptions {
  std::string song;
  std::string lyrics;
  std::string lyrics_format = "auto";
  bool json = false;
  PlanLimits limits;
  double max_minutes = 15;
  double max_upload_mb = 100;
  std::string director = "local";
  std::string gemini_url = "https://generativelanguage.googleapis.com";
  std::string model;
};

int RunPlan(const PlanOptions& o) {
  std::ifstream in(o.lyrics, std::ios::binary);
  if (!in) {
    std::cerr << "miri plan: cannot read lyrics file " << o.lyrics << "\n";
    return 2;
  }
  PlanRequest request;
  request.audio_path = o.song;
  request.lyrics_text = std::string(std::istreambuf_iterator<char>(in), {});
  request.lyrics_format = o.lyrics_format == "auto" ? "" : o.lyrics_format;
  request.limits = o.limits;

  DecodeLimits decode;
  decode.max_duration_ms = static_cast<int64_t>(o.max_minutes * 60000);
  decode.max_file_bytes = static_cast<int64_t>(o.max_upload_mb * 1048576);
  AubioSongAnalyzer analyzer(decode);
  LocalDirector local(analyzer);
  CurlHttpClient http;
  std::unique_ptr<GeminiDirector> gemini;
  Director* inner = &local;
  if (o.director == "gemini") {
    const char* key = std::getenv("GEMINI_API_KEY");
    if (key == nullptr || *key == '\0') {
      std::cerr << "miri plan: --director gemini needs GEMINI_API_KEY\n";
      return 2;
    }
    GeminiConfig config;
    config.base_url = o.gemini_url;
    config.api_key = key;
    if (!o.model.empty()) config.model = o.model;
    gemini = std::make_unique<GeminiDirector>(config, analyzer, http);
    inner = gemini.get();
  }
  CheckedDirector director(*inner);
  Result<Plan> plan = director.MakePlan(request);
  if (!plan) {
    std::cerr << "miri plan: " << plan.error().ToString() << "\n";
    return 1;
  }
  if (o.json) {
    std::cout << PlanToJson(*plan).dump() << "\n";
  } else {
    std::cout << FormatPlanTable(*plan);
  }
  return 0;
}

}  // namespace

void RegisterPlanCommand(CLI::App& app) {
  auto opts = std::make_shared<PlanOptions>();
  CLI::App* cmd = app.add_subcommand(
      "plan",
      "Plan scenes and shots for a song and its lyrics (local analysis); "
      "prints a table, or one JSON object with --json");
  cmd->add_option("SONG", opts->song, "the song (MP3, WAV, FLAC, OGG, M4A)")
      ->required();
  cmd->add_option("--lyrics", opts->lyrics,
                  "lyrics file: LRC, SRT or plain text")
      ->required();
  cmd->add_option("--lyrics-format", opts->lyrics_format,
                  "lrc, srt, plain or auto")
      ->check(CLI::IsMember({"auto", "lrc", "srt", "plain"}));
  cmd->add_flag("--json", opts->json, "print the plan as one JSON object");
  cmd->add_option("--min-shot-ms", opts->limits.min_shot_ms, "shortest shot")
      ->capture_default_str();
  cmd->add_option("--max-shot-ms", opts->limits.max_shot_ms, "longest shot")
      ->capture_default_str();
  cmd->add_option("--max-minutes", opts->max_minutes, "longest song accepted")
      ->capture_default_str();
  cmd->add_option("--max-upload-mb", opts->max_upload_mb,
                  "largest file accepted")
      ->capture_default_str();
  cmd->add_option(
         "--director", opts->director,
         "local (default, no network) or gemini (needs GEMINI_API_KEY)")
      ->check(CLI::IsMember({"local", "gemini"}));
  cmd->add_option("--gemini-url", opts->gemini_url, "Gemini API base URL")
      ->capture_default_str();
  cmd->add_option("--model", opts->model,
                  "Gemini model id (default gemini-3.8-flash)");
  cmd->callback([opts] { throw CLI::RuntimeError(RunPlan(*opts)); });
}

}  // namespace miri::app
