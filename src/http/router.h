// Router: the table of API routes, matched by method and a path pattern
// with {param} segments. The table is also what the OpenAPI test compares
// with /api/openapi.json.
#ifndef MIRI_HTTP_ROUTER_H_
#define MIRI_HTTP_ROUTER_H_

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "http/http_types.h"

namespace miri::http {

enum class Access {
  kPublic,   // health, OpenAPI document
  kBearer,   // the dashboard's API: bearer token (or loopback-only mode)
  kWebhook,  // provider callbacks: authenticated by the WebhookVerifier
};

inline constexpr size_t kDefaultBodyLimit = 1 << 20;  // 1 MiB

struct Route {
  std::string method;
  std::string pattern;  // "/api/projects/{projectId}"
  Access access = Access::kBearer;
  size_t body_limit = kDefaultBodyLimit;
  std::function<Response(const Request&)> handler;
};

class Router {
 public:
  void Add(Route route);

  struct Match {
    const Route* route = nullptr;  // null: no route for method + path
    bool path_exists = false;      // some method matches the path (405)
    std::map<std::string, std::string> params;
  };
  Match Find(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  // Each route's pattern split into segments once, at Add (Find runs for
  // every request, twice: body limit, then dispatch).
  std::vector<std::vector<std::string>> segments_;
};

}  // namespace miri::http

#endif  // MIRI_HTTP_ROUTER_H_
