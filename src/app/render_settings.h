// How the final render runs, from the environment (`miri serve` and
// `miri render --project` read the same variables):
//   MIRI_RENDER_LEASE_MS   how long a render lease lasts without renewal
//                          (200..3600000; 60000): a renderer that stops is
//                          replaced that long after its last heartbeat
//   MIRI_RENDER_JOB        projects/P/locations/L/jobs/J: `miri serve`
//                          starts each render as an execution of this Cloud
//                          Run job (Admin API v2 jobs.run); unset: in-process
//   MIRI_CLOUD_RUN_URL     the Cloud Run Admin API (https://run.googleapis.com)
//   MIRI_TEST_RENDER_HOLD  1: tests only; a render stops after its first
//                          progress and waits to be killed (kill -9 mid-render)
#ifndef MIRI_APP_RENDER_SETTINGS_H_
#define MIRI_APP_RENDER_SETTINGS_H_

#include <chrono>
#include <string>

#include "app/composition.h"
#include "domain/result.h"

namespace miri::app {

struct RenderWorkerSettings {
  std::chrono::milliseconds lease{60000};
  std::string job;
  std::string cloud_run_url = "https://run.googleapis.com";
  bool hold_for_tests = false;
};

// INVALID_ARGUMENT with one issue per malformed variable, named.
Result<RenderWorkerSettings> ReadRenderWorkerSettings(const EnvLookup& env);

}  // namespace miri::app

#endif  // MIRI_APP_RENDER_SETTINGS_H_
