// `miri doctor`'s checks (app/doctor.h): with no keys it lists the
// embedded defaults; with keys pointing at the provider emulators it
// reports each as reachable; a wrong key names the provider and the fix.
#include "app/doctor.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "app/env_map.h"
#include "emulator_process.h"
#include "testing/providers/provider_test_support.h"

namespace miri::app {
namespace {

using miri::testing::EmulatorProcess;
using miri::testing::TempDir;

// "service target" of every check, with its outcome.
std::map<std::string, const DoctorCheck*> ByTarget(const DoctorReport& r) {
  std::map<std::string, const DoctorCheck*> out;
  for (const DoctorCheck& c : r.checks) out[c.service + " " + c.target] = &c;
  return out;
}

class DoctorTest : public ::testing::Test {
 protected:
  DoctorReport Run(const std::map<std::string, std::string>& env) {
    auto plan = PlanComposition(MapEnv(env), dir_.path());
    EXPECT_TRUE(plan) << plan.error().ToString();
    if (!plan) return {};
    ComposeOptions compose;
    compose.image.start_paused = true;
    compose.video.provider.start_paused = true;
    auto stack = Compose(*plan, compose);
    EXPECT_TRUE(stack) << stack.error().ToString();
    if (!stack) return {};
    return RunDoctor(**stack, http_, clock_);
  }
  std::map<std::string, std::string> CloudEnv(const EmulatorProcess& emu) {
    return {
        {"FAL_KEY", "good-fal-key"},
        {"MIRI_FAL_LORAS", "miriN14=" + emu.cdn() + "/loras/miri.safetensors"},
        {"MIRI_FAL_QUEUE_URL", emu.fal()},
        {"MIRI_FAL_REST_URL", emu.fal()},
        {"MIRI_FAL_JWKS_URL", emu.fal() + "/.well-known/jwks.json"},
        {"KLING_ACCESS_KEY", "test-ak"},
        {"KLING_SECRET_KEY", "test-sk"},
        {"MIRI_KLING_BASE_URL", emu.kling()},
        {"GEMINI_API_KEY", "test-gemini-key"},
        {"MIRI_GEMINI_BASE_URL", emu.google()},
        {"MIRI_TEST_LOOPBACK_FETCH", "1"}};
  }
  TempDir dir_;
  CurlHttpClient http_;
  SystemClock clock_;
};

TEST_F(DoctorTest, NoKeysListsTheEmbeddedDefaultsAllGood) {
  DoctorReport r = Run({});
  EXPECT_TRUE(r.ok()) << r.Table();
  std::map<std::string, std::string> adapters;
  for (const DoctorCheck& c : r.checks) {
    EXPECT_TRUE(c.embedded) << c.service;
    adapters[c.service] = c.adapter;
  }
  EXPECT_EQ(adapters,
            (std::map<std::string, std::string>{{"store", "sqlite"},
                                                {"bus", "inproc"},
                                                {"blobs", "localfs"},
                                                {"vision", "local-vision"},
                                                {"image", "local-image"},
                                                {"video", "local-video"},
                                                {"image check", "nsfwjs"}}));
  const std::string table = r.Table();
  EXPECT_NE(table.find("all checks passed"), std::string::npos) << table;
  EXPECT_NE(table.find("DIRECTOR"), std::string::npos) << table;
  EXPECT_NE(table.find("local painter (offline stand-in)"), std::string::npos);
}

TEST_F(DoctorTest, KeysAtTheEmulatorsAreReportedReachable) {
  auto emu = EmulatorProcess::Start();
  ASSERT_TRUE(emu) << emu.error().ToString();
  (*emu)->Post((*emu)->fal(), "/__control/config",
               {{"apiKey", "good-fal-key"}});
  DoctorReport r = Run(CloudEnv(**emu));
  EXPECT_TRUE(r.ok()) << r.Table();
  auto checks = ByTarget(r);
  ASSERT_TRUE(checks.count("gemini gemini-3.8-flash")) << r.Table();
  EXPECT_TRUE(checks.at("gemini gemini-3.8-flash")->ok);
  ASSERT_TRUE(checks.count("fal fal-ai/flux-2/lora")) << r.Table();
  ASSERT_TRUE(checks.count("fal fal-ai/flux-2/lora/edit")) << r.Table();
  ASSERT_TRUE(checks.count("fal LoRA miriN14")) << r.Table();
  bool kling = false;
  for (const DoctorCheck& c : r.checks) kling |= c.service == "kling" && c.ok;
  EXPECT_TRUE(kling) << r.Table();
  // Each call was made, and none of them costs anything: no job was
  // submitted at fal or Kling.
  for (const auto& req : (*emu)->Requests((*emu)->fal())) {
    EXPECT_EQ(req.value("method", ""), "GET") << req.dump();
  }
  for (const auto& req : (*emu)->Requests((*emu)->kling())) {
    EXPECT_EQ(req.value("method", ""), "GET") << req.dump();
  }
}

TEST_F(DoctorTest, WrongKeysNameTheProviderAndTheFix) {
  auto emu = EmulatorProcess::Start();
  ASSERT_TRUE(emu) << emu.error().ToString();
  (*emu)->Post((*emu)->fal(), "/__control/config",
               {{"apiKey", "good-fal-key"}});
  auto env = CloudEnv(**emu);
  env["FAL_KEY"] = "wrong-fal-key";
  env["KLING_SECRET_KEY"] = "wrong-sk";
  env["GEMINI_API_KEY"] = "wrong-gemini-key";
  env["MIRI_GEMINI_AUDIT_MODEL"] = "gemini-1.5-flash";  // shut down
  DoctorReport r = Run(env);
  EXPECT_FALSE(r.ok());
  std::map<std::string, std::string> fixes;
  for (const DoctorCheck& c : r.checks) {
    if (!c.ok) fixes[c.service + " " + c.target] = c.fix;
  }
  ASSERT_TRUE(fixes.count("fal fal-ai/flux-2/lora")) << r.Table();
  EXPECT_NE(fixes.at("fal fal-ai/flux-2/lora").find("FAL_KEY"),
            std::string::npos);
  ASSERT_TRUE(fixes.count("gemini gemini-3.8-flash")) << r.Table();
  EXPECT_NE(fixes.at("gemini gemini-3.8-flash").find("GEMINI_API_KEY"),
            std::string::npos);
  bool kling = false;
  for (const auto& [what, fix] : fixes) {
    kling |= what.starts_with("kling ") &&
             fix.find("KLING_SECRET_KEY") != std::string::npos;
  }
  EXPECT_TRUE(kling) << r.Table();
  EXPECT_NE(r.Table().find("some checks failed"), std::string::npos);

  // The right Gemini key with a shut-down model: the model is named.
  env["GEMINI_API_KEY"] = "test-gemini-key";
  DoctorReport models = Run(env);
  auto checks = ByTarget(models);
  ASSERT_TRUE(checks.count("gemini gemini-1.5-flash")) << models.Table();
  EXPECT_FALSE(checks.at("gemini gemini-1.5-flash")->ok);
  EXPECT_NE(
      checks.at("gemini gemini-1.5-flash")->fix.find("MIRI_GEMINI_AUDIT_MODEL"),
      std::string::npos);
  EXPECT_TRUE(checks.at("gemini gemini-3.8-flash")->ok);
}

}  // namespace
}  // namespace miri::app
