#include "adapters/gcs/test_gcs_emulator.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <thread>

extern char** environ;

namespace miri::testing {

Result<std::unique_ptr<TestGcsEmulator>> TestGcsEmulator::Start() {
  int in_pipe[2], out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0) return MakeError(ErrorCode::kInternal, "pipe failed");
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    close(in_pipe[0]);
    close(in_pipe[1]);
    return MakeError(ErrorCode::kInternal, "pipe failed");
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  std::string script = std::string(MIRI_SOURCE_DIR) + "/tests/fixtures/gcs_emulator/server.mjs";
  char node[] = "node";
  char* argv[] = {node, script.data(), nullptr};
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, "node", &fa, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(in_pipe[0]);
  close(out_pipe[1]);
  if (rc != 0) {
    close(in_pipe[1]);
    close(out_pipe[0]);
    return MakeError(ErrorCode::kUnavailable, "cannot start node");
  }
  std::unique_ptr<TestGcsEmulator> e(new TestGcsEmulator());
  e->pid_ = pid;
  e->stdin_fd_ = in_pipe[1];

  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (line.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) break;
    pollfd p{out_pipe[0], POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) break;
    char buf[512];
    ssize_t n = read(out_pipe[0], buf, sizeof buf);
    if (n <= 0) break;  // the script exited
    line.append(buf, static_cast<size_t>(n));
  }
  close(out_pipe[0]);
  nlohmann::json j = nlohmann::json::parse(line.substr(0, line.find('\n')), nullptr, false);
  if (!j.is_object() || !j.contains("base") || !j["base"].is_string()) {
    return MakeError(ErrorCode::kUnavailable,
                     "the GCS emulator did not start (is node installed and node_modules "
                     "present? run scripts/bootstrap.sh): " + line);
  }
  e->base_ = j["base"].get<std::string>();
  return e;
}

TestGcsEmulator::~TestGcsEmulator() {
  if (stdin_fd_ >= 0) close(stdin_fd_);
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

Result<void> TestGcsEmulator::CreateBucket(const std::string& name) {
  HttpRequest r;
  r.method = "POST";
  r.url = base_ + "/storage/v1/b?project=test";
  r.headers = {{"Content-Type", "application/json"}};
  r.body = nlohmann::json{{"name", name}}.dump();
  ASSIGN_OR_RETURN(HttpResponse reply, http_.Send(r), "creating bucket " + name);
  if (reply.status != 200 && reply.status != 409) {
    return MakeError(ErrorCode::kUnavailable,
                     "creating bucket " + name + ": HTTP " + std::to_string(reply.status) +
                         " " + reply.body);
  }
  return {};
}

void TestGcsEmulator::SetFaults(const nlohmann::json& rules) {
  HttpRequest r;
  r.method = "POST";
  r.url = base_ + "/__control/faults";
  r.headers = {{"Content-Type", "application/json"}};
  r.body = nlohmann::json{{"rules", rules}}.dump();
  (void)http_.Send(r);
}

void TestGcsEmulator::RequireToken(std::optional<std::string> token) {
  HttpRequest r;
  r.method = "POST";
  r.url = base_ + "/__control/config";
  r.headers = {{"Content-Type", "application/json"}};
  r.body = nlohmann::json{{"requireToken", token ? nlohmann::json(*token) : nullptr}}.dump();
  (void)http_.Send(r);
}

nlohmann::json TestGcsEmulator::Requests() {
  HttpRequest r;
  r.url = base_ + "/__control/requests";
  r.max_response_bytes = 64 << 20;
  Result<HttpResponse> reply = http_.Send(r);
  if (!reply) return nullptr;
  return nlohmann::json::parse(reply->body, nullptr, false);
}

TestGcsEmulator* SharedGcsEmulator(std::string* error) {
  static std::unique_ptr<TestGcsEmulator> emulator;
  static std::string start_error;
  static std::once_flag once;
  std::call_once(once, [] {
    Result<std::unique_ptr<TestGcsEmulator>> e = TestGcsEmulator::Start();
    if (e) {
      emulator = std::move(*e);
    } else {
      start_error = e.error().ToString();
    }
  });
  if (error != nullptr) *error = start_error;
  return emulator.get();
}

}  // namespace miri::testing
