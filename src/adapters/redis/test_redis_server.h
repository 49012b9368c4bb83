// TestRedisServer: a real redis-server on a free loopback port for one test,
// stopped (by its pid) when the object goes away. Test-only.
#ifndef MIRI_ADAPTERS_REDIS_TEST_REDIS_SERVER_H_
#define MIRI_ADAPTERS_REDIS_TEST_REDIS_SERVER_H_

#include <string>

namespace miri::testing {

class TestRedisServer {
 public:
  // Picks a free port; Start() launches it.
  TestRedisServer();
  ~TestRedisServer();
  // Starts redis-server and waits (at most 5 s) until it answers PING.
  bool Start();
  // SIGTERM to the server's pid and waits (at most 5 s) for it to exit.
  void Stop();
  int port() const { return port_; }
  int pid() const { return pid_; }  // for SIGSTOP: a hung server
  std::string url() const;

 private:
  int port_ = 0;
  std::string dir_;
  int pid_ = 0;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreeLoopbackPort();

}  // namespace miri::testing

#endif  // MIRI_ADAPTERS_REDIS_TEST_REDIS_SERVER_H_
