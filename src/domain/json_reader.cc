#include "domain/json_reader.h"

#include <cctype>
#include <cmath>
#include <limits>

namespace miri {

using nlohmann::json;

const json JsonReader::kEmptyObject = json::object();

namespace {

bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int Digits(std::string_view s, size_t pos, size_t n) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

std::string Quote(std::string_view s) {
  if (s.size() > 60) return "\"" + std::string(s.substr(0, 57)) + "...\"";
  return "\"" + std::string(s) + "\"";
}

}  // namespace

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !IsHex(s[i])) return false;
  }
  return true;
}

bool IsIsoDateTime(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z
  if (s.size() < 20) return false;
  const char* shape = "dddd-dd-ddTdd:dd:dd";
  for (size_t i = 0; i < 19; ++i) {
    if (shape[i] == 'd' ? !IsDigit(s[i]) : s[i] != shape[i]) return false;
  }
  size_t i = 19;
  if (s[i] == '.') {
    size_t start = ++i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == start || i - start > 9) return false;
  }
  if (i + 1 != s.size() || s[i] != 'Z') return false;
  int month = Digits(s, 5, 2), day = Digits(s, 8, 2);
  int hour = Digits(s, 11, 2), minute = Digits(s, 14, 2);
  int second = Digits(s, 17, 2);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 &&
         minute <= 59 && second <= 60;
}

bool IsSafeId(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
      return false;
  }
  return true;
}

JsonReader::JsonReader(const json& value, std::string path,
                       std::vector<FieldIssue>* issues)
    : value_(&value), path_(std::move(path)), issues_(issues) {
  if (!value.is_object()) {
    issues_->push_back(
        {path_, std::string("expected object, got ") + value.type_name()});
    value_ = &kEmptyObject;
    muted_ = true;
  }
}

JsonReader JsonReader::Muted(std::string path,
                             std::vector<FieldIssue>* issues) {
  JsonReader r(kEmptyObject, std::move(path), issues);
  r.muted_ = true;
  return r;
}

std::string JsonReader::PathOf(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void JsonReader::Add(std::string_view key, std::string message) {
  if (muted_) return;
  issues_->push_back({PathOf(key), std::move(message)});
}

bool JsonReader::Has(std::string_view key) const {
  auto it = value_->find(key);
  return it != value_->end() && !it->is_null();
}

const json* JsonReader::Field(std::string_view key, bool required) {
  read_.emplace(key);
  auto it = value_->find(key);
  if (it == value_->end() || it->is_null()) {
    if (required) Add(key, "required");
    return nullptr;
  }
  return &*it;
}

void JsonReader::TypeIssue(std::string_view key, std::string_view expected,
                           const json& got) {
  Add(key, "expected " + std::string(expected) + ", got " + got.type_name());
}

bool JsonReader::CheckString(std::string_view key, const std::string& s,
                             const StringRules& rules) {
  if (s.size() < rules.min_length) {
    Add(key, rules.min_length == 1
                 ? std::string("must not be empty")
                 : "must be at least " + std::to_string(rules.min_length) +
                       " characters");
    return false;
  }
  if (s.size() > rules.max_length) {
    Add(key,
        "must be at most " + std::to_string(rules.max_length) + " characters");
    return false;
  }
  switch (rules.format) {
    case StringFormat::kAny:
      return true;
    case StringFormat::kUuid:
      if (IsUuid(s)) return true;
      Add(key, "expected a UUID, got " + Quote(s));
      return false;
    case StringFormat::kDateTime:
      if (IsIsoDateTime(s)) return true;
      Add(key,
          "expected an ISO-8601 UTC date-time (2026-01-31T12:00:00Z), got " +
              Quote(s));
      return false;
    case StringFormat::kId:
      if (IsSafeId(s)) return true;
      Add(key, "expected an id of 1-64 letters, digits, '-' or '_', got " +
                   Quote(s));
      return false;
  }
  return true;
}

std::string JsonReader::String(std::string_view key, StringRules rules) {
  const json* v = Field(key, true);
  if (v == nullptr) return {};
  if (!v->is_string()) {
    TypeIssue(key, "string", *v);
    return {};
  }
  const auto& s = v->get_ref<const std::string&>();
  return CheckString(key, s, rules) ? s : std::string();
}

std::optional<std::string> JsonReader::OptionalString(std::string_view key,
                                                      StringRules rules) {
  const json* v = Field(key, false);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    TypeIssue(key, "string", *v);
    return std::nullopt;
  }
  const auto& s = v->get_ref<const std::string&>();
  if (!CheckString(key, s, rules)) return std::nullopt;
  return s;
}

