// Wrong bearer tokens are slowed per client (issue 21 item 5, the review's
// "nothing slows down wrong tokens"): after 10 failures in a minute the
// client gets 429 with Retry-After until the minute ends. The clock is a
// ManualClock: no test waits.
#include "http/api_test_fixture.h"
#include "services/resilience/manual_clock.h"

namespace miri::http::testing {
namespace {

class AuthThrottleTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    api_clock_ = &manual_;
    config_.bearer_token = "right-token";
    MakeApi(config_);
  }
  Response Get(const std::string& remote, const std::string& token,
               std::map<std::string, std::string> headers = {}) {
    Request r;
    r.method = "GET";
    r.path = "/api/projects";
    r.remote = remote;
    r.headers = std::move(headers);
    r.headers["authorization"] = "Bearer " + token;
    return api_->Handle(std::move(r));
  }
  static std::string RetryAfter(const Response& r) {
    for (const auto& [k, v] : r.headers)
      if (k == "Retry-After") return v;
    return "";
  }

  ManualClock manual_;
  ApiConfig config_;
};

TEST_F(AuthThrottleTest, TenWrongTokensFromOneClientThen429UntilTheMinuteEnds) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(Get("203.0.113.7", "guess" + std::to_string(i)).status, 401) << i;
    manual_.AdvanceMs(1000);
  }
  Response slowed = Get("203.0.113.7", "guess10");
  EXPECT_EQ(slowed.status, 429) << slowed.body;
  EXPECT_EQ(FirstIssue(slowed), "Authorization");
  EXPECT_EQ(RetryAfter(slowed), "50");  // the window began 10 s ago
  // The right token too: else the answers would still tell guesses apart.
  EXPECT_EQ(Get("203.0.113.7", "right-token").status, 429);
  // Another client is not affected.
  EXPECT_EQ(Get("198.51.100.2", "right-token").status, 200);
  manual_.AdvanceMs(50'000);
  EXPECT_EQ(Get("203.0.113.7", "right-token").status, 200);
  EXPECT_EQ(Get("203.0.113.7", "guess11").status, 401);
}

TEST_F(AuthThrottleTest, SuccessesDoNotCount) {
  for (int i = 0; i < 100; ++i)
    ASSERT_EQ(Get("203.0.113.7", "right-token").status, 200);
  for (int i = 0; i < 10; ++i)
    ASSERT_EQ(Get("203.0.113.7", "wrong").status, 401) << i;
  EXPECT_EQ(Get("203.0.113.7", "wrong").status, 429);
}

// Behind Cloud Run's front end every connection comes from the proxy: the
// client is the address the proxy appended, and a forged entry in front of
// it does not give a new identity.
TEST_F(AuthThrottleTest, BehindATrustedProxyTheForwardedClientIsCounted) {
  config_.trusted_proxy_hops = 1;
  MakeApi(config_);
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(Get("169.254.1.1", "wrong",
                  {{"x-forwarded-for",
                    "10.9.9." + std::to_string(i) + ", 203.0.113.7"}})
                  .status,
              401);
  }
  EXPECT_EQ(
      Get("169.254.1.1", "wrong", {{"x-forwarded-for", "1.2.3.4, 203.0.113.7"}})
          .status,
      429);
  EXPECT_EQ(
      Get("169.254.1.1", "right-token", {{"x-forwarded-for", "198.51.100.2"}})
          .status,
      200);
}

TEST_F(AuthThrottleTest, SocketIoConnectIsThrottledToo) {
  for (int i = 0; i < 10; ++i)
    ASSERT_FALSE(api_->SocketTokenAccepted("wrong", "203.0.113.7"));
  EXPECT_FALSE(api_->SocketTokenAccepted("right-token", "203.0.113.7"));
  EXPECT_TRUE(api_->SocketTokenAccepted("right-token", "198.51.100.2"));
  // HTTP from the same client is refused as well: one count per client.
  EXPECT_EQ(Get("203.0.113.7", "right-token").status, 429);
  manual_.AdvanceMs(60'000);
  EXPECT_TRUE(api_->SocketTokenAccepted("right-token", "203.0.113.7"));
}

TEST(ClientAddressTest, TakesTheEntryTheTrustedProxiesAppended) {
  EXPECT_EQ(ClientAddress("10.0.0.1", "1.1.1.1, 2.2.2.2", 0), "10.0.0.1");
  EXPECT_EQ(ClientAddress("10.0.0.1", "1.1.1.1, 2.2.2.2", 1), "2.2.2.2");
  EXPECT_EQ(ClientAddress("10.0.0.1", "1.1.1.1,2.2.2.2, 3.3.3.3", 2),
            "2.2.2.2");
  EXPECT_EQ(ClientAddress("10.0.0.1", "", 1), "10.0.0.1");
  EXPECT_EQ(ClientAddress("10.0.0.1", "2.2.2.2", 3), "2.2.2.2");
}

}  // namespace
}  // namespace miri::http::testing
