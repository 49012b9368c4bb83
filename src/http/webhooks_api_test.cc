// The webhook routes with a provider's own WebhookReceiver (cloud adapters)
// next to the generic path (Standard Webhooks verifier + CommandService).
#include "http/api_test_fixture.h"

namespace miri::http::testing {
namespace {

using nlohmann::json;

// Records what it was handed and answers as told.
class FakeReceiver final : public WebhookReceiver {
 public:
  Result<json> Receive(const WebhookDelivery& d) override {
    headers = d.headers;
    query = d.query;
    body = std::string(d.body);
    ++calls;
    if (answer) return tl::unexpected<Error>(*answer);
    return json{{"outcome", "delivered"}};
  }
  std::map<std::string, std::string> headers, query;
  std::string body;
  int calls = 0;
  std::optional<Error> answer;
};

class WebhookReceiverApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    receivers_["fal"] = &fal_;
    MakeApi(ApiConfig{});
    CreatePlannedProject();
  }
  FakeReceiver fal_;
};

TEST_F(WebhookReceiverApiTest, TheRawDeliveryGoesToTheProvidersReceiver) {
  const std::string raw =
      R"({"request_id":"r1",  "status":"OK"})";  // odd spacing kept
  Response r = Call("POST", "/api/webhooks/fal?job=p%3Av1&t=abc", raw,
                    {{"x-fal-webhook-signature", "00ff"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["outcome"], "delivered");
  EXPECT_EQ(fal_.calls, 1);
  EXPECT_EQ(fal_.body, raw) << "the signature covers the raw bytes";
  EXPECT_EQ(fal_.headers["x-fal-webhook-signature"], "00ff");
  EXPECT_EQ(fal_.query["job"], "p:v1");
  EXPECT_EQ(fal_.query["t"], "abc");
}

TEST_F(WebhookReceiverApiTest,
       ARefusedDeliveryIs401NamingTheSignatureAndWritesNothing) {
  const size_t events = EventCount();
  fal_.answer =
      Error{ErrorCode::kRefused, "unauthenticated webhook: bad signature", {}};
  Response r = Call("POST", "/api/webhooks/fal", R"({"request_id":"r1"})");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Body(r)["error"]["code"], "UNAUTHENTICATED");
  EXPECT_EQ(FirstIssue(r), "signature");

  fal_.answer =
      Error{ErrorCode::kRefused, "bad url token", {{"t", "does not match"}}};
  r = Call("POST", "/api/webhooks/fal?t=x", R"({"request_id":"r1"})");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(FirstIssue(r), "t");
  EXPECT_EQ(EventCount(), events);
}

TEST_F(WebhookReceiverApiTest, AReceiverThatCannotFinishYetAsksForARedelivery) {
  fal_.answer =
      Error{ErrorCode::kUnavailable, "copying fal result: CDN down", {}};
  Response r = Call("POST", "/api/webhooks/fal", R"({"request_id":"r1"})");
  EXPECT_EQ(r.status, 503) << "a 5xx makes fal deliver again";
}

TEST_F(WebhookReceiverApiTest, AProviderWithoutAReceiverKeepsTheGenericPath) {
  std::string version = Generate("sh1");
  Response r = Call("POST",
                    std::string("/api/webhooks/kling?projectId=") + kProjectId +
                        "&shotId=sh1&versionId=" + version,
                    json{{"task_id", "t1"}, {"task_status", "succeed"}}.dump(),
                    {{"x-test-signature", "bad"}});
  EXPECT_EQ(r.status, 401) << "the generic verifier still guards kling";
  EXPECT_EQ(FirstIssue(r), "signature");
  EXPECT_EQ(fal_.calls, 0);
}

}  // namespace
}  // namespace miri::http::testing
