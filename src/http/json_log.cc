#include "http/json_log.h"

#include <unistd.h>

#include "ports/clock.h"

namespace miri::http {

void LogJson(std::string_view level, std::string_view msg,
             nlohmann::json fields) {
  nlohmann::json line = {
      {"ts", SystemClock().NowIso()}, {"level", level}, {"msg", msg}};
  if (fields.is_object()) line.update(fields);
  std::string text =
      line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
      "\n";
  [[maybe_unused]] ssize_t n = write(STDERR_FILENO, text.data(), text.size());
}

}  // namespace miri::http
