#include "adapters/gcs/gcs_blob_store.h"

#include <unistd.h>

#include <algorithm>
#include <random>
#include <utility>
#include <vector>

#include "services/resilience/call_outcome.h"

namespace miri {

namespace fs = std::filesystem;

namespace {

bool IsValidBucketName(std::string_view b) {
  if (b.size() < 3 || b.size() > 222) return false;
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  };
  if (!alnum(b.front()) || !alnum(b.back())) return false;
  for (char c : b) {
    if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

tl::unexpected<Error> InvalidKey() {
  return MakeError(ErrorCode::kInvalidArgument, "invalid blob key",
                   {{"key",
                     "segments of [A-Za-z0-9._-] separated by '/', "
                     "no empty, '.' or '..' segment"}});
}

// Jitter for the retry loop; one engine per thread, so concurrent calls
// share no state.
double RandomUnit() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

}  // namespace

Result<std::unique_ptr<GcsBlobStore>> GcsBlobStore::Open(GcsOptions options) {
  if (!IsValidBucketName(options.bucket)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid Cloud Storage bucket",
                     {{"bucket",
                       "3-222 of [a-z0-9._-], starting and ending with a "
                       "letter or digit, got \"" +
                           options.bucket + "\""}});
  }
  if (options.cache_dir.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "GCS blob store",
                     {{"cache_dir", "required (LocalPath copies)"}});
  }
  std::error_code ec;
  fs::create_directories(options.cache_dir, ec);
  if (ec) {
    return MakeError(
        ErrorCode::kUnavailable,
        "creating " + options.cache_dir.string() + ": " + ec.message());
  }
  if (options.http == nullptr)
    options.http = std::make_shared<CurlHttpClient>();
  return std::unique_ptr<GcsBlobStore>(new GcsBlobStore(std::move(options)));
}

GcsBlobStore::GcsBlobStore(GcsOptions options) : options_(std::move(options)) {
  if (options_.sleeper == nullptr) {
    own_sleeper_ = std::make_unique<ThreadSleeper>();
    options_.sleeper = own_sleeper_.get();
  }
  if (options_.clock == nullptr) {
    own_clock_ = std::make_unique<SystemClock>();
    options_.clock = own_clock_.get();
  }
  retrier_ = std::make_unique<Retrier>(options_.retry, *options_.sleeper,
                                       RandomUnit, *options_.clock);
  IndexCache();
}

std::string GcsBlobStore::Boundary() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string b = "miri-";
  for (int i = 0; i < 32; ++i) b += kHex[rng() & 15];
  return b;
}

Result<HttpResponse> GcsBlobStore::Call(HttpRequest request,
                                        std::string_view op,
                                        std::string_view key, int accept) {
  std::optional<HttpResponse> answer;
  // One Authorization slot, refreshed per attempt (a retry may outlive a
  // token), so the body is never copied.
  size_t auth = request.headers.size();
  if (options_.tokens != nullptr)
    request.headers.emplace_back("Authorization", "");
  auto attempt = [&]() -> AttemptOutcome {
    AttemptOutcome o;
    if (options_.tokens != nullptr) {
      Result<std::string> token = options_.tokens->Token();
      if (!token) {
        o.cls = CallClass::kFailure;
        o.error = WithContext(token.error(), "gcs " + std::string(op));
        return o;
      }
      request.headers[auth].second = "Bearer " + *token;
    }
    Result<HttpResponse> reply = options_.http->Send(request);
    if (!reply) {
      o.cls = CallClass::kFailure;
      o.error = WithContext(reply.error(), "gcs " + std::string(op) + " gs://" +
                                               options_.bucket + "/" +
                                               std::string(key));
      return o;
    }
    if ((reply->status >= 200 && reply->status < 300) ||
        (accept != 0 && reply->status == accept &&
         !gcs::IsMissingBucket(*reply))) {
      answer = std::move(*reply);
      return o;
    }
    o.cls = gcs::IsRetryableStatus(reply->status) ? CallClass::kFailure
                                                  : CallClass::kCallerError;
    o.retry_after_ms = ParseRetryAfterMs(reply->Header("retry-after"),
                                         options_.clock->NowMs());
    o.error = gcs::ErrorFor(*reply, op, options_.bucket, key);
    return o;
  };
  Result<void> ran = retrier_->Run(attempt);
  if (!ran) return tl::unexpected<Error>(std::move(ran).error());
  return std::move(*answer);
}

