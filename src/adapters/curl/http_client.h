// HttpClient: the one way adapters talk HTTP (libcurl underneath).
//
// - Every request has connect and total timeouts and a response size cap;
//   TLS peer and host verification stay on; proxies come from the
//   environment (http_proxy/https_proxy/no_proxy), loopback never proxied.
// - A transport failure (refused connection, timeout, reset, cap exceeded)
//   is an error (UNAVAILABLE, or RESOURCE_EXHAUSTED for the cap); any HTTP
//   status, 4xx and 5xx included, is a response for the caller to judge.
// - Download() fetches a provider result URL into the BlobStore, streaming
//   through a temporary file, under a FetchPolicy that defends against SSRF
//   (reliability.md section 5): https only, exact host allow-list, no
//   redirects, and after DNS no loopback, private, link-local, CGNAT,
//   multicast or unspecified address (IPv4-mapped IPv6 included).
//   Violations are REFUSED and nothing is written.
// Thread-safety: Send and Download may be called from any thread.
#ifndef MIRI_ADAPTERS_CURL_HTTP_CLIENT_H_
#define MIRI_ADAPTERS_CURL_HTTP_CLIENT_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/result.h"
#include "ports/blob_store.h"

namespace miri {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, this file's bytes are streamed into the body after `body` and
  // before `body_tail`, never held in memory (large media uploads, e.g. a
  // multipart upload whose parts frame the file). A missing file is
  // NOT_FOUND and nothing is sent.
  std::filesystem::path body_file;
  std::string body_tail;
  // When set, a 2xx response body is written to this file (created or
  // truncated) instead of HttpResponse::body; max_response_bytes still caps
  // it. Any other status keeps its (error) body in memory.
  std::filesystem::path response_file;
  int64_t connect_timeout_ms = 10'000;
  int64_t total_timeout_ms = 60'000;
  int64_t max_response_bytes = 16 << 20;
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  // The header's value or "" (name in lower case).
  std::string Header(std::string_view lower_name) const;
};

struct FetchPolicy {
  // Exact host names, or "*.example.com" for any subdomain of example.com.
  std::vector<std::string> allowed_hosts;
  std::vector<std::string> allowed_content_types;  // prefixes; empty = any
  int64_t max_bytes = 256 << 20;
  int64_t connect_timeout_ms = 10'000;
  int64_t total_timeout_ms = 300'000;
  // Test-only overrides for the loopback emulators. Production config
  // leaves both false; private and link-local addresses stay refused.
  bool allow_http_for_tests = false;
  bool allow_loopback_for_tests = false;
};

struct DownloadInfo {
  int64_t bytes = 0;
  std::string content_type;
};

// True when `host` (lower case) matches one of the patterns.
bool HostAllowed(std::string_view host,
                 const std::vector<std::string>& allowed);
// True for addresses a result download must never reach; `ip` is numeric.
bool IsForbiddenAddress(std::string_view ip, bool allow_loopback);

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
  virtual Result<DownloadInfo> Download(std::string_view url,
                                        const FetchPolicy& policy,
                                        BlobStore& blobs,
                                        std::string_view key) = 0;
};

class CurlHttpClient final : public HttpClient {
 public:
  CurlHttpClient();
  Result<HttpResponse> Send(const HttpRequest& request) override;
  Result<DownloadInfo> Download(std::string_view url, const FetchPolicy& policy,
                                BlobStore& blobs,
                                std::string_view key) override;
};

// Percent-encodes a query value (RFC 3986 unreserved kept).
std::string UrlEncode(std::string_view s);

}  // namespace miri

#endif  // MIRI_ADAPTERS_CURL_HTTP_CLIENT_H_
