#include "http/server.h"

#include <pthread.h>

#include <utility>  // before asio (platform-notes.md)

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "http/json_log.h"

namespace miri::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr uint32_t kHeaderLimit = 8 * 1024;
constexpr size_t kMaxQueuedFrames =
    4096;  // a socket this far behind is dropped

// A part of a file as a response body, read in 64 KiB chunks as the socket
// takes them (never the whole file in memory). Beast's file_body always
// sends a file from its start to its end; a Range answer needs a part.
struct FileRangeBody {
  struct value_type {
    beast::file file;
    uint64_t offset = 0;
    uint64_t length = 0;
  };
  static uint64_t size(const value_type& body) { return body.length; }

  class writer {
   public:
    using const_buffers_type = net::const_buffer;
    template <bool isRequest, class Fields>
    writer(bhttp::header<isRequest, Fields>&, value_type& body) : body_(body) {}
    void init(beast::error_code& ec) {
      remain_ = body_.length;
      body_.file.seek(body_.offset, ec);
    }
    boost::optional<std::pair<const_buffers_type, bool>> get(
        beast::error_code& ec) {
      size_t amount = remain_ > kChunk ? kChunk : static_cast<size_t>(remain_);
      ec = {};
      if (amount == 0) return boost::none;
      size_t n = body_.file.read(buf_.data(), amount, ec);
      if (ec) return boost::none;
      if (n == 0) {  // the file shrank under us
        ec = bhttp::error::short_read;
        return boost::none;
      }
      remain_ -= n;
      return {{const_buffers_type(buf_.data(), n), remain_ > 0}};
    }

   private:
    static constexpr size_t kChunk = 64 * 1024;
    value_type& body_;
    uint64_t remain_ = 0;
    std::array<char, kChunk> buf_;
  };
};

}  // namespace

// Shared state of the server: sessions register here so shutdown can close
// idle ones and wait for busy ones.
struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  const Api& api;
  SioHub& hub;
  ServerOptions options;
  net::io_context ioc;
  net::thread_pool workers;  // runs the handlers (ServerOptions::workers)
  tcp::acceptor acceptor;
  net::signal_set signals;
  std::vector<std::thread> threads;
  std::atomic<bool> draining{false};
  std::atomic<int> busy{0};  // requests being handled or written
  std::atomic<int> accept_failures{0};
  std::mutex mu;
  std::map<uint64_t, std::function<void()>> live;  // closers of open sessions
  uint64_t next_id = 1;

  Impl(const Api& a, SioHub& h, ServerOptions o)
      : api(a),
        hub(h),
        options(std::move(o)),
        ioc(std::max(1, options.threads)),
        workers(static_cast<size_t>(std::max(1, options.workers))),
        acceptor(net::make_strand(ioc)),
        signals(ioc) {}

  uint64_t Track(std::function<void()> close) {
    std::lock_guard lock(mu);
    uint64_t id = next_id++;
    live[id] = std::move(close);
    return id;
  }
  void Untrack(uint64_t id) {
    std::lock_guard lock(mu);
    live.erase(id);
  }
  void Accept();
  size_t Open();  // sessions open now (HTTP and WebSocket)
  void Refuse(tcp::socket s);
  void BeginShutdown();
  void FinishWhenIdle(Clock::time_point deadline);
};

namespace {

// ---- WebSocket (Engine.IO / Socket.IO) session ------------------------
class WsSession : public SioSink,
                  public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(std::shared_ptr<Server::Impl> server, tcp::socket&& socket,
            std::string client)
      : server_(std::move(server)),
        client_(std::move(client)),
        ws_(std::move(socket)),
        timer_(ws_.get_executor()),
        proto_(server_->options.sio, {}) {}

