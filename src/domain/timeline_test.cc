#include "domain/timeline.h"

#include <gtest/gtest.h>

namespace miri::render {
namespace {

std::string IssuesOf(const Result<Timeline>& r) {
  return r ? std::string("<ok>") : r.error().ToString();
}

TEST(ParseTimelineTest, ReadsShotsInOrder) {
  Result<Timeline> t = ParseTimelineJson(R"({"shots": [
      {"shotId": "s1", "startMs": 0, "endMs": 1500, "clip": "a.mp4"},
      {"shotId": "s2", "startMs": 1500, "endMs": 3001, "clip": "dir/b.mp4"}]})");
  ASSERT_TRUE(t) << IssuesOf(t);
  ASSERT_EQ(t->shots.size(), 2u);
  EXPECT_EQ(t->shots[1].shot_id, "s2");
  EXPECT_EQ(t->shots[1].start_ms, 1500);
  EXPECT_EQ(t->shots[1].end_ms, 3001);
  EXPECT_EQ(t->shots[1].clip, "dir/b.mp4");
}

TEST(ParseTimelineTest, EmptyTimelineIsAnError) {
  Result<Timeline> t = ParseTimelineJson(R"({"shots": []})");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(IssuesOf(t).find("shots: must not be empty"), std::string::npos)
      << IssuesOf(t);
}

TEST(ParseTimelineTest, MissingShotsIsAnError) {
  Result<Timeline> t = ParseTimelineJson(R"({})");
  ASSERT_FALSE(t);
  EXPECT_NE(IssuesOf(t).find("shots: required"), std::string::npos);
}

TEST(ParseTimelineTest, MalformedJsonNamesTheByte) {
  Result<Timeline> t = ParseTimelineJson(R"({"shots": [)");
  ASSERT_FALSE(t);
  EXPECT_NE(IssuesOf(t).find("malformed JSON"), std::string::npos);
}

TEST(ParseTimelineTest, BadFieldsAreNamedWithTheirPath) {
  Result<Timeline> t = ParseTimelineJson(R"({"shots": [
      {"shotId": "s1", "startMs": "0", "endMs": 10, "clip": "a.mp4"},
      {"shotId": "s2", "startMs": 100, "clip": ""}]})");
  ASSERT_FALSE(t);
  std::string msg = IssuesOf(t);
  EXPECT_NE(msg.find("shots[0].startMs: expected integer, got string"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("shots[1].endMs: required"), std::string::npos) << msg;
  EXPECT_NE(msg.find("shots[1].clip: must not be empty"), std::string::npos)
      << msg;
}

TEST(ParseTimelineTest, UnknownFieldIsRefused) {
  Result<Timeline> t = ParseTimelineJson(R"({"shots": [
      {"shotId": "s1", "startMs": 0, "endMs": 10, "clip": "a", "strat": 1}]})");
  ASSERT_FALSE(t);
  EXPECT_NE(IssuesOf(t).find("shots[0].strat: unknown field"),
            std::string::npos);
}

TEST(ParseTimelineTest, EndMustFollowStart) {
  Result<Timeline> t = ParseTimelineJson(R"({"shots": [
      {"shotId": "s1", "startMs": 500, "endMs": 500, "clip": "a"}]})");
  ASSERT_FALSE(t);
  EXPECT_NE(IssuesOf(t).find("shots[0].endMs: must be greater than startMs"),
            std::string::npos)
      << IssuesOf(t);
}

TEST(ParseTimelineTest, OverlappingShotsNameBothShots) {
  Result<Timeline> t = ParseTimelineJson(R"({"shots": [
      {"shotId": "s1", "startMs": 0, "endMs": 1000, "clip": "a"},
      {"shotId": "s2", "startMs": 999, "endMs": 2000, "clip": "b"}]})");
  ASSERT_FALSE(t);
  std::string msg = IssuesOf(t);
  EXPECT_NE(msg.find("shots[1].startMs"), std::string::npos) << msg;
  EXPECT_NE(msg.find("\"s1\""), std::string::npos) << msg;
}

TEST(ParseTimelineTest, DuplicateShotIdIsRefused) {
  Result<Timeline> t = ParseTimelineJson(R"({"shots": [
      {"shotId": "s1", "startMs": 0, "endMs": 1000, "clip": "a"},
      {"shotId": "s1", "startMs": 1000, "endMs": 2000, "clip": "b"}]})");
  ASSERT_FALSE(t);
  EXPECT_NE(IssuesOf(t).find("shots[1].shotId: duplicate"), std::string::npos)
      << IssuesOf(t);
}

TEST(ParseTimelineTest, RoundTripsThroughJson) {
  Timeline t;
  t.shots.push_back({"s1", 0, 1234, "a.mp4"});
  t.shots.push_back({"s2", 2000, 4000, "b.mp4"});
  Result<Timeline> back = ParseTimelineJson(TimelineToJson(t).dump());
  ASSERT_TRUE(back) << IssuesOf(back);
  EXPECT_EQ(*back, t);
}

}  // namespace
}  // namespace miri::render
