// The names a request may address this server by: the defence against DNS
// rebinding. A web page on attacker.example can make its own name resolve
// to 127.0.0.1 and then call a local `miri serve` "same-origin"; the
// browser still sends Host and Origin with the attacker's name, so a
// server that answers only the names it knows is out of reach. Loopback
// names are always allowed; MIRI_ALLOWED_HOSTS adds more.
// See https://fetch.spec.whatwg.org/#origin-header (browsers send Origin
// on every CORS and every non-GET/HEAD request) and RFC 9110 section 7.2
// (Host).
#ifndef MIRI_HTTP_HOST_GUARD_H_
#define MIRI_HTTP_HOST_GUARD_H_

#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

namespace miri::http {

// localhost, 127.0.0.1, [::1].
const std::vector<std::string>& LoopbackHostNames();

// The lower-case name of a Host header value, without its port:
// "Example.COM:8080" -> "example.com", "[::1]:80" -> "[::1]"; "" when it is
// not a valid host (a bad port, a path, user info, spaces...).
std::string HostName(std::string_view host_header);

// The host name of an Origin header: "http://localhost:5173" ->
// "localhost"; "" for "null" (an opaque origin) or anything malformed.
std::string OriginHostName(std::string_view origin);

// MIRI_ALLOWED_HOSTS: comma-separated host names without scheme or port
// ("miri.example.com, 10.0.0.5, [fd00::1]"), lower-cased; an error names
// the entry that is not a host name.
Result<std::vector<std::string>> ParseAllowedHosts(std::string_view list);

}  // namespace miri::http

#endif  // MIRI_HTTP_HOST_GUARD_H_
