// StandardWebhookVerifier: Standard Webhooks signatures (reliability.md
// section 3): HMAC-SHA256 over "<webhook-id>.<webhook-timestamp>.<raw body>"
// with the base64-decoded part of a "whsec_..." secret, any "v1,<base64>"
// entry of the space-separated webhook-signature header, constant-time
// comparison, timestamps within 5 minutes. For relays and tests; the fal
// (Ed25519/JWKS) and Kling verifiers are the providers issue's.
// Delivery ids are remembered for the 5-minute window (bounded): a retry
// of a delivery (same id, same body, as the spec's senders retry) passes;
// the same id with another body is refused as a replay. The signature
// covers the body only, so the webhook route requires the job's target in
// the signed body (webhooks_controller.cc).
#ifndef MIRI_HTTP_STANDARD_WEBHOOK_VERIFIER_H_
#define MIRI_HTTP_STANDARD_WEBHOOK_VERIFIER_H_

#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "http/api.h"

namespace miri::http {

class StandardWebhookVerifier final : public WebhookVerifier {
 public:
  // INVALID_ARGUMENT unless secret is "whsec_<base64>".
  static Result<std::unique_ptr<StandardWebhookVerifier>> Create(
      std::string_view secret, const Clock& clock);
  Result<void> Verify(std::string_view provider,
                      const Request& request) override;

  // "v1,<base64 HMAC>" of one message (exposed for tests and clients).
  std::string Sign(std::string_view id, std::string_view timestamp,
                   std::string_view body) const;

 private:
  StandardWebhookVerifier(std::string key, const Clock& clock)
      : key_(std::move(key)), clock_(clock) {}
  // False when `id` was seen with another body within the window.
  bool Remember(const std::string& id, std::string_view body, long long now);

  static constexpr size_t kMaxRemembered = 200000;
  std::string key_;
  const Clock& clock_;
  std::mutex mu_;
  std::unordered_map<std::string, std::string> seen_;    // id -> body digest
  std::deque<std::pair<long long, std::string>> order_;  // (seen at, id)
};

}  // namespace miri::http

#endif  // MIRI_HTTP_STANDARD_WEBHOOK_VERIFIER_H_
