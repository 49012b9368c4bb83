// LocalFsBlobStore: the embedded BlobStore, one file per key under a root
// directory (ports/blob_store.h). Writes go to a temporary file in the same
// directory and are renamed into place, so readers never see a partial blob.
#ifndef MIRI_ADAPTERS_LOCALFS_LOCALFS_BLOB_STORE_H_
#define MIRI_ADAPTERS_LOCALFS_LOCALFS_BLOB_STORE_H_

#include <filesystem>

#include "ports/blob_store.h"

namespace miri {

class LocalFsBlobStore final : public BlobStore {
 public:
  // Creates `root` if needed.
  static Result<std::unique_ptr<LocalFsBlobStore>> Open(
      const std::filesystem::path& root);

  Result<void> Put(std::string_view key, std::string_view bytes) override;
  Result<void> PutFile(std::string_view key,
                       const std::filesystem::path& source) override;
  Result<std::string> Get(std::string_view key) override;
  Result<bool> Exists(std::string_view key) override;
  Result<std::filesystem::path> LocalPath(std::string_view key) override;

 private:
  explicit LocalFsBlobStore(std::filesystem::path root)
      : root_(std::move(root)) {}
  Result<std::filesystem::path> PathOf(std::string_view key) const;
  Result<std::filesystem::path> TempBeside(
      const std::filesystem::path& p) const;

  std::filesystem::path root_;
};

}  // namespace miri

#endif  // MIRI_ADAPTERS_LOCALFS_LOCALFS_BLOB_STORE_H_
