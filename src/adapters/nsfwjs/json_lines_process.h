// JsonLinesProcess: a child process we talk to in lines (one JSON document
// per line) over its stdin and stdout; its stderr is ours.
//
// - Start runs argv (argv[0] looked up on PATH) and returns once the child
//   printed its first line (e.g. a ready message), within `wait`.
// - Its stdin is a socket: writing to a child that died is an error, never
//   SIGPIPE. Our ends are close-on-exec, so other children never hold them.
// - Every wait is bounded and waits on an event (poll on the pipes or the
//   child's pidfd), never a sleep.
// - Kill() (and the destructor, after closing stdin and waiting up to
//   `grace` for the child to exit by itself) ends the child and reaps it:
//   no zombie, no orphan.
// Not thread-safe: one owner (NsfwjsImageAuditor serialises its calls).
#ifndef MIRI_ADAPTERS_NSFWJS_JSON_LINES_PROCESS_H_
#define MIRI_ADAPTERS_NSFWJS_JSON_LINES_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

namespace miri {

class JsonLinesProcess {
 public:
  // UNAVAILABLE when the program cannot be started, exits, or prints no
  // line within `wait` (the message carries what it printed).
  static Result<std::unique_ptr<JsonLinesProcess>> Start(
      const std::vector<std::string>& argv, std::chrono::milliseconds wait);

  JsonLinesProcess(const JsonLinesProcess&) = delete;
  JsonLinesProcess& operator=(const JsonLinesProcess&) = delete;
  ~JsonLinesProcess();

  const std::string& first_line() const { return first_line_; }
  pid_t pid() const { return pid_; }
  // True once a read saw the end of its stdout or a write found its stdin
  // closed: the child is gone (as opposed to slow).
  bool gone() const { return gone_; }

  // Writes `line` and a newline. UNAVAILABLE when the child is gone or
  // has not taken the bytes within `timeout` (a hung child).
  Result<void> WriteLine(std::string_view line,
                         std::chrono::milliseconds timeout);
  // The next line (without its newline). UNAVAILABLE with "exited" when
  // the child closed stdout, "no answer within" after `timeout`, or when a
  // line grows past `max_line_bytes`.
  Result<std::string> ReadLine(std::chrono::milliseconds timeout);

  // SIGKILL and reap; idempotent.
  void Kill();
  // Closes stdin, waits up to `grace` for the child to exit, then Kill().
  void Stop(std::chrono::milliseconds grace);

  static constexpr size_t kMaxLineBytes = 4 << 20;

 private:
  JsonLinesProcess() = default;
  void Reap();

  pid_t pid_ = -1;
  int pid_fd_ = -1;  // pidfd: readable when the child exits (-1: none)
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  bool gone_ = false;
  std::string buffer_;  // bytes read past the last line returned
  std::string first_line_;
};

}  // namespace miri

#endif  // MIRI_ADAPTERS_NSFWJS_JSON_LINES_PROCESS_H_
