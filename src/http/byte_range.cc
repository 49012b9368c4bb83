#include "http/byte_range.h"

#include <cctype>
#include <filesystem>
#include <limits>
#include <string>

namespace miri::http {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// Digits only; a value past uint64 saturates (it is past any file).
bool ReadPos(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  uint64_t v = 0;
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    uint64_t d = static_cast<uint64_t>(c - '0');
    v = v > (kMax - d) / 10 ? kMax : v * 10 + d;
  }
  *out = v;
  return true;
}

}  // namespace

RangeRequest ParseByteRange(std::string_view header, uint64_t size,
                            ByteRange* out) {
  header = Trim(header);
  size_t eq = header.find('=');
  if (eq == std::string_view::npos) return RangeRequest::kWhole;
  std::string unit(Trim(header.substr(0, eq)));
  for (char& c : unit)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view spec = Trim(header.substr(eq + 1));
  if (unit != "bytes" || spec.find(',') != std::string_view::npos)
    return RangeRequest::kWhole;
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return RangeRequest::kWhole;
  std::string_view first = spec.substr(0, dash), last = spec.substr(dash + 1);
  if (first.empty()) {  // suffix: the last N bytes
    uint64_t n = 0;
    if (!ReadPos(last, &n)) return RangeRequest::kWhole;
    if (n == 0 || size == 0) return RangeRequest::kUnsatisfiable;
    out->first = n >= size ? 0 : size - n;
    out->last = size - 1;
    return RangeRequest::kPart;
  }
  uint64_t a = 0, b = std::numeric_limits<uint64_t>::max();
  if (!ReadPos(first, &a)) return RangeRequest::kWhole;
  if (!last.empty() && !ReadPos(last, &b)) return RangeRequest::kWhole;
  if (b < a) return RangeRequest::kWhole;  // invalid: ignored (14.1.1)
  if (a >= size) return RangeRequest::kUnsatisfiable;
  out->first = a;
  out->last = b >= size ? size - 1 : b;
  return RangeRequest::kPart;
}

void ApplyByteRange(const Request& request, Response* response) {
  if (response->file.empty() || response->status != 200 ||
      request.method != "GET") {
    return;
  }
  std::error_code ec;
  uint64_t size = std::filesystem::file_size(response->file, ec);
  if (ec) return;  // the server answers 404 "file vanished"
  response->SetHeader("Accept-Ranges", "bytes");
  std::string range = request.Header("range");
  // No validators are sent (no ETag, no Last-Modified), so an If-Range
  // cannot match: the whole file (RFC 9110 section 13.1.5).
  if (range.empty() || !request.Header("if-range").empty()) return;
  ByteRange part;
  switch (ParseByteRange(range, size, &part)) {
    case RangeRequest::kWhole:
      return;
    case RangeRequest::kPart:
      response->status = 206;
      response->file_offset = part.first;
      response->file_length = static_cast<int64_t>(part.last - part.first + 1);
      response->SetHeader("Content-Range", "bytes " +
                                               std::to_string(part.first) +
                                               "-" + std::to_string(part.last) +
                                               "/" + std::to_string(size));
      return;
    case RangeRequest::kUnsatisfiable: {
      Response refused = ErrorResponse(
          416, "RANGE_NOT_SATISFIABLE",
          "the range starts past the end of the " + std::to_string(size) +
              "-byte file",
          {{"Range", "\"" + range + "\" is outside bytes 0-" +
                         (size == 0 ? std::string("(empty)")
                                    : std::to_string(size - 1))}});
      refused.SetHeader("Accept-Ranges", "bytes");
      refused.SetHeader("Content-Range", "bytes */" + std::to_string(size));
      *response = std::move(refused);
      return;
    }
  }
}

}  // namespace miri::http
