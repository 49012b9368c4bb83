// The director's proposal for a project's uploaded song and lyrics, as a
// use case: the dashboard's "propose a plan" (POST .../plan). Nothing is
// committed; the person edits the proposal, then commits it
// (CommandService::CommitPlan).
#ifndef MIRI_SERVICES_PLANNING_PROPOSE_H_
#define MIRI_SERVICES_PLANNING_PROPOSE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/result.h"
#include "ports/blob_store.h"
#include "ports/director.h"
#include "ports/store.h"

namespace miri {

// Whether the project can be planned: NOT_FOUND for an unknown project;
// FAILED_PRECONDITION naming "song" and "lyrics" when either is not
// uploaded yet, or "status" when the project has its plan already.
Result<void> CheckReadyToPlan(Store& store, BlobStore& blobs,
                              std::string_view project_id);

// Stores a project's lyrics (LRC, SRT or plain) after reading them as the
// director will: a file that does not parse, or passes the bounds of
// services/planning/lyrics.h, is refused (INVALID_ARGUMENT naming the line
// and the limit, issue path "lyrics") and the lyrics stored before are
// kept. NOT_FOUND for an unknown project. Returns the blob key.
Result<std::string> UploadLyrics(Store& store, BlobStore& blobs,
                                 std::string_view project_id,
                                 std::string_view text);

// The model of the project's active DIRECTOR agent config, read at call
// time; empty (the embedded director) when it has none or it is inactive.
Result<std::string> DirectorModel(Store& store, std::string_view project_id);

// CheckReadyToPlan, then the director's plan of the uploaded song and
// lyrics, asked of the DIRECTOR's model (DirectorModel; the director's
// error when it fails).
Result<Plan> ProposePlan(Store& store, BlobStore& blobs, Director& director,
                         std::string_view project_id);

// The proposal as POST .../plan answers it ({durationMs, tempoBpm, scenes,
// shots, warnings}) is at most this many bytes of JSON (issue 21 item 1:
// a 250 KB lyrics file once made a 3 GB answer).
inline constexpr size_t kMaxProposalBytes = size_t{4} << 20;

// The proposal's JSON, built scene by scene and shot by shot so a plan
// over `max_bytes` is refused as soon as it passes the bound (it never
// sits whole in memory): INVALID_ARGUMENT, issue path "plan", naming the
// limit.
Result<nlohmann::json> ProposalJson(const Plan& plan,
                                    size_t max_bytes = kMaxProposalBytes);

}  // namespace miri

#endif  // MIRI_SERVICES_PLANNING_PROPOSE_H_
