// StandardWebhookVerifier: Standard Webhooks signatures (reliability.md
// section 3): HMAC-SHA256 over "<webhook-id>.<webhook-timestamp>.<raw body>"
// with the base64-decoded part of a "whsec_..." secret, any "v1,<base64>"
// entry of the space-separated webhook-signature header, constant-time
// comparison, timestamps within 5 minutes. For relays and tests; the fal
// (Ed25519/JWKS) and Kling verifiers are the providers issue's.
#ifndef MIRI_HTTP_STANDARD_WEBHOOK_VERIFIER_H_
#define MIRI_HTTP_STANDARD_WEBHOOK_VERIFIER_H_

#include <string>

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
  std::string key_;
  const Clock& clock_;
};

}  // namespace miri::http

#endif  // MIRI_HTTP_STANDARD_WEBHOOK_VERIFIER_H_
