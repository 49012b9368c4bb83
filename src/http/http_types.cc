#include "http/http_types.h"

namespace miri::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool Decode(std::string_view in, bool plus_is_space, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

}  // namespace

std::string Request::Header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? std::string() : it->second;
}

std::string Request::Query(std::string_view name) const {
  auto it = query.find(std::string(name));
  return it == query.end() ? std::string() : it->second;
}

Response Response::Json(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

void Response::SetHeader(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
}

int HttpStatusOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
      return 409;
    case ErrorCode::kFailedPrecondition:
      return 409;
    case ErrorCode::kRefused:
      return 422;
    case ErrorCode::kResourceExhausted:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

Response ErrorResponse(int status, std::string_view code, std::string message,
                       std::vector<FieldIssue> issues) {
  // A bounded reply however bad the input: the first 50 issues, then a count.
  constexpr size_t kMaxIssues = 50;
  nlohmann::json list = nlohmann::json::array();
  for (size_t n = 0; n < issues.size() && n < kMaxIssues; ++n) {
    list.push_back({{"path", issues[n].path}, {"message", issues[n].message}});
  }
  if (issues.size() > kMaxIssues) {
    list.push_back({{"path", ""},
                    {"message", std::to_string(issues.size() - kMaxIssues) +
                                    " more issues"}});
  }
  return Response::Json(status, {{"error",
                                  {{"code", std::string(code)},
                                   {"message", std::move(message)},
                                   {"issues", list}}}});
}

Response ErrorResponse(const Error& error) {
  return ErrorResponse(HttpStatusOf(error.code), ErrorCodeName(error.code),
                       error.message, error.issues);
}

Response ErrorResponse(ErrorCode code, std::string message,
                       std::vector<FieldIssue> issues) {
  return ErrorResponse(Error{code, std::move(message), std::move(issues)});
}

bool ParseTarget(std::string_view target, std::string* path,
                 std::map<std::string, std::string>* query) {
  if (target.empty() || target[0] != '/') return false;
  size_t q = target.find('?');
  if (!Decode(target.substr(0, q), false, path)) return false;
  if (path->find('\0') != std::string::npos) return false;
  query->clear();
  if (q == std::string_view::npos) return true;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    size_t eq = pair.find('=');
    std::string k, v;
    if (!Decode(pair.substr(0, eq), true, &k)) return false;
    if (eq != std::string_view::npos &&
        !Decode(pair.substr(eq + 1), true, &v)) {
      return false;
    }
    if (!k.empty()) (*query)[k] = v;
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return true;
}

}  // namespace miri::http
