// Transport-neutral HTTP request/response: what controllers see. The Beast
// server (beast_server.cc) converts to and from these, so controllers and
// their tests never include Beast.
#ifndef MIRI_HTTP_HTTP_TYPES_H_
#define MIRI_HTTP_HTTP_TYPES_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/result.h"

namespace miri::http {

struct Request {
  std::string method;  // "GET", ...
  std::string path;    // decoded path, no query
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::map<std::string, std::string> params;  // from the route pattern
  std::string remote;  // the peer's IP address ("" when not over TCP)

  std::string Header(std::string_view name) const;  // "" when absent
  std::string Query(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string file;  // when set, the body is this file's content (static)
  // The part of `file` to send (a Range request, byte_range.h): from
  // file_offset, file_length bytes; -1: to the end.
  uint64_t file_offset = 0;
  int64_t file_length = -1;

  static Response Json(int status, const nlohmann::json& body);
  void SetHeader(std::string name, std::string value);
};

// The HTTP status of an error code (domain/result.h).
int HttpStatusOf(ErrorCode code);
// {"error":{"code":"INVALID_ARGUMENT","message":...,"issues":[{path,message}]}}
Response ErrorResponse(const Error& error);
Response ErrorResponse(ErrorCode code, std::string message,
                       std::vector<FieldIssue> issues = {});
// An error outside ErrorCode's range (401 UNAUTHENTICATED, 405, 413, 415...).
Response ErrorResponse(int status, std::string_view code, std::string message,
                       std::vector<FieldIssue> issues = {});

// Splits "/a/b?x=1&y=%20" into a decoded path and query map; false when
// the target is not origin-form or its percent-encoding is broken.
bool ParseTarget(std::string_view target, std::string* path,
                 std::map<std::string, std::string>* query);

}  // namespace miri::http

#endif  // MIRI_HTTP_HTTP_TYPES_H_
