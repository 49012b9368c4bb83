#include "services/resilience/call_outcome.h"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <ctime>
#include <string>

namespace miri {

CallClass ClassifyHttpStatus(int http_status) {
  if (http_status >= 200 && http_status < 300) return CallClass::kSuccess;
  if (http_status == 0 || http_status == 408 || http_status == 429 ||
      http_status >= 500) {
    return CallClass::kFailure;
  }
  return CallClass::kCallerError;
}

std::optional<int64_t> ParseRetryAfterMs(std::string_view value,
                                         int64_t now_ms) {
  while (!value.empty() &&
         std::isspace(static_cast<unsigned char>(value.front())))
    value.remove_prefix(1);
  while (!value.empty() &&
         std::isspace(static_cast<unsigned char>(value.back())))
    value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  int64_t secs = 0;
  auto [ptr, ec] =
      std::from_chars(value.data(), value.data() + value.size(), secs);
  if (ec == std::errc() && ptr == value.data() + value.size()) {
    if (secs < 0) return std::nullopt;
    return secs * 1000;
  }
  // IMF-fixdate: "Wed, 21 Oct 2015 07:28:00 GMT".
  std::tm tm{};
  std::string s(value);
  const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  int64_t at_ms = static_cast<int64_t>(timegm(&tm)) * 1000;
  return at_ms > now_ms ? at_ms - now_ms : 0;
}

std::optional<int64_t> ParseDurationMs(std::string_view value) {
  if (value.size() < 2 || value.back() != 's') return std::nullopt;
  std::string num(value.substr(0, value.size() - 1));
  char* end = nullptr;
  double secs = std::strtod(num.c_str(), &end);
  if (end == num.c_str() || *end != '\0' || secs < 0) return std::nullopt;
  return static_cast<int64_t>(secs * 1000 + 0.5);
}

}  // namespace miri
