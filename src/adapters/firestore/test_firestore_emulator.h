// TestFirestoreEmulator: the npm Firestore emulator
// (tests/fixtures/firestore_emulator/server.mjs) on a free 127.0.0.1 port,
// stopped (by its pid) when the object goes away. It also exits by itself
// when this process dies, because its stdin is a pipe from us. Test-only.
#ifndef MIRI_ADAPTERS_FIRESTORE_TEST_FIRESTORE_EMULATOR_H_
#define MIRI_ADAPTERS_FIRESTORE_TEST_FIRESTORE_EMULATOR_H_

#include <string>

namespace miri::testing {

class TestFirestoreEmulator {
 public:
  TestFirestoreEmulator() = default;
  TestFirestoreEmulator(const TestFirestoreEmulator&) = delete;
  TestFirestoreEmulator& operator=(const TestFirestoreEmulator&) = delete;
  ~TestFirestoreEmulator();

  // Starts node and waits (at most 15 s) for "READY <port>". False (with
  // error() set) if node or the script is missing or it does not come up.
  bool Start();
  // SIGTERM and waits (at most 5 s), then SIGKILL.
  void Stop();
  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& error() const { return error_; }

 private:
  int pid_ = 0;
  int port_ = 0;
  int stdin_fd_ = -1;
  std::string error_;
};

// One emulator for the whole test process, started on first use and
// stopped at exit.
TestFirestoreEmulator& SharedEmulator();

}  // namespace miri::testing

#endif  // MIRI_ADAPTERS_FIRESTORE_TEST_FIRESTORE_EMULATOR_H_
