// Conversion between our JSON documents and Firestore v1 values. Each
// top-level JSON member becomes one document field; JSON integers become
// integerValue and other numbers doubleValue, so a document read back
// compares equal to the one written.
#ifndef MIRI_ADAPTERS_FIRESTORE_FIRESTORE_VALUE_H_
#define MIRI_ADAPTERS_FIRESTORE_FIRESTORE_VALUE_H_

#include <google/firestore/v1/document.pb.h>

#include <nlohmann/json.hpp>

#include "domain/result.h"

namespace miri::firestore {

google::firestore::v1::Value ToValue(const nlohmann::json& j);
// Values with no JSON equivalent (timestamps, references, bytes, geo
// points) are INVALID_ARGUMENT: we never write them.
Result<nlohmann::json> FromValue(const google::firestore::v1::Value& v);

// `j` must be an object.
void SetFields(const nlohmann::json& j, google::firestore::v1::Document* doc);
Result<nlohmann::json> FieldsToJson(const google::firestore::v1::Document& doc);

}  // namespace miri::firestore

#endif  // MIRI_ADAPTERS_FIRESTORE_FIRESTORE_VALUE_H_
