// Server: the Boost.Beast HTTP/1.1 + WebSocket front of `miri serve`. It
// turns requests into http::Request for the Api, upgrades /socket.io/ to a
// WebSocket speaking Engine.IO/Socket.IO (sio_protocol.h) into the SioHub,
// enforces header (8 KiB) and per-route body limits before reading a body,
// cuts a transfer only when it stalls (an idle timeout, never a total one),
// sends file responses (and their byte ranges) in chunks from the file,
// logs one JSON line per request, and shuts down gracefully: stop
// accepting, finish in-flight requests, close sockets, then return.
// Handlers run on a pool of worker threads (ServerOptions::workers); the
// answer is written back on the session's strand.
// Beast and Asio stay inside server.cc.
#ifndef MIRI_HTTP_SERVER_H_
#define MIRI_HTTP_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "domain/result.h"
#include "http/api.h"
#include "http/sio_hub.h"
#include "http/sio_protocol.h"

namespace miri::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port
  int threads = 2;    // I/O threads: sockets, parsing, WebSocket frames
  // Handler threads: a request's handler (which may wait on the store, an
  // fsync or a Firestore call) runs here, so the I/O threads never block
  // and a slow request does not hold up the others.
  int workers = 32;
  // Open connections (HTTP and WebSocket) at most; one more is answered
  // 503 with the reason and closed, so a flood cannot exhaust the file
  // descriptors the store and the providers need.
  int max_connections = 1000;
  SioOptions sio;
  int shutdown_grace_ms = 10000;  // in-flight requests get this long
  bool log_requests = true;
  bool handle_signals = false;  // SIGTERM/SIGINT start a graceful shutdown
  // A request's header must arrive within this (a slow-header attack holds
  // a connection otherwise).
  int header_timeout_ms = 60000;
  // Reading a request body or writing a response is cut only when no byte
  // moves for this long: a 500 MB render on a slow link takes as long as
  // it takes, a stalled peer is dropped (reset, so its unsent data does not
  // linger in the kernel).
  int idle_timeout_ms = 60000;
  // After a failed accept (out of file descriptors, EMFILE or ENFILE, or
  // of memory) the listener pauses this long before it tries again: the
  // failing call would fail again at once and spin the cores.
  int accept_retry_ms = 100;
};

class Server {
 public:
  Server(const Api& api, SioHub& hub, ServerOptions options);
  ~Server();  // shuts down if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts the threads; returns the bound port.
  Result<uint16_t> Start();
  // Graceful shutdown from any thread; returns at once.
  void Shutdown();
  // Blocks until the server has stopped.
  void Wait();
  // Accepts that failed since Start (each followed by accept_retry_ms of
  // pause): an operator's and a test's view of descriptor exhaustion.
  int accept_failures() const;

  struct Impl;  // defined in server.cc (sessions there need it)

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace miri::http

#endif  // MIRI_HTTP_SERVER_H_
