// Timeline: the cut the final render executes, as shots in order with their
// slot on the song's timeline and the clip that fills it.
//
// The JSON form is the stable contract of `miri render --timeline FILE`
// (scripts depend on it):
//   {"shots": [{"shotId": "s1", "startMs": 0, "endMs": 4200,
//               "clip": "clips/s1.mp4"}, ...]}
// Shots are in start order and do not overlap; a gap between shots renders
// black. Parsing is strict: every problem is reported with its field path.
#ifndef MIRI_DOMAIN_TIMELINE_H_
#define MIRI_DOMAIN_TIMELINE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/result.h"

namespace miri::render {

struct TimelineShot {
  std::string shot_id;
  int64_t start_ms = 0;  // on the song's timeline
  int64_t end_ms = 0;    // exclusive; > start_ms
  std::string clip;      // a path (file form) or a local blob path
  friend bool operator==(const TimelineShot&, const TimelineShot&) = default;
};

struct Timeline {
  std::vector<TimelineShot> shots;
  friend bool operator==(const Timeline&, const Timeline&) = default;
};

// Parses and validates the JSON form. INVALID_ARGUMENT lists every issue by
// path ("shots[2].endMs: must be greater than startMs (1000)").
Result<Timeline> ParseTimelineJson(std::string_view text);

// Validates an already-built timeline (e.g. one read from the store) with
// the same rules and messages as the JSON form.
Result<void> ValidateTimeline(const Timeline& timeline);

nlohmann::json TimelineToJson(const Timeline& timeline);

}  // namespace miri::render

#endif  // MIRI_DOMAIN_TIMELINE_H_
