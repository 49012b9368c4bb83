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

bool IsParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool Matches(const std::vector<std::string>& pattern,
             const std::vector<std::string_view>& path) {
  if (pattern.size() != path.size()) return false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (IsParam(pattern[i]) ? path[i].empty() : pattern[i] != path[i])
      return false;
  }
  return true;
}

}  // namespace

void Router::Add(Route route) {
  std::vector<std::string> segments;
  for (std::string_view s : Segments(route.pattern)) segments.emplace_back(s);
  segments_.push_back(std::move(segments));
  routes_.push_back(std::move(route));
}

Router::Match Router::Find(std::string_view method,
                           std::string_view path) const {
  Match m;
  const std::vector<std::string_view> parts = Segments(path);
  for (size_t r = 0; r < routes_.size(); ++r) {
    if (!Matches(segments_[r], parts)) continue;
    m.path_exists = true;
    if (routes_[r].method != method) continue;
    m.route = &routes_[r];
    for (size_t i = 0; i < parts.size(); ++i) {
      const std::string& seg = segments_[r][i];
      if (IsParam(seg))
        m.params[seg.substr(1, seg.size() - 2)] = std::string(parts[i]);
    }
    return m;
  }
  return m;
}

}  // namespace miri::http
