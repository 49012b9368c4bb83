#include "http/standard_webhook_verifier.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <cstdlib>

namespace miri::http {
namespace {

std::string Base64(const unsigned char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3), '\0');
  int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data,
                            static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  return out;
}

bool Unbase64(std::string_view in, std::string* out) {
  if (in.empty() || in.size() % 4 != 0) return false;
  std::string buf(in.size() / 4 * 3, '\0');
  int len = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(buf.data()),
                            reinterpret_cast<const unsigned char*>(in.data()),
                            static_cast<int>(in.size()));
  if (len < 0) return false;
  size_t pad = (in.end()[-1] == '=') + (in.end()[-2] == '=');
  buf.resize(static_cast<size_t>(len) - pad);
  *out = std::move(buf);
  return true;
}

}  // namespace

Result<std::unique_ptr<StandardWebhookVerifier>>
StandardWebhookVerifier::Create(std::string_view secret, const Clock& clock) {
  constexpr std::string_view kPrefix = "whsec_";
  std::string key;
  if (secret.substr(0, kPrefix.size()) != kPrefix ||
      !Unbase64(secret.substr(kPrefix.size()), &key) || key.size() < 16) {
    return MakeError(
        ErrorCode::kInvalidArgument, "invalid webhook secret",
        {{"MIRI_WEBHOOK_SECRET", "expected whsec_<base64 of >= 16 bytes>"}});
  }
  return std::unique_ptr<StandardWebhookVerifier>(
      new StandardWebhookVerifier(key, clock));
}

std::string StandardWebhookVerifier::Sign(std::string_view id,
                                          std::string_view timestamp,
                                          std::string_view body) const {
  std::string message =
      std::string(id) + "." + std::string(timestamp) + "." + std::string(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
       mac, &len);
  return "v1," + Base64(mac, len);
}

bool StandardWebhookVerifier::Remember(const std::string& id,
                                       std::string_view body, long long now) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(body.data()), body.size(),
         digest);
  std::string d(reinterpret_cast<const char*>(digest), sizeof digest);
  std::lock_guard lock(mu_);
  // Forget what is past the window (twice the timestamp tolerance) or
  // beyond the bound, oldest first.
  while (!order_.empty() &&
         (order_.front().first < now - 600 || order_.size() > kMaxRemembered)) {
    seen_.erase(order_.front().second);
    order_.pop_front();
  }
  auto [it, fresh] = seen_.try_emplace(id, d);
  if (fresh) {
    order_.emplace_back(now, id);
    return true;
  }
  return it->second == d;
}

Result<void> StandardWebhookVerifier::Verify(std::string_view,
                                             const Request& r) {
  std::string id = r.Header("webhook-id"), ts = r.Header("webhook-timestamp"),
              sigs = r.Header("webhook-signature");
  if (id.empty() || ts.empty() || sigs.empty()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "missing webhook-id, webhook-timestamp or webhook-signature");
  }
  char* end = nullptr;
  long long t = std::strtoll(ts.c_str(), &end, 10);
  if (end == ts.c_str() || *end != '\0') {
    return MakeError(ErrorCode::kInvalidArgument,
                     "webhook-timestamp is not a number");
  }
  long long now = clock_.NowMs() / 1000;
  if (t < now - 300 || t > now + 300) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "webhook-timestamp outside 5 minutes");
  }
  std::string expected = Sign(id, ts, r.body);
  size_t start = 0;
  while (start < sigs.size()) {
    size_t space = sigs.find(' ', start);
    std::string one = sigs.substr(
        start, space == std::string::npos ? std::string::npos : space - start);
    if (one.size() == expected.size() &&
        CRYPTO_memcmp(one.data(), expected.data(), expected.size()) == 0) {
      if (!Remember(id, r.body, now)) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "webhook-id " + id +
                             " was already used for another delivery "
                             "(replay refused)");
      }
      return {};
    }
    if (space == std::string::npos) break;
    start = space + 1;
  }
  return MakeError(ErrorCode::kInvalidArgument, "no matching v1 signature");
}

}  // namespace miri::http
