#include "adapters/firestore/test_firestore_emulator.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <thread>

namespace miri::testing {

namespace {

std::string ScriptPath() {
  return std::string(MIRI_SOURCE_DIR) +
         "/tests/fixtures/firestore_emulator/emulator.mjs";
}

bool Answers(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// The port of the ctest run's shared emulator, or 0.
int SharedPort() {
  const char* dir = std::getenv("MIRI_TEST_FIRESTORE_DIR");
  if (dir == nullptr || *dir == '\0') return 0;
  std::ifstream in(std::string(dir) + "/host");
  std::string host;
  if (!(in >> host)) return 0;
  size_t colon = host.rfind(':');
  if (colon == std::string::npos) return 0;
  int port = std::atoi(host.c_str() + colon + 1);
  return port > 0 && Answers(port) ? port : 0;
}

}  // namespace

TestFirestoreEmulator::~TestFirestoreEmulator() { Stop(); }

bool TestFirestoreEmulator::Start() {
  if (port_ > 0) return true;
  if (int shared = SharedPort(); shared > 0) {
    port_ = shared;
    return true;
  }
  int in[2];
  int out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
    error_ = "pipe failed";
    return false;
  }
  std::string script = ScriptPath();
  pid_t pid = fork();
  if (pid < 0) {
    error_ = "fork failed";
    return false;
  }
  if (pid == 0) {
    dup2(in[0], STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    execlp("node", "node", script.c_str(), "0", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  pid_ = pid;
  stdin_fd_ = in[1];
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(100);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[256];
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;  // the script exited
    line.append(buf, static_cast<size_t>(n));
    size_t at = line.find("READY ");
    if (at != std::string::npos && line.find('\n', at) != std::string::npos) {
      port_ = std::atoi(line.c_str() + at + 6);
      break;
    }
  }
  close(out[0]);  // the script prints nothing more we read
  if (port_ <= 0) {
    error_ =
        "the Firestore emulator did not report READY (are node and the "
        "Google Cloud SDK's cloud-firestore-emulator installed? run "
        "scripts/bootstrap.sh): " +
        line;
    Stop();
    return false;
  }
  return true;
}

void TestFirestoreEmulator::Stop() {
  if (pid_ <= 0) {
    port_ = 0;  // the shared emulator is the fixture's to stop
    return;
  }
  kill(pid_, SIGTERM);
  // The script stops the emulator's JVM on SIGTERM; give it that long.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  bool reaped = false;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      reaped = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!reaped) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (stdin_fd_ >= 0) close(stdin_fd_);
  stdin_fd_ = -1;
  pid_ = 0;
  port_ = 0;
}

TestFirestoreEmulator& SharedEmulator() {
  static TestFirestoreEmulator emulator;
  static std::once_flag once;
  std::call_once(once, [] { emulator.Start(); });
  return emulator;
}

}  // namespace miri::testing
