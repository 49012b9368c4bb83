// AuthThrottle: failed bearer-token attempts counted per client address, so
// a token cannot be guessed at line rate. After `max_failures` failures in
// a window, every authenticated request from that client is refused (429
// with Retry-After) until the window ends, a right token included:
// otherwise guessing would go on at full speed, the 401/429 difference
// telling wrong guesses apart. Successes are not counted.
// Thread-safety: all members may be called from any thread.
#ifndef MIRI_HTTP_AUTH_THROTTLE_H_
#define MIRI_HTTP_AUTH_THROTTLE_H_

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "ports/clock.h"

namespace miri::http {

struct AuthThrottleOptions {
  int max_failures = 10;        // per client and window
  int64_t window_ms = 60'000;   // a fixed window from the first failure
  size_t max_clients = 10'000;  // clients remembered at most (memory bound)
};

class AuthThrottle {
 public:
  AuthThrottle(const Clock& clock, AuthThrottleOptions options);

  // 0 when `client` may try; else the milliseconds until it may.
  int64_t RetryAfterMs(const std::string& client) const;
  // Records one failed attempt by `client`.
  void Failed(const std::string& client);

 private:
  struct Window {
    int64_t start_ms = 0;
    int failures = 0;
  };
  const Clock& clock_;
  AuthThrottleOptions options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Window> clients_;
};

// The address a request came from: the TCP peer, or with `trusted_hops`
// proxies in front (each appending the address it saw to X-Forwarded-For;
// Cloud Run's front end is one) the entry that many from the right, which
// no client can forge.
std::string ClientAddress(const std::string& peer,
                          const std::string& forwarded_for, int trusted_hops);

}  // namespace miri::http

#endif  // MIRI_HTTP_AUTH_THROTTLE_H_
