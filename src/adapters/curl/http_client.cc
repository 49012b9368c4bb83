#include "adapters/curl/http_client.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>

namespace miri {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return std::string(s);
}

// Everything the libcurl callbacks touch. Callbacks never throw.
struct Transfer {
  std::string* body = nullptr;  // Send: response in memory
  int fd = -1;                  // Download: temporary file; Send: response_file
  bool fd_only_on_2xx = false;  // Send: error bodies stay in `body`
  int status = 0;               // of the response being received
  int64_t max_bytes = 0;
  int64_t received = 0;
  bool too_large = false;
  bool check_address = false;
  bool allow_loopback = false;
  bool refused_address = false;
  std::string refused_ip;
  std::map<std::string, std::string> headers;
};

size_t OnWrite(char* data, size_t size, size_t n, void* user) noexcept {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  if (t->received + static_cast<int64_t>(len) > t->max_bytes) {
    t->too_large = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  t->received += static_cast<int64_t>(len);
  bool to_fd = t->fd >= 0 &&
               (!t->fd_only_on_2xx || (t->status >= 200 && t->status < 300));
  if (to_fd) {
    size_t done = 0;
    while (done < len) {
      ssize_t w = ::write(t->fd, data + done, len - done);
      if (w <= 0) return 0;
      done += static_cast<size_t>(w);
    }
    return len;
  }
  try {
    t->body->append(data, len);
  } catch (...) {
    return 0;
  }
  return len;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) noexcept {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  try {
    std::string_view line(data, len);
    if (line.rfind("HTTP/", 0) == 0) {
      t->headers.clear();  // a new response (after 100 Continue)
      size_t space = line.find(' ');
      t->status =
          space == std::string_view::npos
              ? 0
              : std::atoi(std::string(line.substr(space + 1, 3)).c_str());
    } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
      t->headers[Lower(Trim(line.substr(0, colon)))] =
          Trim(line.substr(colon + 1));
    }
  } catch (...) {
    return 0;
  }
  return len;
}

// A request body of three parts: a prefix in memory, a file streamed from
// its descriptor, a suffix in memory. Callbacks never throw.
struct BodySource {
  std::string_view prefix;
  int fd = -1;
  std::string_view tail;
  bool read_error = false;
};

size_t OnRead(char* buffer, size_t size, size_t n, void* user) noexcept {
  auto* b = static_cast<BodySource*>(user);
  size_t room = size * n;
  size_t out = 0;
  auto take = [&](std::string_view& part) {
    size_t k = std::min(room - out, part.size());
    std::memcpy(buffer + out, part.data(), k);
    part.remove_prefix(k);
    out += k;
  };
  take(b->prefix);
  while (out < room && b->fd >= 0) {
    ssize_t r = ::read(b->fd, buffer + out, room - out);
    if (r < 0) {
      b->read_error = true;
      return CURL_READFUNC_ABORT;
    }
    if (r == 0) {
      ::close(b->fd);
      b->fd = -1;
      break;
    }
    out += static_cast<size_t>(r);
  }
  if (b->fd < 0) take(b->tail);
  return out;
}

std::string AddressString(const struct sockaddr* sa) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf,
              sizeof buf);
  } else if (sa->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr,
              buf, sizeof buf);
  }
  return buf;
}

curl_socket_t OnOpenSocket(void* user, curlsocktype,
                           struct curl_sockaddr* addr) noexcept {
  auto* t = static_cast<Transfer*>(user);
  if (t->check_address) {
    std::string ip;
    try {
      ip = AddressString(&addr->addr);
    } catch (...) {
      return CURL_SOCKET_BAD;
    }
    if (ip.empty() || IsForbiddenAddress(ip, t->allow_loopback)) {
      t->refused_address = true;
      t->refused_ip = ip;
      return CURL_SOCKET_BAD;
    }
  }
  return ::socket(addr->family, addr->socktype, addr->protocol);
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string NoProxyList() {
  const char* env = std::getenv("no_proxy");
  if (env == nullptr) env = std::getenv("NO_PROXY");
  std::string list = env != nullptr ? env : "";
  if (!list.empty()) list += ",";
  return list + "localhost,127.0.0.1,::1";
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

// Options common to Send and Download.
void CommonOptions(CURL* c, Transfer& t, const std::string& no_proxy,
                   int64_t connect_ms, int64_t total_ms) {
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_ms));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(total_ms));
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(c, CURLOPT_NOPROXY, no_proxy.c_str());
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(t.max_bytes));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnWrite);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, OnOpenSocket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &t);
}

