#include "adapters/curl/http_client.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "adapters/localfs/localfs_blob_store.h"
#include "emulator_process.h"

namespace miri {
namespace {

using testing::EmulatorProcess;

class HttpClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto e = EmulatorProcess::Start();
    ASSERT_TRUE(e) << e.error().ToString();
    emu_ = e->release();
  }
  static void TearDownTestSuite() {
    delete emu_;
    emu_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(emu_, nullptr) << "emulators did not start";
    dir_ = std::filesystem::temp_directory_path() /
           ("miri-curl-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    auto b = LocalFsBlobStore::Open(dir_);
    ASSERT_TRUE(b);
    blobs_ = std::move(*b);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  FetchPolicy LoopbackPolicy() {
    FetchPolicy p;
    p.allowed_hosts = {"127.0.0.1"};
    p.allow_http_for_tests = true;
    p.allow_loopback_for_tests = true;
    p.max_bytes = 4096;
    return p;
  }

  static EmulatorProcess* emu_;
  std::filesystem::path dir_;
  std::unique_ptr<LocalFsBlobStore> blobs_;
  CurlHttpClient http_;
};
EmulatorProcess* HttpClientTest::emu_ = nullptr;

TEST(HttpClientPolicy, ForbiddenAddresses) {
  for (const char* ip :
       {"10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
        "169.254.169.254", "0.0.0.0", "100.64.0.1", "224.0.0.1", "127.0.0.1",
        "::1", "::", "fe80::1", "fd00::1", "::ffff:127.0.0.1",
        "::ffff:169.254.169.254", "ff02::1", "not-an-ip"}) {
    EXPECT_TRUE(IsForbiddenAddress(ip, false)) << ip;
  }
  for (const char* ip :
       {"8.8.8.8", "172.32.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"}) {
    EXPECT_FALSE(IsForbiddenAddress(ip, false)) << ip;
  }
  EXPECT_FALSE(IsForbiddenAddress("127.0.0.1", true));
  EXPECT_FALSE(IsForbiddenAddress("::1", true));
  EXPECT_TRUE(IsForbiddenAddress("10.0.0.1", true))
      << "override is loopback only";
  EXPECT_TRUE(IsForbiddenAddress("169.254.169.254", true));
}

TEST(HttpClientPolicy, HostAllowList) {
  std::vector<std::string> allowed = {"*.fal.media", "cdn.klingai.com"};
  EXPECT_TRUE(HostAllowed("v3.fal.media", allowed));
  EXPECT_TRUE(HostAllowed("V3.FAL.MEDIA", allowed));
  EXPECT_TRUE(HostAllowed("cdn.klingai.com", allowed));
  EXPECT_FALSE(HostAllowed("fal.media", allowed));
  EXPECT_FALSE(HostAllowed("evilfal.media", allowed));
  EXPECT_FALSE(HostAllowed("fal.media.evil.com", allowed));
  EXPECT_FALSE(HostAllowed("x.cdn.klingai.com", allowed));
}

TEST_F(HttpClientTest, SendsMethodHeadersAndBody) {
  HttpRequest r;
  r.method = "POST";
  r.url = emu_->cdn() + "/__test/echo?a=1";
  r.headers = {{"Authorization", "Key abc"},
               {"Content-Type", "application/json"}};
  r.body = R"({"x":1})";
  auto resp = http_.Send(r);
  ASSERT_TRUE(resp) << resp.error().ToString();
  EXPECT_EQ(resp->status, 200);
  EXPECT_EQ(resp->Header("x-echo"), "yes");
  auto j = nlohmann::json::parse(resp->body);
  EXPECT_EQ(j["method"], "POST");
  EXPECT_EQ(j["url"], "/__test/echo?a=1");
  EXPECT_EQ(j["headers"]["authorization"], "Key abc");
  EXPECT_EQ(j["body"], R"({"x":1})");
}

TEST_F(HttpClientTest, PutWithoutBody) {
  HttpRequest r;
  r.method = "PUT";
  r.url = emu_->cdn() + "/__test/echo";
  auto resp = http_.Send(r);
  ASSERT_TRUE(resp);
  EXPECT_EQ(nlohmann::json::parse(resp->body)["method"], "PUT");
}

TEST_F(HttpClientTest, ErrorStatusesAreResponses) {
  HttpRequest r;
  r.url = emu_->cdn() + "/__test/status/429?retry_after=7";
  auto resp = http_.Send(r);
  ASSERT_TRUE(resp);
  EXPECT_EQ(resp->status, 429);
  EXPECT_EQ(resp->Header("retry-after"), "7");
}

TEST_F(HttpClientTest, TotalTimeoutEndsAHangingCall) {
  HttpRequest r;
  r.url = emu_->cdn() + "/__test/hang";
  r.total_timeout_ms = 300;
  auto resp = http_.Send(r);
  ASSERT_FALSE(resp);
  EXPECT_EQ(resp.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(resp.error().message.find("timeout"), std::string::npos);
}

TEST_F(HttpClientTest, ResponseCapHoldsWithAndWithoutContentLength) {
  for (const char* q : {"", "&chunked=1"}) {
    HttpRequest r;
    r.url = emu_->cdn() + "/__test/bytes?n=5000" + q;
    r.max_response_bytes = 1000;
    auto resp = http_.Send(r);
    ASSERT_FALSE(resp) << q;
    EXPECT_EQ(resp.error().code, ErrorCode::kResourceExhausted) << q;
  }
}

TEST_F(HttpClientTest, ConnectionRefusedIsUnavailable) {
  HttpRequest r;
  r.url = "http://127.0.0.1:1/nothing";
  auto resp = http_.Send(r);
  ASSERT_FALSE(resp);
  EXPECT_EQ(resp.error().code, ErrorCode::kUnavailable);
}

TEST_F(HttpClientTest, DownloadStreamsIntoBlobStore) {
  auto info =
      http_.Download(emu_->cdn() + "/__test/bytes?n=3000&type=image/png",
                     LoopbackPolicy(), *blobs_, "p/img.png");
  ASSERT_TRUE(info) << info.error().ToString();
  EXPECT_EQ(info->bytes, 3000);
  EXPECT_EQ(info->content_type, "image/png");
  EXPECT_EQ(blobs_->Get("p/img.png")->size(), 3000u);
}

TEST_F(HttpClientTest, DownloadRefusesHttpWithoutOverride) {
  FetchPolicy p = LoopbackPolicy();
  p.allow_http_for_tests = false;
  auto info =
      http_.Download(emu_->cdn() + "/__test/bytes?n=10", p, *blobs_, "a.png");
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, ErrorCode::kRefused);
  EXPECT_FALSE(*blobs_->Exists("a.png"));
}

TEST_F(HttpClientTest, DownloadRefusesHostOutsideAllowList) {
  FetchPolicy p = LoopbackPolicy();
  p.allowed_hosts = {"*.fal.media"};
  auto info =
      http_.Download(emu_->cdn() + "/__test/bytes?n=10", p, *blobs_, "a.png");
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, ErrorCode::kRefused);
}

TEST_F(HttpClientTest, DownloadRefusesLoopbackAfterResolution) {
  // "localhost" is on the allow-list, but it resolves to loopback.
  FetchPolicy p = LoopbackPolicy();
  p.allow_loopback_for_tests = false;
  p.allowed_hosts = {"localhost", "127.0.0.1"};
  std::string port = emu_->cdn().substr(emu_->cdn().rfind(':'));
  for (std::string host : {"localhost", "127.0.0.1"}) {
    auto info = http_.Download("http://" + host + port + "/__test/bytes?n=10",
                               p, *blobs_, "a.png");
    ASSERT_FALSE(info) << host;
    EXPECT_EQ(info.error().code, ErrorCode::kRefused) << host;
    EXPECT_NE(info.error().message.find("forbidden address"),
              std::string::npos);
  }
  EXPECT_FALSE(*blobs_->Exists("a.png"));
}

TEST_F(HttpClientTest, DownloadDoesNotFollowRedirects) {
  std::string to = UrlEncode("http://169.254.169.254/latest/meta-data");
  auto info = http_.Download(emu_->cdn() + "/__test/redirect?to=" + to,
                             LoopbackPolicy(), *blobs_, "a.png");
  ASSERT_FALSE(info);
  EXPECT_FALSE(*blobs_->Exists("a.png"));
}

TEST_F(HttpClientTest, DownloadCapWritesNothing) {
  auto info = http_.Download(emu_->cdn() + "/__test/bytes?n=5000&chunked=1",
                             LoopbackPolicy(), *blobs_, "a.png");
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, ErrorCode::kResourceExhausted);
  EXPECT_FALSE(*blobs_->Exists("a.png"));
}

