#include "domain/event_payload.h"

#include <cstdio>
#include <random>

namespace miri {

nlohmann::json EventPayload(std::string_view project_id, const Event& e) {
  nlohmann::json j = {{"projectId", project_id},
                      {"seq", e.seq},
                      {"eventId", e.event_id},
                      {"to", e.to},
                      {"status", e.to},
                      {"cause", e.cause},
                      {"at", e.at}};
  j["from"] = e.from ? nlohmann::json(*e.from) : nlohmann::json(nullptr);
  if (e.is_shot_event()) j["shotId"] = e.shot_id;
  if (e.version_id) j["versionId"] = *e.version_id;
  if (e.screened_by) j["screenedBy"] = *e.screened_by;
  return j;
}

std::string RandomUuid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t a = rng(), b = rng();
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant
  char buf[37];
  std::snprintf(
      buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx",
      static_cast<unsigned>(a >> 32), static_cast<unsigned>((a >> 16) & 0xffff),
      static_cast<unsigned>(a & 0xffff), static_cast<unsigned>(b >> 48),
      static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

}  // namespace miri