Result<void> GcsBlobStore::Upload(std::string_view key, std::string_view bytes,
                                  const fs::path* file) {
  gcs::MultipartFraming f =
      gcs::FrameMultipart(key, gcs::ContentTypeFor(key), Boundary());
  HttpRequest r;
  r.method = "POST";
  r.url = gcs::MultipartUploadUrl(options_.endpoint, options_.bucket);
  r.headers = {{"Content-Type", f.content_type}};
  r.total_timeout_ms = options_.media_timeout_ms;
  if (file != nullptr) {
    r.body = std::move(f.head);
    r.body_file = *file;
    r.body_tail = std::move(f.tail);
  } else {
    r.body.reserve(f.head.size() + bytes.size() + f.tail.size());
    r.body.append(f.head).append(bytes).append(f.tail);
  }
  ASSIGN_OR_RETURN(HttpResponse reply, Call(std::move(r), "upload", key),
                   "put");
  // The reply is the stored object: check it is the one we meant.
  ASSIGN_OR_RETURN(gcs::ObjectInfo o, gcs::ParseObject(reply.body),
                   "put " + std::string(key));
  if (o.name != key) {
    return MakeError(ErrorCode::kInternal,
                     "put " + std::string(key) + ": stored as " + o.name);
  }
  return {};
}

Result<void> GcsBlobStore::Put(std::string_view key, std::string_view bytes) {
  if (!IsValidBlobKey(key)) return InvalidKey();
  return Upload(key, bytes, nullptr);
}

Result<void> GcsBlobStore::PutFile(std::string_view key,
                                   const fs::path& source) {
  if (!IsValidBlobKey(key)) return InvalidKey();
  std::error_code ec;
  if (!fs::is_regular_file(source, ec)) {
    return MakeError(ErrorCode::kNotFound, "no file " + source.string());
  }
  return Upload(key, {}, &source);
}

Result<std::string> GcsBlobStore::Get(std::string_view key) {
  if (!IsValidBlobKey(key)) return InvalidKey();
  HttpRequest r;
  r.url = gcs::MediaUrl(options_.endpoint, options_.bucket, key);
  r.max_response_bytes = options_.max_get_bytes;
  r.total_timeout_ms = options_.media_timeout_ms;
  ASSIGN_OR_RETURN(HttpResponse reply, Call(std::move(r), "get", key), "get");
  return std::move(reply.body);
}

Result<std::optional<gcs::ObjectInfo>> GcsBlobStore::Stat(std::string_view key,
                                                          std::string_view op) {
  HttpRequest r;
  r.url = gcs::ObjectUrl(options_.endpoint, options_.bucket, key);
  r.total_timeout_ms = options_.metadata_timeout_ms;
  ASSIGN_OR_RETURN(HttpResponse reply, Call(std::move(r), op, key, 404), "");
  if (reply.status == 404) return std::nullopt;
  ASSIGN_OR_RETURN(gcs::ObjectInfo o, gcs::ParseObject(reply.body),
                   std::string(op));
  return o;
}

Result<bool> GcsBlobStore::Exists(std::string_view key) {
  if (!IsValidBlobKey(key)) return InvalidKey();
  ASSIGN_OR_RETURN(std::optional<gcs::ObjectInfo> o, Stat(key, "exists"),
                   "exists");
  return o.has_value();
}

