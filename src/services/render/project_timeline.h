// The render timeline of a project in the store: its shots in start order,
// each with its slot and the clip of its current version (the newest VIDEO
// version with an output), resolved to a local file through the BlobStore.
#ifndef MIRI_SERVICES_RENDER_PROJECT_TIMELINE_H_
#define MIRI_SERVICES_RENDER_PROJECT_TIMELINE_H_

#include <string_view>

#include "domain/result.h"
#include "domain/timeline.h"
#include "ports/blob_store.h"
#include "ports/store.h"

namespace miri::render {

// FAILED_PRECONDITION naming the shot when a shot is not COMPLETED or has
// no VIDEO version with an output; the BlobStore's error (NOT_FOUND) naming
// the shot when its clip blob is missing; INVALID_ARGUMENT when the shots
// overlap or there are none.
Result<Timeline> TimelineFromProject(Store& store, BlobStore& blobs,
                                     std::string_view project_id);

}  // namespace miri::render

#endif  // MIRI_SERVICES_RENDER_PROJECT_TIMELINE_H_
