// Text helpers every layer shares: UTF-8 checks and cuts that never split a
// character (a cause or a key cut mid-character is invalid JSON text).
#ifndef MIRI_DOMAIN_TEXT_H_
#define MIRI_DOMAIN_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace miri {

// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates, at
// most U+10FFFF).
bool IsValidUtf8(std::string_view s);

// The longest prefix of `s` of at most `max_bytes` bytes that ends on a
// character boundary (of well-formed UTF-8 `s`).
std::string TruncateUtf8(std::string_view s, size_t max_bytes);

}  // namespace miri

#endif  // MIRI_DOMAIN_TEXT_H_