Result<fs::path> GcsBlobStore::LocalPath(std::string_view key) {
  if (!IsValidBlobKey(key)) return InvalidKey();
  // A generation replaced between the metadata read and the download is
  // gone (404): read the metadata again, a bounded number of times.
  constexpr int kRounds = 3;
  for (int round = 1;; ++round) {
    ASSIGN_OR_RETURN(std::optional<gcs::ObjectInfo> o, Stat(key, "local path"),
                     "local path");
    if (!o) {
      return MakeError(ErrorCode::kNotFound, "no blob " + std::string(key) +
                                                 " in gs://" + options_.bucket);
    }
    Result<fs::path> copy = CopyOf(key, *o);
    if (copy || copy.error().code != ErrorCode::kNotFound || round == kRounds) {
      return copy;
    }
  }
}

Result<fs::path> GcsBlobStore::CopyOf(std::string_view key,
                                      const gcs::ObjectInfo& o) {
  // The generation goes in front of the file name, so the extension that
  // FFmpeg and friends look at is kept.
  fs::path rel(std::string{key});
  fs::path dir = options_.cache_dir / rel.parent_path();
  fs::path copy = dir / ("g" + o.generation + "-" + rel.filename().string());
  std::error_code ec;
  if (fs::is_regular_file(copy, ec) &&
      static_cast<int64_t>(fs::file_size(copy, ec)) == o.size && !ec) {
    UseCopy(copy, o.size);
    return copy;
  }
  fs::create_directories(dir, ec);
  if (ec) {
    return MakeError(ErrorCode::kUnavailable,
                     "creating " + dir.string() + ": " + ec.message());
  }
  fs::path tmp =
      dir / (".tmp-" + std::to_string(::getpid()) + "-" +
             std::to_string(temp_counter_++) + "-" + rel.filename().string());
  auto fail = [&](Error e) {
    fs::remove(tmp, ec);
    return tl::unexpected<Error>(WithContext(std::move(e), "local path"));
  };
  HttpRequest r;
  r.url = gcs::MediaUrl(options_.endpoint, options_.bucket, key, o.generation);
  r.response_file = tmp;
  r.max_response_bytes = std::max<int64_t>(o.size, 1);
  r.total_timeout_ms = options_.media_timeout_ms;
  Result<HttpResponse> reply = Call(std::move(r), "download", key);
  if (!reply) return fail(reply.error());
  if (static_cast<int64_t>(fs::file_size(tmp, ec)) != o.size || ec) {
    return fail(Error{ErrorCode::kUnavailable,
                      "gcs download of " + std::string(key) + " was cut short",
                      {}});
  }
  fs::rename(tmp, copy, ec);
  if (ec) {
    return fail(Error{ErrorCode::kUnavailable,
                      "caching " + copy.string() + ": " + ec.message(),
                      {}});
  }
  UseCopy(copy, o.size);
  return copy;
}

void GcsBlobStore::UseCopy(const fs::path& path, int64_t size) {
  std::lock_guard lock(cache_mu_);
  const std::string key = path.string();
  auto [it, added] = copies_.try_emplace(key);
  if (!added) {
    by_use_.erase(it->second.used);
    cached_bytes_ -= it->second.size;
  }
  it->second = {size, ++uses_};
  by_use_[it->second.used] = key;
  cached_bytes_ += size;
  while (cached_bytes_ > options_.cache_max_bytes && by_use_.size() > 1) {
    auto oldest = by_use_.begin();
    if (oldest->second == key) break;  // only the copy just used is left
    std::error_code ec;
    fs::remove(oldest->second, ec);  // a reader that opened it keeps it
    auto victim = copies_.find(oldest->second);
    cached_bytes_ -= victim->second.size;
    copies_.erase(victim);
    by_use_.erase(oldest);
  }
}

void GcsBlobStore::IndexCache() {
  std::vector<std::pair<fs::file_time_type, fs::path>> found;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(options_.cache_dir, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    if (it->path().filename().string().rfind(".tmp-", 0) == 0) {
      fs::remove(it->path(), ec);  // a download cut off by a crash
      continue;
    }
    found.emplace_back(it->last_write_time(ec), it->path());
  }
  std::sort(found.begin(), found.end());
  for (const auto& [when, path] : found) {
    std::error_code size_ec;
    const auto size = fs::file_size(path, size_ec);
    if (!size_ec) UseCopy(path, static_cast<int64_t>(size));
  }
}

}  // namespace miri
