// Service-account keys: the signed JWT assertion and its exchange for an
// OAuth access token (RFC 7523, as Google's token endpoint implements it).
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

#include <nlohmann/json.hpp>

#include "adapters/curl/http_client.h"
#include "adapters/gcp/credentials.h"

namespace miri::gcp {

namespace {

std::string Base64Url(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  for (unsigned char c : in) {
    buf = (buf << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buf >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(buf << (6 - bits)) & 63];
  return out;
}

Result<std::string> SignRs256(const std::string& pem, std::string_view data) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr),
      EVP_PKEY_free);
  if (!key) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "private_key is not a PEM private key");
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                              EVP_MD_CTX_free);
  size_t len = 0;
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr,
                         key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len,
                     reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1) {
    return MakeError(ErrorCode::kInternal, "RS256 signing failed");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()),
                     &len, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1) {
    return MakeError(ErrorCode::kInternal, "RS256 signing failed");
  }
  sig.resize(len);
  return sig;
}

class ServiceAccount final : public TokenFetcher {
 public:
  ServiceAccount(ServiceAccountKey key, std::string scope, const Clock& clock)
      : key_(std::move(key)), scope_(std::move(scope)), clock_(clock) {}

  Result<AccessToken> Fetch() override {
    int64_t now_ms = clock_.NowMs();
    ASSIGN_OR_RETURN(std::string jwt,
                     MakeJwtAssertion(key_, scope_, now_ms / 1000),
                     "service account");
    std::string body =
        "grant_type=" +
        UrlEncode("urn:ietf:params:oauth:grant-type:jwt-bearer") +
        "&assertion=" + UrlEncode(jwt);
    ASSIGN_OR_RETURN(
        HttpReply reply,
        HttpRequest("POST", key_.token_uri,
                    {{"Content-Type", "application/x-www-form-urlencoded"}},
                    body),
        "token endpoint");
    return ParseTokenReply(reply, now_ms, "token endpoint");
  }
  std::string Describe() const override {
    return "service account " + key_.client_email;
  }

 private:
  ServiceAccountKey key_;
  std::string scope_;
  const Clock& clock_;
};

}  // namespace

Result<ServiceAccountKey> ParseServiceAccountKey(const std::string& json_text) {
  nlohmann::json j = nlohmann::json::parse(json_text, nullptr, false);
  if (!j.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "key file is not JSON");
  }
  if (j.value("type", "") != "service_account") {
    return MakeError(ErrorCode::kInvalidArgument,
                     "key file type is not service_account",
                     {{"type", "expected \"service_account\""}});
  }
  ServiceAccountKey key;
  key.client_email = j.value("client_email", "");
  key.private_key = j.value("private_key", "");
  key.private_key_id = j.value("private_key_id", "");
  key.token_uri = j.value("token_uri", "https://oauth2.googleapis.com/token");
  std::vector<FieldIssue> issues;
  if (key.client_email.empty()) issues.push_back({"client_email", "required"});
  if (key.private_key.empty()) issues.push_back({"private_key", "required"});
  if (!issues.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid key file",
                     std::move(issues));
  }
  return key;
}

Result<std::string> MakeJwtAssertion(const ServiceAccountKey& key,
                                     const std::string& scope, int64_t now_s) {
  nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}};
  if (!key.private_key_id.empty()) header["kid"] = key.private_key_id;
  nlohmann::json claims = {{"iss", key.client_email},
                           {"scope", scope},
                           {"aud", key.token_uri},
                           {"iat", now_s},
                           {"exp", now_s + 3600}};
  std::string signing_input =
      Base64Url(header.dump()) + "." + Base64Url(claims.dump());
  ASSIGN_OR_RETURN(std::string sig, SignRs256(key.private_key, signing_input),
                   "JWT");
  return signing_input + "." + Base64Url(sig);
}

std::unique_ptr<TokenFetcher> ServiceAccountFetcher(ServiceAccountKey key,
                                                    std::string scope,
                                                    const Clock& clock) {
  return std::make_unique<ServiceAccount>(std::move(key), std::move(scope),
                                          clock);
}

}  // namespace miri::gcp
