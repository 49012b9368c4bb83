#include "app/render_settings.h"

#include <charconv>

#include "adapters/gcp/cloud_run_job.h"

namespace miri::app {

Result<RenderWorkerSettings> ReadRenderWorkerSettings(const EnvLookup& env) {
  RenderWorkerSettings s;
  std::vector<FieldIssue> issues;
  auto get = [&](const char* name) { return env(name).value_or(""); };
  if (std::string v = get("MIRI_RENDER_LEASE_MS"); !v.empty()) {
    int64_t ms = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), ms);
    if (ec != std::errc() || end != v.data() + v.size() || ms < 200 ||
        ms > 3'600'000) {
      issues.push_back({"MIRI_RENDER_LEASE_MS",
                        "milliseconds, a whole number from 200 to 3600000, "
                        "got \"" +
                            v + "\""});
    } else {
      s.lease = std::chrono::milliseconds(ms);
    }
  }
  if (std::string v = get("MIRI_RENDER_JOB"); !v.empty()) {
    if (Result<void> ok = gcp::ValidateJobName(v); !ok) {
      issues.push_back({"MIRI_RENDER_JOB", ok.error().message});
    } else {
      s.job = v;
    }
  }
  if (std::string v = get("MIRI_CLOUD_RUN_URL"); !v.empty()) {
    if (v.rfind("https://", 0) != 0 && v.rfind("http://", 0) != 0) {
      issues.push_back(
          {"MIRI_CLOUD_RUN_URL", "an http(s) URL, got \"" + v + "\""});
    } else {
      while (v.back() == '/') v.pop_back();
      s.cloud_run_url = v;
    }
  }
  if (std::string v = get("MIRI_TEST_RENDER_HOLD"); !v.empty()) {
    if (v != "0" && v != "1") {
      issues.push_back(
          {"MIRI_TEST_RENDER_HOLD", "must be 0 or 1, got \"" + v + "\""});
    }
    s.hold_for_tests = v == "1";
  }
  if (!issues.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid render configuration", std::move(issues));
  }
  return s;
}

}  // namespace miri::app
