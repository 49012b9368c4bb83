#include "adapters/localfs/localfs_blob_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <memory>

namespace miri {
namespace fs = std::filesystem;

namespace {

Error IoError(std::string what, const std::error_code& ec) {
  return Error{ErrorCode::kUnavailable, what + ": " + ec.message(), {}};
}

Result<void> Commit(const fs::path& tmp, const fs::path& dest) {
  std::error_code ec;
  fs::rename(tmp, dest, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return tl::unexpected(IoError("renaming blob into place", ec));
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<LocalFsBlobStore>> LocalFsBlobStore::Open(
    const fs::path& root) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return tl::unexpected(IoError("creating " + root.string(), ec));
  return std::unique_ptr<LocalFsBlobStore>(
      new LocalFsBlobStore(fs::absolute(root)));
}

Result<fs::path> LocalFsBlobStore::PathOf(std::string_view key) const {
  if (!IsValidBlobKey(key)) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid blob key",
                     {{"key",
                       "segments of [A-Za-z0-9._-] separated by '/', "
                       "no empty, '.' or '..' segment"}});
  }
  return root_ / fs::path(std::string(key));
}

Result<fs::path> LocalFsBlobStore::TempBeside(const fs::path& p) const {
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  if (ec) return tl::unexpected(IoError("creating blob directory", ec));
  static std::atomic<uint64_t> counter{0};
  return p.parent_path() /
         (".tmp-" + std::to_string(getpid()) + "-" + std::to_string(counter++) +
          "-" + p.filename().string());
}

Result<void> LocalFsBlobStore::Put(std::string_view key,
                                   std::string_view bytes) {
  ASSIGN_OR_RETURN(fs::path dest, PathOf(key), "put");
  ASSIGN_OR_RETURN(fs::path tmp, TempBeside(dest), "put");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      return MakeError(ErrorCode::kUnavailable, "writing blob failed");
    }
  }
  return Commit(tmp, dest);
}

Result<void> LocalFsBlobStore::PutFile(std::string_view key,
                                       const fs::path& source) {
  ASSIGN_OR_RETURN(fs::path dest, PathOf(key), "put file");
  std::error_code ec;
  if (!fs::is_regular_file(source, ec)) {
    return MakeError(ErrorCode::kNotFound, "no file " + source.string());
  }
  ASSIGN_OR_RETURN(fs::path tmp, TempBeside(dest), "put file");
  fs::copy_file(source, tmp, fs::copy_options::overwrite_existing, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return tl::unexpected(IoError("copying " + source.string(), ec));
  }
  return Commit(tmp, dest);
}

Result<std::string> LocalFsBlobStore::Get(std::string_view key) {
  ASSIGN_OR_RETURN(fs::path p, PathOf(key), "get");
  std::ifstream in(p, std::ios::binary);
  if (!in)
    return MakeError(ErrorCode::kNotFound, "no blob " + std::string(key));
  return std::string(std::istreambuf_iterator<char>(in), {});
}

Result<bool> LocalFsBlobStore::Exists(std::string_view key) {
  ASSIGN_OR_RETURN(fs::path p, PathOf(key), "exists");
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

Result<fs::path> LocalFsBlobStore::LocalPath(std::string_view key) {
  ASSIGN_OR_RETURN(fs::path p, PathOf(key), "local path");
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) {
    return MakeError(ErrorCode::kNotFound, "no blob " + std::string(key));
  }
  return p;
}

}  // namespace miri
