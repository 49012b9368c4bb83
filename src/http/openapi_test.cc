// The OpenAPI document and the route table must describe the same API.
#include <set>

#include "http/api_test_fixture.h"

namespace miri::http::testing {
namespace {

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST_F(ApiTest, EveryRouteIsDocumentedAndEveryDocumentedRouteExists) {
  std::set<std::string> routes, documented;
  for (const Route& r : api_->router().routes())
    routes.insert(Lower(r.method) + " " + r.pattern);
  const nlohmann::json& doc = OpenApiDocument();
  for (auto& [path, ops] : doc["paths"].items()) {
    for (auto& [method, op] : ops.items())
      documented.insert(method + " " + path);
  }
  for (const std::string& r : routes)
    EXPECT_TRUE(documented.count(r)) << "undocumented: " << r;
  for (const std::string& d : documented)
    EXPECT_TRUE(routes.count(d)) << "no such route: " << d;
}

TEST_F(ApiTest, PublicAndWebhookRoutesAreMarkedWithoutBearerSecurity) {
  const nlohmann::json& doc = OpenApiDocument();
  for (const Route& r : api_->router().routes()) {
    const auto& op = doc["paths"][r.pattern][Lower(r.method)];
    bool no_security = op.contains("security") && op["security"].empty();
    EXPECT_EQ(no_security, r.access != Access::kBearer)
        << r.method << " " << r.pattern;
  }
}

TEST_F(ApiTest, DocumentedPathParametersMatchThePattern) {
  const nlohmann::json& doc = OpenApiDocument();
  for (const Route& r : api_->router().routes()) {
    std::set<std::string> in_pattern, in_doc;
    for (size_t i = r.pattern.find('{'); i != std::string::npos;
         i = r.pattern.find('{', i + 1)) {
      in_pattern.insert(
          r.pattern.substr(i + 1, r.pattern.find('}', i) - i - 1));
    }
    const auto& op = doc["paths"][r.pattern][Lower(r.method)];
    if (op.contains("parameters")) {
      for (auto& p : op["parameters"]) {
        if (p["in"] == "path") in_doc.insert(p["name"]);
      }
    }
    EXPECT_EQ(in_pattern, in_doc) << r.method << " " << r.pattern;
  }
}

// The document describes what the code does now: no summary or
// description may say a part is still missing.
TEST_F(ApiTest, NoOperationSaysItIsNotWiredYet) {
  const nlohmann::json& doc = OpenApiDocument();
  for (auto& [path, ops] : doc["paths"].items()) {
    for (auto& [method, op] : ops.items()) {
      for (const char* field : {"summary", "description"}) {
        if (!op.contains(field)) continue;
        const std::string text = Lower(op[field].get<std::string>());
        for (const char* stale : {"not wired", "not yet", "not done"}) {
          EXPECT_EQ(text.find(stale), std::string::npos)
              << method << " " << path << " " << field << ": " << text;
        }
      }
    }
  }
}

TEST_F(ApiTest, TheDocumentIsServed) {
  Response r = Call("GET", "/api/openapi.json");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Body(r)["openapi"], "3.0.3");
}

}  // namespace
}  // namespace miri::http::testing
