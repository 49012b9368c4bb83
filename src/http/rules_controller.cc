// The Active Rulebook over HTTP: list, search, deactivate and reactivate a
// project's rules (issue 9). Changes reach dashboards as RULE_UPDATED.
#include <nlohmann/json.hpp>

#include "domain/audit.h"
#include "http/api.h"
#include "http/controller_util.h"
#include "http/router.h"

namespace miri::http {

namespace {

using nlohmann::json;

Response Fail(const Error& e) { return ErrorResponse(e); }

Result<Rulebook*> RulebookOf(const ApiDeps& d) {
  if (d.rulebook == nullptr) {
    return MakeError(ErrorCode::kUnavailable, "the rulebook is not configured");
  }
  return d.rulebook;
}

Response ListRules(const ApiDeps& d, const Request& req) {
  auto book = RulebookOf(d);
  if (!book) return Fail(book.error());
  auto views = (*book)->List(req.params.at("projectId"));
  if (!views) return Fail(views.error());
  json rules = json::array();
  for (const RuleView& v : *views) rules.push_back(v.ToJson());
  return Response::Json(200, {{"rules", rules}});
}

Response SearchRules(const ApiDeps& d, const Request& req) {
  auto book = RulebookOf(d);
  if (!book) return Fail(book.error());
  const std::string q = req.Query("q");
  if (q.empty() || q.size() > 2000) {
    return Fail(
        Error{ErrorCode::kInvalidArgument,
              "invalid search",
              {{"q", q.empty() ? "required" : "at most 2000 characters"}}});
  }
  int k = 10;
  if (std::string ks = req.Query("k"); !ks.empty()) {
    k = std::atoi(ks.c_str());
    if (k < 1 || k > 100) {
      return Fail(Error{ErrorCode::kInvalidArgument,
                        "invalid search",
                        {{"k", "must be between 1 and 100"}}});
    }
  }
  auto hits =
      (*book)->Search(req.params.at("projectId"), q, static_cast<size_t>(k));
  if (!hits) return Fail(hits.error());
  json rules = json::array();
  for (const RuleMatch& m : *hits) {
    json j = m.rule.ToJson();
    j["score"] = m.score;
    rules.push_back(j);
  }
  return Response::Json(200, {{"rules", rules}});
}

// {"reason": "..."} optional; screened like every text a person sends.
Response SetActive(const ApiDeps& d, const Request& req, bool active) {
  auto book = RulebookOf(d);
  if (!book) return Fail(book.error());
  std::string reason;
  if (!req.body.empty()) {
    auto doc = ParseJsonText(req.body);
    if (!doc)
      return Fail(Error{ErrorCode::kInvalidArgument,
                        "invalid body",
                        {{"body", doc.error().message}}});
    std::vector<FieldIssue> issues;
    JsonReader r(*doc, "", &issues);
    reason = r.OptionalString("reason", {.max_length = 2000}).value_or("");
    r.RejectUnknownFields();
    if (!issues.empty()) {
      return Fail(Error{ErrorCode::kInvalidArgument, "invalid body", issues});
    }
    if (auto safe = RequireSafeUserText("reason", reason); !safe)
      return Fail(safe.error());
  }
  auto view = (*book)->SetActive(req.params.at("projectId"),
                                 req.params.at("ruleId"), active, reason);
  if (!view) return Fail(view.error());
  return Response::Json(200, view->ToJson());
}

}  // namespace

void AddRuleRoutes(Router& router, const ApiDeps& d) {
  auto add = [&](std::string method, std::string pattern,
                 std::function<Response(const ApiDeps&, const Request&)> fn) {
    router.Add(Route{std::move(method), std::move(pattern), Access::kBearer,
                     kDefaultBodyLimit,
                     [d, fn](const Request& r) { return fn(d, r); }});
  };
  const std::string rules = "/api/projects/{projectId}/rules";
  add("GET", rules, ListRules);
  add("GET", rules + "/search", SearchRules);
  add("POST", rules + "/{ruleId}/deactivate",
      [](const ApiDeps& d, const Request& r) {
        return SetActive(d, r, false);
      });
  add("POST", rules + "/{ruleId}/reactivate",
      [](const ApiDeps& d, const Request& r) { return SetActive(d, r, true); });
}

}  // namespace miri::http
