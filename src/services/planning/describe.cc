#include "services/planning/describe.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "domain/audit.h"
#include "domain/screen.h"

namespace miri {

namespace {

enum class Mood { kCalm, kSteady, kBright };

Mood MoodOf(double energy_db, double median_db) {
  if (energy_db < median_db - 2) return Mood::kCalm;
  if (energy_db > median_db + 2) return Mood::kBright;
  return Mood::kSteady;
}

std::string BaseLabel(const std::string& label) {
  return label.substr(0, label.find(' '));
}

}  // namespace

void LabelScenes(std::vector<SceneTraits>& scenes) {
  double sum = 0;
  int vocal = 0;
  for (const SceneTraits& s : scenes)
    if (s.vocal) sum += s.energy_db, ++vocal;
  double mean = vocal ? sum / vocal : 0;
  std::map<std::string, int> count, seen;
  for (SceneTraits& s : scenes) {
    if (!s.vocal) {
      s.label = s.first && scenes.size() > 1  ? "intro"
                : s.last && scenes.size() > 1 ? "outro"
                                              : "instrumental";
    } else {
      s.label = vocal > 1 && s.energy_db >= mean + 1.5 ? "chorus" : "verse";
    }
    ++count[s.label];
  }
  for (SceneTraits& s : scenes) {
    if (s.label == "intro" || s.label == "outro" || count[s.label] < 2)
      continue;
    s.label += " " + std::to_string(++seen[s.label]);
  }
}

std::string SceneDescription(const SceneTraits& s, double median_db) {
  static const char* kSetting[] = {
      "a quiet street in soft rain, grey light",
      "a rainy town square, reflections on wet stones",
      "a lane of bright umbrellas and puddles, colour returning"};
  std::string base = BaseLabel(s.label);
  std::string mood = MoodOf(s.energy_db, median_db) == Mood::kCalm ? "calm"
                     : MoodOf(s.energy_db, median_db) == Mood::kBright
                         ? "bright, energetic"
                         : "gentle, moving";
  return base + ", " + mood + ": " +
         kSetting[static_cast<int>(MoodOf(s.energy_db, median_db))];
}

ShotLook DescribeShot(const SceneTraits& s, double median_db, int index,
                      const std::string& snippet) {
  static const char* kFraming[] = {"Wide shot", "Medium shot",
                                   "Close-up on hands", "Low-angle shot",
                                   "Over-the-shoulder shot"};
  static const char* kCalm[] = {"Miri stands still, watching the rain",
                                "Miri walks slowly, looking around",
                                "Miri holds out a hand to catch drops"};
  static const char* kSteady[] = {"Miri walks along the street",
                                  "Miri steps around a puddle",
                                  "Miri looks up at the clouds"};
  static const char* kBright[] = {
      "Miri spins slowly with her umbrella",
      "Miri skips through shallow puddles",
      "Miri walks briskly, smiling with her mouth closed"};
  static const char* kScenery[] = {"rain falling on an empty street",
                                   "ripples spreading across a puddle",
                                   "clouds drifting over the rooftops"};
  // Where each action ends a few seconds on: the end frame's change (the
  // same framing, calm and modest, as every description).
  static const char* kCalmEnd[] = {
      "Miri has turned her head toward the camera, still calm",
      "Miri has stopped and looks over her shoulder",
      "raindrops gather in Miri's open palm"};
  static const char* kSteadyEnd[] = {
      "Miri has walked a few steps further along the street",
      "Miri stands on the far side of the puddle",
      "Miri lowers her gaze from the clouds to the street"};
  static const char* kBrightEnd[] = {
      "Miri has finished her turn, the umbrella tilted back",
      "Miri lands beyond the last puddle, both feet on the ground",
      "Miri has crossed the frame, still smiling with her mouth closed"};
  static const char* kSceneryEnd[] = {"the rain thins to a drizzle",
                                      "the puddle settles to a still mirror",
                                      "a gap opens in the clouds"};
  ShotLook look;
  std::string base = BaseLabel(s.label);
  Mood mood = MoodOf(s.energy_db, median_db);
  // Lyric-less scenes alternate scenery shots with shots of Miri.
  look.shows_miri = s.vocal || index % 2 == 1;
  std::string action;
  if (!look.shows_miri) {
    action = std::string("Scenery: ") + kScenery[index % 3];
    look.end_state = kSceneryEnd[index % 3];
  } else {
    const char** pool = mood == Mood::kCalm     ? kCalm
                        : mood == Mood::kBright ? kBright
                                                : kSteady;
    const char** ends = mood == Mood::kCalm     ? kCalmEnd
                        : mood == Mood::kBright ? kBrightEnd
                                                : kSteadyEnd;
    action = pool[index % 3];
    look.end_state = ends[index % 3];
  }
  look.description =
      std::string(kFraming[index % 5]) + ", " + base + ": " + action;
  if (!snippet.empty()) {
    size_t n = std::min<size_t>(80, snippet.size());
    // Never cut a UTF-8 sequence in half.
    while (n > 0 && n < snippet.size() &&
           (static_cast<unsigned char>(snippet[n]) & 0xC0) == 0x80)
      --n;
    std::string words = snippet.substr(0, n);
    // The description becomes prompt text: a lyric that would break the
    // depiction rules there ("every puddle sings") is not quoted.
    std::string evoking = "; evoking \"" + words + "\"";
    if (RequireSafeText("description", look.description + evoking,
                        TextChannel::kPlanEdit, look.shows_miri)) {
      look.description += evoking;
    }
  }
  // A child in the words is Miri.
  look.shows_miri = look.shows_miri || DepictsChild(look.description);
  return look;
}

void KeepDescriptionsSafe(std::vector<Shot>* shots,
                          std::vector<PlanWarning>* warnings) {
  for (Shot& s : *shots) {
    if (!s.shows_miri && DepictsChild(s.description)) {
      s.shows_miri = true;
      warnings->push_back(
          {"PLAN_CHILD_IS_MIRI",
           fmt::format("shot {} shows a child (\"{}\"): only Miri may appear "
                       "as a child, so it is drawn as Miri through her LoRA",
                       s.shot_id, s.description)});
    }
    // An end state that would break a rule is dropped: the clip starts
    // from the start frame alone.
    if (const Screening end =
            ScreenText(s.end_state, TextChannel::kPlanEdit, s.shows_miri);
        !end.allowed()) {
      warnings->push_back(
          {"PLAN_UNSAFE_DESCRIPTION",
           fmt::format("shot {}: the end state \"{}\" was dropped: {}",
                       s.shot_id, s.end_state, end.findings.front().message)});
      s.end_state.clear();
    }
    const Screening screening =
        ScreenText(s.description, TextChannel::kPlanEdit, s.shows_miri);
    if (screening.allowed()) continue;
    const std::string plain = s.shows_miri
                                  ? "Miri stands still, watching the rain"
                                  : "Scenery: rain falling on an empty street";
    warnings->push_back(
        {"PLAN_UNSAFE_DESCRIPTION",
         fmt::format("shot {}: \"{}\" was replaced by \"{}\": {}", s.shot_id,
                     s.description, plain,
                     screening.findings.front().message)});
    s.description = plain;
  }
}

}  // namespace miri
