// The cloud ImageAuditor against the Gemini emulator over loopback
// (tests/fixtures/gemini_emulator: verdicts for image audits built from
// the response schema, failing ones queued by the tests). The emulator is
// one child process for the whole binary, stopped when it ends.
#include "adapters/gemini/gemini_image_auditor.h"

#include <gtest/gtest.h>

#include "adapters/curl/http_client.h"
#include "node_fixture.h"
#include "testing/image_auditor_contract.h"

namespace miri {
namespace {

using nlohmann::json;
using testing::ImageAuditorContractTest;
using testing::ImageAuditorFactory;
using testing::StoryboardPng;
using testing::VerdictProblems;

constexpr char kPrompt[] =
    "[S03]_[V02]_[FLUX2] miriN14 Miri, Child physique, Young girl, Loose fit, "
    "Heavy fabric, Mid-calf, Mouth CLOSED. Close-up: Miri looks at the rain "
    "through the window.";
constexpr char kShot[] = "Miri looks at the rain through the window";

// The emulator and what talks to it, shared by every test of the binary.
struct Emulator {
  Emulator() {
    auto started = testing::NodeFixture::Start(
        MIRI_GEMINI_EMULATOR_SCRIPT, std::chrono::seconds(30),
        {"--api-key", "test-key", "--exit-with-stdin"});
    if (!started) {
      error = started.error().ToString();
      return;
    }
    node = std::move(*started);
    json first = json::parse(node->first_line(), nullptr, false);
    if (first.is_object() && first.contains("port"))
      url = "http://127.0.0.1:" + std::to_string(first["port"].get<int>());
  }
  json Control(const std::string& path, const json& body) {
    HttpRequest r;
    r.method = "POST";
    r.url = url + path;
    r.headers = {{"Content-Type", "application/json"}};
    r.body = body.dump();
    auto reply = http.Send(r);
    return reply ? json::parse(reply->body, nullptr, false) : json();
  }
  json Requests() {
    HttpRequest r;
    r.url = url + "/_emulator/requests";
    auto reply = http.Send(r);
    return reply ? json::parse(reply->body, nullptr, false)["requests"]
                 : json::array();
  }
  GoogleConfig Config() const {
    GoogleConfig c;
    c.gemini_api_key = "test-key";
    c.gemini_base_url = url;
    c.request_timeout_ms = 20'000;
    return c;
  }

  std::unique_ptr<testing::NodeFixture> node;
  std::string url, error;
  CurlHttpClient http;
  SystemClock clock;
};

// Started by the first test that needs it (never while tests are listed),
// stopped when the binary exits.
Emulator* emulator = nullptr;
Emulator& Emu() {
  if (emulator == nullptr) emulator = new Emulator();
  return *emulator;
}
struct StopEmulatorAtExit {
  ~StopEmulatorAtExit() {
    if (emulator != nullptr) emulator->node.reset();
  }
} stop_emulator_at_exit;

std::shared_ptr<ImageAuditor> MakeAuditor() {
  return std::make_shared<GeminiImageAuditor>(Emu().Config(), Emu().http,
                                              Resilience{}, Emu().clock);
}

INSTANTIATE_TEST_SUITE_P(Gemini, ImageAuditorContractTest,
                         ::testing::Values(ImageAuditorFactory{
                             "gemini_emulator", [] { return MakeAuditor(); }}),
                         [](const auto& info) { return info.param.name; });

class GeminiImageAuditorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(Emu().url.empty())
        << "emulator did not start: " << Emu().error;
    Emu().Control("/_emulator/reset", json::object());
    auditor_ = MakeAuditor();
  }
  ImageCheckRequest Request() const {
    ImageCheckRequest r;
    r.image = StoryboardPng(kPrompt, 320, 180);
    r.prompt = kPrompt;
    r.shot_description = kShot;
    return r;
  }
  Result<ImageVerdict> CheckWith(const json& verdict,
                                 ImageCheckRequest r = {}) {
    if (r.image.empty()) r = Request();
    Emu().Control("/_emulator/vision-verdicts", {{"verdicts", {verdict}}});
    return auditor_->Check(r);
  }
  json LastRequestBody() { return Emu().Requests().back()["body"]; }

  std::shared_ptr<ImageAuditor> auditor_;
};

