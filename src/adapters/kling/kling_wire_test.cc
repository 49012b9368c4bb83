// The exact JSON and tokens the Kling adapter produces (providers.md 3).
#include "adapters/kling/kling_wire.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include "adapters/curl/media_probe.h"
#include "adapters/kling/kling_auth.h"

namespace miri {
namespace {

nlohmann::json DecodePart(const std::string& part) {
  std::string b64 = part;
  std::replace(b64.begin(), b64.end(), '-', '+');
  std::replace(b64.begin(), b64.end(), '_', '/');
  return nlohmann::json::parse(*Base64Decode(b64));
}

TEST(KlingAuth, JwtIsHs256WithIssExpNbf) {
  std::string jwt = MakeKlingJwt("ak-1", "sk-1", 1'740'000'000, 1800);
  size_t a = jwt.find('.'), b = jwt.rfind('.');
  ASSERT_NE(a, b);
  EXPECT_EQ(DecodePart(jwt.substr(0, a)),
            nlohmann::json::parse(R"({"alg":"HS256","typ":"JWT"})"));
  EXPECT_EQ(DecodePart(jwt.substr(a + 1, b - a - 1)),
            nlohmann::json::parse(
                R"({"iss":"ak-1","exp":1740001800,"nbf":1739999995})"));
  EXPECT_EQ(jwt.substr(b + 1),
            Base64UrlNoPad(HmacSha256("sk-1", jwt.substr(0, b))));
  EXPECT_EQ(jwt.find('='), std::string::npos) << "no padding";
}

TEST(KlingAuth, HmacMatchesRfc4231Case2) {
  std::string mac = HmacSha256("Jefe", "what do ya want for nothing?");
  char hex[65];
  sodium_bin2hex(hex, sizeof hex,
                 reinterpret_cast<const unsigned char*>(mac.data()),
                 mac.size());
  EXPECT_STREQ(
      hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(KlingAuth, CallbackTokensAreBoundToTheJob) {
  std::string t = CallbackToken("server-secret", "p1:v1");
  EXPECT_TRUE(CallbackTokenValid("server-secret", "p1:v1", t));
  EXPECT_FALSE(CallbackTokenValid("server-secret", "p1:v2", t));
  EXPECT_FALSE(CallbackTokenValid("other-secret", "p1:v1", t));
  EXPECT_FALSE(CallbackTokenValid("server-secret", "p1:v1", ""));
}

VideoRequest Req() {
  VideoRequest r;
  r.job_id = "p1:v1";
  r.prompt = "Miri stands still by the window. Then she turns to the camera.";
  r.negative_prompt = "blur, text";
  r.start_frame_blob = "s.png";
  r.end_frame_blob = "e.png";
  r.duration_ms = 5000;
  r.output_key = "projects/p1/clips/v1.mp4";
  return r;
}

TEST(KlingWire, StartAndEndFrameBodyMatchesProvidersMd32) {
  KlingConfig c;
  KlingImages im{"U1RBUlQ=", "RU5E", "", {}, 768};
  auto plan = KlingPlanFor(c, Req());
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_EQ(KlingCreatePath(*plan), "/v1/videos/image2video");
  nlohmann::json body = BuildKlingBody(
      *plan, Req(), im, "https://hooks.example.com/kling?job=p1%3Av1&t=abc");
  EXPECT_EQ(body, nlohmann::json::parse(R"({
    "model_name":"kling-v2-5-turbo","mode":"pro","duration":"5",
    "image":"U1RBUlQ=","image_tail":"RU5E",
    "prompt":"Miri stands still by the window. Then she turns to the camera.",
    "negative_prompt":"blur, text",
    "callback_url":"https://hooks.example.com/kling?job=p1%3Av1&t=abc",
    "external_task_id":"p1:v1"})"));
}

// Omni-Video (POST /v1/videos/omni-video): frames travel in image_list,
// typed first_frame / end_frame; no negative_prompt field (the prompt
// "can include positive and negative descriptions").
TEST(KlingWire, OmniRequestWithBothFramesIsAnImageListWithTypes) {
  KlingConfig c;
  c.model = "kling-v3-omni";
  VideoRequest r = Req();
  r.duration_ms = 6500;
  KlingImages im{"U1RBUlQ=", "RU5E", "", {}, 768};
  auto plan = KlingPlanFor(c, r);
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_EQ(KlingCreatePath(*plan), "/v1/videos/omni-video");
  nlohmann::json body = BuildKlingBody(
      *plan, r, im, "https://hooks.example.com/kling?job=p1%3Av1&t=abc");
  EXPECT_EQ(body, nlohmann::json::parse(R"({
    "model_name":"kling-v3-omni","mode":"pro","duration":"7",
    "prompt":"Miri stands still by the window. Then she turns to the camera. Avoid: blur, text.",
    "image_list":[{"image_url":"U1RBUlQ=","type":"first_frame"},
                  {"image_url":"RU5E","type":"end_frame"}],
    "sound":"off",
    "callback_url":"https://hooks.example.com/kling?job=p1%3Av1&t=abc",
    "external_task_id":"p1:v1"})"));
  EXPECT_EQ(KlingQueryPath("kling-v3-omni", "861"),
            "/v1/videos/omni-video/861");
  EXPECT_EQ(KlingQueryPath("kling-v2-5-turbo", "861"),
            "/v1/videos/image2video/861");
}

TEST(KlingWire, O1WithoutAnEndFrameTakesFiveOrTenSeconds) {
  KlingConfig c;
  c.model = "kling-video-o1";
  VideoRequest r = Req();
  r.end_frame_blob.clear();
  r.duration_ms = 7000;
  KlingImages im{"U1RBUlQ=", "", "", {}, 768};
  nlohmann::json body = BuildKlingBody(*KlingPlanFor(c, r), r, im, "");
  EXPECT_EQ(body["duration"], "10");
  EXPECT_EQ(body["image_list"],
            nlohmann::json::parse(
                R"([{"image_url":"U1RBUlQ=","type":"first_frame"}])"));
  EXPECT_FALSE(body.contains("sound")) << "O1 has no sound switch";
}

TEST(KlingWire, MotionBrushRoutesToAModelWithMasksAndFlipsTrajectories) {
  KlingConfig c;
  VideoRequest r = Req();
  r.end_frame_blob.clear();
  r.motion_brush =
      MotionBrush{"still.png", {DynamicMask{"m.png", {{100, 0}, {200, 700}}}}};
  r.duration_ms = 9000;
  KlingImages im{"SU1H", "", "U1RJTEw=", {"TUFTSw=="}, 768};
  auto plan = KlingPlanFor(c, r);
  ASSERT_TRUE(plan) << plan.error().ToString();
  nlohmann::json body = BuildKlingBody(*plan, r, im, "");
  EXPECT_EQ(body["model_name"], "kling-v1-5");
  EXPECT_EQ(body["mode"], "pro");
  EXPECT_EQ(body["duration"], "5") << "motion brush: 5 s only";
  EXPECT_FALSE(body.contains("image_tail"));
  EXPECT_FALSE(body.contains("callback_url"));
  EXPECT_EQ(body["static_mask"], "U1RJTEw=");
  EXPECT_EQ(
      body["dynamic_masks"],
      nlohmann::json::parse(
          R"([{"mask":"TUFTSw==","trajectories":[{"x":100,"y":768},{"x":200,"y":68}]}])"));
  EXPECT_TRUE(ValidateKlingRequest(c, r));
}

TEST(KlingWire, WithoutReroutingAClipTheModelCannotServeIsRefused) {
  KlingConfig c;
  c.model = "kling-v3-omni";
  c.reroute = false;
  VideoRequest r = Req();
  r.end_frame_blob.clear();
  r.motion_brush = MotionBrush{"", {DynamicMask{"m.png", {{1, 1}, {2, 2}}}}};
  auto v = ValidateKlingRequest(c, r);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kFailedPrecondition);
  ASSERT_EQ(v.error().issues.size(), 1u);
  EXPECT_EQ(v.error().issues[0].path, "motion_brush");
  EXPECT_NE(v.error().issues[0].message.find("kling-v3-omni pro has no motion "
                                             "brush"),
            std::string::npos)
      << v.error().issues[0].message;
  EXPECT_NE(v.error().issues[0].message.find("rerouting is off"),
            std::string::npos);
  // Allowed, but no configured model can serve it either.
  c.reroute = true;
  c.reroute_models = {"kling-v2-5-turbo"};
  v = ValidateKlingRequest(c, r);
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().issues[0].message.find("nor kling-v2-5-turbo"),
            std::string::npos)
      << v.error().issues[0].message;
  // An end frame on a master: rerouted to the first model that takes one.
  c.model = "kling-v2-master";
  c.reroute_models = {"kling-v2-1"};
  auto plan = KlingPlanFor(c, Req());
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_EQ(plan->model, "kling-v2-1");
  // The configured model in its other mode comes first.
  c.model = "kling-v2-5-turbo";
  c.mode = "std";
  plan = KlingPlanFor(c, Req());
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_EQ(plan->model, "kling-v2-5-turbo");
  EXPECT_EQ(plan->mode, "pro");
}

// A project that does not allow another model (GlobalSettings::
// allow_video_reroute = false) gets the refusal even where the server
// would reroute; the reason says how to allow it.
TEST(KlingWire, AProjectThatDisallowsReroutingGetsTheRefusal) {
  KlingConfig c;
  c.model = "kling-v2-master";
  c.reroute_models = {"kling-v2-1"};
  VideoRequest r = Req();  // with an end frame, which a master lacks
  ASSERT_TRUE(KlingPlanFor(c, r));
  r.allow_reroute = false;
  auto plan = KlingPlanFor(c, r);
  ASSERT_FALSE(plan);
  ASSERT_EQ(plan.error().issues.size(), 1u);
  EXPECT_EQ(plan.error().issues[0].path, "end_frame_blob");
  EXPECT_NE(plan.error().issues[0].message.find(
                "the project does not allow another model"),
            std::string::npos)
      << plan.error().issues[0].message;
}

TEST(KlingWire, UnknownModelIsRefusedBeforeAnyRequest) {
  KlingConfig c;
  c.model = "kling-o3";
  auto v = ValidateKlingRequest(c, Req());
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().issues.at(0).path, "model");
}

TEST(KlingWire, FoldedNegativesCountAgainstTheOmniPromptLimit) {
  KlingConfig c;
  c.model = "kling-v3-omni";
  VideoRequest r = Req();
  r.prompt = std::string(2490, 'a');  // + " Avoid: blur, text." > 2500
  auto v = ValidateKlingRequest(c, r);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().issues.at(0).path, "prompt");
  c.model = "kling-v2-5-turbo";
  EXPECT_TRUE(ValidateKlingRequest(c, r)) << "image2video keeps them apart";
}

TEST(KlingWire, ParsesTasksLeniently) {
  auto t = ParseKlingTask(
      nlohmann::json::parse(R"({"task_id":"861","task_status":"succeed",
      "task_info":{"external_task_id":"p1:v1"},"extra":1,
      "task_result":{"videos":[{"id":"v","url":"https://cdn.klingai.example/out.mp4","duration":"5.1"}]}})"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->status, "succeed");
  EXPECT_EQ(t->external_task_id, "p1:v1");
  EXPECT_EQ(t->video_urls,
            std::vector<std::string>{"https://cdn.klingai.example/out.mp4"});
  EXPECT_TRUE(ParseKlingTask(
      nlohmann::json::parse(R"({"task_id":8612,"task_status":"processing"})")));
  EXPECT_FALSE(
      ParseKlingTask(nlohmann::json::parse(R"({"task_status":"succeed"})")));
  auto billed = ParseKlingTask(nlohmann::json::parse(
      R"({"task_id":"1","task_status":"succeed","final_unit_deduction":"3.5"})"));
  ASSERT_TRUE(billed);
  EXPECT_EQ(billed->units_charged, 3.5);
  EXPECT_FALSE(t->units_charged.has_value());
}

}  // namespace
}  // namespace miri
