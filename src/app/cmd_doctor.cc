// `miri doctor`: the start-up checks of `miri serve`, on demand, as a
// table (or JSON); exit status 1 when a check fails (app/doctor.h).
#include <iostream>
#include <memory>

#include "adapters/curl/http_client.h"
#include "app/commands.h"
#include "app/composition.h"
#include "app/doctor.h"

namespace miri::app {
namespace {

struct DoctorOptions {
  std::string data = "miri-data";
  bool json = false;
};

int RunDoctorCommand(const DoctorOptions& o) {
  auto plan = PlanComposition(ProcessEnv(), o.data);
  if (!plan) {
    std::cerr << "miri doctor: " << plan.error().ToString() << "\n";
    return 2;
  }
  std::cout << StartupLine(*plan) << "\n\n";
  // Local providers are built but given no work.
  ComposeOptions compose;
  compose.image.start_paused = true;
  compose.video.provider.start_paused = true;
  auto stack = Compose(*plan, compose);
  if (!stack) {
    std::cerr << "miri doctor: " << stack.error().ToString() << "\n";
    return 2;
  }
  CurlHttpClient http;
  SystemClock clock;
  DoctorReport report = RunDoctor(**stack, http, clock);
  if (o.json) {
    std::cout << report.ToJson().dump(2) << "\n";
  } else {
    std::cout << report.Table();
  }
  return report.ok() ? 0 : 1;
}

}  // namespace

void RegisterDoctorCommand(CLI::App& app) {
  auto opts = std::make_shared<DoctorOptions>();
  CLI::App* cmd = app.add_subcommand(
      "doctor",
      "Check every configured provider and cloud service (calls that cost "
      "nothing) and print what is wrong and how to fix it");
  cmd->add_option("--data", opts->data,
                  "data directory (env MIRI_DATA_DIR, default ./miri-data)")
      ->envname("MIRI_DATA_DIR");
  cmd->add_flag("--json", opts->json, "print the report as JSON");
  cmd->callback([opts] { throw CLI::RuntimeError(RunDoctorCommand(*opts)); });
}

}  // namespace miri::app
