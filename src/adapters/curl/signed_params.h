// Parameters we put in the callback URL we hand a provider, protected by a
// token with a server secret:
//   t = hex(HMAC-SHA256(secret, purpose + for each (k, v) sorted:
//   "\n" pct(k) "=" pct(v))), pct being percent-encoding (UrlEncode)
// Providers sign their body (fal) or nothing (Kling), never our query
// string, so what a callback handler needs from the URL (our job id, the
// output key, the model) carries its own proof. Any instance holding the
// secret can then complete a job another instance submitted (Cloud Run runs
// many stateless instances). The token covers every parameter but "t": an
// added, removed or changed parameter invalidates it.
#ifndef MIRI_ADAPTERS_CURL_SIGNED_PARAMS_H_
#define MIRI_ADAPTERS_CURL_SIGNED_PARAMS_H_

#include <map>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace miri {

using QueryParams = std::map<std::string, std::string>;

std::string ParamsToken(std::string_view secret, std::string_view purpose,
                        const QueryParams& params);

// "k1=v1&k2=v2&t=<token>", values percent-encoded, keys sorted.
std::string SignedQuery(std::string_view secret, std::string_view purpose,
                        const QueryParams& params);

// `base` with the signed query appended ('?' or '&' as needed).
std::string WithSignedQuery(std::string_view base, std::string_view secret,
                            std::string_view purpose,
                            const QueryParams& params);

// The decoded parameters of `query` without "t" when its "t" matches
// (constant-time); REFUSED ("bad url token", naming "t") otherwise, and
// always when `secret` is empty.
Result<QueryParams> VerifySignedQuery(std::string_view secret,
                                      std::string_view purpose,
                                      const QueryParams& query);

// The decoded query parameters of a URL ("" values for bare keys); the
// last occurrence of a key wins. Malformed escapes are kept as they are.
QueryParams ParseUrlQuery(std::string_view url);

}  // namespace miri

#endif  // MIRI_ADAPTERS_CURL_SIGNED_PARAMS_H_
