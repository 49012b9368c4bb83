// The `miri` executable: one binary, one subcommand per process role
// (design.md section 1).
#include <CLI/CLI.hpp>

#include "app/commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "Miri: turns a song and its lyrics into a music video with a "
      "consistent character."};
  app.set_version_flag("--version", "miri 0.1.0");
  app.require_subcommand(1);
  miri::app::RegisterAuditCommand(app);
  miri::app::RegisterPlanCommand(app);
  miri::app::RegisterRenderCommand(app);
  miri::app::RegisterServeCommand(app);
  miri::app::RegisterProduceCommand(app);
  miri::app::RegisterDoctorCommand(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
