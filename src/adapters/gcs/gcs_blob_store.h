// GcsBlobStore: the BlobStore (ports/blob_store.h) on Google Cloud Storage,
// over the JSON API with libcurl (adapters/curl/http_client.h). Several
// `miri serve` instances and the render job share one bucket through it.
//
// - Key -> object name unchanged (keys are already safe object names); one
//   bucket per deployment (MIRI_GCS_BUCKET).
// - Put / PutFile: one multipart upload (metadata + media); a file is
//   streamed, never held in memory. GCS makes an object visible only once
//   its upload completes, and a new generation replaces the old atomically.
// - Get: the media in memory (at most `max_get_bytes`); Exists: the object
//   resource; LocalPath: a copy in `cache_dir`, named by the object's
//   generation, so a replaced blob is fetched again and an unchanged one is
//   not. The copies are kept under `cache_max_bytes` (issue 21 item 9: on
//   Cloud Run the cache dir is memory): each new copy evicts the least
//   recently used ones (a LocalPath that finds its copy makes it recent),
//   and an evicted blob is fetched again when asked for. The copy just
//   made is never evicted, so one larger than the bound is kept alone
//   until the next. Open indexes the copies a previous process left.
// - Errors name the operation and gs://bucket/key: 404 NOT_FOUND, a missing
//   bucket and 401/403 FAILED_PRECONDITION (configuration, never "no such
//   blob"), 408/429/5xx and transport failures UNAVAILABLE,
//   retried with backoff (every call is idempotent: an upload replaces the
//   whole object) before they are returned.
// - Auth: "Authorization: Bearer" from a TokenSource (ADC); none against the
//   emulator (STORAGE_EMULATOR_HOST).
// Thread-safety: all methods may be called from any thread.
#ifndef MIRI_ADAPTERS_GCS_GCS_BLOB_STORE_H_
#define MIRI_ADAPTERS_GCS_GCS_BLOB_STORE_H_

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/curl/http_client.h"
#include "adapters/gcp/credentials.h"
#include "adapters/gcs/gcs_wire.h"
#include "ports/blob_store.h"
#include "ports/clock.h"
#include "services/resilience/retry.h"

namespace miri {

struct GcsOptions {
  std::string bucket;
  std::string endpoint = gcs::kDefaultEndpoint;  // gcs::EndpointFrom(...)
  // Null: no Authorization header (only the emulator accepts that).
  std::shared_ptr<gcp::TokenSource> tokens;
  // Where LocalPath keeps its copies; created if needed. Required.
  std::filesystem::path cache_dir;
  // At most this many bytes of copies in cache_dir (MIRI_GCS_CACHE_MB).
  int64_t cache_max_bytes = int64_t{1024} << 20;
  RetryOptions retry{.max_attempts = 5,
                     .base_delay_ms = 250,
                     .multiplier = 2.0,
                     .max_delay_ms = 8000,
                     .jitter = 0.5,
                     .max_retry_after_ms = 30000};
  int64_t max_get_bytes = int64_t{512} << 20;
  int64_t metadata_timeout_ms = 30'000;
  int64_t media_timeout_ms = 1'800'000;  // a long render's MP4
  // Injected for tests; null: libcurl, real sleeps, the system clock.
  std::shared_ptr<HttpClient> http;
  Sleeper* sleeper = nullptr;
  const Clock* clock = nullptr;
};

class GcsBlobStore final : public BlobStore {
 public:
  // INVALID_ARGUMENT naming the field for an empty or malformed bucket name
  // or a missing cache_dir. Makes no request: the bucket is first touched by
  // the first call (a service account may write objects without the right
  // to read bucket metadata).
  static Result<std::unique_ptr<GcsBlobStore>> Open(GcsOptions options);

  Result<void> Put(std::string_view key, std::string_view bytes) override;
  Result<void> PutFile(std::string_view key,
                       const std::filesystem::path& source) override;
  Result<std::string> Get(std::string_view key) override;
  Result<bool> Exists(std::string_view key) override;
  Result<std::filesystem::path> LocalPath(std::string_view key) override;

  const std::string& bucket() const { return options_.bucket; }

 private:
  explicit GcsBlobStore(GcsOptions options);

  // One API call through the retry loop: success is a 2xx, or a status in
  // `accept` (Exists takes an object's 404 as an answer); the rest become
  // ErrorFor(...).
  Result<HttpResponse> Call(HttpRequest request, std::string_view op,
                            std::string_view key, int accept = 0);
  Result<void> Upload(std::string_view key, std::string_view bytes,
                      const std::filesystem::path* file);
  Result<std::optional<gcs::ObjectInfo>> Stat(std::string_view key,
                                              std::string_view op);
  // The cached copy of generation `o`, downloaded if needed.
  Result<std::filesystem::path> CopyOf(std::string_view key,
                                       const gcs::ObjectInfo& o);
  std::string Boundary();
  // Marks the copy at `path` (of `size` bytes) as just used, indexing it if
  // new, then deletes the least recently used others while the copies
  // exceed cache_max_bytes.
  void UseCopy(const std::filesystem::path& path, int64_t size);
  // Indexes the copies in cache_dir (oldest first by modification time),
  // deleting unfinished downloads, then trims to the bound.
  void IndexCache();

  GcsOptions options_;
  std::unique_ptr<Sleeper> own_sleeper_;
  std::unique_ptr<Clock> own_clock_;
  std::unique_ptr<Retrier> retrier_;
  std::atomic<uint64_t> temp_counter_{0};
  // The LocalPath copies: size and last use of each, and use order.
  struct CachedCopy {
    int64_t size = 0;
    uint64_t used = 0;
  };
  std::mutex cache_mu_;
  std::map<std::string, CachedCopy> copies_;  // by path
  std::map<uint64_t, std::string> by_use_;    // oldest first
  int64_t cached_bytes_ = 0;
  uint64_t uses_ = 0;
};

}  // namespace miri

#endif  // MIRI_ADAPTERS_GCS_GCS_BLOB_STORE_H_
