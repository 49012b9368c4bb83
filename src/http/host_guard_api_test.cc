// The DNS rebinding guard in the Api: in no-token mode only the allowed
// host names are answered, and pages from other hosts are refused by
// their Origin (issue 21 item 5). The same through the real server is in
// server_test.cc.
#include "http/api_test_fixture.h"

namespace miri::http::testing {
namespace {

using nlohmann::json;

const std::map<std::string, std::string> kAttacker = {
    {"host", "attacker.example:18122"},
    {"origin", "http://attacker.example:18122"}};

size_t ProjectCount(Store& store) {
  auto all = store.ListProjects();
  return all ? all->size() : 0;
}

TEST_F(ApiTest, AttackerHostIsRefusedInNoTokenModeAndNothingIsStored) {
  Response r = Call("POST", "/api/projects", ProjectJson().dump(),
                    {{"host", "attacker.example:18122"}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(FirstIssue(r), "host");
  EXPECT_NE(r.body.find("MIRI_ALLOWED_HOSTS"), std::string::npos) << r.body;
  EXPECT_EQ(ProjectCount(*store_), 0u);
  Response list =
      Call("GET", "/api/projects", "", {{"host", "attacker.example"}});
  EXPECT_EQ(list.status, 403);
}

TEST_F(ApiTest, AttackerOriginIsRefusedEvenWithALoopbackHost) {
  Response r = Call("POST", "/api/projects", ProjectJson().dump(),
                    {{"host", "127.0.0.1:8080"},
                     {"origin", "http://attacker.example:18122"}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(FirstIssue(r), "origin");
  EXPECT_EQ(ProjectCount(*store_), 0u);
  Response opaque = Call("POST", "/api/projects", ProjectJson().dump(),
                         {{"host", "127.0.0.1:8080"}, {"origin", "null"}});
  EXPECT_EQ(opaque.status, 403);
  EXPECT_EQ(FirstIssue(opaque), "origin");
}

TEST_F(ApiTest, LoopbackNamesWithAnyPortAreAnswered) {
  ASSERT_EQ(
      Call("POST", "/api/projects", ProjectJson().dump(),
           {{"host", "127.0.0.1:8080"}, {"origin", "http://127.0.0.1:8080"}})
          .status,
      201);
  for (const auto& [host, origin] :
       std::vector<std::pair<std::string, std::string>>{
           {"localhost:8080", "http://localhost:5173"},  // the Vite dev server
           {"[::1]:9000", "http://[::1]:9000"},
           {"LOCALHOST", ""}}) {
    std::map<std::string, std::string> h = {{"host", host}};
    if (!origin.empty()) h["origin"] = origin;
    EXPECT_EQ(Call("GET", "/api/projects", "", h).status, 200) << host;
  }
}

TEST_F(ApiTest, ProbesAndWebhooksAnswerWhateverTheHost) {
  EXPECT_EQ(Call("GET", "/healthz", "", kAttacker).status, 200);
  EXPECT_EQ(Call("GET", "/readyz", "", {{"host", "10.1.2.3:8080"}}).status,
            200);
  CreatePlannedProject();
  std::string version = Generate();
  ASSERT_TRUE(WaitForOutputs(version));
  // A tunnel's public name: the signature, not the Host, authenticates it.
  Response hook =
      Call("POST",
           std::string("/api/webhooks/fal?projectId=") + kProjectId +
               "&shotId=sh1&versionId=" + version,
           json{{"request_id", "r1"},
                {"status", "OK"},
                {"payload", {{"images", json::array()}}},
                {"target", Target("sh1", version)}}
               .dump(),
           {{"x-test-signature", "good"}, {"host", "abc.tunnel.example"}});
  EXPECT_EQ(hook.status, 200) << hook.body;
}

TEST_F(ApiTest, AllowedHostsAddNamesAndOrigins) {
  ApiConfig c;
  c.allowed_hosts = {"miri.example.com"};
  MakeApi(c);
  EXPECT_EQ(Call("GET", "/api/projects", "",
                 {{"host", "miri.example.com"},
                  {"origin", "https://miri.example.com"}})
                .status,
            200);
  EXPECT_EQ(
      Call("GET", "/api/projects", "", {{"host", "localhost:8080"}}).status,
      200);
  EXPECT_EQ(Call("GET", "/api/projects", "", kAttacker).status, 403);
}

TEST_F(ApiTest, CorsOriginsAreAllowedOrigins) {
  ApiConfig c;
  c.cors_origins = {"https://app.example"};
  MakeApi(c);
  EXPECT_EQ(
      Call("GET", "/api/projects", "",
           {{"host", "127.0.0.1:8080"}, {"origin", "https://app.example"}})
          .status,
      200);
}

// With a bearer token (Cloud Run) the token guards the API: any Host is
// answered unless MIRI_ALLOWED_HOSTS is set, which is then enforced.
TEST_F(ApiTest, TokenModeChecksHostsOnlyWhenAllowedHostsAreSet) {
  ApiConfig c;
  c.bearer_token = "secret-token";
  MakeApi(c);
  std::map<std::string, std::string> h = {
      {"host", "miri-api-abc-uc.a.run.app"},
      {"authorization", "Bearer secret-token"}};
  EXPECT_EQ(Call("GET", "/api/projects", "", h).status, 200);
  c.allowed_hosts = {"miri.example.com"};
  MakeApi(c);
  Response r = Call("GET", "/api/projects", "", h);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(FirstIssue(r), "host");
  h["host"] = "miri.example.com";
  EXPECT_EQ(Call("GET", "/api/projects", "", h).status, 200);
  EXPECT_EQ(Call("GET", "/readyz", "", {{"host", "10.0.0.7:8080"}}).status,
            200);
}

// The WebSocket upgrade's check (the server calls it; CORS does not cover
// upgrades): another site's page is refused naming origin, in both modes.
TEST_F(ApiTest, UpgradeFromAnotherSiteIsRefusedNamingOrigin) {
  Request r;
  r.method = "GET";
  r.path = "/socket.io/";
  r.headers = {{"host", "127.0.0.1:8080"},
               {"origin", "http://attacker.example:8080"}};
  auto refused = api_->RefuseUpgrade(r);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(FirstIssue(*refused), "origin");
  r.headers["origin"] = "http://localhost:5173";
  EXPECT_FALSE(api_->RefuseUpgrade(r));
  ApiConfig c;
  c.bearer_token = "secret-token";
  MakeApi(c);
  r.headers = {{"host", "miri-api-abc-uc.a.run.app"},
               {"origin", "https://evil.example"}};
  refused = api_->RefuseUpgrade(r);
  ASSERT_TRUE(refused);
  EXPECT_EQ(FirstIssue(*refused), "origin");
  r.headers["origin"] = "https://miri-api-abc-uc.a.run.app";
  EXPECT_FALSE(api_->RefuseUpgrade(r));
}

}  // namespace
}  // namespace miri::http::testing
