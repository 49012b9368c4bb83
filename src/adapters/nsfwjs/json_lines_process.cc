#include "adapters/nsfwjs/json_lines_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace miri {
namespace {

using Clock = std::chrono::steady_clock;

int MsLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                  deadline - Clock::now())
                  .count();
  return left < 0 ? 0 : static_cast<int>(left);
}

// poll() on one fd until `events`, EINTR-safe; >0 ready, 0 timed out.
int PollOne(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int rc = poll(&p, 1, MsLeft(deadline));
    if (rc < 0 && errno == EINTR) continue;
    return rc;
  }
}

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

}  // namespace

Result<std::unique_ptr<JsonLinesProcess>> JsonLinesProcess::Start(
    const std::vector<std::string>& argv, std::chrono::milliseconds wait) {
  if (argv.empty()) return MakeError(ErrorCode::kInternal, "no program");
  int in[2], out[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0)
    return MakeError(ErrorCode::kUnavailable, "socketpair failed");
  if (pipe2(out, O_CLOEXEC) != 0) {
    close(in[0]), close(in[1]);
    return MakeError(ErrorCode::kUnavailable, "pipe failed");
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[1], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
  std::vector<std::string> args = argv;
  std::vector<char*> cargs;
  for (std::string& a : args) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, cargs[0], &fa, nullptr, cargs.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(in[1]), close(out[1]);
  if (rc != 0) {
    close(in[0]), close(out[0]);
    return MakeError(ErrorCode::kUnavailable,
                     "cannot run " + argv[0] + ": " + std::strerror(rc));
  }
  std::unique_ptr<JsonLinesProcess> p(new JsonLinesProcess());
  p->pid_ = pid;
  p->pid_fd_ = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  p->stdin_fd_ = in[0];
  p->stdout_fd_ = out[0];
  fcntl(p->stdin_fd_, F_SETFL, fcntl(p->stdin_fd_, F_GETFL) | O_NONBLOCK);
  auto line = p->ReadLine(wait);
  if (!line) {
    std::string printed = p->buffer_.substr(0, 300);
    p->Kill();
    return MakeError(ErrorCode::kUnavailable,
                     argv[0] + " " + (argv.size() > 1 ? argv[1] : "") +
                         " did not start: " + line.error().message +
                         (printed.empty() ? "" : "; it printed: " + printed));
  }
  p->first_line_ = std::move(*line);
  return p;
}

JsonLinesProcess::~JsonLinesProcess() { Stop(std::chrono::seconds(2)); }

Result<void> JsonLinesProcess::WriteLine(std::string_view line,
                                         std::chrono::milliseconds timeout) {
  if (stdin_fd_ < 0) return MakeError(ErrorCode::kUnavailable, "not running");
  std::string data(line);
  data.push_back('\n');
  auto deadline = Clock::now() + timeout;
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n =
        send(stdin_fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (PollOne(stdin_fd_, POLLOUT, deadline) > 0) continue;
      return MakeError(ErrorCode::kUnavailable,
                       "no answer within " + std::to_string(timeout.count()) +
                           " ms (the process takes no input)");
    }
    gone_ = true;  // EPIPE / ECONNRESET: nobody reads our lines any more
    return MakeError(
        ErrorCode::kUnavailable,
        std::string("the process exited (") + std::strerror(errno) + ")");
  }
  return {};
}

Result<std::string> JsonLinesProcess::ReadLine(
    std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    size_t nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    if (buffer_.size() > kMaxLineBytes)
      return MakeError(ErrorCode::kUnavailable, "a reply line is too long");
    if (stdout_fd_ < 0) return MakeError(ErrorCode::kUnavailable, "exited");
    int ready = PollOne(stdout_fd_, POLLIN, deadline);
    if (ready == 0) {
      return MakeError(
          ErrorCode::kUnavailable,
          "no answer within " + std::to_string(timeout.count()) + " ms");
    }
    char chunk[65536];
    ssize_t n = read(stdout_fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      gone_ = true;
      return MakeError(ErrorCode::kUnavailable, "the process exited");
    }
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

void JsonLinesProcess::Reap() {
  if (pid_ > 0) {
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  pid_ = -1;
  CloseFd(pid_fd_);
  CloseFd(stdin_fd_);
  CloseFd(stdout_fd_);
}

void JsonLinesProcess::Kill() {
  if (pid_ > 0) kill(pid_, SIGKILL);  // also ends a stopped (SIGSTOP) child
  Reap();
}

void JsonLinesProcess::Stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return Reap();
  CloseFd(stdin_fd_);  // the child exits when its stdin ends
  auto deadline = Clock::now() + grace;
  bool exited = false;
  if (pid_fd_ >= 0) {
    exited = PollOne(pid_fd_, POLLIN, deadline) > 0;
  } else {
    // No pidfd (old kernel): the child's exit closes its stdout.
    char chunk[4096];
    while (!exited && stdout_fd_ >= 0 &&
           PollOne(stdout_fd_, POLLIN, deadline) > 0) {
      exited = read(stdout_fd_, chunk, sizeof chunk) == 0;
    }
  }
  if (exited) return Reap();
  Kill();
}

}  // namespace miri
