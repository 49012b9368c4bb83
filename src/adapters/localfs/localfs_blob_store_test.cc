#include "adapters/localfs/localfs_blob_store.h"

#include <cstdlib>
#include <fstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "testing/blob_store_contract.h"

namespace miri {
namespace {
namespace fs = std::filesystem;
using testing::BlobStoreContractTest;
using testing::BlobStoreFactory;

const BlobStoreFactory kLocalFs{
    "localfs",
    [](const std::string& dir) -> Result<std::unique_ptr<BlobStore>> {
      ASSIGN_OR_RETURN(std::unique_ptr<LocalFsBlobStore> s,
                       LocalFsBlobStore::Open(fs::path(dir) / "root"), "test");
      return std::unique_ptr<BlobStore>(std::move(s));
    }};

INSTANTIATE_TEST_SUITE_P(LocalFs, BlobStoreContractTest,
                         ::testing::Values(kLocalFs),
                         [](const auto& info) { return info.param.name; });

class LocalFsBlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/miri-blobs-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto s = LocalFsBlobStore::Open(dir_ / "root");
    ASSERT_TRUE(s.has_value());
    store_ = std::move(*s);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::unique_ptr<LocalFsBlobStore> store_;
};

TEST_F(LocalFsBlobStoreTest, OneFilePerKeyUnderTheRoot) {
  ASSERT_TRUE(store_->Put("projects/p1/audio/song.mp3", "mp3"));
  std::ifstream in(dir_ / "root" / "projects" / "p1" / "audio" / "song.mp3");
  std::string s;
  in >> s;
  EXPECT_EQ(s, "mp3");
  EXPECT_EQ(store_->LocalPath("projects/p1/audio/song.mp3").value(),
            dir_ / "root" / "projects" / "p1" / "audio" / "song.mp3");
}

TEST_F(LocalFsBlobStoreTest, KeysThatWouldEscapeWriteNothingOutsideTheRoot) {
  for (const char* key : {"../x", "a/../../x", "/tmp/x"}) {
    EXPECT_FALSE(store_->Put(key, "x")) << key;
  }
  EXPECT_FALSE(fs::exists(dir_ / "x"));
}

TEST_F(LocalFsBlobStoreTest, ConcurrentWritersLeaveNoTemporaryFiles) {
  std::string a(200000, 'a'), b(200000, 'b');
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) (void)store_->Put("k", t % 2 ? a : b);
    });
  }
  for (int i = 0; i < 50; ++i) {
    auto got = store_->Get("k");
    if (got) {
      EXPECT_TRUE(*got == a || *got == b);
    }
  }
  for (auto& t : threads) t.join();
  // No temporary files are left behind.
  int files = 0;
  for (auto& e : fs::directory_iterator(dir_ / "root")) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

}  // namespace
}  // namespace miri
