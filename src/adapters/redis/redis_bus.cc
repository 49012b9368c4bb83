#include "adapters/redis/redis_bus.h"

#include <pthread.h>

#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>

#include <hiredis/hiredis.h>

#include "adapters/batching/batcher.h"
#include "adapters/inproc_bus/subscriptions.h"

namespace miri {
namespace {

constexpr std::string_view kPattern = "miri:project:*";
constexpr std::string_view kPrefix = "miri:project:";

struct ContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;
struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

// Wire form of a message body: "<type>\n<payload json>" (the project is the
// channel).
std::string Encode(const BusMessage& m) {
  return m.type + "\n" + m.payload_json;
}

ContextPtr Dial(const RedisAddress& a, int timeout_ms) {
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  ContextPtr c(redisConnectWithTimeout(a.host.c_str(), a.port, tv));
  if (c == nullptr || c->err) return nullptr;
  redisSetTimeout(c.get(), tv);
  redisEnableKeepAlive(c.get());
  if (!a.password.empty()) {
    ReplyPtr r(static_cast<redisReply*>(redisCommand(
        c.get(), "AUTH %b", a.password.data(), a.password.size())));
    if (r == nullptr || r->type == REDIS_REPLY_ERROR) return nullptr;
  }
  return c;
}

}  // namespace

Result<RedisAddress> ParseRedisUrl(std::string_view url) {
  auto bad = [&](std::string why) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid redis url",
                     {{"MIRI_REDIS_URL", std::move(why)}});
  };
  constexpr std::string_view kScheme = "redis://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return bad("must start with redis://");
  }
  std::string_view rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  RedisAddress a;
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view cred = rest.substr(0, at);
    if (size_t colon = cred.find(':'); colon != std::string_view::npos) {
      cred = cred.substr(colon + 1);
    }
    a.password = std::string(cred);
    rest = rest.substr(at + 1);
  }
  if (size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    std::string_view port = rest.substr(colon + 1);
    auto [p, ec] =
        std::from_chars(port.data(), port.data() + port.size(), a.port);
    if (ec != std::errc() || p != port.data() + port.size() || a.port <= 0 ||
        a.port > 65535) {
      return bad("port must be 1..65535");
    }
    rest = rest.substr(0, colon);
  }
  if (rest.empty() || rest.find('/') != std::string_view::npos) {
    return bad("missing host");
  }
  a.host = std::string(rest);
  return a;
}

struct RedisBus::Impl {
  RedisAddress address;
  Subscriptions subs;
  ContextPtr pub;  // used by the publishing batch only
  std::atomic<bool> stop{false};
  std::atomic<bool> subscribed{false};
  // When the subscribed connection last heard from redis (steady clock,
  // ms): any reply, or the answer to the PING sent after a quiet second.
  std::atomic<int64_t> heard_ms{0};
  int wake[2] = {-1, -1};  // written on shutdown to end the poll at once
  std::thread thread;

  ~Impl() {
    if (wake[0] >= 0) close(wake[0]);
    if (wake[1] >= 0) close(wake[1]);
  }

  struct PendingPublish {
    std::string channel;
    std::string body;
    std::optional<Result<void>> outcome;
  };

  // Concurrent PUBLISHes share one pipelined round trip (batcher.h).
  Batcher<PendingPublish> publishes{
      [this](const std::vector<PendingPublish*>& batch) {
        PublishBatch(batch);
      }};

