#include "adapters/fal/fal_webhook_verifier.h"

#include <sodium.h>

#include <charconv>
#include <cstdlib>

#include <nlohmann/json.hpp>

namespace miri {
namespace {

tl::unexpected<Error> Unauthenticated(std::string why) {
  return MakeError(ErrorCode::kRefused, "unauthenticated webhook: " + why);
}

std::string Header(const HeaderMap& h, const char* name) {
  auto it = h.find(name);
  return it == h.end() ? "" : it->second;
}

std::string Sha256Hex(std::string_view body) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(
      digest, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

}  // namespace

FalWebhookVerifier::FalWebhookVerifier(FalWebhookVerifierOptions options,
                                       HttpClient& http, const Clock& clock)
    : options_(std::move(options)), http_(http), clock_(clock) {
  if (sodium_init() < 0) std::abort();  // fatal start-up error
}

FalWebhookVerifier::~FalWebhookVerifier() {
  if (prefetch_.joinable()) prefetch_.join();
}

bool FalWebhookVerifier::Prefetch() {
  return Refresh(clock_.NowMs()).has_value();
}

void FalWebhookVerifier::PrefetchInBackground() {
  if (prefetch_.joinable()) return;
  prefetch_ = std::thread([this] { (void)Prefetch(); });
}

int FalWebhookVerifier::jwks_fetches() const {
  std::lock_guard lock(mu_);
  return fetches_;
}

Result<std::vector<FalWebhookVerifier::Key>> FalWebhookVerifier::Fetch() const {
  HttpRequest req;
  req.url = options_.jwks_url;
  req.headers = {{"Accept", "application/json"}};
  req.total_timeout_ms = options_.fetch_timeout_ms;
  req.max_response_bytes = 64 << 10;
  ASSIGN_OR_RETURN(HttpResponse resp, http_.Send(req), "fetching JWKS");
  if (resp.status != 200) {
    return MakeError(ErrorCode::kUnavailable,
                     "JWKS HTTP " + std::to_string(resp.status));
  }
  auto j = nlohmann::json::parse(resp.body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("keys") ||
      !j["keys"].is_array()) {
    return MakeError(ErrorCode::kUnavailable, "malformed JWKS");
  }
  std::vector<Key> keys;
  for (const auto& k : j["keys"]) {
    if (!k.is_object() || k.value("kty", "") != "OKP" ||
        k.value("crv", "") != "Ed25519" || !k.contains("x") ||
        !k["x"].is_string()) {
      continue;
    }
    std::string x = k["x"].get<std::string>();
    Key key{};
    size_t len = 0;
    if (sodium_base642bin(key.data(), key.size(), x.data(), x.size(), nullptr,
                          &len, nullptr,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
        len == key.size()) {
      keys.push_back(key);
    }
  }
  if (keys.empty())
    return MakeError(ErrorCode::kUnavailable, "JWKS has no Ed25519 key");
  return keys;
}

std::optional<std::vector<FalWebhookVerifier::Key>> FalWebhookVerifier::Refresh(
    int64_t now) {
  {
    std::lock_guard lock(mu_);
    // One fetch at a time, at most one a min_refresh_ms (whatever asks:
    // an unauthenticated request must not make this instance fetch).
    if (fetching_ ||
        (attempted_ && now - last_attempt_ms_ < options_.min_refresh_ms)) {
      return std::nullopt;
    }
    fetching_ = true;
    attempted_ = true;
    last_attempt_ms_ = now;
    ++fetches_;
  }
  // No lock across the fetch (up to fetch_timeout_ms): other webhooks
  // verify with the keys they have meanwhile.
  Result<std::vector<Key>> keys = Fetch();
  std::lock_guard lock(mu_);
  fetching_ = false;
  if (!keys) {
    last_error_ = keys.error().message;
    return std::nullopt;
  }
  keys_ = std::move(*keys);
  fetched_at_ms_ = now;
  have_fetched_ = true;
  return keys_;
}

bool FalWebhookVerifier::AnyKeyVerifies(const std::vector<Key>& keys,
                                        std::string_view message,
                                        const unsigned char* sig) const {
  for (const Key& k : keys) {
    if (crypto_sign_verify_detached(
            sig, reinterpret_cast<const unsigned char*>(message.data()),
            message.size(), k.data()) == 0) {
      return true;
    }
  }
  return false;
}

Result<void> FalWebhookVerifier::Verify(const HeaderMap& headers,
                                        std::string_view raw_body) {
  std::string request_id = Header(headers, "x-fal-webhook-request-id");
  std::string user_id = Header(headers, "x-fal-webhook-user-id");
  std::string timestamp = Header(headers, "x-fal-webhook-timestamp");
  std::string signature = Header(headers, "x-fal-webhook-signature");
  if (request_id.empty() || user_id.empty() || timestamp.empty() ||
      signature.empty()) {
    return Unauthenticated("missing signature headers");
  }
  if (!options_.expected_user_id.empty() &&
      user_id != options_.expected_user_id) {
    return Unauthenticated("unexpected user id");
  }
  int64_t ts = 0;
  auto [p, ec] = std::from_chars(timestamp.data(),
                                 timestamp.data() + timestamp.size(), ts);
  if (ec != std::errc() || p != timestamp.data() + timestamp.size()) {
    return Unauthenticated("bad timestamp");
  }
  int64_t now = clock_.NowMs();
  // Compared without subtracting from ts: any int64 may arrive here.
  const int64_t now_s = now / 1000;
  if (ts < now_s - options_.tolerance_s || ts > now_s + options_.tolerance_s) {
    return Unauthenticated("timestamp outside tolerance");
  }
  unsigned char sig[crypto_sign_BYTES];
  size_t sig_len = 0;
  if (signature.size() != 2 * crypto_sign_BYTES ||
      sodium_hex2bin(sig, sizeof sig, signature.data(), signature.size(),
                     nullptr, &sig_len, nullptr) != 0 ||
      sig_len != sizeof sig) {
    return Unauthenticated("malformed signature");
  }
  std::string message = request_id + "\n" + user_id + "\n" + timestamp + "\n" +
                        Sha256Hex(raw_body);

  std::vector<Key> keys;
  bool stale = false;
  {
    std::lock_guard lock(mu_);
    keys = keys_;
    stale = !have_fetched_ || now - fetched_at_ms_ > options_.jwks_ttl_ms;
  }
  if (stale) {
    if (auto fresh = Refresh(now)) keys = std::move(*fresh);
  }
  if (keys.empty()) {
    std::lock_guard lock(mu_);
    return Unauthenticated("no keys yet" + (last_error_.empty()
                                                ? std::string()
                                                : " (" + last_error_ + ")"));
  }
  if (AnyKeyVerifies(keys, message, sig)) return {};
  // Maybe the keys rotated: refetch (single-flight, rate-limited).
  if (!stale) {
    if (auto fresh = Refresh(now);
        fresh && AnyKeyVerifies(*fresh, message, sig))
      return {};
  }
  return Unauthenticated("signature does not verify");
}

}  // namespace miri
