// Kling authentication (providers.md 3.1) and our callback tokens.
//
// KlingJwt: HS256 JWT {"iss": access key, "exp": now + ttl, "nbf": now - 5}
// signed with the secret key, base64url without padding; cached and
// regenerated `refresh_before_s` before it expires.
// CallbackToken: Kling documents no callback signature, so the callback URL
// we send carries its parameters signed with a server secret
// (adapters/curl/signed_params.h, purpose "kling-callback").
// Thread-safety: KlingJwt::Token may be called from any thread.
#ifndef MIRI_ADAPTERS_KLING_KLING_AUTH_H_
#define MIRI_ADAPTERS_KLING_KLING_AUTH_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "adapters/curl/signed_params.h"
#include "ports/clock.h"

namespace miri {

std::string Base64UrlNoPad(std::string_view bytes);
std::string HmacSha256(std::string_view key, std::string_view message);  // raw

// A signed JWT for `access_key` at `now_s` (exposed for tests).
std::string MakeKlingJwt(std::string_view access_key,
                         std::string_view secret_key, int64_t now_s,
                         int64_t ttl_s);

class KlingJwt {
 public:
  KlingJwt(std::string access_key, std::string secret_key, const Clock& clock,
           int64_t ttl_s = 1800, int64_t refresh_before_s = 300);
  std::string Token();

 private:
  const std::string access_key_;
  const std::string secret_key_;
  const Clock& clock_;
  const int64_t ttl_s_;
  const int64_t refresh_before_s_;
  std::mutex mu_;
  std::string token_;
  int64_t expires_s_ = 0;
};

inline constexpr std::string_view kKlingCallbackPurpose = "kling-callback";

// The token of a callback URL that carries only the job id.
std::string CallbackToken(std::string_view secret, std::string_view job_id);
// Constant-time comparison against the expected token.
bool CallbackTokenValid(std::string_view secret, std::string_view job_id,
                        std::string_view token);

}  // namespace miri

#endif  // MIRI_ADAPTERS_KLING_KLING_AUTH_H_
