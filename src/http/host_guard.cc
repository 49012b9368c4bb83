#include "http/host_guard.h"

#include <cctype>

namespace miri::http {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A DNS name or an IPv4 address: dot-separated labels of letters, digits
// and '-', no label empty or starting/ending with '-'; one trailing dot
// (the root) is dropped.
bool ValidName(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > 253) return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    std::string_view label = name.substr(start, dot == std::string_view::npos
                                                    ? std::string_view::npos
                                                    : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' ||
        label.back() == '-')
      return false;
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-')
        return false;
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

// "[...]" holding hex digits, ':' and '.' (an IPv6 literal).
bool ValidIpv6Literal(std::string_view s) {
  if (s.size() < 4 || s.front() != '[' || s.back() != ']') return false;
  for (char c : s.substr(1, s.size() - 2)) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.')
      return false;
  }
  return true;
}

bool ValidPort(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  int value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return value <= 65535;
}

// "name" or "[v6]", lower-cased, without a trailing dot; "" if invalid.
std::string NormalName(std::string_view name) {
  if (!name.empty() && name.front() == '[')
    return ValidIpv6Literal(name) ? Lower(name) : "";
  if (!ValidName(name)) return "";
  if (name.back() == '.') name.remove_suffix(1);
  return Lower(name);
}

}  // namespace

const std::vector<std::string>& LoopbackHostNames() {
  static const std::vector<std::string> kNames = {"localhost", "127.0.0.1",
                                                  "[::1]"};
  return kNames;
}

std::string HostName(std::string_view host) {
  std::string_view name = host;
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    if (close == std::string_view::npos) return "";
    name = host.substr(0, close + 1);
    std::string_view rest = host.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || !ValidPort(rest.substr(1))))
      return "";
  } else if (size_t colon = host.find(':'); colon != std::string_view::npos) {
    name = host.substr(0, colon);
    if (!ValidPort(host.substr(colon + 1))) return "";
  }
  return NormalName(name);
}

std::string OriginHostName(std::string_view origin) {
  // An origin is serialised as scheme "://" host [":" port], nothing more
  // (RFC 6454 section 6.2).
  size_t sep = origin.find("://");
  if (sep == std::string_view::npos || sep == 0) return "";
  for (char c : origin.substr(0, sep)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' &&
        c != '.')
      return "";
  }
  return HostName(origin.substr(sep + 3));
}

Result<std::vector<std::string>> ParseAllowedHosts(std::string_view list) {
  std::vector<std::string> names;
  if (list.empty()) return names;
  size_t start = 0;
  while (true) {
    size_t comma = list.find(',', start);
    std::string_view entry = list.substr(start, comma == std::string_view::npos
                                                    ? std::string_view::npos
                                                    : comma - start);
    while (!entry.empty() && entry.front() == ' ') entry.remove_prefix(1);
    while (!entry.empty() && entry.back() == ' ') entry.remove_suffix(1);
    std::string name = NormalName(entry);
    if (name.empty()) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          "MIRI_ALLOWED_HOSTS: \"" + std::string(entry) +
              "\" is not a host name (expected comma-separated names "
              "without scheme or port, e.g. miri.example.com,10.0.0.5)");
    }
    names.push_back(std::move(name));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return names;
}

}  // namespace miri::http
