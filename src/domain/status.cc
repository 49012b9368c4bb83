#include "domain/status.h"

#include <string>

namespace miri {

std::string_view ShotStatusName(ShotStatus s) {
  switch (s) {
    case ShotStatus::kDraft:
      return "DRAFT";
    case ShotStatus::kValidation:
      return "VALIDATION";
    case ShotStatus::kGeneratingImage:
      return "GENERATING_IMAGE";
    case ShotStatus::kAwaitingApproval:
      return "AWAITING_APPROVAL";
    case ShotStatus::kRefining:
      return "REFINING";
    case ShotStatus::kGeneratingVideo:
      return "GENERATING_VIDEO";
    case ShotStatus::kCompleted:
      return "COMPLETED";
    case ShotStatus::kFailed:
      return "FAILED";
  }
  return "?";
}

std::optional<ShotStatus> ParseShotStatus(std::string_view name) {
  for (ShotStatus s : kAllShotStatuses) {
    if (ShotStatusName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view ProjectStatusName(ProjectStatus s) {
  switch (s) {
    case ProjectStatus::kAudioAnalysis:
      return "AUDIO_ANALYSIS";
    case ProjectStatus::kPlanned:
      return "PLANNED";
    case ProjectStatus::kFinalRender:
      return "FINAL_RENDER";
    case ProjectStatus::kRendered:
      return "RENDERED";
    case ProjectStatus::kFailed:
      return "FAILED";
  }
  return "?";
}

std::optional<ProjectStatus> ParseProjectStatus(std::string_view name) {
  for (ProjectStatus s : kAllProjectStatuses) {
    if (ProjectStatusName(s) == name) return s;
  }
  return std::nullopt;
}

namespace {

using S = ShotStatus;

// States in which a provider or the pipeline is working on the shot; a
// failure after retries, an open breaker or an exhausted budget may end them.
bool IsWorking(S s) {
  return s == S::kDraft || s == S::kValidation || s == S::kGeneratingImage ||
         s == S::kRefining || s == S::kGeneratingVideo;
}

}  // namespace

bool IsLegalShotTransition(std::optional<ShotStatus> from, ShotStatus to) {
  if (!from) return to == S::kDraft;
  if (to == S::kFailed) return IsWorking(*from);
  switch (*from) {
    case S::kDraft:
      return to == S::kValidation;
    case S::kValidation:
      return to == S::kGeneratingImage || to == S::kDraft;
    case S::kGeneratingImage:
      return to == S::kAwaitingApproval;
    case S::kAwaitingApproval:
      return to == S::kRefining || to == S::kDraft || to == S::kGeneratingVideo;
    case S::kRefining:
      return to == S::kAwaitingApproval;
    case S::kGeneratingVideo:
      return to == S::kCompleted;
    case S::kFailed:
      return to == S::kDraft;  // a person retries the shot
    case S::kCompleted:
      return false;
  }
  return false;
}

Result<void> CheckShotTransition(std::optional<ShotStatus> from,
                                 ShotStatus to) {
  if (IsLegalShotTransition(from, to)) return {};
  std::string from_name =
      from ? std::string(ShotStatusName(*from)) : std::string("(planned)");
  std::string legal;
  for (ShotStatus s : kAllShotStatuses) {
    if (IsLegalShotTransition(from, s)) {
      if (!legal.empty()) legal += ", ";
      legal += ShotStatusName(s);
    }
  }
  return MakeError(ErrorCode::kFailedPrecondition,
                   "illegal shot transition " + from_name + " -> " +
                       std::string(ShotStatusName(to)) + " (legal from " +
                       from_name + ": " + (legal.empty() ? "none" : legal) +
                       ")");
}

bool IsLegalProjectTransition(std::optional<ProjectStatus> from,
                              ProjectStatus to) {
  using P = ProjectStatus;
  if (!from) return to == P::kAudioAnalysis;
  if (to == P::kFailed) return *from != P::kRendered && *from != P::kFailed;
  switch (*from) {
    case P::kAudioAnalysis:
      return to == P::kPlanned;
    case P::kPlanned:
      return to == P::kFinalRender;
    case P::kFinalRender:
      return to == P::kRendered;
    // A finished video may be rendered again (other fps, size, preset).
    case P::kRendered:
      return to == P::kFinalRender;
    // A failed render may be tried again (a clip restored, a disk freed).
    case P::kFailed:
      return to == P::kFinalRender;
  }
  return false;
}

}  // namespace miri
