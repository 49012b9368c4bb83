#include "adapters/firestore/firestore_value.h"

#include <gtest/gtest.h>

namespace miri::firestore {
namespace {

TEST(FirestoreValueTest, JsonRoundTripsThroughDocumentFields) {
  nlohmann::json j = {{"s", "rain"},
                      {"i", 42},
                      {"neg", -7},
                      {"d", 10.0},
                      {"f", 0.25},
                      {"b", true},
                      {"n", nullptr},
                      {"a", {1, "x", false}},
                      {"o", {{"k", {{"deep", 1.5}}}}},
                      {"empty", nlohmann::json::array()}};
  google::firestore::v1::Document doc;
  SetFields(j, &doc);
  EXPECT_EQ(doc.fields().at("i").integer_value(), 42);
  EXPECT_EQ(doc.fields().at("d").double_value(), 10.0);
  EXPECT_TRUE(doc.fields().at("empty").has_array_value());
  Result<nlohmann::json> back = FieldsToJson(doc);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, j);
  EXPECT_TRUE(back->at("d").is_number_float());
  EXPECT_TRUE(back->at("i").is_number_integer());
}

TEST(FirestoreValueTest, TimestampValueIsRefused) {
  google::firestore::v1::Value v;
  v.mutable_timestamp_value()->set_seconds(1);
  Result<nlohmann::json> j = FromValue(v);
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace miri::firestore
