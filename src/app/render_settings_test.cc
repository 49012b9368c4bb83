#include "app/render_settings.h"

#include <gtest/gtest.h>

#include "app/env_map.h"

namespace miri::app {
namespace {

TEST(RenderSettingsTest, DefaultsRenderInProcessUnderAMinuteLease) {
  auto s = ReadRenderWorkerSettings(MapEnv({}));
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(s->lease, std::chrono::milliseconds(60000));
  EXPECT_EQ(s->job, "");
  EXPECT_EQ(s->cloud_run_url, "https://run.googleapis.com");
  EXPECT_FALSE(s->hold_for_tests);
}

TEST(RenderSettingsTest, AJobAndALeaseAreRead) {
  auto s = ReadRenderWorkerSettings(
      MapEnv({{"MIRI_RENDER_JOB", "projects/p/locations/l/jobs/miri-render"},
              {"MIRI_RENDER_LEASE_MS", "1500"},
              {"MIRI_CLOUD_RUN_URL", "http://127.0.0.1:9/"}}));
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(s->job, "projects/p/locations/l/jobs/miri-render");
  EXPECT_EQ(s->lease, std::chrono::milliseconds(1500));
  EXPECT_EQ(s->cloud_run_url, "http://127.0.0.1:9");
}

TEST(RenderSettingsTest, MalformedValuesAreRefusedNamingTheVariable) {
  const std::pair<const char*, const char*> bad[] = {
      {"MIRI_RENDER_LEASE_MS", "5x"},
      {"MIRI_RENDER_LEASE_MS", "1e3"},
      {"MIRI_RENDER_LEASE_MS", "-1"},
      {"MIRI_RENDER_LEASE_MS", "50"},
      {"MIRI_RENDER_LEASE_MS", "99999999999999999999"},
      {"MIRI_RENDER_JOB", "miri-render"},
      {"MIRI_CLOUD_RUN_URL", "run.googleapis.com"},
      {"MIRI_TEST_RENDER_HOLD", "yes"}};
  for (const auto& [name, value] : bad) {
    auto s = ReadRenderWorkerSettings(MapEnv({{name, value}}));
    ASSERT_FALSE(s) << name << "=" << value;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    ASSERT_FALSE(s.error().issues.empty());
    EXPECT_EQ(s.error().issues[0].path, name) << value;
  }
}

}  // namespace
}  // namespace miri::app