TEST_F(GeminiImageAuditorTest, SendsTheImageInlineWithAVerdictResponseSchema) {
  ImageCheckRequest r = Request();
  ASSERT_TRUE(auditor_->Check(r));
  json sent = Emu().Requests().back();
  EXPECT_EQ(sent["path"], "/v1beta/models/gemini-3.8-flash:generateContent");
  EXPECT_EQ(sent["headers"]["x-goog-api-key"], "test-key");
  const json& parts = sent["body"]["contents"][0]["parts"];
  std::string text;
  int images = 0;
  for (const json& p : parts) {
    if (p.contains("text")) text += p["text"].get<std::string>();
    if (p.contains("inlineData")) {
      ++images;
      EXPECT_EQ(p["inlineData"]["mimeType"], "image/png");
      EXPECT_EQ(p["inlineData"]["data"]["bytes"], r.image.size());
    }
  }
  EXPECT_EQ(images, 1);
  EXPECT_NE(text.find(kPrompt), std::string::npos);
  EXPECT_NE(text.find(kShot), std::string::npos);
  for (const VisualConstraint& c : r.constraints)
    EXPECT_NE(text.find(c.text), std::string::npos) << c.id;
  const json& config = sent["body"]["generationConfig"];
  EXPECT_EQ(config["responseMimeType"], "application/json");
  EXPECT_FALSE(config.contains("responseJsonSchema"));
  EXPECT_EQ(config["responseSchema"]["type"], "OBJECT");
  EXPECT_EQ(config["responseSchema"]["properties"]["constraints"]["required"],
            json({"mouth-closed", "loose-heavy-fabric-to-mid-calf",
                  "child-physique", "no-other-identifiable-person"}));
  EXPECT_EQ(
      config["responseSchema"]["properties"]["promptAdherence"]["maximum"], 5);
  EXPECT_FALSE(config["responseSchema"]["properties"].contains("continuity"));
  // Issue 17 item 3: a 3.x model takes thinkingLevel, not thinkingBudget.
  EXPECT_EQ(config["thinkingConfig"],
            json::parse(R"({"thinkingLevel":"LOW"})"));
  EXPECT_EQ(config["maxOutputTokens"], 8192);
  EXPECT_FALSE(config.contains("temperature"));
}

TEST_F(GeminiImageAuditorTest, A25ModelGetsASmallThinkingBudget) {
  GoogleConfig g = Emu().Config();
  g.vision_model = "gemini-2.5-flash-lite";
  GeminiImageAuditor auditor(g, Emu().http, Resilience{}, Emu().clock);
  ASSERT_TRUE(auditor.Check(Request()));
  const json config = LastRequestBody()["generationConfig"];
  EXPECT_EQ(config["thinkingConfig"],
            json::parse(R"({"thinkingBudget":1024})"));
}

TEST_F(GeminiImageAuditorTest,
       ThinkingThatUsesTheBudgetTwiceNamesModelAndLimit) {
  Emu().Control("/_emulator/thinking", {{"LOW", 40000}});
  auto v = auditor_->Check(Request());
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(v.error().message.find("gemini-3.8-flash used all 32768"),
            std::string::npos)
      << v.error().message;
  EXPECT_EQ(Emu().Requests().size(), 2u) << "one retry, four times larger";
}

TEST_F(GeminiImageAuditorTest, APassingAnswerIsAPassingVerdictNamingTheModel) {
  ImageCheckRequest r = Request();
  auto v = auditor_->Check(r);
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_EQ(VerdictProblems(r, *v), "");
  EXPECT_TRUE(v->passed);
  EXPECT_TRUE(v->complete());
  EXPECT_EQ(v->checker, "gemini-3.8-flash");
  EXPECT_EQ(v->prompt_adherence, 4);
  for (const ConstraintResult& c : v->constraints)
    EXPECT_EQ(c.state, ConstraintState::kMet) << c.id;
}

TEST_F(GeminiImageAuditorTest, ReferencesFollowTheImageAndContinuityIsScored) {
  ImageCheckRequest r = Request();
  r.reference_images = {StoryboardPng(kPrompt, 320, 180), testing::TinyJpeg()};
  auto v = auditor_->Check(r);
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_EQ(v->continuity, 4);
  json body = LastRequestBody();
  std::vector<std::string> mimes;
  for (const json& p : body["contents"][0]["parts"])
    if (p.contains("inlineData")) mimes.push_back(p["inlineData"]["mimeType"]);
  EXPECT_EQ(mimes,
            (std::vector<std::string>{"image/png", "image/png", "image/jpeg"}));
  EXPECT_TRUE(body["generationConfig"]["responseSchema"]["properties"].contains(
      "continuity"));
}

TEST_F(GeminiImageAuditorTest, AViolatedConstraintFailsWithAReadableFinding) {
  ImageCheckRequest r = Request();
  auto v = CheckWith(
      {{"fail", {"mouth-closed"}}, {"reason", "her lips are parted"}}, r);
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_EQ(VerdictProblems(r, *v), "");
  EXPECT_FALSE(v->passed);
  ASSERT_FALSE(v->findings.empty());
  EXPECT_EQ(v->findings[0].rule_id, "vision.mouth-closed");
  EXPECT_NE(v->findings[0].message.find("her lips are parted"),
            std::string::npos);
  EXPECT_EQ(v->constraints[0].state, ConstraintState::kViolated);
}

TEST_F(GeminiImageAuditorTest, AnUncertainConstraintFailsTheImage) {
  auto v = CheckWith({{"fail", {"loose-heavy-fabric-to-mid-calf"}},
                      {"state", "UNCERTAIN"},
                      {"reason", "the hem is out of frame"}});
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_FALSE(v->passed);
  EXPECT_EQ(v->constraints[1].state, ConstraintState::kUncertain);
  EXPECT_EQ(v->findings[0].rule_id, "vision.loose-heavy-fabric-to-mid-calf");
}

