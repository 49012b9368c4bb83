#include "adapters/gcs/gcs_wire.h"

#include <cctype>
#include <cstdlib>
#include <utility>

#include <nlohmann/json.hpp>

namespace miri::gcs {

namespace {

std::string Extension(std::string_view key) {
  size_t slash = key.rfind('/');
  std::string_view file =
      slash == std::string_view::npos ? key : key.substr(slash + 1);
  size_t dot = file.rfind('.');
  if (dot == std::string_view::npos) return "";
  std::string ext(file.substr(dot + 1));
  for (char& c : ext)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

// JSON-escaped string (names and types come from validated keys, but the
// framing must be correct for any input).
std::string JsonString(std::string_view s) {
  return nlohmann::json(std::string(s)).dump();
}

}  // namespace

std::string EndpointFrom(std::string_view host) {
  if (host.empty()) return kDefaultEndpoint;
  std::string e(host);
  if (e.find("://") == std::string::npos) e = "http://" + e;
  while (!e.empty() && e.back() == '/') e.pop_back();
  return e;
}

std::string ObjectUrl(std::string_view endpoint, std::string_view bucket,
                      std::string_view name) {
  return std::string(endpoint) + "/storage/v1/b/" + UrlEncode(bucket) + "/o/" +
         UrlEncode(name);
}

std::string MediaUrl(std::string_view endpoint, std::string_view bucket,
                     std::string_view name,
                     std::optional<std::string_view> generation) {
  std::string url = ObjectUrl(endpoint, bucket, name) + "?alt=media";
  if (generation) url += "&generation=" + UrlEncode(*generation);
  return url;
}

std::string MultipartUploadUrl(std::string_view endpoint,
                               std::string_view bucket) {
  return std::string(endpoint) + "/upload/storage/v1/b/" + UrlEncode(bucket) +
         "/o?uploadType=multipart";
}

std::string ContentTypeFor(std::string_view key) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {"mp3", "audio/mpeg"},
      {"wav", "audio/wav"},
      {"m4a", "audio/mp4"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"webp", "image/webp"},
      {"mp4", "video/mp4"},
      {"json", "application/json"},
      {"otio", "application/json"},
      {"fcpxml", "application/xml"},
      {"txt", "text/plain; charset=utf-8"},
      {"lrc", "text/plain; charset=utf-8"},
      {"srt", "text/plain; charset=utf-8"},
      {"edl", "text/plain; charset=utf-8"}};
  std::string ext = Extension(key);
  for (const auto& [e, type] : kTypes) {
    if (ext == e) return type;
  }
  return "application/octet-stream";
}

MultipartFraming FrameMultipart(std::string_view name,
                                std::string_view content_type,
                                std::string_view boundary) {
  MultipartFraming f;
  std::string b(boundary);
  f.content_type = "multipart/related; boundary=" + b;
  f.head = "--" + b +
           "\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n" +
           "{\"name\":" + JsonString(name) +
           ",\"contentType\":" + JsonString(content_type) + "}\r\n--" + b +
           "\r\nContent-Type: " + std::string(content_type) + "\r\n\r\n";
  f.tail = "\r\n--" + b + "--\r\n";
  return f;
}

Result<ObjectInfo> ParseObject(std::string_view json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  // size and generation are int64 as JSON strings in the JSON API.
  if (!j.is_object() || !j.contains("name") || !j["name"].is_string() ||
      !j.contains("generation") || !j["generation"].is_string() ||
      !j.contains("size") || !j["size"].is_string()) {
    return MakeError(ErrorCode::kUnavailable,
                     "not a Cloud Storage object resource: " +
                         std::string(json.substr(0, 200)));
  }
  ObjectInfo o;
  o.name = j["name"].get<std::string>();
  o.generation = j["generation"].get<std::string>();
  const std::string size = j["size"].get<std::string>();
  char* end = nullptr;
  long long n = std::strtoll(size.c_str(), &end, 10);
  if (size.empty() || *end != '\0' || n < 0) {
    return MakeError(ErrorCode::kUnavailable,
                     "object resource with size \"" + size + "\"");
  }
  o.size = n;
  if (j.contains("contentType") && j["contentType"].is_string()) {
    o.content_type = j["contentType"].get<std::string>();
  }
  return o;
}

bool IsRetryableStatus(int status) {
  return status == 408 || status == 429 || status >= 500;
}

bool IsMissingBucket(const HttpResponse& reply) {
  return reply.status == 404 &&
         reply.body.find("bucket does not exist") != std::string::npos;
}

Error ErrorFor(const HttpResponse& reply, std::string_view op,
               std::string_view bucket, std::string_view name) {
  int s = reply.status;
  ErrorCode code = ErrorCode::kInternal;
  if (IsMissingBucket(reply)) {
    code = ErrorCode::kFailedPrecondition;
  } else if (s == 404) {
    code = ErrorCode::kNotFound;
  } else if (s == 400) {
    code = ErrorCode::kInvalidArgument;
  } else if (s == 401 || s == 403 || s == 412) {
    code = ErrorCode::kFailedPrecondition;
  } else if (IsRetryableStatus(s)) {
    code = ErrorCode::kUnavailable;
  }
  std::string detail;
  nlohmann::json j = nlohmann::json::parse(reply.body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object() &&
      j["error"].contains("message") && j["error"]["message"].is_string()) {
    detail = j["error"]["message"].get<std::string>();
  } else {
    detail = reply.body.substr(0, 200);
  }
  std::string what = "gcs " + std::string(op) + " gs://" + std::string(bucket) +
                     "/" + std::string(name) + ": HTTP " + std::to_string(s);
  if (!detail.empty()) what += ": " + detail;
  if (s == 401 || s == 403) {
    what +=
        " (check the credentials and the service account's roles on the "
        "bucket)";
  }
  return Error{code, std::move(what), {}};
}

}  // namespace miri::gcs
