// The Cloud Storage JSON API as data: URLs, the multipart upload framing,
// the object resource we read back, and how a reply maps to our errors.
// Pure functions; GcsBlobStore sends what these build.
// Reference: https://cloud.google.com/storage/docs/json_api/v1/objects
#ifndef MIRI_ADAPTERS_GCS_GCS_WIRE_H_
#define MIRI_ADAPTERS_GCS_GCS_WIRE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/curl/http_client.h"
#include "domain/result.h"

namespace miri::gcs {

inline constexpr char kDefaultEndpoint[] = "https://storage.googleapis.com";

// The API endpoint for STORAGE_EMULATOR_HOST (the variable Google's own
// clients read): unset or empty -> production; "host:port" -> http://host:port;
// a URL ("http://host:port") is taken as it is, without a trailing '/'.
std::string EndpointFrom(std::string_view storage_emulator_host);

// Object names travel as one percent-encoded path segment ('/' is %2F).
std::string ObjectUrl(std::string_view endpoint, std::string_view bucket,
                      std::string_view name);
// The bytes; with `generation`, exactly that generation (404 once replaced).
std::string MediaUrl(std::string_view endpoint, std::string_view bucket,
                     std::string_view name,
                     std::optional<std::string_view> generation = std::nullopt);
std::string MultipartUploadUrl(std::string_view endpoint,
                               std::string_view bucket);

// The Content-Type stored with a blob, from its key's extension (browsers
// and the dashboard read media straight from signed URLs some day).
std::string ContentTypeFor(std::string_view key);

// A multipart/related upload is head + media + tail; the media may then be
// streamed from a file between the two. `boundary` must not occur in the
// media (callers use 128 random bits).
struct MultipartFraming {
  std::string content_type;  // the request's Content-Type header
  std::string head;  // delimiter, JSON metadata part, media part headers
  std::string tail;  // the closing delimiter
};
MultipartFraming FrameMultipart(std::string_view name,
                                std::string_view content_type,
                                std::string_view boundary);

// The fields of an object resource the adapter uses.
struct ObjectInfo {
  std::string name;
  std::string generation;
  int64_t size = 0;
  std::string content_type;
};
// UNAVAILABLE when the body is not an object resource (a proxy's page, a
// truncated reply): retrying may help, and nothing was misread.
Result<ObjectInfo> ParseObject(std::string_view json);

// True for statuses a retry may fix: 408, 429 and 5xx.
bool IsRetryableStatus(int status);

// A 404 that is about the bucket, not the object ("The specified bucket
// does not exist."): a configuration error, never "no such blob".
bool IsMissingBucket(const HttpResponse& reply);

// The error for a non-2xx reply, naming the operation and gs://bucket/name:
// 404 NOT_FOUND (FAILED_PRECONDITION when the bucket is missing), 400
// INVALID_ARGUMENT, 401/403/412 FAILED_PRECONDITION (credentials, roles,
// preconditions), 408/429/5xx UNAVAILABLE (retryable),
// anything else INTERNAL. The message carries the API's error.message.
Error ErrorFor(const HttpResponse& reply, std::string_view op,
               std::string_view bucket, std::string_view name);

}  // namespace miri::gcs

#endif  // MIRI_ADAPTERS_GCS_GCS_WIRE_H_
