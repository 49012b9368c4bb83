#include "domain/timeline.h"

#include <set>

#include "domain/json_reader.h"
#include "domain/project.h"

namespace miri::render {

namespace {

std::string ShotPath(size_t i) { return "shots[" + std::to_string(i) + "]"; }

// Cross-shot rules: non-empty, ordered, non-overlapping, unique ids.
void CheckShots(const Timeline& t, std::vector<FieldIssue>* issues) {
  if (t.shots.empty()) {
    issues->push_back({"shots", "must not be empty"});
    return;
  }
  std::set<std::string, std::less<>> ids;
  for (size_t i = 0; i < t.shots.size(); ++i) {
    const TimelineShot& s = t.shots[i];
    if (!s.shot_id.empty() && !ids.insert(s.shot_id).second) {
      issues->push_back(
          {ShotPath(i) + ".shotId", "duplicate shot id \"" + s.shot_id + "\""});
    }
    if (i == 0) continue;
    const TimelineShot& prev = t.shots[i - 1];
    if (s.start_ms < prev.end_ms) {
      issues->push_back({ShotPath(i) + ".startMs",
                         std::to_string(s.start_ms) +
                             " overlaps or precedes shot \"" + prev.shot_id +
                             "\" which ends at " + std::to_string(prev.end_ms) +
                             " (shots must be in order and must not overlap)"});
    }
  }
}

void CheckShotFields(const TimelineShot& s, size_t i,
                     std::vector<FieldIssue>* issues) {
  if (s.shot_id.empty())
    issues->push_back({ShotPath(i) + ".shotId", "must not be empty"});
  if (s.clip.empty())
    issues->push_back({ShotPath(i) + ".clip", "must not be empty"});
  if (s.start_ms < 0 || s.start_ms > kMaxTimelineMs)
    issues->push_back({ShotPath(i) + ".startMs", "out of range"});
  if (s.end_ms <= s.start_ms) {
    issues->push_back(
        {ShotPath(i) + ".endMs",
         "must be greater than startMs (" + std::to_string(s.start_ms) + ")"});
  }
}

}  // namespace

Result<Timeline> ParseTimelineJson(std::string_view text) {
  ASSIGN_OR_RETURN(nlohmann::json j, ParseJsonText(text), "invalid timeline");
  std::vector<FieldIssue> issues;
  JsonReader root(j, "", &issues);
  if (!root.Has("shots") && j.is_object()) root.Add("shots", "required");
  Timeline t;
  std::vector<JsonReader> shots = root.ObjectArray("shots");
  for (JsonReader& r : shots) {
    TimelineShot s;
    s.shot_id = r.String("shotId", kNonEmpty);
    s.start_ms = r.Int("startMs", 0, kMaxTimelineMs);
    s.end_ms = r.Int("endMs", 0, kMaxTimelineMs);
    s.clip = r.String("clip", kNonEmpty);
    r.RejectUnknownFields();
    t.shots.push_back(std::move(s));
  }
  root.RejectUnknownFields();
  if (!issues.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid timeline",
                     std::move(issues));
  }
  Result<void> valid = ValidateTimeline(t);
  if (!valid) return tl::unexpected<Error>(std::move(valid).error());
  return t;
}

Result<void> ValidateTimeline(const Timeline& timeline) {
  std::vector<FieldIssue> issues;
  for (size_t i = 0; i < timeline.shots.size(); ++i)
    CheckShotFields(timeline.shots[i], i, &issues);
  CheckShots(timeline, &issues);
  if (!issues.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid timeline",
                     std::move(issues));
  }
  return {};
}

nlohmann::json TimelineToJson(const Timeline& timeline) {
  nlohmann::json shots = nlohmann::json::array();
  for (const TimelineShot& s : timeline.shots) {
    shots.push_back({{"shotId", s.shot_id},
                     {"startMs", s.start_ms},
                     {"endMs", s.end_ms},
                     {"clip", s.clip}});
  }
  return {{"shots", shots}};
}

}  // namespace miri::render
