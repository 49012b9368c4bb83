// Shared by the fuzz targets: how an input is cut into parts, and the
// invariants every target checks.
//
// Inputs are text so seeds read like the real thing: a selector byte where a
// target dispatches, then HTTP-like "name: value" header lines, a blank line
// and the body (FuzzMessage).
#ifndef MIRI_FUZZ_FUZZ_UTIL_H_
#define MIRI_FUZZ_FUZZ_UTIL_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/result.h"
#include "http/http_types.h"
#include "ports/clock.h"

namespace miri::fuzz {

// A finding that is not a sanitizer's: prints why and aborts, which
// libFuzzer records as a crash with the input.
[[noreturn]] inline void Fail(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "fuzz invariant broken: %s: %.*s\n", what,
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// 2026-01-01T00:00:00Z: webhook timestamps in seeds are relative to it.
class FixedClock final : public Clock {
 public:
  static constexpr int64_t kNowMs = 1767225600000;
  int64_t NowMs() const override { return kNowMs; }
};

struct FuzzMessage {
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

// "Name: value" lines up to the first empty line, then the body. Without
// an empty line the whole input is headers.
inline FuzzMessage SplitMessage(std::string_view in) {
  FuzzMessage m;
  while (!in.empty()) {
    size_t nl = in.find('\n');
    std::string_view line = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      m.body = std::string(in);
      break;
    }
    size_t colon = line.find(':');
    std::string name(line.substr(0, colon));
    for (char& c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    std::string_view value = colon == std::string_view::npos
                                 ? std::string_view()
                                 : line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    m.headers[name] = std::string(value);
  }
  return m;
}

// What the API sends for an error (http_types.h ErrorResponse) is one JSON
// object a client can parse.
inline void CheckErrorIsSendable(const Error& e) {
  http::Response r = http::ErrorResponse(e);
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("error")) {
    Fail("an error response that is not JSON", r.body);
  }
}

}  // namespace miri::fuzz

#endif  // MIRI_FUZZ_FUZZ_UTIL_H_
