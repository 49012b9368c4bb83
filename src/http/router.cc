#include "http/router.h"

namespace miri::http {
namespace {

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::map<std::string, std::string>* params) {
  std::vector<std::string_view> p = Segments(pattern), s = Segments(path);
  if (p.size() != s.size()) return false;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i].size() > 2 && p[i].front() == '{' && p[i].back() == '}') {
      if (s[i].empty()) return false;
      found[std::string(p[i].substr(1, p[i].size() - 2))] = std::string(s[i]);
    } else if (p[i] != s[i]) {
      return false;
    }
  }
  *params = std::move(found);
  return true;
}

}  // namespace

void Router::Add(Route route) { routes_.push_back(std::move(route)); }

Router::Match Router::Find(std::string_view method,
                           std::string_view path) const {
  Match m;
  for (const Route& r : routes_) {
    std::map<std::string, std::string> params;
    if (!MatchPattern(r.pattern, path, &params)) continue;
    m.path_exists = true;
    if (r.method == method) {
      m.route = &r;
      m.params = std::move(params);
      return m;
    }
  }
  return m;
}

}  // namespace miri::http