  void Run(bhttp::request<bhttp::string_body> req) {
    auto self = shared_from_this();
    hub_id_ = server_->hub.Register(self);
    std::weak_ptr<WsSession> weak = self;
    SioHooks hooks;
    const Api& api = server_->api;
    hooks.authorize = [&api, client = client_](std::string_view token) {
      return api.SocketTokenAccepted(token, client);
    };
    hooks.project_exists = [&api](std::string_view id) {
      return api.ProjectExists(id);
    };
    SioHub* hub = &server_->hub;
    uint64_t id = hub_id_;
    hooks.join = [hub, id](const std::string& p) { hub->Join(id, p); };
    hooks.leave = [hub, id](const std::string& p) { hub->Leave(id, p); };
    proto_ = SioSession(server_->options.sio, std::move(hooks));
    track_id_ = server_->Track([weak] {
      if (auto s = weak.lock()) {
        net::post(s->ws_.get_executor(),
                  [s] { s->Close(websocket::close_code::going_away); });
      }
    });
    ws_.set_option(
        websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.read_message_max(server_->options.sio.max_payload);
    ws_.async_accept(req, [self](beast::error_code ec) { self->OnAccept(ec); });
  }

  void Send(std::shared_ptr<const std::string> frame) override {
    auto self = shared_from_this();
    net::post(ws_.get_executor(),
              [self, frame = std::move(frame)] { self->Queue(frame); });
  }

 private:
  void OnAccept(beast::error_code ec) {
    if (ec) return Finish();
    ws_.text(true);
    Queue(std::make_shared<const std::string>(proto_.OpenPacket()));
    SchedulePing();
    Read();
  }

  void Read() {
    auto self = shared_from_this();
    ws_.async_read(buffer_,
                   [self](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec) return Finish();
    if (!ws_.got_text())
      return Close(websocket::close_code::policy_error);  // no binary
    std::string frame = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    if (frame == "3") {
      awaiting_pong_ = false;
      SchedulePing();
    }
    std::vector<std::string> out;
    bool keep = proto_.OnText(frame, &out);
    for (std::string& f : out)
      Queue(std::make_shared<const std::string>(std::move(f)));
    if (!keep) return Close(websocket::close_code::normal);
    Read();
  }

  // Engine.IO heartbeat: ping every interval; no pong within the timeout
  // ends the session.
  void SchedulePing() {
    ++timer_gen_;
    uint64_t gen = timer_gen_;
    auto self = shared_from_this();
    timer_.expires_after(
        std::chrono::milliseconds(server_->options.sio.ping_interval_ms));
    timer_.async_wait([self, gen](beast::error_code ec) {
      if (ec || gen != self->timer_gen_ || self->closing_) return;
      self->Queue(std::make_shared<const std::string>("2"));
      self->awaiting_pong_ = true;
      self->timer_.expires_after(std::chrono::milliseconds(
          self->server_->options.sio.ping_timeout_ms));
      self->timer_.async_wait([self, gen](beast::error_code ec2) {
        if (ec2 || gen != self->timer_gen_ || !self->awaiting_pong_) return;
        self->Close(websocket::close_code::going_away);
      });
    });
  }

  void Queue(std::shared_ptr<const std::string> frame) {
    if (closing_) return;
    if (queue_.size() >= kMaxQueuedFrames)
      return Close(websocket::close_code::try_again_later);
    queue_.push_back(std::move(frame));
    if (!writing_) Write();
  }

  // One write in flight; a close waits for it (Beast allows one write op).
  void Write() {
    writing_ = true;
    auto self = shared_from_this();
    ws_.async_write(net::buffer(*queue_.front()),
                    [self](beast::error_code ec, size_t) {
                      self->writing_ = false;
                      if (ec) return self->Finish();
                      self->queue_.pop_front();
                      if (self->closing_) return self->DoClose();
                      if (!self->queue_.empty()) self->Write();
                    });
  }

  void Close(websocket::close_code code) {
    if (closing_) return;
    closing_ = true;
    close_code_ = code;
    timer_.cancel();
    if (!writing_) DoClose();
  }

  void DoClose() {
    queue_.clear();
    auto self = shared_from_this();
    ws_.async_close(close_code_, [self](beast::error_code) { self->Finish(); });
  }

  void Finish() {
    if (finished_) return;
    finished_ = true;
    closing_ = true;
    timer_.cancel();
    server_->hub.Unregister(hub_id_);
    server_->Untrack(track_id_);
  }

  std::shared_ptr<Server::Impl> server_;
  std::string client_;  // the client's address (Api::ClientOf)
  websocket::stream<beast::tcp_stream> ws_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  SioSession proto_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  uint64_t hub_id_ = 0;
  uint64_t track_id_ = 0;
  uint64_t timer_gen_ = 0;
  bool awaiting_pong_ = false;
  bool writing_ = false;
  websocket::close_code close_code_ = websocket::close_code::normal;
  bool closing_ = false;
  bool finished_ = false;
};

// ---- HTTP session ------------------------------------------------------
class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(std::shared_ptr<Server::Impl> server, tcp::socket&& socket)
      : server_(std::move(server)), stream_(std::move(socket)) {}

  void Run() {
    beast::error_code ec;
    auto peer = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = peer.address().to_string();
    std::weak_ptr<HttpSession> weak = shared_from_this();
    track_id_ = server_->Track([weak] {
      if (auto s = weak.lock()) {
        net::post(s->stream_.get_executor(), [s] {
          if (!s->busy_) s->Close();
        });
      }
    });
    ReadHeader();
  }

 private:
  void ReadHeader() {
    if (server_->draining) return Close();
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    // No limit while reading the header (Beast would refuse a large
    // Content-Length there, silently); the route's limit is set after it.
    // Not boost::none: 1.74 compares Content-Length > none as true.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    stream_.expires_after(
        std::chrono::milliseconds(server_->options.header_timeout_ms));
    auto self = shared_from_this();
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) {
      return SendError(413, "PAYLOAD_TOO_LARGE", "request body too large",
                       "body");
    }
    if (ec == bhttp::error::header_limit) {
      return SendError(431, "HEADERS_TOO_LARGE", "request headers exceed 8 KiB",
                       "headers");
    }
    if (ec) return Close();
    auto& req = parser_->get();
    std::string target(req.target());
    path_.clear();
    if (!ParseTarget(target, &path_, &query_)) {
      return SendError(400, "INVALID_ARGUMENT", "malformed request target",
                       "path");
    }
    if (websocket::is_upgrade(req)) return Upgrade();
    size_t limit =
        server_->api.BodyLimit(std::string(req.method_string()), path_);
    auto length = parser_->content_length();
    if (length && *length > limit) {
      return SendError(
          413, "PAYLOAD_TOO_LARGE",
          "request body exceeds " + std::to_string(limit) + " bytes", "body");
    }
    parser_->body_limit(limit);
    ReadBody();
  }

  // The body piece by piece, each piece with the idle timeout: an upload
  // is cut when it stalls, not when it is merely slow.
  void ReadBody() {
    if (parser_->is_done()) return OnBody({});
    stream_.expires_after(Idle());
    auto self = shared_from_this();
    bhttp::async_read_some(stream_, buffer_, *parser_,
                           [self](beast::error_code ec, size_t) {
                             if (ec) return self->OnBody(ec);
                             self->ReadBody();
                           });
  }

  std::chrono::milliseconds Idle() const {
    return std::chrono::milliseconds(server_->options.idle_timeout_ms);
  }

  void Upgrade() {
    auto& req = parser_->get();
    bool ok_path = path_ == "/socket.io/" || path_ == "/socket.io";
    bool ok_query = query_["EIO"] == "4" && query_["transport"] == "websocket";
    if (!ok_path || !ok_query) {
      return SendError(
          400, "INVALID_ARGUMENT",
          "WebSocket upgrades go to /socket.io/?EIO=4&transport=websocket",
          ok_path ? "query" : "path");
    }
    // CORS does not cover WebSocket upgrades: Host and Origin are checked
    // here (a page on another site must not get the live events).
    Request check;
    check.method = "GET";
    check.path = path_;
    if (auto h = req.find(bhttp::field::host); h != req.end())
      check.headers["host"] = std::string(h->value());
    if (auto o = req.find(bhttp::field::origin); o != req.end())
      check.headers["origin"] = std::string(o->value());
    if (auto refused = server_->api.RefuseUpgrade(check)) {
      return Refuse(std::move(*refused));
    }
    check.remote = remote_;
    if (auto f = req.find("x-forwarded-for"); f != req.end())
      check.headers["x-forwarded-for"] = std::string(f->value());
    const std::string client = server_->api.ClientOf(check);
    server_->Untrack(track_id_);
    stream_.expires_never();
    std::make_shared<WsSession>(server_, stream_.release_socket(), client)
        ->Run(parser_->release());
  }

  void OnBody(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) {
      return SendError(413, "PAYLOAD_TOO_LARGE", "request body too large",
                       "body");
    }
    if (ec) return Close();
    busy_ = true;
    ++server_->busy;
    auto started = Clock::now();
    auto& raw = parser_->get();
    Request req;
    req.method = std::string(raw.method_string());
    req.path = path_;
    req.query = query_;
    for (const auto& f : raw) {
      std::string name(f.name_string());
      for (char& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req.headers[name] = std::string(f.value());
    }
    req.body = std::move(raw.body());
    req.remote = remote_;
    bool keep_alive = raw.keep_alive();
    unsigned version = raw.version();
    // Liveness is answered here, on the I/O thread, never queued behind
    // the workers: handlers stuck on a hung Redis or a hanging provider
    // must not make the platform think the process is dead. It touches no
    // lock and no dependency (readiness, /readyz, checks those).
    if (req.method == "GET" && req.path == "/healthz") {
      return Send(server_->api.Handle(std::move(req)),
                  keep_alive && !server_->draining, version);
    }
    auto self = shared_from_this();
    net::post(server_->workers, [self, req = std::move(req), started,
                                 keep_alive, version]() mutable {
      std::string method = req.method, path = req.path;
      Response r = self->server_->api.Handle(std::move(req));
      if (self->server_->options.log_requests) {
        LogJson("info", "http",
                {{"method", method},
                 {"path", path},
                 {"status", r.status},
                 {"durMs", std::chrono::duration<double, std::milli>(
                               Clock::now() - started)
                               .count()}});
      }
      net::post(self->stream_.get_executor(),
                [self, r = std::move(r), keep_alive, version]() mutable {
                  self->Send(std::move(r),
                             keep_alive && !self->server_->draining, version);
                });
    });
  }

  // Refusals before the body was read: answer, then drain what the client
  // still sends for a moment (a "lingering close"), so it reads our answer
  // instead of a connection reset.
  void SendError(int status, std::string_view code, std::string message,
                 std::string field) {
    Refuse(ErrorResponse(status, code, std::move(message),
                         {{std::move(field), "refused"}}));
  }
  void Refuse(Response r) {
    linger_ = true;
    busy_ = true;
    ++server_->busy;
    Send(std::move(r), false, 11);
  }

  template <typename Body>
  void Finalize(bhttp::response<Body>& res, const Response& r,
                bool keep_alive) {
    res.set(bhttp::field::server, "miri");
    if (!r.content_type.empty())
      res.set(bhttp::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) res.insert(k, v);
    res.keep_alive(keep_alive);
    res.prepare_payload();
  }

  void Send(Response r, bool keep_alive, unsigned version) {
    auto status = static_cast<bhttp::status>(r.status);
    if (!r.file.empty()) {
      FileRangeBody::value_type body;
      beast::error_code ec;
      body.file.open(r.file.c_str(), beast::file_mode::scan, ec);
      uint64_t size = ec ? 0 : body.file.size(ec);
      if (!ec && r.file_offset <= size) {
        body.offset = r.file_offset;
        body.length =
            r.file_length < 0
                ? size - r.file_offset
                : std::min<uint64_t>(static_cast<uint64_t>(r.file_length),
                                     size - r.file_offset);
        auto res = std::make_shared<bhttp::response<FileRangeBody>>(
            std::piecewise_construct, std::make_tuple(std::move(body)),
            std::make_tuple(status, version));
        Finalize(*res, r, keep_alive);
        return Write(res);
      }
      r = ErrorResponse(ErrorCode::kNotFound, "file vanished");
      status = bhttp::status::not_found;
    }
    auto res =
        std::make_shared<bhttp::response<bhttp::string_body>>(status, version);
    res->body() = std::move(r.body);
    Finalize(*res, r, keep_alive);
    Write(res);
  }

  // Writes the response piece by piece, each with the idle timeout, so a
  // download lasts as long as the client keeps reading. While it is
  // written, closing the socket (a timeout) resets it: the unsent rest is
  // dropped instead of lingering in the kernel for a peer that stalled.
  template <typename Body>
  void Write(std::shared_ptr<bhttp::response<Body>> res) {
    beast::error_code ignored;
    stream_.socket().set_option(net::socket_base::linger(true, 0), ignored);
    auto sr = std::make_shared<bhttp::serializer<false, Body>>(*res);
    WriteSome(std::move(res), std::move(sr));
  }

  template <typename Body>
  void WriteSome(std::shared_ptr<bhttp::response<Body>> res,
                 std::shared_ptr<bhttp::serializer<false, Body>> sr) {
    stream_.expires_after(Idle());
    auto self = shared_from_this();
    bhttp::async_write_some(stream_, *sr,
                            [self, res, sr](beast::error_code ec, size_t) {
                              if (ec || sr->is_done()) {
                                return self->OnWritten(ec, res->need_eof());
                              }
                              self->WriteSome(res, sr);
                            });
  }

  void OnWritten(beast::error_code ec, bool close) {
    busy_ = false;
    --server_->busy;
    if (!ec) {  // written: a close from now on is a graceful one
      beast::error_code ignored;
      stream_.socket().set_option(net::socket_base::linger(false, 0), ignored);
    }
    if (linger_ && !ec) return Linger();
    if (ec || close || server_->draining) return Close();
    ReadHeader();
  }

  void Linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(std::chrono::seconds(2));
    drain_ = std::make_shared<std::array<char, 65536>>();
    Drain(0);
  }

  void Drain(size_t total) {
    auto self = shared_from_this();
    stream_.async_read_some(net::buffer(*drain_),
                            [self, total](beast::error_code ec, size_t n) {
                              if (ec || total + n > (64u << 20))
                                return self->Close();
                              self->Drain(total + n);
                            });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
    server_->Untrack(track_id_);
  }

  std::shared_ptr<Server::Impl> server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string path_;
  std::map<std::string, std::string> query_;
  std::string remote_;  // the peer's address
  uint64_t track_id_ = 0;
  std::shared_ptr<std::array<char, 65536>> drain_;
  bool linger_ = false;
  bool busy_ = false;
  bool closed_ = false;
};

}  // namespace

