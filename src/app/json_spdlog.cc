#include "app/json_spdlog.h"

#include <memory>
#include <mutex>
#include <string>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "http/json_log.h"

namespace miri::app {
namespace {

// A sink, not a pattern: a pattern cannot escape the message for JSON.
class JsonLineSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const auto level = spdlog::level::to_string_view(msg.level);
    http::LogJson(std::string_view(level.data(), level.size()),
                  std::string_view(msg.payload.data(), msg.payload.size()));
  }
  void flush_() override {}
};

}  // namespace

void UseJsonLogs() {
  auto logger = std::make_shared<spdlog::logger>(
      "miri", std::make_shared<JsonLineSink>());
  logger->set_level(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace miri::app
