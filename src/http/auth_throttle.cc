#include "http/auth_throttle.h"

#include <vector>

namespace miri::http {

AuthThrottle::AuthThrottle(const Clock& clock, AuthThrottleOptions options)
    : clock_(clock), options_(options) {}

int64_t AuthThrottle::RetryAfterMs(const std::string& client) const {
  const int64_t now = clock_.NowMs();
  std::lock_guard lock(mu_);
  auto it = clients_.find(client);
  if (it == clients_.end()) return 0;
  const int64_t end = it->second.start_ms + options_.window_ms;
  if (now >= end || it->second.failures < options_.max_failures) return 0;
  return end - now;
}

void AuthThrottle::Failed(const std::string& client) {
  const int64_t now = clock_.NowMs();
  std::lock_guard lock(mu_);
  auto it = clients_.find(client);
  if (it == clients_.end()) {
    if (clients_.size() >= options_.max_clients) {
      // Forget the windows that ended; if every one is live, forget one
      // (an attacker spreading over that many addresses is not slowed by
      // counting anyway).
      for (auto e = clients_.begin(); e != clients_.end();) {
        e = now >= e->second.start_ms + options_.window_ms ? clients_.erase(e)
                                                           : std::next(e);
      }
      if (clients_.size() >= options_.max_clients)
        clients_.erase(clients_.begin());
    }
    clients_[client] = Window{now, 1};
    return;
  }
  Window& w = it->second;
  if (now >= w.start_ms + options_.window_ms) w = Window{now, 0};
  ++w.failures;
}

std::string ClientAddress(const std::string& peer,
                          const std::string& forwarded_for, int trusted_hops) {
  if (trusted_hops <= 0 || forwarded_for.empty()) return peer;
  std::vector<std::string> hops;
  size_t start = 0;
  while (true) {
    size_t comma = forwarded_for.find(',', start);
    std::string entry = forwarded_for.substr(
        start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t b = entry.find_first_not_of(" \t");
    size_t e = entry.find_last_not_of(" \t");
    hops.push_back(b == std::string::npos ? "" : entry.substr(b, e - b + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  // Fewer entries than trusted proxies: the leftmost is the best we know.
  size_t n = static_cast<size_t>(trusted_hops);
  return hops.size() >= n ? hops[hops.size() - n] : hops.front();
}

}  // namespace miri::http
