// Host and Origin parsing for the DNS rebinding guard.
#include "http/host_guard.h"

#include <gtest/gtest.h>

namespace miri::http {
namespace {

TEST(HostGuardTest, HostNameDropsThePortAndLowerCases) {
  EXPECT_EQ(HostName("localhost"), "localhost");
  EXPECT_EQ(HostName("LocalHost:8080"), "localhost");
  EXPECT_EQ(HostName("127.0.0.1:18122"), "127.0.0.1");
  EXPECT_EQ(HostName("[::1]:8080"), "[::1]");
  EXPECT_EQ(HostName("[::1]"), "[::1]");
  EXPECT_EQ(HostName("attacker.example:18122"), "attacker.example");
  EXPECT_EQ(HostName("localhost.:80"), "localhost");
}

TEST(HostGuardTest, HostNameRefusesWhatIsNotAHost) {
  for (const char* bad :
       {"", ":80", "localhost:", "localhost:8o", "localhost:99999",
        "user@localhost", "localhost/x", "local host", "[::1", "[::1]x", "::1",
        "a..b", "-a.example"}) {
    EXPECT_EQ(HostName(bad), "") << bad;
  }
}

TEST(HostGuardTest, OriginHostNameReadsSchemeHostAndPort) {
  EXPECT_EQ(OriginHostName("http://localhost:5173"), "localhost");
  EXPECT_EQ(OriginHostName("https://Miri.Example.com"), "miri.example.com");
  EXPECT_EQ(OriginHostName("http://[::1]:8080"), "[::1]");
  EXPECT_EQ(OriginHostName("http://attacker.example:18122"),
            "attacker.example");
  EXPECT_EQ(OriginHostName("null"), "");
  EXPECT_EQ(OriginHostName("localhost:5173"), "");
  EXPECT_EQ(OriginHostName("http://localhost:5173/path"), "");
  EXPECT_EQ(OriginHostName("file://"), "");
}

TEST(HostGuardTest, AllowedHostsParseStrictly) {
  auto ok = ParseAllowedHosts(" Miri.example.com,10.0.0.5 , [fd00::1]");
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(*ok, (std::vector<std::string>{"miri.example.com", "10.0.0.5",
                                           "[fd00::1]"}));
  for (const char* bad : {"miri.example.com:8080", "https://miri.example.com",
                          "a,,b", ",", "a b", "*.example.com", "a/b"}) {
    auto r = ParseAllowedHosts(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find("MIRI_ALLOWED_HOSTS"), std::string::npos)
        << r.error().ToString();
  }
}

}  // namespace
}  // namespace miri::http