  // Sends the batch pipelined on the publishing connection. A broken link
  // is redialled once and what got no reply is sent again (a redis restart
  // since last use); clients tolerate a repeat (events carry their seq).
  void PublishBatch(const std::vector<PendingPublish*>& batch) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      std::vector<PendingPublish*> todo;
      for (PendingPublish* p : batch) {
        if (!p->outcome) todo.push_back(p);
      }
      if (todo.empty()) return;
      if (pub == nullptr) pub = Dial(address, 1000);
      if (pub == nullptr) continue;
      for (PendingPublish* p : todo) {
        redisAppendCommand(pub.get(), "PUBLISH %b %b", p->channel.data(),
                           p->channel.size(), p->body.data(), p->body.size());
      }
      for (PendingPublish* p : todo) {
        void* raw = nullptr;
        if (redisGetReply(pub.get(), &raw) != REDIS_OK || raw == nullptr) {
          pub.reset();  // the rest go again on a fresh connection
          break;
        }
        ReplyPtr r(static_cast<redisReply*>(raw));
        if (r->type == REDIS_REPLY_ERROR) {
          p->outcome =
              MakeError(ErrorCode::kUnavailable,
                        "redis publish failed: " + std::string(r->str, r->len));
        } else {
          p->outcome = Result<void>{};
        }
      }
    }
    for (PendingPublish* p : batch) {
      if (!p->outcome)
        p->outcome = MakeError(ErrorCode::kUnavailable, "redis unreachable");
    }
  }

  // Sleeps `ms` unless shutdown starts; returns false on shutdown.
  bool Pause(int ms) {
    pollfd p{wake[0], POLLIN, 0};
    poll(&p, 1, ms);
    return !stop.load();
  }

  void Dispatch(redisReply* r) {
    // ["pmessage", pattern, channel, body]
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 4) return;
    std::string_view kind(r->element[0]->str, r->element[0]->len);
    if (kind != "pmessage") return;
    std::string_view channel(r->element[2]->str, r->element[2]->len);
    std::string_view body(r->element[3]->str, r->element[3]->len);
    if (channel.substr(0, kPrefix.size()) != kPrefix) return;
    size_t nl = body.find('\n');
    if (nl == std::string_view::npos) return;
    subs.Deliver(BusMessage{std::string(channel.substr(kPrefix.size())),
                            std::string(body.substr(0, nl)),
                            std::string(body.substr(nl + 1))});
  }

  // One subscribed session; returns when the link breaks or on shutdown.
  // A quiet link is asked PING every second (allowed on a subscribed
  // connection, answered ["pong", ""]:
  // https://redis.io/docs/latest/commands/ping/), so a redis that holds the
  // connection but answers nothing (hung, SIGSTOP, a dead network path) shows
  // in Healthy() within seconds.
  void Listen(redisContext* c) {
    heard_ms.store(NowMs());
    int64_t pinged_ms = 0;
    while (!stop.load()) {
      const int64_t now = NowMs();
      if (now - heard_ms.load() >= 1000 && now - pinged_ms >= 1000) {
        redisAppendCommand(c, "PING");
        int done = 0;
        for (int i = 0; i < 8 && !done; ++i) {
          if (redisBufferWrite(c, &done) != REDIS_OK) return;
        }
        pinged_ms = now;
      }
      pollfd fds[2] = {{c->fd, POLLIN, 0}, {wake[0], POLLIN, 0}};
      if (poll(fds, 2, 1000) < 0) continue;
      if (fds[1].revents) return;
      if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      if (redisBufferRead(c) != REDIS_OK) return;
      void* reply = nullptr;
      while (redisGetReplyFromReader(c, &reply) == REDIS_OK &&
             reply != nullptr) {
        ReplyPtr owned(static_cast<redisReply*>(reply));
        heard_ms.store(NowMs());
        Dispatch(owned.get());
        reply = nullptr;
      }
      if (c->err) return;
    }
  }

  static int64_t NowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  ContextPtr SubscribeConnection() {
    ContextPtr c = Dial(address, 1000);
    if (c == nullptr) return nullptr;
    ReplyPtr r(static_cast<redisReply*>(redisCommand(
        c.get(), "PSUBSCRIBE %b", kPattern.data(), kPattern.size())));
    if (r == nullptr || r->type != REDIS_REPLY_ARRAY) return nullptr;
    return c;
  }

  void Run(ContextPtr first) {
    ContextPtr c = std::move(first);
    int backoff_ms = 100;
    bool lost = false;
    while (!stop.load()) {
      if (c == nullptr) c = SubscribeConnection();
      if (c == nullptr) {
        if (!Pause(backoff_ms)) return;
        backoff_ms = std::min(backoff_ms * 2, 1000);
        continue;
      }
      heard_ms.store(NowMs());  // it just answered PSUBSCRIBE
      subscribed.store(true);
      backoff_ms = 100;
      if (lost) subs.DeliverReconnect();
      Listen(c.get());
      subscribed.store(false);
      c.reset();
      lost = true;
    }
  }
};

RedisBus::RedisBus(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<RedisBus>> RedisBus::Connect(const RedisAddress& address,
                                                    int connect_timeout_ms) {
  auto impl = std::make_unique<Impl>();
  impl->address = address;
  if (pipe(impl->wake) != 0) {
    return MakeError(ErrorCode::kInternal, "pipe failed");
  }
  ContextPtr sub;
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(connect_timeout_ms);
  while ((sub = impl->SubscribeConnection()) == nullptr) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return MakeError(ErrorCode::kUnavailable,
                       "cannot reach redis at " + address.host + ":" +
                           std::to_string(address.port));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Impl* raw = impl.get();
  raw->thread = std::thread([raw, c = sub.release()]() mutable {
    pthread_setname_np(pthread_self(), "miri-redis-sub");
    raw->Run(ContextPtr(c));
  });
  return std::unique_ptr<RedisBus>(new RedisBus(std::move(impl)));
}

RedisBus::~RedisBus() {
  impl_->stop.store(true);
  char b = 1;
  [[maybe_unused]] ssize_t n = write(impl_->wake[1], &b, 1);
  if (impl_->thread.joinable()) impl_->thread.join();
}

Result<void> RedisBus::Publish(const BusMessage& message) {
  Impl::PendingPublish p{ProjectChannel(message.project_id), Encode(message),
                         std::nullopt};
  impl_->publishes.Submit(p);
  return *p.outcome;
}

EventBus::SubscriptionId RedisBus::Subscribe(std::string_view project_id,
                                             Handler handler) {
  return impl_->subs.Add(project_id, std::move(handler));
}

void RedisBus::Unsubscribe(SubscriptionId id) { impl_->subs.Remove(id); }

EventBus::SubscriptionId RedisBus::OnReconnect(std::function<void()> handler) {
  return impl_->subs.AddReconnect(std::move(handler));
}

bool RedisBus::Healthy() const {
  // Subscribed, and redis answered within the last kSilentMs: a PING goes
  // out after a quiet second, so a live redis is never silent that long.
  constexpr int64_t kSilentMs = 3000;
  return impl_->subscribed.load() &&
         Impl::NowMs() - impl_->heard_ms.load() <= kSilentMs;
}

}  // namespace miri
