// FalWebhookVerifier: proves a webhook came from fal (providers.md 1.9).
//
// Headers X-Fal-Webhook-{Request-Id,User-Id,Timestamp,Signature} must all
// be present; |now - timestamp| <= tolerance; the hex Ed25519 signature must
// verify, with one of the JWKS keys, the message
//   request_id \n user_id \n timestamp \n hex(sha256(raw body)).
// Keys are fetched from the configured JWKS URL, cached for jwks_ttl_ms and
// refetched when no cached key verifies, so a key rotation is picked up.
// Every fetch, the first included, is single-flight and at most one per
// min_refresh_ms, and no lock is held across it: a stream of forged
// webhooks cannot make the instance fetch more, nor stall other webhooks
// behind a hanging JWKS host. Any failure is REFUSED with a message
// starting "unauthenticated webhook" (HTTP 401); nothing else happens.
// Thread-safety: Verify may be called from any thread.
#ifndef MIRI_ADAPTERS_FAL_FAL_WEBHOOK_VERIFIER_H_
#define MIRI_ADAPTERS_FAL_FAL_WEBHOOK_VERIFIER_H_

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "adapters/curl/http_client.h"
#include "domain/result.h"
#include "ports/clock.h"

namespace miri {

struct FalWebhookVerifierOptions {
  std::string jwks_url = "https://rest.alpha.fal.ai/.well-known/jwks.json";
  int64_t tolerance_s = 300;
  int64_t jwks_ttl_ms = 24LL * 3600 * 1000;
  int64_t min_refresh_ms = 60'000;
  std::string expected_user_id;  // empty = any
  int64_t fetch_timeout_ms = 10'000;
};

// Lower-cased header names -> values.
using HeaderMap = std::map<std::string, std::string>;

class FalWebhookVerifier {
 public:
  FalWebhookVerifier(FalWebhookVerifierOptions options, HttpClient& http,
                     const Clock& clock);

  // Joins the background fetch, if one was started.
  ~FalWebhookVerifier();

  Result<void> Verify(const HeaderMap& headers, std::string_view raw_body);
  // Fetches the keys now (as the first webhook would), so that webhooks
  // arriving together at start find keys instead of finding the first
  // fetch in flight and being refused. Counts as a fetch attempt (the
  // once-a-minute limit applies after it); true when keys were loaded.
  bool Prefetch();
  // Prefetch on a thread of its own (miri serve, at start): the start does
  // not wait for the JWKS host.
  void PrefetchInBackground();
  // Number of JWKS fetches so far (tests, metrics).
  int jwks_fetches() const;

 private:
  using Key = std::array<unsigned char, 32>;
  // The keys at the JWKS URL (no lock held; up to fetch_timeout_ms).
  Result<std::vector<Key>> Fetch() const;
  // Fetches the keys unless a fetch is in flight or one was attempted less
  // than min_refresh_ms ago; the new keys, or nullopt when it did not fetch
  // or the fetch failed.
  std::optional<std::vector<Key>> Refresh(int64_t now);
  bool AnyKeyVerifies(const std::vector<Key>& keys, std::string_view message,
                      const unsigned char* sig) const;

  const FalWebhookVerifierOptions options_;
  HttpClient& http_;
  const Clock& clock_;
  mutable std::mutex mu_;
  std::vector<Key> keys_;
  int64_t fetched_at_ms_ = 0;
  int64_t last_attempt_ms_ = 0;
  bool attempted_ = false;
  bool fetching_ = false;
  std::string last_error_;
  bool have_fetched_ = false;
  int fetches_ = 0;
  std::thread prefetch_;
};

}  // namespace miri

#endif  // MIRI_ADAPTERS_FAL_FAL_WEBHOOK_VERIFIER_H_
