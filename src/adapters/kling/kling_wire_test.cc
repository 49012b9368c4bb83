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
  nlohmann::json body = BuildKlingBody(
      c, Req(), im, "https://hooks.example.com/kling?job=p1%3Av1&t=abc");
  EXPECT_EQ(body, nlohmann::json::parse(R"({
    "model_name":"kling-v2-5-turbo","mode":"pro","duration":"5",
    "image":"U1RBUlQ=","image_tail":"RU5E",
    "prompt":"Miri stands still by the window. Then she turns to the camera.",
    "negative_prompt":"blur, text",
    "callback_url":"https://hooks.example.com/kling?job=p1%3Av1&t=abc",
    "external_task_id":"p1:v1"})"));
}

TEST(KlingWire, MotionBrushRoutesToAModelWithMasksAndFlipsTrajectories) {
  KlingConfig c;
  VideoRequest r = Req();
  r.motion_brush =
      MotionBrush{"still.png", {DynamicMask{"m.png", {{100, 0}, {200, 700}}}}};
  r.duration_ms = 9000;
  KlingImages im{"SU1H", "RU5E", "U1RJTEw=", {"TUFTSw=="}, 768};
  nlohmann::json body = BuildKlingBody(c, r, im, "");
  EXPECT_EQ(body["model_name"], "kling-v1-5");
  EXPECT_EQ(body["mode"], "pro");
  EXPECT_EQ(body["duration"], "5") << "motion brush: 5 s only";
  EXPECT_FALSE(body.contains("image_tail")) << "exclusive with masks";
  EXPECT_FALSE(body.contains("callback_url"));
  EXPECT_EQ(body["static_mask"], "U1RJTEw=");
  EXPECT_EQ(
      body["dynamic_masks"],
      nlohmann::json::parse(
          R"([{"mask":"TUFTSw==","trajectories":[{"x":100,"y":768},{"x":200,"y":68}]}])"));
  EXPECT_TRUE(ValidateKlingRequest(c, r));
  c.motion_brush_model = "kling-v2-5-turbo";
  auto v = ValidateKlingRequest(c, r);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().issues[0].path, "motion_brush");
}

TEST(KlingWire, DurationsAreStringsPerModel) {
  EXPECT_EQ(KlingDuration("kling-v2-5-turbo", 4000), "5");
  EXPECT_EQ(KlingDuration("kling-v2-5-turbo", 5001), "10");
  EXPECT_EQ(KlingDuration("kling-v3", 1000), "3");
  EXPECT_EQ(KlingDuration("kling-v3", 7200), "8");
  EXPECT_EQ(KlingDuration("kling-v3", 60000), "15");
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
}

}  // namespace
}  // namespace miri
