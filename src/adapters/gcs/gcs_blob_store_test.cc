#include "adapters/gcs/gcs_blob_store.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>

#include <gtest/gtest.h>

#include "adapters/gcs/test_gcs_emulator.h"
#include "services/resilience/manual_clock.h"
#include "testing/blob_store_contract.h"

namespace miri {
namespace {

namespace fs = std::filesystem;
using testing::BlobStoreContractTest;
using testing::BlobStoreFactory;
using testing::SharedGcsEmulator;
using testing::TestGcsEmulator;

// The same dir names the same bucket, so two handles share the blobs; each
// handle has its own cache, as two processes would.
std::string BucketFor(const std::string& dir) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016zx", std::hash<std::string>{}(dir));
  return std::string("miri-test-") + hex;
}

GcsOptions EmulatorOptions(TestGcsEmulator& emu, const std::string& bucket,
                           const fs::path& cache) {
  GcsOptions o;
  o.bucket = bucket;
  o.endpoint = gcs::EndpointFrom(emu.host());
  o.cache_dir = cache;
  o.retry.base_delay_ms = 1;
  o.retry.max_delay_ms = 5;
  return o;
}

Result<std::unique_ptr<BlobStore>> OpenOnEmulator(const std::string& dir) {
  std::string why;
  TestGcsEmulator* emu = SharedGcsEmulator(&why);
  if (emu == nullptr) return MakeError(ErrorCode::kUnavailable, why);
  std::string bucket = BucketFor(dir);
  RETURN_IF_ERROR(emu->CreateBucket(bucket), "test");
  static std::atomic<int> handles{0};
  fs::path cache = fs::path(dir) / ("cache-" + std::to_string(handles++));
  ASSIGN_OR_RETURN(std::unique_ptr<GcsBlobStore> s,
                   GcsBlobStore::Open(EmulatorOptions(*emu, bucket, cache)),
                   "test");
  return std::unique_ptr<BlobStore>(std::move(s));
}

INSTANTIATE_TEST_SUITE_P(Gcs, BlobStoreContractTest,
                         ::testing::Values(BlobStoreFactory{"gcs",
                                                            OpenOnEmulator}),
                         [](const auto& info) { return info.param.name; });

class FixedTokenFetcher final : public gcp::TokenFetcher {
 public:
  FixedTokenFetcher(std::string token, const Clock& clock)
      : token_(std::move(token)), clock_(clock) {}
  Result<gcp::AccessToken> Fetch() override {
    return gcp::AccessToken{token_, clock_.NowMs() + 3600 * 1000};
  }
  std::string Describe() const override { return "fixed token"; }

 private:
  std::string token_;
  const Clock& clock_;
};

class GcsBlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    emu_ = SharedGcsEmulator(&why);
    ASSERT_NE(emu_, nullptr) << why;
    std::string tmpl = (fs::temp_directory_path() / "miri-gcs-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    bucket_ = BucketFor(dir_.string());
    ASSERT_TRUE(emu_->CreateBucket(bucket_));
  }
  void TearDown() override {
    emu_->SetFaults(nlohmann::json::array());
    emu_->RequireToken(std::nullopt);
    fs::remove_all(dir_);
  }
  GcsOptions Options() {
    GcsOptions o = EmulatorOptions(*emu_, bucket_, dir_ / "cache");
    o.sleeper = &sleeper_;
    o.clock = &clock_;
    return o;
  }
  std::unique_ptr<GcsBlobStore> Open(GcsOptions o) {
    Result<std::unique_ptr<GcsBlobStore>> s = GcsBlobStore::Open(std::move(o));
    EXPECT_TRUE(s) << s.error().ToString();
    return s ? std::move(*s) : nullptr;
  }
  // The requests to this test's bucket, in order.
  std::vector<nlohmann::json> Requests() {
    std::vector<nlohmann::json> mine;
    for (const nlohmann::json& r : emu_->Requests()) {
      if (r["path"].get<std::string>().find("/b/" + bucket_ + "/") !=
          std::string::npos) {
        mine.push_back(r);
      }
    }
    return mine;
  }

  TestGcsEmulator* emu_ = nullptr;
  fs::path dir_;
  std::string bucket_;
  ManualClock clock_;
  RecordingSleeper sleeper_{&clock_};
};

TEST_F(GcsBlobStoreTest, UploadIsOneMultipartRequestNamingTheKeyAndItsType) {
  auto store = Open(Options());
  ASSERT_TRUE(store->Put("projects/p1/audio/song.mp3", "ID3 bytes"));
  std::vector<nlohmann::json> sent = Requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["method"], "POST");
  EXPECT_EQ(sent[0]["url"],
            "/upload/storage/v1/b/" + bucket_ + "/o?uploadType=multipart");
  EXPECT_TRUE(sent[0]["headers"]["content-type"].get<std::string>().starts_with(
      "multipart/related; boundary="));
  std::string body = sent[0]["body"];
  EXPECT_NE(
      body.find(
          R"({"name":"projects/p1/audio/song.mp3","contentType":"audio/mpeg"})"),
      std::string::npos)
      << body;
  EXPECT_NE(body.find("\r\n\r\nID3 bytes\r\n--"), std::string::npos) << body;
}