TEST_F(GeminiImageAuditorTest, LowPromptAdherenceFailsTheImage) {
  auto v = CheckWith({{"promptAdherence", 2}});
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_FALSE(v->passed);
  EXPECT_EQ(v->prompt_adherence, 2);
  ASSERT_EQ(v->findings.size(), 1u);
  EXPECT_EQ(v->findings[0].rule_id, "vision.prompt-adherence");
}

TEST_F(GeminiImageAuditorTest, LowContinuityWithTheReferencesFailsTheImage) {
  ImageCheckRequest r = Request();
  r.reference_images = {StoryboardPng(kPrompt, 320, 180)};
  auto v = CheckWith({{"continuity", 1}}, r);
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_FALSE(v->passed);
  EXPECT_EQ(v->findings[0].rule_id, "vision.continuity");
}

TEST_F(GeminiImageAuditorTest, AFindingOfTheModelFailsTheImage) {
  auto v = CheckWith(
      {{"findings", {{{"ruleId", "pose"}, {"reason", "posing at the camera"}}}},
       {"reason", "a pose the rules forbid"}});
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_FALSE(v->passed);
  EXPECT_EQ(v->findings[0].rule_id, "vision.pose");
  EXPECT_EQ(v->findings[0].message, "posing at the camera");
}

TEST_F(GeminiImageAuditorTest, TheShotCanAskTheEmulatorForAFailingVerdict) {
  ImageCheckRequest r = Request();
  r.shot_description += " emulator:vision-fail=child-physique";
  auto v = auditor_->Check(r);
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_FALSE(v->passed);
  EXPECT_EQ(v->findings[0].rule_id, "vision.child-physique");
}

TEST_F(GeminiImageAuditorTest, ASafetyBlockIsAFailingVerdictNotAnError) {
  Emu().Control("/_emulator/responses",
                {{"blockReason", "PROHIBITED_CONTENT"}});
  auto blocked = auditor_->Check(Request());
  ASSERT_TRUE(blocked) << blocked.error().ToString();
  EXPECT_FALSE(blocked->passed);
  EXPECT_EQ(blocked->findings[0].rule_id, "vision.blocked");
  EXPECT_NE(blocked->findings[0].message.find("PROHIBITED_CONTENT"),
            std::string::npos);
  Emu().Control("/_emulator/responses",
                {{"text", ""}, {"finishReason", "SAFETY"}});
  auto stopped = auditor_->Check(Request());
  ASSERT_TRUE(stopped) << stopped.error().ToString();
  EXPECT_FALSE(stopped->passed);
  EXPECT_EQ(stopped->findings[0].rule_id, "vision.blocked");
}

TEST_F(GeminiImageAuditorTest, AServerErrorIsAnErrorNotAVerdict) {
  Emu().Control("/_emulator/responses",
                {{"error", {{"code", 503}, {"message", "overloaded"}}}});
  auto v = auditor_->Check(Request());
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kUnavailable);
}

TEST_F(GeminiImageAuditorTest, RunningOutOfTokensIsAnError) {
  Emu().Control("/_emulator/responses",
                {{"text", "{\"constr"}, {"finishReason", "MAX_TOKENS"}});
  auto v = auditor_->Check(Request());
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kUnavailable);
}

TEST_F(GeminiImageAuditorTest, AnAnswerOutOfSchemaIsAnError) {
  Emu().Control("/_emulator/responses", {{"text", "{\"passed\": true}"}});
  auto v = auditor_->Check(Request());
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(v.error().message.find("constraints"), std::string::npos)
      << v.error().message;
}

TEST_F(GeminiImageAuditorTest, AnAnswerMissingAConstraintIsAnError) {
  json answer = {
      {"constraints", {{"mouth-closed", {{"state", "MET"}, {"reason", "ok"}}}}},
      {"findings", json::array()},
      {"promptAdherence", 5},
      {"reason", "fine"},
      {"passed", true}};
  auto v = CheckWith({{"answer", answer}});
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message.find("constraints.loose-heavy-fabric"),
            std::string::npos)
      << v.error().message;
}

TEST_F(GeminiImageAuditorTest, AWrongApiKeyIsAnError) {
  GoogleConfig c = Emu().Config();
  c.gemini_api_key = "wrong";
  GeminiImageAuditor auditor(c, Emu().http, Resilience{}, Emu().clock);
  auto v = auditor.Check(Request());
  ASSERT_FALSE(v);
}

TEST_F(GeminiImageAuditorTest, AnUnreachableCheckerIsAnError) {
  GoogleConfig c = Emu().Config();
  c.gemini_base_url = "http://127.0.0.1:1";
  GeminiImageAuditor auditor(c, Emu().http, Resilience{}, Emu().clock);
  auto v = auditor.Check(Request());
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace miri
