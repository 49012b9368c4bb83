// The embedded ImageAuditor against the real checker process
// (tools/image-check/server.mjs: nsfwjs MobileNetV2 on tfjs wasm), and the
// mapping from class probabilities to a verdict. Every checker process a
// test starts is stopped (and reaped) by the auditor that started it.
#include "adapters/nsfwjs/nsfwjs_image_auditor.h"

#include <signal.h>

#include <cerrno>
#include <cmath>

#include <gtest/gtest.h>

#include "testing/image_auditor_contract.h"

namespace miri {
namespace {

using std::chrono::milliseconds;
using testing::ImageAuditorContractTest;
using testing::ImageAuditorFactory;
using testing::StoryboardPng;
using testing::VerdictProblems;

constexpr char kMiriPrompt[] =
    "[S01]_[V01]_[FLUX2] miriN14 Miri, Child physique, Young girl, Loose fit, "
    "Heavy fabric, Mid-calf, Mouth CLOSED. Medium shot: Miri walks home in "
    "the rain with a red umbrella.";

NsfwjsOptions Options() {
  NsfwjsOptions o;
  o.script = MIRI_IMAGE_CHECK_SCRIPT;
  o.start_timeout = milliseconds(90000);  // model load on a busy machine
  o.check_timeout = milliseconds(30000);
  return o;
}

// One checker process for the contract suite (the model loads once).
std::shared_ptr<ImageAuditor> SharedAuditor() {
  static std::shared_ptr<ImageAuditor> auditor =
      std::make_shared<NsfwjsImageAuditor>(Options());
  return auditor;
}

INSTANTIATE_TEST_SUITE_P(Nsfwjs, ImageAuditorContractTest,
                         ::testing::Values(ImageAuditorFactory{
                             "nsfwjs", [] { return SharedAuditor(); }}),
                         [](const auto& info) { return info.param.name; });

ImageCheckRequest MiriFrame() {
  ImageCheckRequest r;
  r.image = StoryboardPng(kMiriPrompt, 1344, 768);
  r.prompt = kMiriPrompt;
  r.shot_description = "Miri walks home in the rain with a red umbrella";
  return r;
}

// True when `pid` no longer names a process (stopped and reaped).
bool Gone(pid_t pid) { return kill(pid, 0) != 0 && errno == ESRCH; }

std::map<std::string, double> Classes(double drawing, double hentai,
                                      double neutral, double porn,
                                      double sexy) {
  return {{"Drawing", drawing},
          {"Hentai", hentai},
          {"Neutral", neutral},
          {"Porn", porn},
          {"Sexy", sexy}};
}

TEST(NsfwVerdictTest, LowExplicitScoresPassWithConstraintsLeftToAPerson) {
  ImageCheckRequest r = MiriFrame();
  auto v = NsfwVerdict(Classes(0.7, 0.02, 0.26, 0.01, 0.01), {}, r,
                       "nsfwjs/MobileNetV2");
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_TRUE(v->passed);
  EXPECT_EQ(VerdictProblems(r, *v), "");
  EXPECT_EQ(v->checker, "nsfwjs/MobileNetV2");
  ASSERT_EQ(v->constraints.size(), 4u);
  for (const ConstraintResult& c : v->constraints)
    EXPECT_EQ(c.state, ConstraintState::kNotChecked) << c.id;
  EXPECT_FALSE(v->complete());
  EXPECT_FALSE(v->prompt_adherence.has_value());
  EXPECT_EQ(v->scores.size(), 5u);
}

TEST(NsfwVerdictTest, ASexyScoreOverItsThresholdFailsWithAReadableFinding) {
  ImageCheckRequest r = MiriFrame();
  auto v = NsfwVerdict(Classes(0.1, 0.05, 0.45, 0.05, 0.35), {}, r,
                       "nsfwjs/MobileNetV2");
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_FALSE(v->passed);
  EXPECT_EQ(VerdictProblems(r, *v), "");
  ASSERT_FALSE(v->findings.empty());
  EXPECT_EQ(v->findings[0].rule_id, "vision.nsfw.sexy");
  EXPECT_NE(v->findings[0].message.find("Sexy 0.35"), std::string::npos)
      << v->findings[0].message;
  EXPECT_NE(v->reason.find("Sexy"), std::string::npos) << v->reason;
}

TEST(NsfwVerdictTest, PornAndHentaiEachFailOverTheirThresholds) {
  ImageCheckRequest r = MiriFrame();
  auto porn = NsfwVerdict(Classes(0.1, 0.0, 0.6, 0.3, 0.0), {}, r, "x");
  ASSERT_TRUE(porn);
  ASSERT_FALSE(porn->passed);
  EXPECT_EQ(porn->findings[0].rule_id, "vision.nsfw.porn");
  auto hentai = NsfwVerdict(Classes(0.5, 0.3, 0.2, 0.0, 0.0), {}, r, "x");
  ASSERT_TRUE(hentai);
  ASSERT_FALSE(hentai->passed);
  EXPECT_EQ(hentai->findings[0].rule_id, "vision.nsfw.hentai");
}

TEST(NsfwVerdictTest, ExplicitScoresThatAddUpFailEvenWhenEachIsUnder) {
  ImageCheckRequest r = MiriFrame();
  NsfwThresholds t;  // each 0.15, together 0.25
  auto v = NsfwVerdict(Classes(0.3, 0.09, 0.33, 0.14, 0.14), t, r, "x");
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->passed);
  ASSERT_EQ(v->findings.size(), 1u);
  EXPECT_EQ(v->findings[0].rule_id, "vision.nsfw.explicit");
}

TEST(NsfwVerdictTest, AReplyWithoutEveryClassIsAnError) {
  ImageCheckRequest r = MiriFrame();
  auto classes = Classes(0.7, 0.0, 0.3, 0.0, 0.0);
  classes.erase("Sexy");
  auto v = NsfwVerdict(classes, {}, r, "x");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kUnavailable);
}