TEST_F(GcsBlobStoreTest, ObjectNamesArePercentEncodedOnTheWire) {
  auto store = Open(Options());
  ASSERT_TRUE(store->Put("projects/p1/shots/s1/v1.png", "png"));
  ASSERT_TRUE(store->Get("projects/p1/shots/s1/v1.png"));
  ASSERT_TRUE(store->Exists("projects/p1/shots/s1/v1.png"));
  std::vector<nlohmann::json> sent = Requests();
  ASSERT_EQ(sent.size(), 3u);
  const std::string object =
      "/storage/v1/b/" + bucket_ + "/o/projects%2Fp1%2Fshots%2Fs1%2Fv1.png";
  EXPECT_EQ(sent[1]["url"], object + "?alt=media");
  EXPECT_EQ(sent[2]["url"], object);
}

TEST_F(GcsBlobStoreTest, BearerTokenFromTheTokenSourceIsSentOnEveryCall) {
  emu_->RequireToken("tok-1");
  GcsOptions with = Options();
  with.tokens = std::make_shared<gcp::TokenSource>(
      std::make_unique<FixedTokenFetcher>("tok-1", clock_), clock_);
  auto store = Open(with);
  ASSERT_TRUE(store->Put("k.txt", "x"));
  EXPECT_EQ(store->Get("k.txt"), "x");
  ASSERT_TRUE(store->LocalPath("k.txt"));
  for (const nlohmann::json& r : Requests()) {
    EXPECT_EQ(r["headers"]["authorization"], "Bearer tok-1");
  }

  auto anonymous = Open(Options());
  Result<void> refused = anonymous->Put("k.txt", "y");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kFailedPrecondition)
      << refused.error().ToString();
  EXPECT_TRUE(sleeper_.delays().empty()) << "a 401 is not retried";
}

TEST_F(GcsBlobStoreTest, RetryableStatusesAreRetriedWithBackoffAndRetryAfter) {
  auto store = Open(Options());
  emu_->SetFaults(nlohmann::json::array(
      {{{"op", "upload"}, {"action", "status"}, {"status", 503}, {"times", 1}},
       {{"op", "upload"},
        {"action", "status"},
        {"status", 429},
        {"retry_after", "2"},
        {"times", 1}}}));
  ASSERT_TRUE(store->Put("projects/p1/lyrics.txt", "la"));
  EXPECT_EQ(store->Get("projects/p1/lyrics.txt"), "la");
  std::vector<int64_t> delays = sleeper_.delays();
  ASSERT_EQ(delays.size(), 2u);
  EXPECT_GE(delays[1], 2000) << "Retry-After is honoured";
  EXPECT_EQ(Requests().size(), 4u);  // three uploads, one download
}

TEST_F(GcsBlobStoreTest,
       PersistentFailureIsUnavailableNamingTheObjectAfterBoundedAttempts) {
  GcsOptions o = Options();
  o.retry.max_attempts = 3;
  auto store = Open(o);
  ASSERT_TRUE(store->Put("projects/p1/clip.mp4", "mp4"));
  nlohmann::json rule = {
      {"op", "media"}, {"action", "status"}, {"status", 500}, {"times", 10}};
  emu_->SetFaults(nlohmann::json::array({rule}));
  Result<std::string> got = store->Get("projects/p1/clip.mp4");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(
      got.error().message.find("gs://" + bucket_ + "/projects/p1/clip.mp4"),
      std::string::npos)
      << got.error().message;
  EXPECT_EQ(Requests().size(), 4u);  // the upload, then three attempts
}

TEST_F(GcsBlobStoreTest, NotFoundIsAnswerNotAFailureAndIsNotRetried) {
  auto store = Open(Options());
  EXPECT_EQ(store->Get("nope.png").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store->Exists("nope.png"), false);
  EXPECT_EQ(store->LocalPath("nope.png").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Requests().size(), 3u);
  EXPECT_TRUE(sleeper_.delays().empty());
}

// A missing bucket is a configuration error: Exists must not answer "no".
TEST_F(GcsBlobStoreTest, AMissingBucketFailsEveryCallNamingIt) {
  GcsOptions o = Options();
  o.bucket = "miri-no-such-bucket";
  auto store = Open(o);
  std::vector<Error> errors;
  if (auto r = store->Put("k", "x"); !r) errors.push_back(r.error());
  if (auto r = store->Get("k"); !r) errors.push_back(r.error());
  if (auto r = store->Exists("k"); !r) errors.push_back(r.error());
  if (auto r = store->LocalPath("k"); !r) errors.push_back(r.error());
  ASSERT_EQ(errors.size(), 4u);
  for (const Error& e : errors) {
    EXPECT_EQ(e.code, ErrorCode::kFailedPrecondition) << e.ToString();
    EXPECT_NE(e.message.find("gs://miri-no-such-bucket/k"), std::string::npos)
        << e.message;
  }
}