TEST_F(HttpClientTest, DownloadChecksContentType) {
  FetchPolicy p = LoopbackPolicy();
  p.allowed_content_types = {"image/"};
  auto info = http_.Download(emu_->cdn() + "/__test/bytes?n=10&type=text/html",
                             p, *blobs_, "a.png");
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, ErrorCode::kRefused);
  EXPECT_FALSE(*blobs_->Exists("a.png"));
}

TEST_F(HttpClientTest, BodyFileIsStreamedBetweenBodyAndTail) {
  std::filesystem::path file =
      dir_.parent_path() / ("miri-curl-body-" + std::to_string(::getpid()));
  std::string middle(300000, 'm');
  std::ofstream(file, std::ios::binary) << middle;
  HttpRequest r;
  r.method = "POST";
  r.url = emu_->cdn() + "/__test/echo";
  r.body = "head-";
  r.body_file = file;
  r.body_tail = "-tail";
  auto resp = http_.Send(r);
  std::filesystem::remove(file);
  ASSERT_TRUE(resp) << resp.error().ToString();
  auto j = nlohmann::json::parse(resp->body);
  EXPECT_EQ(j["body"], "head-" + middle + "-tail");
  EXPECT_EQ(j["headers"]["content-length"], std::to_string(middle.size() + 10));
  EXPECT_EQ(j["method"], "POST");

  r.method = "PUT";
  r.body_file = dir_ / "no-such-file";
  auto missing = http_.Send(r);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_F(HttpClientTest, ResponseFileReceivesA2xxBodyButNotAnErrorBody) {
  std::filesystem::create_directories(dir_);
  HttpRequest r;
  r.url = emu_->cdn() + "/__test/bytes?n=70000";
  r.response_file = dir_ / "out.bin";
  auto resp = http_.Send(r);
  ASSERT_TRUE(resp) << resp.error().ToString();
  EXPECT_EQ(resp->status, 200);
  EXPECT_TRUE(resp->body.empty());
  EXPECT_EQ(std::filesystem::file_size(dir_ / "out.bin"), 70000u);

  r.url = emu_->cdn() + "/__test/status/404";
  r.response_file = dir_ / "err.bin";
  resp = http_.Send(r);
  ASSERT_TRUE(resp);
  EXPECT_EQ(resp->status, 404);
  EXPECT_EQ(nlohmann::json::parse(resp->body)["code"], 404);
  EXPECT_EQ(std::filesystem::file_size(dir_ / "err.bin"), 0u);

  r.url = emu_->cdn() + "/__test/bytes?n=5000&chunked=1";
  r.max_response_bytes = 1000;
  resp = http_.Send(r);
  ASSERT_FALSE(resp);
  EXPECT_EQ(resp.error().code, ErrorCode::kResourceExhausted);
}

}  // namespace
}  // namespace miri
