// TestFirestoreEmulator: the official Cloud Firestore emulator (gcloud
// emulators firestore start) on 127.0.0.1, test-only. Under ctest it is the
// run's shared emulator (MIRI_TEST_FIRESTORE_DIR/host, set up by the
// fixture in tests/fixtures/firestore_emulator); otherwise it starts one
// through tests/fixtures/firestore_emulator/emulator.mjs on a free port,
// stopped when the object goes away, and also when this process dies,
// because the script's stdin is a pipe from us.
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

  // Uses the run's shared emulator when it answers; else starts node and
  // waits (at most 100 s) for "READY <port>". False (with error() set) if
  // gcloud, node or the script is missing or it does not come up.
  bool Start();
  // Own emulator only: SIGTERM and waits (at most 15 s), then SIGKILL.
  void Stop();
  bool running() const { return port_ > 0; }
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
