// Lifecycle states of shots and projects (design.md section 4) and the shot
// state machine. Pure: no I/O.
#ifndef MIRI_DOMAIN_STATUS_H_
#define MIRI_DOMAIN_STATUS_H_

#include <array>
#include <optional>
#include <string_view>

#include "domain/result.h"

namespace miri {

enum class ShotStatus {
  kDraft,
  kValidation,
  kGeneratingImage,
  kAwaitingApproval,
  kRefining,
  kGeneratingVideo,
  kCompleted,
  kFailed,
};

inline constexpr std::array<ShotStatus, 8> kAllShotStatuses = {
    ShotStatus::kDraft,           ShotStatus::kValidation,
    ShotStatus::kGeneratingImage, ShotStatus::kAwaitingApproval,
    ShotStatus::kRefining,        ShotStatus::kGeneratingVideo,
    ShotStatus::kCompleted,       ShotStatus::kFailed};

inline constexpr std::string_view kShotStatusValues =
    "DRAFT, VALIDATION, GENERATING_IMAGE, AWAITING_APPROVAL, REFINING, "
    "GENERATING_VIDEO, COMPLETED, FAILED";

std::string_view ShotStatusName(ShotStatus s);
std::optional<ShotStatus> ParseShotStatus(std::string_view name);

enum class ProjectStatus {
  kAudioAnalysis,
  kPlanned,
  kFinalRender,
  kRendered,
  kFailed,
};

inline constexpr std::array<ProjectStatus, 5> kAllProjectStatuses = {
    ProjectStatus::kAudioAnalysis, ProjectStatus::kPlanned,
    ProjectStatus::kFinalRender, ProjectStatus::kRendered,
    ProjectStatus::kFailed};

inline constexpr std::string_view kProjectStatusValues =
    "AUDIO_ANALYSIS, PLANNED, FINAL_RENDER, RENDERED, FAILED";

std::string_view ProjectStatusName(ProjectStatus s);
std::optional<ProjectStatus> ParseProjectStatus(std::string_view name);

// The shot state machine. `from` is nullopt for a shot the director has just
// planned (only -> DRAFT is legal then). Every pair not in design.md's table
// is illegal.
bool IsLegalShotTransition(std::optional<ShotStatus> from, ShotStatus to);

// The same check as a Result whose FAILED_PRECONDITION message names both
// states and what is legal from `from`.
Result<void> CheckShotTransition(std::optional<ShotStatus> from, ShotStatus to);

// AUDIO_ANALYSIS -> PLANNED -> FINAL_RENDER -> RENDERED (-> FINAL_RENDER to
// render again), any state but RENDERED and FAILED -> FAILED, and
// FAILED -> FINAL_RENDER to retry a failed render; nullopt -> AUDIO_ANALYSIS
// for a new project. The pair check cannot see history: the command that
// starts a render (CommandService::StartFinalRender) refuses FAILED ->
// FINAL_RENDER unless the project failed in FINAL_RENDER and every shot is
// COMPLETED.
bool IsLegalProjectTransition(std::optional<ProjectStatus> from,
                              ProjectStatus to);

}  // namespace miri

#endif  // MIRI_DOMAIN_STATUS_H_
