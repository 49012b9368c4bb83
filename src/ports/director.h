// Director: turns a song and its lyrics into a plan of scenes and shots
// on the song's timeline (design.md section 2). The embedded default is a
// local analysis (services/planning/local_director.h); the cloud route is
// Gemini (adapters/gemini). Both return the same Plan, and a plan that
// leaves a Director through services/planning/checked_director.h tiles the
// song exactly: shots contiguous from 0 to durationMs, each within the
// limits, scenes made of whole shots.
//
// SongAnalyzer: decoding plus tempo/beat/onset/feature extraction, the
// input the local planner and the plan repair need.
//
// Thread-safety: implementations may be called from one thread at a time
// unless they say otherwise. Ownership: callers own requests and plans.
#ifndef MIRI_PORTS_DIRECTOR_H_
#define MIRI_PORTS_DIRECTOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "domain/project.h"
#include "domain/result.h"

namespace miri {

// A problem the plan survived, with a stable code scripts can match
// (e.g. LYRICS_PAST_END, PLAN_REPAIRED, LYRICS_ESTIMATED).
struct PlanWarning {
  std::string code;
  std::string message;
  friend bool operator==(const PlanWarning&, const PlanWarning&) = default;
};

// Shot durations must suit the video model. max >= 2 * min so any scene at
// least `min` long can be tiled.
struct PlanLimits {
  int64_t min_shot_ms = 2000;
  int64_t max_shot_ms = 10000;
  int64_t snap_tolerance_ms = 150;  // a cut moves to a beat this close
  int64_t min_scene_ms = 6000;      // shorter sections merge into neighbours

  // Error naming the offending field when the limits are inconsistent.
  Result<void> Validate() const;
};

// What an analyzer reports about the audio.
struct SongAnalysis {
  int64_t duration_ms = 0;
  double tempo_bpm = 0;            // 0 when no steady pulse was found
  std::vector<int64_t> beats_ms;   // ascending
  std::vector<int64_t> onsets_ms;  // ascending
  // Frame features for segmentation: `frames` rows of `dims` values, one
  // row every `frame_ms`; energy_db has one value per row.
  double frame_ms = 0;
  int dims = 0;
  std::vector<float> features;
  std::vector<float> energy_db;
};

class SongAnalyzer {
 public:
  virtual ~SongAnalyzer() = default;
  // Errors name the problem with the file (not audio, truncated, ...).
  virtual Result<SongAnalysis> Analyze(const std::string& audio_path) = 0;
};

struct PlanRequest {
  std::string audio_path;
  std::string lyrics_text;    // UTF-8; LRC, SRT or plain
  std::string lyrics_format;  // "lrc", "srt", "plain" or "" to detect
  PlanLimits limits;
  std::string llm_model;  // for cloud directors; empty = their default
};

struct Plan {
  int64_t duration_ms = 0;
  double tempo_bpm = 0;
  std::vector<int64_t> beats_ms;
  std::vector<Scene> scenes;
  std::vector<Shot> shots;
  std::vector<PlanWarning> warnings;
  // Who made it: "local" (the embedded director) or the cloud model id
  // (services/planning/choosing_director.h); empty when not recorded.
  std::string director;
};

class Director {
 public:
  virtual ~Director() = default;
  virtual Result<Plan> MakePlan(const PlanRequest& request) = 0;
};

inline Result<void> PlanLimits::Validate() const {
  std::vector<FieldIssue> issues;
  if (min_shot_ms < 500) issues.push_back({"minShotMs", "must be >= 500"});
  if (max_shot_ms < 2 * min_shot_ms) {
    issues.push_back({"maxShotMs",
                      "must be at least twice minShotMs so every scene can be "
                      "tiled"});
  }
  if (snap_tolerance_ms < 0 || snap_tolerance_ms > min_shot_ms / 2) {
    issues.push_back({"snapToleranceMs", "must be within 0..minShotMs/2"});
  }
  if (min_scene_ms < min_shot_ms) {
    issues.push_back({"minSceneMs", "must be >= minShotMs"});
  }
  if (!issues.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid plan limits",
                     std::move(issues));
  }
  return {};
}

}  // namespace miri

#endif  // MIRI_PORTS_DIRECTOR_H_
