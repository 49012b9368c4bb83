// BlobStore: audio, images, clips and renders, addressed by key.
//
// Contract:
// - A key is a relative path of segments made of [A-Za-z0-9._-], separated
//   by '/', with no empty, "." or ".." segment (e.g.
//   "projects/<id>/shots/<shotId>/<versionId>.png"). Any other key is
//   INVALID_ARGUMENT: a key never escapes the store.
// - Put writes the whole blob or nothing (readers never see a partial blob)
//   and replaces an existing blob of the same key.
// - Get / LocalPath of a missing key: NOT_FOUND.
// Thread-safety: all methods may be called from any thread.
#ifndef MIRI_PORTS_BLOB_STORE_H_
#define MIRI_PORTS_BLOB_STORE_H_

#include <filesystem>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace miri {

bool IsValidBlobKey(std::string_view key);

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  virtual Result<void> Put(std::string_view key, std::string_view bytes) = 0;
  // Copies a local file in (large media without holding it in memory).
  virtual Result<void> PutFile(std::string_view key,
                               const std::filesystem::path& source) = 0;
  virtual Result<std::string> Get(std::string_view key) = 0;
  virtual Result<bool> Exists(std::string_view key) = 0;
  // A local file holding the blob, for libraries that read files (FFmpeg):
  // the file itself for the local adapter, a cached copy for remote ones.
  virtual Result<std::filesystem::path> LocalPath(std::string_view key) = 0;
};

}  // namespace miri

#endif  // MIRI_PORTS_BLOB_STORE_H_
