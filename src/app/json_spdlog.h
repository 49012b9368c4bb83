// One log format for `miri serve` and the render worker: the services'
// spdlog lines (orchestrator, reconciler) go out as the same JSON lines as
// the server's own (http/json_log.h), so a log reader parses one format.
// Interactive commands keep spdlog's human text.
#ifndef MIRI_APP_JSON_SPDLOG_H_
#define MIRI_APP_JSON_SPDLOG_H_

namespace miri::app {

// Replaces spdlog's default logger with one whose lines are JSON objects
// {"ts","level","msg"} on stderr. Call once, before other threads log.
void UseJsonLogs();

}  // namespace miri::app

#endif  // MIRI_APP_JSON_SPDLOG_H_
