// Range requests on file responses (RFC 9110 section 14): media players
// seek and download managers resume by asking for a part of the file.
// One range of the "bytes" unit is served (206 with Content-Range); a range
// that starts past the end is refused (416 with "Content-Range: bytes
// */size"); anything else (another unit, several ranges, bad syntax, an
// If-Range the server cannot validate) is ignored and the whole file is
// sent, as section 14.2 allows.
#ifndef MIRI_HTTP_BYTE_RANGE_H_
#define MIRI_HTTP_BYTE_RANGE_H_

#include <cstdint>
#include <string_view>

#include "http/http_types.h"

namespace miri::http {

struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;  // inclusive
};

enum class RangeRequest { kWhole, kPart, kUnsatisfiable };

// Reads a Range header value against a file of `size` bytes; kPart fills
// `out` (last clamped to the end of the file).
RangeRequest ParseByteRange(std::string_view header, uint64_t size,
                            ByteRange* out);

// For a 200 file response to a GET: adds Accept-Ranges and answers the
// request's Range (206 with the part, or 416).
void ApplyByteRange(const Request& request, Response* response);

}  // namespace miri::http

#endif  // MIRI_HTTP_BYTE_RANGE_H_