TEST_F(GcsBlobStoreTest, LocalPathDownloadsOncePerGeneration) {
  auto store = Open(Options());
  ASSERT_TRUE(store->Put("projects/p1/audio/song.mp3", "first"));
  fs::path a = store->LocalPath("projects/p1/audio/song.mp3").value();
  fs::path again = store->LocalPath("projects/p1/audio/song.mp3").value();
  EXPECT_EQ(a, again);
  EXPECT_EQ(a.extension(), ".mp3")
      << "libraries that sniff extensions still work";
  auto media = [&] {
    int n = 0;
    for (const nlohmann::json& r : Requests()) {
      n += r["url"].get<std::string>().find("alt=media") != std::string::npos;
    }
    return n;
  };
  EXPECT_EQ(media(), 1);
  ASSERT_TRUE(store->Put("projects/p1/audio/song.mp3", "second"));
  fs::path b = store->LocalPath("projects/p1/audio/song.mp3").value();
  EXPECT_NE(a, b);
  EXPECT_EQ(media(), 2);
  std::ifstream in(b);
  std::string s;
  in >> s;
  EXPECT_EQ(s, "second");
}

// Issue 21 item 9: the copies LocalPath keeps (on Cloud Run, in memory)
// stay under cache_max_bytes; the least recently used go first, a read
// makes a copy recent, and an evicted blob is fetched from the bucket again.
TEST_F(GcsBlobStoreTest, TheCacheStaysUnderItsBoundEvictingTheLeastRecent) {
  GcsOptions o = Options();
  o.cache_max_bytes = 3000;
  auto store = Open(o);
  const std::string kilobyte(1000, 'x');
  for (const char* k : {"a", "b", "c", "d"})
    ASSERT_TRUE(store->Put(std::string("m/") + k + ".bin", kilobyte));
  auto media = [&](const std::string& key) {
    int n = 0;
    for (const nlohmann::json& r : Requests()) {
      const std::string url = r["url"];
      n += url.find("alt=media") != std::string::npos &&
           url.find("m%2F" + key) != std::string::npos;
    }
    return n;
  };
  auto cached_bytes = [&] {
    int64_t total = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir_ / "cache"))
      if (e.is_regular_file()) total += static_cast<int64_t>(e.file_size());
    return total;
  };
  fs::path a = store->LocalPath("m/a.bin").value();
  fs::path b = store->LocalPath("m/b.bin").value();
  fs::path c = store->LocalPath("m/c.bin").value();
  EXPECT_EQ(cached_bytes(), 3000);
  EXPECT_EQ(store->LocalPath("m/a.bin").value(), a);  // a is recent again
  EXPECT_EQ(media("a.bin"), 1);
  fs::path d = store->LocalPath("m/d.bin").value();
  EXPECT_FALSE(fs::exists(b)) << "b was the least recently used";
  EXPECT_TRUE(fs::exists(a) && fs::exists(c) && fs::exists(d));
  EXPECT_LE(cached_bytes(), 3000);
  // b is fetched from the bucket again; now c is the oldest.
  fs::path b2 = store->LocalPath("m/b.bin").value();
  EXPECT_EQ(media("b.bin"), 2);
  std::ifstream in(b2);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(bytes, kilobyte);
  EXPECT_FALSE(fs::exists(c));
  EXPECT_TRUE(fs::exists(a) && fs::exists(d));
  EXPECT_LE(cached_bytes(), 3000);
  // A new handle on the same cache dir (a restart) keeps the bound too.
  GcsOptions smaller = Options();
  smaller.cache_max_bytes = 1500;
  auto restarted = Open(smaller);
  EXPECT_LE(cached_bytes(), 1500);
}

TEST_F(GcsBlobStoreTest, ConnectionRefusedIsUnavailableAfterRetries) {
  GcsOptions o = Options();
  o.endpoint = "http://127.0.0.1:1";
  o.retry.max_attempts = 2;
  auto store = Open(o);
  Result<bool> r = store->Exists("k");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("gs://" + bucket_ + "/k"),
            std::string::npos);
  EXPECT_EQ(sleeper_.delays().size(), 1u);
}

TEST(GcsBlobStoreOpenTest, BadBucketOrNoCacheDirNamesTheField) {
  GcsOptions o;
  o.cache_dir = "/tmp/unused";
  for (const char* bad :
       {"", "ab", "Media", "-media", "media-", "me dia", "a/b"}) {
    o.bucket = bad;
    Result<std::unique_ptr<GcsBlobStore>> s = GcsBlobStore::Open(o);
    ASSERT_FALSE(s) << bad;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(s.error().issues.at(0).path, "bucket") << bad;
  }
  o.bucket = "miri-media";
  o.cache_dir.clear();
  Result<std::unique_ptr<GcsBlobStore>> s = GcsBlobStore::Open(o);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().issues.at(0).path, "cache_dir");
}

}  // namespace
}  // namespace miri
