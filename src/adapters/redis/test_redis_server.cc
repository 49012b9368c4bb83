#include "adapters/redis/test_redis_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <hiredis/hiredis.h>

namespace miri::testing {

int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

TestRedisServer::TestRedisServer() : port_(FreeLoopbackPort()) {
  char tmpl[] = "/tmp/miri-redis-XXXXXX";
  dir_ = mkdtemp(tmpl);
}

TestRedisServer::~TestRedisServer() {
  Stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string TestRedisServer::url() const {
  return "redis://127.0.0.1:" + std::to_string(port_);
}

bool TestRedisServer::Start() {
  std::string pidfile = dir_ + "/redis.pid";
  std::filesystem::remove(pidfile);
  std::string cmd = "redis-server --port " + std::to_string(port_) +
                    " --bind 127.0.0.1 --daemonize yes --save '' "
                    "--appendonly no --pidfile " +
                    pidfile + " --logfile " + dir_ + "/redis.log --dir " + dir_;
  if (std::system(cmd.c_str()) != 0) return false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pid_ == 0) {
      std::ifstream in(pidfile);
      in >> pid_;
    }
    timeval tv{0, 200000};
    redisContext* c = redisConnectWithTimeout("127.0.0.1", port_, tv);
    bool up = false;
    if (c != nullptr && !c->err) {
      auto* r = static_cast<redisReply*>(redisCommand(c, "PING"));
      up = r != nullptr && r->type == REDIS_REPLY_STATUS;
      if (r) freeReplyObject(r);
    }
    if (c) redisFree(c);
    if (up && pid_ > 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void TestRedisServer::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  // The daemon is not our child and the reaper here is slow, so wait for
  // what matters: the pid file removed and the port refusing connections.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    bool pidfile = std::filesystem::exists(dir_ + "/redis.pid");
    timeval tv{0, 100000};
    redisContext* c = redisConnectWithTimeout("127.0.0.1", port_, tv);
    bool listening = c != nullptr && !c->err;
    if (c) redisFree(c);
    if (!pidfile && !listening) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = 0;
}

}  // namespace miri::testing
