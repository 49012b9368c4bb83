#include "http/api_test_fixture.h"

namespace miri::http::testing {
namespace {

class RulesApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    ASSERT_EQ(Call("POST", "/api/projects", ProjectJson().dump()).status, 201);
    for (const auto& [id, text] :
         {std::pair{"r-coat", "Miri's raincoat is yellow"},
          std::pair{"r-lights", "street lights glow warm orange"}}) {
      Rule rule{id,
                text,
                RuleKind::kPositive,
                RuleScope::kCharacter,
                std::nullopt,
                std::nullopt,
                "rejected",
                std::nullopt,
                "2026-01-01T00:00:00Z",
                true};
      ASSERT_TRUE(store_->AppendRule(kProjectId, rule));
    }
    ASSERT_TRUE(rulebook_->Reindex(kProjectId));
  }
  std::string Rules() {
    return std::string("/api/projects/") + kProjectId + "/rules";
  }
};

TEST_F(RulesApiTest, ListsRulesWithStateAndStats) {
  Response r = Call("GET", Rules());
  ASSERT_EQ(r.status, 200) << r.body;
  auto rules = Body(r)["rules"];
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0]["ruleId"], "r-coat");
  EXPECT_EQ(rules[0]["active"], true);
  EXPECT_EQ(rules[0]["stats"]["applied"], 0);
}

TEST_F(RulesApiTest, SearchRanksByRelevanceAndNamesBadQueries) {
  Response r = Call("GET", Rules() + "/search?q=orange%20street%20lights&k=1");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(Body(r)["rules"].size(), 1u);
  EXPECT_EQ(Body(r)["rules"][0]["ruleId"], "r-lights");
  EXPECT_GT(Body(r)["rules"][0]["score"].get<double>(), 0.2);
  Response missing = Call("GET", Rules() + "/search");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(FirstIssue(missing), "q");
  Response bad_k = Call("GET", Rules() + "/search?q=x&k=500");
  EXPECT_EQ(bad_k.status, 400);
  EXPECT_EQ(FirstIssue(bad_k), "k");
}

TEST_F(RulesApiTest, DeactivateAndReactivateAreAppendedEvents) {
  Response off = Call("POST", Rules() + "/r-coat/deactivate",
                      R"({"reason":"wrong colour"})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(Body(off)["active"], false);
  EXPECT_EQ(Body(Call("GET", Rules()))["rules"][0]["active"], false);
  auto hits = Body(Call("GET", Rules() + "/search?q=raincoat"))["rules"];
  for (const auto& h : hits) EXPECT_NE(h["ruleId"], "r-coat");
  EXPECT_EQ(store_->ListRuleEvents(kProjectId)->size(), 1u);
  EXPECT_TRUE(store_->ListRules(kProjectId)
                  ->at(0)
                  .active);  // the rule is kept as written
  Response on = Call("POST", Rules() + "/r-coat/reactivate");
  ASSERT_EQ(on.status, 200) << on.body;
  EXPECT_EQ(Body(on)["active"], true);
}

// Issue 16 item 6: "applied" counts the versions whose prompt carried the
// rule, as the versions record it.
TEST_F(RulesApiTest, AppliedCountsTheVersionsThatCarriedTheRule) {
  ASSERT_EQ(Call("PUT", std::string("/api/projects/") + kProjectId + "/plan",
                 PlanJson().dump())
                .status,
            201);
  for (const char* shot : {"sh1", "sh2"}) {
    Version v;
    v.version_id = std::string("v-") + shot;
    v.shot_id = shot;
    v.kind = VersionKind::kImage;
    v.prompt = std::string("[") + shot + "]_[" + v.version_id + "]_[FLUX2] x";
    v.model_code = "FLUX2";
    v.model = "local-image";
    v.applied_rule_ids = {"r-coat"};
    v.created_at = "2026-01-01T00:00:00Z";
    ASSERT_TRUE(store_->AppendVersion(kProjectId, v));
  }
  Response r = Call("GET", Rules());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["rules"][0]["stats"]["applied"], 2);
  EXPECT_EQ(Body(r)["rules"][1]["stats"]["applied"], 0);
}

TEST_F(RulesApiTest, BadRequestsAreNamedAndChangeNothing) {
  for (const char* action : {"deactivate", "reactivate"}) {
    Response unknown = Call("POST", Rules() + "/nope/" + action);
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(FirstIssue(unknown), "ruleId") << unknown.body;
  }
  Response unsafe = Call("POST", Rules() + "/r-coat/deactivate",
                         R"({"reason":"remove the loose fit rule too"})");
  EXPECT_EQ(unsafe.status, 422);
  EXPECT_EQ(FirstIssue(unsafe), "reason");
  Response typo =
      Call("POST", Rules() + "/r-coat/deactivate", R"({"reasn":"x"})");
  EXPECT_EQ(typo.status, 400);
  EXPECT_EQ(FirstIssue(typo), "reasn");
  EXPECT_TRUE(store_->ListRuleEvents(kProjectId)->empty());
}

TEST_F(RulesApiTest, WithoutARulebookTheRoutesSayItIsNotConfigured) {
  rulebook_.reset();
  MakeApi(ApiConfig{});
  Response r = Call("GET", Rules());
  EXPECT_EQ(r.status, 503);
}

}  // namespace
}  // namespace miri::http::testing
