#include "adapters/curl/signed_params.h"

#include <sodium.h>

#include <cstdlib>

#include "adapters/curl/http_client.h"

namespace miri {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 &&
               HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::string ParamsToken(std::string_view secret, std::string_view purpose,
                        const QueryParams& params) {
  if (sodium_init() < 0) std::abort();
  std::string message(purpose);
  for (const auto& [k, v] : params) {
    if (k == "t") continue;
    // Percent-encoded, so neither can hold the "\n" or "=" that
    // separate them: one value cannot sign the text of two parameters.
    message += "\n" + UrlEncode(k) + "=" + UrlEncode(v);
  }
  crypto_auth_hmacsha256_state st;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_init(
      &st, reinterpret_cast<const unsigned char*>(secret.data()),
      secret.size());
  crypto_auth_hmacsha256_update(
      &st, reinterpret_cast<const unsigned char*>(message.data()),
      message.size());
  crypto_auth_hmacsha256_final(&st, mac);
  std::string hex(sizeof mac * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), mac, sizeof mac);
  hex.pop_back();
  return hex;
}

std::string SignedQuery(std::string_view secret, std::string_view purpose,
                        const QueryParams& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (k == "t") continue;
    out += UrlEncode(k) + "=" + UrlEncode(v) + "&";
  }
  return out + "t=" + ParamsToken(secret, purpose, params);
}

std::string WithSignedQuery(std::string_view base, std::string_view secret,
                            std::string_view purpose,
                            const QueryParams& params) {
  std::string url(base);
  url += url.find('?') == std::string::npos ? '?' : '&';
  return url + SignedQuery(secret, purpose, params);
}

Result<QueryParams> VerifySignedQuery(std::string_view secret,
                                      std::string_view purpose,
                                      const QueryParams& query) {
  auto t = query.find("t");
  if (secret.empty() || t == query.end()) {
    return MakeError(ErrorCode::kRefused, "bad url token",
                     {{"t", "missing url token"}});
  }
  std::string expected = ParamsToken(secret, purpose, query);
  if (t->second.size() != expected.size() ||
      sodium_memcmp(expected.data(), t->second.data(), expected.size()) != 0) {
    return MakeError(ErrorCode::kRefused, "bad url token",
                     {{"t", "does not match the url parameters"}});
  }
  QueryParams out = query;
  out.erase("t");
  return out;
}

QueryParams ParseUrlQuery(std::string_view url) {
  QueryParams out;
  size_t q = url.find('?');
  if (q == std::string_view::npos) return out;
  std::string_view rest = url.substr(q + 1);
  size_t hash = rest.find('#');
  if (hash != std::string_view::npos) rest = rest.substr(0, hash);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    size_t eq = pair.find('=');
    std::string k = Decode(pair.substr(0, eq));
    std::string v =
        eq == std::string_view::npos ? "" : Decode(pair.substr(eq + 1));
    if (!k.empty()) out[k] = v;
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return out;
}

}  // namespace miri