// ---- listener and lifecycle --------------------------------------------
size_t Server::Impl::Open() {
  std::lock_guard lock(mu);
  return live.size();
}

// Over the connection cap: a short 503 that says why and when to come
// back, written without a session, then the socket closes.
void Server::Impl::Refuse(tcp::socket s) {
  const std::string body =
      ErrorResponse(503, "UNAVAILABLE",
                    "the server is at its limit of " +
                        std::to_string(options.max_connections) +
                        " open connections: try again in a second",
                    {{"connection", "refused"}})
          .body;
  auto text = std::make_shared<std::string>(
      "HTTP/1.1 503 Service Unavailable\r\nServer: miri\r\n"
      "Content-Type: application/json\r\nRetry-After: 1\r\n"
      "Connection: close\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body);
  auto socket = std::make_shared<tcp::socket>(std::move(s));
  net::async_write(*socket, net::buffer(*text),
                   [socket, text](beast::error_code, size_t) {
                     beast::error_code ignored;
                     socket->shutdown(tcp::socket::shutdown_both, ignored);
                     socket->close(ignored);
                   });
}

void Server::Impl::Accept() {
  auto self = shared_from_this();
  acceptor.async_accept(net::make_strand(ioc), [self](beast::error_code ec,
                                                      tcp::socket s) {
    if (ec) {
      if (!self->acceptor.is_open() || self->draining) return;
      // Out of file descriptors (EMFILE, ENFILE) or memory: accepting
      // again at once would fail again and spin the cores; wait a
      // moment (the open connections finish meanwhile) and retry.
      self->accept_failures.fetch_add(1);
      LogJson("warn", "accept failed; retrying after a pause",
              {{"error", ec.message()},
               {"retryMs", self->options.accept_retry_ms}});
      auto timer = std::make_shared<net::steady_timer>(
          self->ioc, std::chrono::milliseconds(self->options.accept_retry_ms));
      timer->async_wait([self, timer](beast::error_code) {
        if (self->acceptor.is_open() && !self->draining) self->Accept();
      });
      return;
    }
    if (self->Open() >= static_cast<size_t>(self->options.max_connections)) {
      self->Refuse(std::move(s));
    } else {
      beast::error_code ignored;
      s.set_option(tcp::no_delay(true), ignored);
      std::make_shared<HttpSession>(self, std::move(s))->Run();
    }
    self->Accept();
  });
}

void Server::Impl::BeginShutdown() {
  if (draining.exchange(true)) return;
  api.SetDraining();
  LogJson("info", "shutdown started", {{"inFlight", busy.load()}});
  auto self = shared_from_this();
  net::post(acceptor.get_executor(), [self] {
    beast::error_code ec;
    self->acceptor.close(ec);
  });
  std::vector<std::function<void()>> closes;
  {
    std::lock_guard lock(mu);
    for (auto& [id, close] : live) closes.push_back(close);
  }
  for (auto& c : closes) c();
  FinishWhenIdle(Clock::now() +
                 std::chrono::milliseconds(options.shutdown_grace_ms));
}

void Server::Impl::FinishWhenIdle(Clock::time_point deadline) {
  size_t open;
  {
    std::lock_guard lock(mu);
    open = live.size();
  }
  if ((busy.load() <= 0 && open == 0) || Clock::now() >= deadline) {
    LogJson("info", "shutdown finished",
            {{"inFlight", busy.load()}, {"open", open}});
    ioc.stop();
    return;
  }
  auto timer =
      std::make_shared<net::steady_timer>(ioc, std::chrono::milliseconds(20));
  auto self = shared_from_this();
  timer->async_wait([self, timer, deadline](beast::error_code) {
    // Idle keep-alive sessions that finished a request meanwhile close now.
    std::vector<std::function<void()>> closes;
    {
      std::lock_guard lock(self->mu);
      for (auto& [id, close] : self->live) closes.push_back(close);
    }
    for (auto& c : closes) c();
    self->FinishWhenIdle(deadline);
  });
}

Server::Server(const Api& api, SioHub& hub, ServerOptions options)
    : impl_(std::make_shared<Impl>(api, hub, std::move(options))) {}

Server::~Server() {
  if (!impl_->threads.empty()) {
    Shutdown();
    Wait();
  }
}

Result<uint16_t> Server::Start() {
  beast::error_code ec;
  auto address = net::ip::make_address(impl_->options.address, ec);
  if (ec) {
    return MakeError(ErrorCode::kInvalidArgument, "bad listen address",
                     {{"address", ec.message()}});
  }
  tcp::endpoint endpoint(address, impl_->options.port);
  auto& acc = impl_->acceptor;
  acc.open(endpoint.protocol(), ec);
  if (!ec) acc.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(endpoint, ec);
  if (!ec) acc.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return MakeError(ErrorCode::kUnavailable,
                     "cannot listen on " + impl_->options.address + ":" +
                         std::to_string(impl_->options.port) + ": " +
                         ec.message());
  }
  uint16_t port = acc.local_endpoint().port();
  if (impl_->options.handle_signals) {
    impl_->signals.add(SIGTERM);
    impl_->signals.add(SIGINT);
    auto self = impl_;
    impl_->signals.async_wait([self](beast::error_code e, int) {
      if (!e) self->BeginShutdown();
    });
  }
  impl_->Accept();
  for (int i = 0; i < std::max(1, impl_->options.threads); ++i) {
    impl_->threads.emplace_back([impl = impl_] {
      // Named for `top -H` and per-thread CPU accounting (bench/api).
      pthread_setname_np(pthread_self(), "miri-io");
      impl->ioc.run();
    });
  }
  return port;
}

void Server::Shutdown() {
  auto impl = impl_;
  net::post(impl->ioc, [impl] { impl->BeginShutdown(); });
}

int Server::accept_failures() const { return impl_->accept_failures.load(); }

void Server::Wait() {
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  impl_->threads.clear();
  // Past the grace period a handler may still run; its answer has nowhere
  // to go, but it finishes before the server is gone.
  impl_->workers.join();
  // Break the cycle sessions -> Impl so everything is released.
  std::lock_guard lock(impl_->mu);
  impl_->live.clear();
}

}  // namespace miri::http
