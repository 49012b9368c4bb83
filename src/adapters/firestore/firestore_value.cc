#include "adapters/firestore/firestore_value.h"

#include <string>

namespace miri::firestore {

namespace v1 = google::firestore::v1;

v1::Value ToValue(const nlohmann::json& j) {
  v1::Value v;
  switch (j.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      v.set_null_value(google::protobuf::NULL_VALUE);
      break;
    case nlohmann::json::value_t::boolean:
      v.set_boolean_value(j.get<bool>());
      break;
    case nlohmann::json::value_t::number_integer:
      v.set_integer_value(j.get<int64_t>());
      break;
    case nlohmann::json::value_t::number_unsigned: {
      uint64_t u = j.get<uint64_t>();
      if (u <= static_cast<uint64_t>(INT64_MAX)) {
        v.set_integer_value(static_cast<int64_t>(u));
      } else {
        v.set_double_value(static_cast<double>(u));
      }
      break;
    }
    case nlohmann::json::value_t::number_float:
      v.set_double_value(j.get<double>());
      break;
    case nlohmann::json::value_t::string:
      v.set_string_value(j.get<std::string>());
      break;
    case nlohmann::json::value_t::array: {
      v1::ArrayValue* a = v.mutable_array_value();
      for (const nlohmann::json& e : j) *a->add_values() = ToValue(e);
      break;
    }
    case nlohmann::json::value_t::object: {
      auto* fields = v.mutable_map_value()->mutable_fields();
      for (const auto& [k, e] : j.items()) (*fields)[k] = ToValue(e);
      break;
    }
    case nlohmann::json::value_t::binary:
      v.set_bytes_value(
          std::string(j.get_binary().begin(), j.get_binary().end()));
      break;
  }
  return v;
}

Result<nlohmann::json> FromValue(const v1::Value& v) {
  switch (v.value_type_case()) {
    case v1::Value::kNullValue:
      return nlohmann::json(nullptr);
    case v1::Value::kBooleanValue:
      return nlohmann::json(v.boolean_value());
    case v1::Value::kIntegerValue:
      return nlohmann::json(v.integer_value());
    case v1::Value::kDoubleValue:
      return nlohmann::json(v.double_value());
    case v1::Value::kStringValue:
      return nlohmann::json(v.string_value());
    case v1::Value::kArrayValue: {
      nlohmann::json a = nlohmann::json::array();
      for (const v1::Value& e : v.array_value().values()) {
        ASSIGN_OR_RETURN(nlohmann::json x, FromValue(e), "array element");
        a.push_back(std::move(x));
      }
      return a;
    }
    case v1::Value::kMapValue: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& [k, e] : v.map_value().fields()) {
        ASSIGN_OR_RETURN(o[k], FromValue(e), "field " + k);
      }
      return o;
    }
    default:
      return MakeError(ErrorCode::kInvalidArgument,
                       "unsupported Firestore value type " +
                           std::to_string(v.value_type_case()));
  }
}

void SetFields(const nlohmann::json& j, v1::Document* doc) {
  auto* fields = doc->mutable_fields();
  for (const auto& [k, e] : j.items()) (*fields)[k] = ToValue(e);
}

Result<nlohmann::json> FieldsToJson(const v1::Document& doc) {
  nlohmann::json o = nlohmann::json::object();
  for (const auto& [k, e] : doc.fields()) {
    ASSIGN_OR_RETURN(o[k], FromValue(e), doc.name());
  }
  return o;
}

}  // namespace miri::firestore
