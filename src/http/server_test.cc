// The Beast server over real loopback sockets: handlers that wait on the
// store (an fsync, a Firestore call) must not hold up the I/O threads.
#include "http/server.h"

#include <utility>  // before asio (platform-notes.md)

#include <chrono>
#include <future>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "http/api_test_fixture.h"

namespace miri::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// A webhook receiver that blocks until released (or 10 s pass) and says
// which happened: a handler stuck on a slow dependency.
class BlockingReceiver final : public WebhookReceiver {
 public:
  Result<nlohmann::json> Receive(const WebhookDelivery&) override {
    entered_.set_value();
    bool released = release_.wait_for(std::chrono::seconds(10)) ==
                    std::future_status::ready;
    return nlohmann::json{{"released", released}};
  }
  void WaitEntered() {
    ASSERT_EQ(entered_future_.wait_for(std::chrono::seconds(10)),
              std::future_status::ready);
  }
  void Release() { release_promise_.set_value(); }

 private:
  std::promise<void> entered_;
  std::future<void> entered_future_ = entered_.get_future();
  std::promise<void> release_promise_;
  std::shared_future<void> release_ = release_promise_.get_future().share();
};

struct Reply {
  int status = 0;
  std::string body;
};

// One request on a fresh connection, with a 15 s bound.
Reply Fetch(uint16_t port, bhttp::verb method, const std::string& target) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(std::chrono::seconds(15));
  stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  bhttp::request<bhttp::string_body> req(method, target, 11);
  req.set(bhttp::field::host, "127.0.0.1");
  if (method == bhttp::verb::post) {
    req.set(bhttp::field::content_type, "application/json");
    req.body() = "{}";
    req.prepare_payload();
  }
  bhttp::write(stream, req);
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(stream, buffer, res);
  return {static_cast<int>(res.result_int()), res.body()};
}

class ServerTest : public testing::ApiTest {
 protected:
  // A server whose fal webhook route blocks in `slow_`; returns its port.
  uint16_t StartWithSlowWebhook(int io_threads, int workers = 0,
                                int max_connections = 0) {
    receivers_["fal"] = &slow_;
    MakeApi(ApiConfig{});
    ServerOptions options;
    options.threads = io_threads;
    if (workers > 0) options.workers = workers;
    if (max_connections > 0) options.max_connections = max_connections;
    options.log_requests = false;
    server_ = std::make_unique<Server>(*api_, hub_, options);
    auto port = server_->Start();
    EXPECT_TRUE(port) << port.error().ToString();
    return port.value_or(0);
  }
  std::future<Reply> PostWebhookInBackground(uint16_t port) {
    auto reply = std::async(std::launch::async, [port] {
      return Fetch(port, bhttp::verb::post, "/api/webhooks/fal");
    });
    slow_.WaitEntered();
    return reply;
  }

  BlockingReceiver slow_;
  SioHub hub_{bus_};
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, ASlowHandlerDoesNotHoldUpOtherRequestsOnOneIoThread) {
  uint16_t port = StartWithSlowWebhook(/*io_threads=*/1);
  ASSERT_NE(port, 0);
  auto webhook = PostWebhookInBackground(port);
  // The only I/O thread must still answer while the webhook is in flight.
  Reply health = Fetch(port, bhttp::verb::get, "/healthz");
  slow_.Release();
  EXPECT_EQ(health.status, 200);
  Reply hook = webhook.get();
  EXPECT_EQ(hook.status, 200);
  EXPECT_EQ(nlohmann::json::parse(hook.body).value("released", false), true)
      << "the webhook handler ran on the I/O thread: /healthz waited for it";
  server_->Shutdown();
  server_->Wait();
}

// /healthz is answered on the I/O thread, never queued behind request
// handlers: with every worker stuck (a hung Redis, a hanging JWKS host),
// the probe still answers at once (issue 21 item 3).
TEST_F(ServerTest, HealthzIsAnsweredWhileEveryWorkerIsStuck) {
  uint16_t port = StartWithSlowWebhook(/*io_threads=*/1, /*workers=*/1);
  ASSERT_NE(port, 0);
  auto webhook = PostWebhookInBackground(port);  // the only worker, stuck
  Reply health = Fetch(port, bhttp::verb::get, "/healthz");
  slow_.Release();
  EXPECT_EQ(health.status, 200);
  Reply hook = webhook.get();
  EXPECT_EQ(nlohmann::json::parse(hook.body).value("released", false), true)
      << "/healthz waited for the stuck worker";
  server_->Shutdown();
  server_->Wait();
}

// Past the connection cap a new connection gets a 503 that names the limit
// (and closes); the connections already open are served as before.
TEST_F(ServerTest, PastTheConnectionCapANewConnectionGetsAClear503) {
  uint16_t port = StartWithSlowWebhook(/*io_threads=*/1, /*workers=*/0,
                                       /*max_connections=*/2);
  ASSERT_NE(port, 0);
  // Two connections held open: one busy (the stuck webhook), one idle.
  auto webhook = PostWebhookInBackground(port);
  net::io_context ioc;
  beast::tcp_stream idle(ioc);
  idle.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  // The idle one is tracked once the server accepted it: a request on it
  // answers (and keeps it open).
  {
    bhttp::request<bhttp::string_body> req(bhttp::verb::get, "/healthz", 11);
    req.set(bhttp::field::host, "127.0.0.1");
    bhttp::write(idle, req);
    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> res;
    idle.expires_after(std::chrono::seconds(15));
    bhttp::read(idle, buffer, res);
    ASSERT_EQ(res.result_int(), 200u);
  }
  Reply third = Fetch(port, bhttp::verb::get, "/healthz");
  EXPECT_EQ(third.status, 503);
  EXPECT_NE(third.body.find("limit of 2 open connections"), std::string::npos)
      << third.body;
  slow_.Release();
  EXPECT_EQ(webhook.get().status, 200);
  beast::error_code ignored;
  idle.socket().shutdown(tcp::socket::shutdown_both, ignored);
  server_->Shutdown();
  server_->Wait();
}

TEST_F(ServerTest, ShutdownWaitsForAnInFlightHandlerAndDeliversItsAnswer) {
  uint16_t port = StartWithSlowWebhook(/*io_threads=*/2);
  ASSERT_NE(port, 0);
  auto webhook = PostWebhookInBackground(port);
  server_->Shutdown();
  // Shutdown has begun once the API reports draining (/readyz 503 on the
  // Api itself: the listener is closed by then). Bounded: 10 s.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (Call("GET", "/readyz").status != 503 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_EQ(Call("GET", "/readyz").status, 503) << "shutdown never began";
  slow_.Release();
  Reply hook = webhook.get();
  EXPECT_EQ(hook.status, 200);
  EXPECT_EQ(nlohmann::json::parse(hook.body).value("released", false), true);
  server_->Wait();
}

}  // namespace
}  // namespace miri::http