TEST(NsfwjsImageAuditorTest, AStoryboardFrameOfMiriGetsScoresFromTheModel) {
  ImageCheckRequest r = MiriFrame();
  auto v = SharedAuditor()->Check(r);
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_EQ(v->checker, "nsfwjs/MobileNetV2");
  EXPECT_TRUE(v->passed) << v->reason;
  ASSERT_EQ(v->scores.size(), 5u);
  double sum = 0;
  for (const auto& [name, p] : v->scores) sum += p;
  EXPECT_NEAR(sum, 1.0, 1e-3);
  EXPECT_GT(v->elapsed_ms, 0);
  std::printf("storyboard frame 1344x768: %s (%lld ms)\n", v->reason.c_str(),
              static_cast<long long>(v->elapsed_ms));
}

TEST(NsfwjsImageAuditorTest, AStoppedCheckerIsAnErrorNotAPass) {
  NsfwjsImageAuditor auditor(Options());
  ASSERT_TRUE(auditor.Start()) << "checker did not start";
  pid_t pid = auditor.pid();
  ASSERT_GT(pid, 0);
  auditor.Stop();
  EXPECT_TRUE(Gone(pid));
  auto v = auditor.Check(MiriFrame());
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(v.error().message.find("stopped"), std::string::npos)
      << v.error().message;
  EXPECT_EQ(auditor.pid(), -1) << "a stopped checker is not restarted";
}

TEST(NsfwjsImageAuditorTest, AMissingCheckerScriptIsAnError) {
  NsfwjsOptions o = Options();
  o.script = "/nonexistent/image-check/server.mjs";
  NsfwjsImageAuditor auditor(o);
  auto v = auditor.Check(MiriFrame());
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(v.error().message.find("cannot start"), std::string::npos)
      << v.error().message;
}

TEST(NsfwjsImageAuditorTest, AMissingNodeIsAnError) {
  NsfwjsOptions o = Options();
  o.node = "/nonexistent/bin/node";
  NsfwjsImageAuditor auditor(o);
  auto v = auditor.Check(MiriFrame());
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kUnavailable);
}

TEST(NsfwjsImageAuditorTest, ACheckerThatDiedIsRestartedOnTheNextCheck) {
  NsfwjsImageAuditor auditor(Options());
  ASSERT_TRUE(auditor.Check(MiriFrame()));
  pid_t first = auditor.pid();
  ASSERT_EQ(kill(first, SIGKILL), 0);
  auto v = auditor.Check(MiriFrame());
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_NE(auditor.pid(), first);
  EXPECT_EQ(auditor.restarts(), 1);
  EXPECT_TRUE(Gone(first)) << "the dead checker was reaped";
}

TEST(NsfwjsImageAuditorTest, AHungCheckerTimesOutAsAnErrorAndIsReplaced) {
  NsfwjsOptions o = Options();
  o.check_timeout = milliseconds(300);
  NsfwjsImageAuditor auditor(o);
  ASSERT_TRUE(auditor.Start());
  pid_t hung = auditor.pid();
  ASSERT_EQ(kill(hung, SIGSTOP), 0);
  auto v = auditor.Check(MiriFrame());
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(v.error().message.find("no answer"), std::string::npos)
      << v.error().message;
  EXPECT_TRUE(Gone(hung)) << "the hung checker was killed and reaped";
  EXPECT_EQ(auditor.pid(), -1);
}

TEST(NsfwjsImageAuditorTest, DestroyingTheAuditorStopsItsChecker) {
  pid_t pid = -1;
  {
    NsfwjsImageAuditor auditor(Options());
    ASSERT_TRUE(auditor.Start());
    pid = auditor.pid();
  }
  EXPECT_TRUE(Gone(pid));
}

}  // namespace
}  // namespace miri
