// A name table for an enum: one list gives both directions of the mapping.
#ifndef MIRI_DOMAIN_ENUM_NAMES_H_
#define MIRI_DOMAIN_ENUM_NAMES_H_

#include <array>
#include <optional>
#include <string_view>
#include <utility>

namespace miri {

template <typename E, size_t N>
struct EnumNames {
  std::array<std::pair<E, std::string_view>, N> entries;

  constexpr std::string_view Name(E e) const {
    for (const auto& [value, name] : entries) {
      if (value == e) return name;
    }
    return "?";
  }
  constexpr std::optional<E> Parse(std::string_view name) const {
    for (const auto& [value, n] : entries) {
      if (n == name) return value;
    }
    return std::nullopt;
  }
};

}  // namespace miri

#endif  // MIRI_DOMAIN_ENUM_NAMES_H_
