// Structured logs: one JSON object per line on stderr
// {"ts":"...","level":"info","msg":"...", ...fields}. One write(2) per line,
// so lines from several threads never interleave.
#ifndef MIRI_HTTP_JSON_LOG_H_
#define MIRI_HTTP_JSON_LOG_H_

#include <string_view>

#include <nlohmann/json.hpp>

namespace miri::http {

void LogJson(std::string_view level, std::string_view msg,
             nlohmann::json fields = nlohmann::json::object());

}  // namespace miri::http

#endif  // MIRI_HTTP_JSON_LOG_H_
