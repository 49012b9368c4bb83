#include "testing/blob_store_contract.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

namespace miri::testing {

namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Every byte value, so no adapter may treat a blob as text.
std::string AllBytes(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i)
    s[i] = static_cast<char>((i * 7 + i / 256) & 0xff);
  return s;
}

}  // namespace

void BlobStoreContractTest::SetUp() {
  std::string tmpl = (fs::temp_directory_path() / "miri-blobs-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  dir_ = tmpl;
  store_ = Reopen();
  ASSERT_NE(store_, nullptr);
}

void BlobStoreContractTest::TearDown() {
  store_.reset();
  fs::remove_all(dir_);
}

std::unique_ptr<BlobStore> BlobStoreContractTest::Reopen() {
  Result<std::unique_ptr<BlobStore>> s = GetParam().open(dir_);
  EXPECT_TRUE(s) << s.error().ToString();
  return s ? std::move(*s) : nullptr;
}

TEST_P(BlobStoreContractTest, PutThenGetReturnsTheExactBytes) {
  std::string bytes = AllBytes(1000);
  ASSERT_TRUE(store_->Put("projects/p1/audio/song.mp3", bytes));
  Result<std::string> got = store_->Get("projects/p1/audio/song.mp3");
  ASSERT_TRUE(got) << got.error().ToString();
  EXPECT_EQ(*got, bytes);
  EXPECT_EQ(store_->Exists("projects/p1/audio/song.mp3"), true);
}

TEST_P(BlobStoreContractTest, AnEmptyBlobIsABlob) {
  ASSERT_TRUE(store_->Put("projects/p1/empty.txt", ""));
  EXPECT_EQ(store_->Get("projects/p1/empty.txt"), "");
  EXPECT_EQ(store_->Exists("projects/p1/empty.txt"), true);
}

TEST_P(BlobStoreContractTest, PutReplacesAnExistingBlob) {
  ASSERT_TRUE(store_->Put("k", "one"));
  ASSERT_TRUE(store_->Put("k", "two"));
  EXPECT_EQ(store_->Get("k"), "two");
}

TEST_P(BlobStoreContractTest, MissingKeyIsNotFoundAndDoesNotExist) {
  Result<std::string> got = store_->Get("projects/none/x.png");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
  EXPECT_NE(got.error().message.find("projects/none/x.png"), std::string::npos)
      << "the error names the key: " << got.error().message;
  Result<fs::path> path = store_->LocalPath("projects/none/x.png");
  ASSERT_FALSE(path);
  EXPECT_EQ(path.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->Exists("projects/none/x.png"), false);
}

TEST_P(BlobStoreContractTest, KeysThatWouldEscapeAreRefusedByEveryMethod) {
  fs::path src = fs::path(dir_) / "src.bin";
  WriteFile(src, "x");
  for (const char* key :
       {"../x", "a/../../x", "/etc/passwd", "a//b", "", "a/./b", "a b", "a\\b",
        "a/", "a?b", "a%2Fb", "a#b"}) {
    std::vector<Error> errors;
    if (auto r = store_->Put(key, "x"); !r) errors.push_back(r.error());
    if (auto r = store_->PutFile(key, src); !r) errors.push_back(r.error());
    if (auto r = store_->Get(key); !r) errors.push_back(r.error());
    if (auto r = store_->Exists(key); !r) errors.push_back(r.error());
    if (auto r = store_->LocalPath(key); !r) errors.push_back(r.error());
    ASSERT_EQ(errors.size(), 5u) << key;
    for (const Error& e : errors) {
      EXPECT_EQ(e.code, ErrorCode::kInvalidArgument)
          << key << ": " << e.ToString();
      ASSERT_FALSE(e.issues.empty()) << key;
      EXPECT_EQ(e.issues.at(0).path, "key");
    }
  }
  EXPECT_FALSE(fs::exists(fs::path(dir_).parent_path() / "x"));
}

TEST_P(BlobStoreContractTest, PutFileCopiesAndLocalPathReadsItBack) {
  fs::path src = fs::path(dir_) / "src.mp4";
  std::string media = AllBytes(300000);
  WriteFile(src, media);
  ASSERT_TRUE(store_->PutFile("projects/p1/render/output.mp4", src));
  fs::remove(src);  // the store holds its own copy
  Result<fs::path> p = store_->LocalPath("projects/p1/render/output.mp4");
  ASSERT_TRUE(p) << p.error().ToString();
  EXPECT_EQ(ReadFile(*p), media);
  EXPECT_EQ(store_->Get("projects/p1/render/output.mp4"), media);
}

TEST_P(BlobStoreContractTest,
       PutFileOfAMissingSourceIsNotFoundAndWritesNothing) {
  Result<void> r = store_->PutFile("x", fs::path(dir_) / "missing");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->Exists("x"), false);
}

TEST_P(BlobStoreContractTest, LocalPathFollowsAReplacedBlob) {
  ASSERT_TRUE(store_->Put("projects/p1/shots/s1/v1.png", "first"));
  Result<fs::path> first = store_->LocalPath("projects/p1/shots/s1/v1.png");
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(ReadFile(*first), "first");
  ASSERT_TRUE(store_->Put("projects/p1/shots/s1/v1.png", "second, longer"));
  Result<fs::path> second = store_->LocalPath("projects/p1/shots/s1/v1.png");
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_EQ(ReadFile(*second), "second, longer");
}

TEST_P(BlobStoreContractTest, TwoHandlesOnOneStoreSeeEachOthersBlobs) {
  std::unique_ptr<BlobStore> other = Reopen();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(store_->Put("projects/p1/lyrics.txt", "la la"));
  EXPECT_EQ(other->Get("projects/p1/lyrics.txt"), "la la");
  ASSERT_TRUE(other->Put("projects/p1/lyrics.txt", "na na"));
  EXPECT_EQ(store_->Get("projects/p1/lyrics.txt"), "na na");
  Result<fs::path> p = store_->LocalPath("projects/p1/lyrics.txt");
  ASSERT_TRUE(p) << p.error().ToString();
  EXPECT_EQ(ReadFile(*p), "na na");
}

TEST_P(BlobStoreContractTest, KeysDifferingOnlyInCaseOrDotsAreDistinct) {
  ASSERT_TRUE(store_->Put("a/B.png", "upper"));
  ASSERT_TRUE(store_->Put("a/b.png", "lower"));
  ASSERT_TRUE(store_->Put("a/b..png", "dots"));
  ASSERT_TRUE(store_->Put("a/-_.x", "marks"));
  EXPECT_EQ(store_->Get("a/B.png"), "upper");
  EXPECT_EQ(store_->Get("a/b.png"), "lower");
  EXPECT_EQ(store_->Get("a/b..png"), "dots");
  EXPECT_EQ(store_->Get("a/-_.x"), "marks");
  EXPECT_EQ(store_->Exists("a"), false) << "a prefix is not a blob";
}

TEST_P(BlobStoreContractTest, ConcurrentWritersNeverLeaveAPartialBlob) {
  std::string a(200000, 'a'), b(200000, 'b');
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) (void)store_->Put("k", t % 2 ? a : b);
    });
  }
  for (int i = 0; i < 20; ++i) {
    Result<std::string> got = store_->Get("k");
    if (got) {
      EXPECT_TRUE(*got == a || *got == b)
          << "a partial blob of " << got->size();
    }
  }
  for (std::thread& t : threads) t.join();
  Result<std::string> last = store_->Get("k");
  ASSERT_TRUE(last);
  EXPECT_TRUE(*last == a || *last == b);
}

}  // namespace miri::testing