int64_t JsonReader::Int(std::string_view key, int64_t min, int64_t max) {
  const json* v = Field(key, true);
  if (v == nullptr) return min;
  if (!v->is_number_integer()) {
    if (v->is_number_float()) {
      Add(key, "expected integer, got fractional number");
    } else {
      TypeIssue(key, "integer", *v);
    }
    return min;
  }
  // Unsigned values above int64 max arrive as number_unsigned.
  if (v->is_number_unsigned() &&
      v->get<uint64_t>() > static_cast<uint64_t>(max)) {
    Add(key, "must be at most " + std::to_string(max));
    return min;
  }
  int64_t n = v->get<int64_t>();
  if (n < min) Add(key, "must be at least " + std::to_string(min));
  if (n > max) Add(key, "must be at most " + std::to_string(max));
  return n;
}

int64_t JsonReader::Int(std::string_view key, int64_t min, int64_t max,
                        int64_t fallback) {
  if (!Has(key)) {
    read_.emplace(key);
    return fallback;
  }
  return Int(key, min, max);
}

double JsonReader::Number(std::string_view key, double min, double max) {
  const json* v = Field(key, true);
  if (v == nullptr) return min;
  if (!v->is_number()) {
    TypeIssue(key, "number", *v);
    return min;
  }
  double d = v->get<double>();
  if (!std::isfinite(d) || d < min || d > max) {
    Add(key, "must be between " + nlohmann::json(min).dump() + " and " +
                 nlohmann::json(max).dump());
  }
  return d;
}

double JsonReader::Number(std::string_view key, double min, double max,
                          double fallback) {
  if (!Has(key)) {
    read_.emplace(key);
    return fallback;
  }
  return Number(key, min, max);
}

bool JsonReader::Bool(std::string_view key) {
  const json* v = Field(key, true);
  if (v == nullptr) return false;
  if (!v->is_boolean()) {
    TypeIssue(key, "boolean", *v);
    return false;
  }
  return v->get<bool>();
}

bool JsonReader::Bool(std::string_view key, bool fallback) {
  const json* v = Field(key, false);
  if (v == nullptr) return fallback;
  if (!v->is_boolean()) {
    TypeIssue(key, "boolean", *v);
    return fallback;
  }
  return v->get<bool>();
}

std::vector<std::string> JsonReader::StringArray(std::string_view key,
                                                 StringRules rules,
                                                 bool optional) {
  const json* v = Field(key, !optional);
  std::vector<std::string> out;
  if (v == nullptr) return out;
  if (!v->is_array()) {
    TypeIssue(key, "array", *v);
    return out;
  }
  for (size_t i = 0; i < v->size(); ++i) {
    const json& item = (*v)[i];
    std::string item_key = std::string(key) + "[" + std::to_string(i) + "]";
    if (!item.is_string()) {
      TypeIssue(item_key, "string", item);
      continue;
    }
    if (CheckString(item_key, item.get<std::string>(), rules)) {
      out.push_back(item.get<std::string>());
    }
  }
  return out;
}

JsonReader JsonReader::Object(std::string_view key) {
  const json* v = Field(key, true);
  // A missing field is already recorded as "required"; read {} quietly.
  if (v == nullptr) return Muted(PathOf(key), issues_);
  return JsonReader(*v, PathOf(key), issues_);
}

std::vector<JsonReader> JsonReader::ObjectArray(std::string_view key) {
  const json* v = Field(key, false);
  std::vector<JsonReader> out;
  if (v == nullptr) return out;
  if (!v->is_array()) {
    TypeIssue(key, "array", *v);
    return out;
  }
  out.reserve(v->size());
  for (size_t i = 0; i < v->size(); ++i) {
    out.emplace_back((*v)[i], PathOf(key) + "[" + std::to_string(i) + "]",
                     issues_);
  }
  return out;
}

json JsonReader::Raw(std::string_view key, json fallback) {
  const json* v = Field(key, false);
  return v == nullptr ? std::move(fallback) : *v;
}

void JsonReader::RejectUnknownFields() {
  for (auto it = value_->begin(); it != value_->end(); ++it) {
    if (read_.find(it.key()) == read_.end()) Add(it.key(), "unknown field");
  }
}

Result<json> ParseJsonText(std::string_view text) {
  // nlohmann reports the failing byte only through its exception; its
  // exceptions are caught here and never cross this function.
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "malformed JSON at byte " + std::to_string(e.byte));
  } catch (const json::out_of_range&) {
    // 1e400: a number beyond double (nlohmann's out_of_range.406).
    return MakeError(ErrorCode::kInvalidArgument,
                     "number out of range (beyond a double)");
  }
}

}  // namespace miri
