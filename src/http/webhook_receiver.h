// WebhookReceiver: a provider's own handling of its webhooks, for providers
// whose adapter verifies and applies deliveries itself (fal: Ed25519 over
// the body; Kling: a token in the callback URL). The composition root
// wraps the cloud adapters in one of these per provider and hands them to
// the Api, so src/http never includes adapter headers; providers without a
// receiver use the generic path (WebhookVerifier + CommandService).
//
// Contract: Receive sees the raw body, the lower-cased headers and the
// decoded query of one delivery. It returns a short JSON summary (reply
// 200) or an error: REFUSED = not authentic (reply 401 with the error's
// issues, naming "signature" or "t"), nothing written; UNAVAILABLE = try
// again (reply 503, the provider redelivers); others map as usual.
// Thread-safety: Receive may be called from any thread.
#ifndef MIRI_HTTP_WEBHOOK_RECEIVER_H_
#define MIRI_HTTP_WEBHOOK_RECEIVER_H_

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/result.h"

namespace miri::http {

struct WebhookDelivery {
  const std::map<std::string, std::string>& headers;  // lower-case names
  const std::map<std::string, std::string>& query;
  std::string_view body;
};

class WebhookReceiver {
 public:
  virtual ~WebhookReceiver() = default;
  virtual Result<nlohmann::json> Receive(const WebhookDelivery& delivery) = 0;
};

}  // namespace miri::http

#endif  // MIRI_HTTP_WEBHOOK_RECEIVER_H_