Error TransportError(CURLcode code, const Transfer& t, std::string_view url) {
  if (t.refused_address) {
    return Error{ErrorCode::kRefused,
                 "refused to connect to forbidden address " + t.refused_ip,
                 {}};
  }
  if (t.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return Error{
        ErrorCode::kResourceExhausted,
        "response larger than " + std::to_string(t.max_bytes) + " bytes",
        {}};
  }
  std::string what =
      code == CURLE_OPERATION_TIMEDOUT ? "timeout" : curl_easy_strerror(code);
  return Error{ErrorCode::kUnavailable,
               "HTTP transport: " + what + " (" + std::string(url) + ")",
               {}};
}

}  // namespace

std::string HttpResponse::Header(std::string_view lower_name) const {
  auto it = headers.find(std::string(lower_name));
  return it == headers.end() ? "" : it->second;
}

bool HostAllowed(std::string_view host,
                 const std::vector<std::string>& allowed) {
  std::string h = Lower(host);
  for (const std::string& pattern : allowed) {
    std::string p = Lower(pattern);
    if (p.rfind("*.", 0) == 0) {
      std::string suffix = p.substr(1);  // ".example.com"
      if (h.size() > suffix.size() &&
          h.compare(h.size() - suffix.size(), suffix.size(), suffix) == 0) {
        return true;
      }
    } else if (h == p) {
      return true;
    }
  }
  return false;
}

bool IsForbiddenAddress(std::string_view ip_text, bool allow_loopback) {
  std::string ip(ip_text);
  in_addr v4{};
  in6_addr v6{};
  auto forbidden_v4 = [&](uint32_t a) {
    uint8_t b0 = a >> 24, b1 = (a >> 16) & 0xff;
    if (b0 == 127) return !allow_loopback;
    return b0 == 0 || b0 == 10 || (b0 == 172 && (b1 & 0xf0) == 16) ||
           (b0 == 192 && b1 == 168) || (b0 == 169 && b1 == 254) ||
           (b0 == 100 && (b1 & 0xc0) == 64) || b0 >= 224;
  };
  if (inet_pton(AF_INET, ip.c_str(), &v4) == 1)
    return forbidden_v4(ntohl(v4.s_addr));
  if (inet_pton(AF_INET6, ip.c_str(), &v6) != 1) return true;
  const uint8_t* b = v6.s6_addr;
  static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(b, kMapped, 12) == 0) {
    return forbidden_v4((uint32_t{b[12]} << 24) | (uint32_t{b[13]} << 16) |
                        (uint32_t{b[14]} << 8) | b[15]);
  }
  bool zero_prefix = std::all_of(b, b + 15, [](uint8_t x) { return x == 0; });
  if (zero_prefix && b[15] == 1) return !allow_loopback;   // ::1
  if (zero_prefix && b[15] == 0) return true;              // ::
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return true;  // fe80::/10
  if ((b[0] & 0xfe) == 0xfc) return true;                  // fc00::/7
  if (b[0] == 0xff) return true;                           // multicast
  if (std::all_of(b, b + 12, [](uint8_t x) { return x == 0; }))
    return true;  // v4-compat
  return false;
}

std::string UrlEncode(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

CurlHttpClient::CurlHttpClient() { GlobalInit(); }

Result<HttpResponse> CurlHttpClient::Send(const HttpRequest& request) {
  CurlPtr curl(curl_easy_init());
  if (!curl) return MakeError(ErrorCode::kInternal, "curl_easy_init failed");
  CURL* c = curl.get();
  HttpResponse response;
  Transfer t;
  t.body = &response.body;
  t.max_bytes = request.max_response_bytes;
  std::string no_proxy = NoProxyList();
  CommonOptions(c, t, no_proxy, request.connect_timeout_ms,
                request.total_timeout_ms);
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");

  SlistPtr headers;
  auto add_header = [&](const std::string& line) {
    curl_slist* next = curl_slist_append(headers.get(), line.c_str());
    if (next != nullptr) {
      (void)headers.release();
      headers.reset(next);
    }
  };
  for (const auto& [name, value] : request.headers)
    add_header(name + ": " + value);
  add_header("Expect:");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());

  BodySource source;
  struct FdCloser {
    int* fd;
    ~FdCloser() {
      if (*fd >= 0) ::close(*fd);
    }
  } close_body{&source.fd}, close_response{&t.fd};
  if (!request.response_file.empty()) {
    t.fd = ::open(request.response_file.c_str(),
                  O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (t.fd < 0) {
      return MakeError(ErrorCode::kUnavailable,
                       "cannot write " + request.response_file.string() + ": " +
                           std::strerror(errno));
    }
    t.fd_only_on_2xx = true;
  }
  if (!request.body_file.empty()) {
    source.fd = ::open(request.body_file.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (source.fd < 0 || ::fstat(source.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      return MakeError(ErrorCode::kNotFound,
                       "cannot read " + request.body_file.string());
    }
    source.prefix = request.body;
    source.tail = request.body_tail;
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, OnRead);
    curl_easy_setopt(c, CURLOPT_READDATA, &source);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size() + st.st_size +
                                             request.body_tail.size()));
    if (request.method != "POST") {
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
  } else if (request.method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method != "DELETE" || !request.body.empty()) {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.c_str());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
  }
  CURLcode code = curl_easy_perform(c);
  if (source.read_error) {
    return MakeError(ErrorCode::kUnavailable,
                     "reading " + request.body_file.string() + " failed");
  }
  if (code != CURLE_OK)
    return tl::unexpected<Error>(TransportError(code, t, request.url));
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  response.headers = std::move(t.headers);
  return response;
}

