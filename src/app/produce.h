// The whole pipeline, headless (design.md section 1, `miri produce`): a
// song and its lyrics in, a music video out, every step through the same
// store, orchestrator and providers the server uses, with auto-approval.
// Used by `miri produce` and by `miri serve --demo` to prepare the demo.
#ifndef MIRI_APP_PRODUCE_H_
#define MIRI_APP_PRODUCE_H_

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "app/composition.h"
#include "domain/result.h"
#include "ports/director.h"
#include "services/orchestration/orchestrator.h"
#include "services/planning/choosing_director.h"
#include "services/render/render_project.h"

namespace miri::app {

// One line of progress for people ("images 3/12, clips 1/12").
using ProgressSink = render::ProgressSink;

struct ProduceRequest {
  std::filesystem::path song;
  std::string lyrics_text;
  std::string project_name = "Miri music video";
  // The DIRECTOR agent config of the project: a gemini-* model plans with
  // Gemini when GEMINI_API_KEY is set, else the local director plans and
  // the run says why (services/planning/choosing_director.h).
  std::string director_model = std::string(kDefaultDirectorModel);
  std::filesystem::path output;  // the MP4; exports are written beside it
  int fps = 24;
  int width = 1280;
  int height = 720;
  std::string preset = "veryfast";
  std::chrono::seconds timeout{3600};  // for the shots' generation
};

struct StageTime {
  std::string stage;
  double seconds = 0;
};

struct ProduceReport {
  std::string project_id;
  std::string director;  // who planned: "local" or the cloud model
  int shots = 0;
  int scenes = 0;
  int64_t duration_ms = 0;
  int64_t frames = 0;
  int64_t forecast_micros = 0;
  std::vector<StageTime> stages;
  std::vector<std::string> exports;
};

// Runs plan -> images -> clips -> final render on `stack`. FAILED_PRECONDITION
// naming the shot when one fails; RESOURCE_EXHAUSTED (before any paid
// dispatch) when the forecast passes the budget cap.
Result<ProduceReport> Produce(Stack& stack, Director& director,
                              const ProduceRequest& request,
                              const ProgressSink& progress);

}  // namespace miri::app

#endif  // MIRI_APP_PRODUCE_H_
