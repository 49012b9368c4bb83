#include "adapters/kling/kling_auth.h"

#include <sodium.h>

#include <cstdlib>

#include <nlohmann/json.hpp>

namespace miri {

std::string Base64UrlNoPad(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(
                      bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

std::string HmacSha256(std::string_view key, std::string_view message) {
  if (sodium_init() < 0) std::abort();
  crypto_auth_hmacsha256_state st;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_init(
      &st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(
      &st, reinterpret_cast<const unsigned char*>(message.data()),
      message.size());
  crypto_auth_hmacsha256_final(&st, mac);
  return std::string(reinterpret_cast<const char*>(mac), sizeof mac);
}

std::string MakeKlingJwt(std::string_view access_key,
                         std::string_view secret_key, int64_t now_s,
                         int64_t ttl_s) {
  nlohmann::json header = {{"alg", "HS256"}, {"typ", "JWT"}};
  nlohmann::json claims = {
      {"iss", access_key}, {"exp", now_s + ttl_s}, {"nbf", now_s - 5}};
  std::string signing =
      Base64UrlNoPad(header.dump()) + "." + Base64UrlNoPad(claims.dump());
  return signing + "." + Base64UrlNoPad(HmacSha256(secret_key, signing));
}

KlingJwt::KlingJwt(std::string access_key, std::string secret_key,
                   const Clock& clock, int64_t ttl_s, int64_t refresh_before_s)
    : access_key_(std::move(access_key)),
      secret_key_(std::move(secret_key)),
      clock_(clock),
      ttl_s_(ttl_s),
      refresh_before_s_(refresh_before_s) {}

std::string KlingJwt::Token() {
  std::lock_guard lock(mu_);
  int64_t now_s = clock_.NowMs() / 1000;
  if (token_.empty() || now_s >= expires_s_ - refresh_before_s_) {
    token_ = MakeKlingJwt(access_key_, secret_key_, now_s, ttl_s_);
    expires_s_ = now_s + ttl_s_;
  }
  return token_;
}

std::string CallbackToken(std::string_view secret, std::string_view job_id) {
  return ParamsToken(secret, kKlingCallbackPurpose,
                     {{"job", std::string(job_id)}});
}

bool CallbackTokenValid(std::string_view secret, std::string_view job_id,
                        std::string_view token) {
  return VerifySignedQuery(
             secret, kKlingCallbackPurpose,
             {{"job", std::string(job_id)}, {"t", std::string(token)}})
      .has_value();
}

}  // namespace miri
