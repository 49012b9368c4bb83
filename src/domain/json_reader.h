// JsonReader: strict reading of one JSON object, field by field, collecting
// every problem with its full path ("globalSettings.requireHumanApproval:
// expected boolean, got string") instead of stopping at the first.
//
// It mirrors Zod's object semantics with .strict(): required fields must be
// present, optional ones may be absent (defaults apply), and unknown fields
// are refused so a typo never silently falls back to a default.
#ifndef MIRI_DOMAIN_JSON_READER_H_
#define MIRI_DOMAIN_JSON_READER_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/result.h"

namespace miri {

enum class StringFormat { kAny, kUuid, kDateTime, kId };

struct StringRules {
  size_t min_length = 0;
  size_t max_length = 100000;
  StringFormat format = StringFormat::kAny;
};

inline constexpr StringRules kNonEmpty{.min_length = 1, .max_length = 2000};
inline constexpr StringRules kIdRules{
    .min_length = 1, .max_length = 64, .format = StringFormat::kId};
inline constexpr StringRules kUuidRules{.format = StringFormat::kUuid};
inline constexpr StringRules kDateTimeRules{.format = StringFormat::kDateTime};

bool IsUuid(std::string_view s);
// ISO-8601 UTC as Zod's .datetime() accepts: 2026-03-02T10:15:04(.123)?Z.
bool IsIsoDateTime(std::string_view s);
// Ids we mint or accept: [A-Za-z0-9_-], 1..64 characters.
bool IsSafeId(std::string_view s);

class JsonReader {
 public:
  // Records "expected object" at `path` when `value` is not an object.
  JsonReader(const nlohmann::json& value, std::string path,
             std::vector<FieldIssue>* issues);
  // A reader of an absent object whose absence is already recorded.
  static JsonReader Muted(std::string path, std::vector<FieldIssue>* issues);

  std::string String(std::string_view key, StringRules rules = {});
  std::optional<std::string> OptionalString(std::string_view key,
                                            StringRules rules = {});
  int64_t Int(std::string_view key, int64_t min, int64_t max);
  int64_t Int(std::string_view key, int64_t min, int64_t max, int64_t fallback);
  double Number(std::string_view key, double min, double max);
  double Number(std::string_view key, double min, double max, double fallback);
  bool Bool(std::string_view key);
  bool Bool(std::string_view key, bool fallback);
  std::vector<std::string> StringArray(std::string_view key,
                                       StringRules rules = {},
                                       bool optional = true);
  // A nested object; a missing or non-object field is recorded as an issue
  // and the returned reader reads an empty object.
  JsonReader Object(std::string_view key);
  // An array of objects, one reader each (paths "key[i]"); absent -> empty.
  std::vector<JsonReader> ObjectArray(std::string_view key);
  // Any JSON value (for free-form payloads); absent -> `fallback`.
  nlohmann::json Raw(std::string_view key, nlohmann::json fallback);
  bool Has(std::string_view key) const;

  // Reads a string field and maps it through `parse`; `allowed` lists the
  // accepted values for the message.
  template <typename E, typename ParseFn>
  E Enum(std::string_view key, ParseFn parse, std::string_view allowed,
         std::optional<E> fallback = std::nullopt) {
    const nlohmann::json* v = Field(key, !fallback.has_value());
    if (v == nullptr) return fallback.value_or(E{});
    if (!v->is_string()) {
      TypeIssue(key, "string", *v);
      return E{};
    }
    std::optional<E> e = parse(v->get_ref<const std::string&>());
    if (!e) {
      Add(key, "expected one of " + std::string(allowed) + ", got \"" +
                   v->get<std::string>() + "\"");
      return E{};
    }
    return *e;
  }

  // Records an issue at this object's field `key` (e.g. a cross-field rule).
  void Add(std::string_view key, std::string message);
  // Records "unknown field" for every key that was not read. Call last.
  void RejectUnknownFields();

  std::string PathOf(std::string_view key) const;
  bool ok() const { return issues_->empty(); }

 private:
  const nlohmann::json* Field(std::string_view key, bool required);
  void TypeIssue(std::string_view key, std::string_view expected,
                 const nlohmann::json& got);
  bool CheckString(std::string_view key, const std::string& s,
                   const StringRules& rules);

  const nlohmann::json* value_;
  std::string path_;
  // Set when this object is missing or not an object: its issue is already
  // recorded, so its fields add none ("x.y: required" would be noise).
  bool muted_ = false;
  std::vector<FieldIssue>* issues_;
  std::set<std::string, std::less<>> read_;
  static const nlohmann::json kEmptyObject;
};

// Parses a whole document of type T, which provides
//   static T Read(JsonReader&);   and   static constexpr char kKind[].
template <typename T>
Result<T> ParseDocument(const nlohmann::json& j) {
  std::vector<FieldIssue> issues;
  JsonReader reader(j, "", &issues);
  T value = T::Read(reader);
  if (!issues.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string("invalid ") + T::kKind, std::move(issues));
  }
  return value;
}

// Parses JSON text; malformed text is an INVALID_ARGUMENT naming the byte.
Result<nlohmann::json> ParseJsonText(std::string_view text);

template <typename T>
Result<T> ParseDocumentText(std::string_view text) {
  ASSIGN_OR_RETURN(nlohmann::json j, ParseJsonText(text),
                   std::string("invalid ") + T::kKind);
  return ParseDocument<T>(j);
}

}  // namespace miri

#endif  // MIRI_DOMAIN_JSON_READER_H_
