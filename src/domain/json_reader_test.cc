#include "domain/json_reader.h"

#include <gtest/gtest.h>

namespace miri {
namespace {

using nlohmann::json;

TEST(JsonReaderTest, NonObjectIsNamedAtItsPath) {
  std::vector<FieldIssue> issues;
  JsonReader r(json::array(), "root", &issues);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0], (FieldIssue{"root", "expected object, got array"}));
}

TEST(JsonReaderTest, MissingRequiredFieldIsRequired) {
  std::vector<FieldIssue> issues;
  JsonReader r(json::object(), "", &issues);
  r.String("name");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0], (FieldIssue{"name", "required"}));
}

TEST(JsonReaderTest, NullCountsAsMissing) {
  std::vector<FieldIssue> issues;
  const json doc = json{{"flag", nullptr}};
  JsonReader r(doc, "", &issues);
  EXPECT_TRUE(r.Bool("flag", true));
  EXPECT_TRUE(issues.empty());
}

TEST(JsonReaderTest, NestedPathsAreDotted) {
  std::vector<FieldIssue> issues;
  json j = {{"outer", {{"inner", "x"}}}};
  JsonReader r(j, "", &issues);
  JsonReader outer = r.Object("outer");
  outer.Bool("inner");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].path, "outer.inner");
  EXPECT_EQ(issues[0].message, "expected boolean, got string");
}

TEST(JsonReaderTest, UnknownFieldsAreRefused) {
  std::vector<FieldIssue> issues;
  const json doc = json{{"a", 1}, {"typo", 2}};
  JsonReader r(doc, "", &issues);
  r.Int("a", 0, 10);
  r.RejectUnknownFields();
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0], (FieldIssue{"typo", "unknown field"}));
}

TEST(JsonReaderTest, IntegerRulesNameTheBound) {
  std::vector<FieldIssue> issues;
  const json doc = json{{"a", -1}, {"b", 1.5}, {"c", 11}};
  JsonReader r(doc, "", &issues);
  r.Int("a", 0, 10);
  r.Int("b", 0, 10);
  r.Int("c", 0, 10);
  ASSERT_EQ(issues.size(), 3u);
  EXPECT_EQ(issues[0].message, "must be at least 0");
  EXPECT_EQ(issues[1].message, "expected integer, got fractional number");
  EXPECT_EQ(issues[2].message, "must be at most 10");
}

TEST(JsonReaderTest, HugeUnsignedIntegerIsOutOfRange) {
  std::vector<FieldIssue> issues;
  const json doc = json::parse(R"({"a": 18446744073709551615})");
  JsonReader r(doc, "", &issues);
  r.Int("a", 0, 10);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].message, "must be at most 10");
}

TEST(JsonReaderTest, ArrayItemsAreIndexed) {
  std::vector<FieldIssue> issues;
  const json doc = json{{"ids", {"ok", 3, "bad id!"}}};
  JsonReader r(doc, "", &issues);
  std::vector<std::string> ids = r.StringArray("ids", kIdRules);
  EXPECT_EQ(ids, std::vector<std::string>{"ok"});
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].path, "ids[1]");
  EXPECT_EQ(issues[1].path, "ids[2]");
}

TEST(JsonReaderTest, StringFormats) {
  EXPECT_TRUE(IsUuid("123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_FALSE(IsUuid("123e4567e89b12d3a456426614174000"));
  EXPECT_FALSE(IsUuid("123e4567-e89b-12d3-a456-42661417400g"));
  EXPECT_TRUE(IsIsoDateTime("2026-03-02T10:15:04Z"));
  EXPECT_TRUE(IsIsoDateTime("2026-03-02T10:15:04.123Z"));
  EXPECT_FALSE(IsIsoDateTime("2026-03-02 10:15:04Z"));
  EXPECT_FALSE(IsIsoDateTime("2026-13-02T10:15:04Z"));
  EXPECT_FALSE(IsIsoDateTime("2026-03-02T10:15:04+01:00"));
  EXPECT_TRUE(IsSafeId("shot_01-a"));
  EXPECT_FALSE(IsSafeId("../etc"));
  EXPECT_FALSE(IsSafeId(""));
  EXPECT_FALSE(IsSafeId(std::string(65, 'a')));
}

TEST(JsonReaderTest, MalformedTextNamesTheByte) {
  Result<json> r = ParseJsonText("{\"a\": ");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("malformed JSON at byte"),
            std::string::npos);
}

// Fuzz finding (fuzz/json_fuzzer, issue 21 item 8): a number beyond double
// made nlohmann throw out_of_range, which escaped ParseJsonText (a 500 on
// every route that reads JSON).
TEST(JsonReaderTest, NumberBeyondDoubleIsInvalidArgument) {
  for (const char* text : {"{\"budgetCapUsd\": 1e400}", "[-1e400]", "1E999"}) {
    Result<json> r = ParseJsonText(text);
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << text;
    EXPECT_NE(r.error().message.find("number out of range"), std::string::npos)
        << r.error().message;
  }
}

}  // namespace
}  // namespace miri