Result<DownloadInfo> CurlHttpClient::Download(std::string_view url,
                                              const FetchPolicy& policy,
                                              BlobStore& blobs,
                                              std::string_view key) {
  std::string u(url);
  // Parse with libcurl's own parser so the host we check is the one it uses.
  CURLU* parsed = curl_url();
  if (parsed == nullptr)
    return MakeError(ErrorCode::kInternal, "curl_url failed");
  std::unique_ptr<CURLU, void (*)(CURLU*)> guard(parsed, curl_url_cleanup);
  char* scheme = nullptr;
  char* host = nullptr;
  if (curl_url_set(parsed, CURLUPART_URL, u.c_str(), 0) != CURLUE_OK ||
      curl_url_get(parsed, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
      curl_url_get(parsed, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
    curl_free(scheme);
    return MakeError(ErrorCode::kRefused, "unparseable result URL");
  }
  std::string scheme_s = Lower(scheme), host_s = Lower(host);
  curl_free(scheme);
  curl_free(host);
  bool http_ok = policy.allow_http_for_tests && scheme_s == "http";
  if (scheme_s != "https" && !http_ok) {
    return MakeError(ErrorCode::kRefused,
                     "result URL is not https: " + scheme_s);
  }
  if (!HostAllowed(host_s, policy.allowed_hosts)) {
    return MakeError(ErrorCode::kRefused, "result host not allowed: " + host_s);
  }
  if (!IsValidBlobKey(key))
    return MakeError(ErrorCode::kInvalidArgument, "bad blob key");

  std::string tmpl =
      (std::filesystem::temp_directory_path() / "miri-dl-XXXXXX").string();
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0)
    return MakeError(ErrorCode::kUnavailable, "cannot create temporary file");
  struct Cleanup {
    int fd;
    std::string path;
    ~Cleanup() {
      if (fd >= 0) ::close(fd);
      ::unlink(path.c_str());
    }
  } cleanup{fd, tmpl};

  CurlPtr curl(curl_easy_init());
  if (!curl) return MakeError(ErrorCode::kInternal, "curl_easy_init failed");
  CURL* c = curl.get();
  Transfer t;
  t.fd = fd;
  t.max_bytes = policy.max_bytes;
  t.check_address = true;
  t.allow_loopback = policy.allow_loopback_for_tests;
  std::string no_proxy = NoProxyList();
  CommonOptions(c, t, no_proxy, policy.connect_timeout_ms,
                policy.total_timeout_ms);
  curl_easy_setopt(c, CURLOPT_URL, u.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, http_ok ? "http,https" : "https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
  curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK)
    return tl::unexpected<Error>(TransportError(code, t, url));
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    ErrorCode ec = (status == 404 || status == 410) ? ErrorCode::kNotFound
                                                    : ErrorCode::kUnavailable;
    return MakeError(ec, "result download HTTP " + std::to_string(status));
  }
  DownloadInfo info;
  info.bytes = t.received;
  auto ct = t.headers.find("content-type");
  if (ct != t.headers.end()) info.content_type = Lower(ct->second);
  if (!policy.allowed_content_types.empty() &&
      std::none_of(policy.allowed_content_types.begin(),
                   policy.allowed_content_types.end(),
                   [&](const std::string& p) {
                     return info.content_type.rfind(p, 0) == 0;
                   })) {
    return MakeError(ErrorCode::kRefused,
                     "unexpected content type: " + info.content_type);
  }
  ::close(cleanup.fd);
  cleanup.fd = -1;
  RETURN_IF_ERROR(blobs.PutFile(key, tmpl), "storing download");
  return info;
}

}  // namespace miri
