// Each `miri` subcommand lives in its own cmd_*.cc and registers itself on
// the CLI11 app here; main.cc only calls these.
#ifndef MIRI_APP_COMMANDS_H_
#define MIRI_APP_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace miri::app {

// `miri audit`: audits a prompt against the prompt and depiction rules.
void RegisterAuditCommand(CLI::App& app);

// `miri render`: the final render of a timeline with the song as audio.
void RegisterRenderCommand(CLI::App& app);

// `miri plan`: scenes and shots for a song and its lyrics.
void RegisterPlanCommand(CLI::App& app);

// `miri serve`: the HTTP API, webhooks, Socket.IO and the SPA.
void RegisterServeCommand(CLI::App& app);

// `miri produce`: song + lyrics in, music video out (headless pipeline).
void RegisterProduceCommand(CLI::App& app);

// `miri doctor`: checks every configured provider and cloud service.
void RegisterDoctorCommand(CLI::App& app);

}  // namespace miri::app

#endif  // MIRI_APP_COMMANDS_H_
