// For tests of the composition root: an EnvLookup over a fixed map
// instead of the process environment.
#ifndef MIRI_APP_ENV_MAP_H_
#define MIRI_APP_ENV_MAP_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "app/composition.h"

namespace miri::app {

inline EnvLookup MapEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](
             std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace miri::app

#endif  // MIRI_APP_ENV_MAP_H_
