// Sample documents for tests of anything built on the Store.
#ifndef MIRI_TESTING_STORE_FIXTURES_H_
#define MIRI_TESTING_STORE_FIXTURES_H_

#include <optional>
#include <string>

#include "ports/store.h"

namespace miri::testing {

// Test data builders shared by store tests.
ProjectConfig SampleProject(const std::string& id_suffix = "000000000000");
Shot SampleShot(const std::string& shot_id, int64_t start_ms, int64_t end_ms);
Version SampleVersion(const std::string& version_id,
                      const std::string& shot_id);
Event ShotEvent(const std::string& shot_id, std::optional<ShotStatus> from,
                ShotStatus to, const std::string& key);
// Moves a DRAFT shot along the happy path, DRAFT -> VALIDATION -> ... ->
// `last`, one event per step keyed "<shot>-<step>".
Result<void> WalkShot(Store& store, std::string_view project_id,
                      const std::string& shot_id, ShotStatus last);
// A plan of `n` 4-second shots in one scene, ids "<prefix>-<i>".
PlanCommit SamplePlan(const std::string& prefix, int n);

}  // namespace miri::testing

#endif  // MIRI_TESTING_STORE_FIXTURES_H_
