// Helpers shared by the FirestoreStore translation units. Internal.
#ifndef MIRI_ADAPTERS_FIRESTORE_STORE_UTIL_H_
#define MIRI_ADAPTERS_FIRESTORE_STORE_UTIL_H_

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/firestore/firestore_client.h"
#include "adapters/firestore/firestore_value.h"
#include "domain/json_reader.h"

namespace miri::firestore {

// A stored document that no longer parses is corruption, not bad input.
template <typename T>
Result<T> ParseStored(const v1::Document& doc) {
  Result<nlohmann::json> j = FieldsToJson(doc);
  Result<T> value = j ? ParseDocument<T>(*j) : tl::unexpected(j.error());
  if (!value) {
    return MakeError(ErrorCode::kInternal,
                     "corrupt stored " + std::string(T::kKind) + " " +
                         doc.name() + ": " + value.error().ToString());
  }
  return value;
}

// Values built in code are held to the schema a request is held to, so
// nothing stored can later fail to parse.
template <typename T>
Result<void> Validate(const T& value) {
  Result<T> parsed = ParseDocument<T>(value.ToJson());
  if (!parsed) return tl::unexpected(parsed.error());
  return {};
}

template <typename T>
Result<std::vector<T>> ParseAll(const std::vector<v1::Document>& docs) {
  std::vector<T> out;
  out.reserve(docs.size());
  for (const v1::Document& d : docs) {
    ASSIGN_OR_RETURN(T value, ParseStored<T>(d), "reading");
    out.push_back(std::move(value));
  }
  return out;
}

// Creation order: create time, then name (ties within the emulator's
// millisecond clock).
inline void SortByCreation(std::vector<v1::Document>& docs) {
  std::sort(docs.begin(), docs.end(),
            [](const v1::Document& a, const v1::Document& b) {
              auto ka = std::tuple(a.create_time().seconds(),
                                   a.create_time().nanos(), a.name());
              auto kb = std::tuple(b.create_time().seconds(),
                                   b.create_time().nanos(), b.name());
              return ka < kb;
            });
}

inline Error NotFound(std::string_view what, std::string_view id) {
  return Error{ErrorCode::kNotFound,
               std::string(what) + " " + std::string(id) + " not found",
               {}};
}

// Ids become path segments: anything we could not have written names
// nothing (and must never reach a path).
inline bool UsableId(std::string_view id) { return IsSafeId(id); }

}  // namespace miri::firestore

#endif  // MIRI_ADAPTERS_FIRESTORE_STORE_UTIL_H_
