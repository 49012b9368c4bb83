#include "adapters/localfs/localfs_blob_store.h"

#include <cstdlib>
#include <fstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace miri {
namespace {
namespace fs = std::filesystem;

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

TEST_F(LocalFsBlobStoreTest, PutThenGetReturnsTheBytes) {
  std::string bytes("a\0b\xff", 4);
  ASSERT_TRUE(store_->Put("projects/p1/audio/song.mp3", bytes));
  auto got = store_->Get("projects/p1/audio/song.mp3");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, bytes);
  EXPECT_EQ(store_->Exists("projects/p1/audio/song.mp3").value(), true);
}

TEST_F(LocalFsBlobStoreTest, PutReplacesAnExistingBlob) {
  ASSERT_TRUE(store_->Put("k", "one"));
  ASSERT_TRUE(store_->Put("k", "two"));
  EXPECT_EQ(store_->Get("k").value(), "two");
}

TEST_F(LocalFsBlobStoreTest, MissingKeyIsNotFound) {
  EXPECT_EQ(store_->Get("nope").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->LocalPath("nope").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->Exists("nope").value(), false);
}

TEST_F(LocalFsBlobStoreTest, KeysThatWouldEscapeAreRefused) {
  for (const char* key : {"../x", "a/../../x", "/etc/passwd", "a//b", "", "a/./b",
                          "a b", "a\\b"}) {
    auto r = store_->Put(key, "x");
    ASSERT_FALSE(r.has_value()) << key;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << key;
    EXPECT_EQ(r.error().issues.at(0).path, "key");
  }
  EXPECT_FALSE(fs::exists(dir_ / "x"));
}

TEST_F(LocalFsBlobStoreTest, PutFileCopiesAndLocalPathPointsAtIt) {
  fs::path src = dir_ / "src.bin";
  std::ofstream(src) << "media";
  ASSERT_TRUE(store_->PutFile("projects/p1/renders/final.mp4", src));
  auto p = store_->LocalPath("projects/p1/renders/final.mp4");
  ASSERT_TRUE(p.has_value());
  std::ifstream in(*p);
  std::string s;
  in >> s;
  EXPECT_EQ(s, "media");
  EXPECT_EQ(store_->PutFile("x", dir_ / "missing").error().code,
            ErrorCode::kNotFound);
}

TEST_F(LocalFsBlobStoreTest, ConcurrentWritersNeverLeaveAPartialBlob) {
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
