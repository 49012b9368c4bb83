// The payload of SHOT_UPDATED and PROJECT_UPDATED (bus, Socket.IO and the
// events route): one shape for a stored event wherever it is announced.
#ifndef MIRI_DOMAIN_EVENT_PAYLOAD_H_
#define MIRI_DOMAIN_EVENT_PAYLOAD_H_

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/records.h"

namespace miri {

nlohmann::json EventPayload(std::string_view project_id, const Event& e);

// A random RFC 4122 version-4 UUID (ids of projects, uploads and events;
// not secrets).
std::string RandomUuid();

}  // namespace miri

#endif  // MIRI_DOMAIN_EVENT_PAYLOAD_H_
