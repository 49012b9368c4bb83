#include "adapters/gcp/credentials.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <nlohmann/json.hpp>

namespace miri::gcp {
namespace {

class FakeClock final : public Clock {
 public:
  int64_t NowMs() const override { return now_ms; }
  std::atomic<int64_t> now_ms = 1'772'445'304'000;  // 2026-03-02T10:15:04Z
};

struct Request {
  std::string method, path, headers, body;
};

// A one-thread HTTP/1.1 server on 127.0.0.1 (port 0) answering each
// request with reply(request); stopped and joined by its destructor.
class LocalTokenEndpoint {
 public:
  explicit LocalTokenEndpoint(std::function<HttpReply(const Request&)> reply)
      : reply_(std::move(reply)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd_, 8);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~LocalTokenEndpoint() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  std::vector<Request> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  void Serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      Request req = Read(c);
      {
        std::lock_guard lock(mu_);
        requests_.push_back(req);
      }
      HttpReply r = reply_(req);
      std::string out = "HTTP/1.1 " + std::to_string(r.status) +
                        " X\r\nContent-Type: application/json\r\n"
                        "Connection: close\r\nContent-Length: " +
                        std::to_string(r.body.size()) + "\r\n\r\n" + r.body;
      ssize_t ignored = write(c, out.data(), out.size());
      (void)ignored;
      close(c);
    }
  }
  static Request Read(int c) {
    std::string data;
    char buf[4096];
    size_t want = std::string::npos;
    for (int i = 0; i < 1000; ++i) {  // bounded: one request
      ssize_t n = read(c, buf, sizeof buf);
      if (n <= 0) break;
      data.append(buf, static_cast<size_t>(n));
      size_t end = data.find("\r\n\r\n");
      if (end != std::string::npos && want == std::string::npos) {
        size_t cl = data.find("Content-Length: ");
        want = end + 4 +
               (cl != std::string::npos && cl < end
                    ? std::stoul(data.substr(cl + 16))
                    : 0);
      }
      if (want != std::string::npos && data.size() >= want) break;
    }
    Request r;
    size_t end = data.find("\r\n\r\n");
    std::string head = data.substr(0, end);
    size_t sp1 = head.find(' ');
    size_t sp2 = head.find(' ', sp1 + 1);
    r.method = head.substr(0, sp1);
    r.path = head.substr(sp1 + 1, sp2 - sp1 - 1);
    r.headers = head;
    r.body = end == std::string::npos ? "" : data.substr(end + 4);
    return r;
  }

  std::function<HttpReply(const Request&)> reply_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_ = false;
  std::thread thread_;
  std::mutex mu_;
  std::vector<Request> requests_;
};

HttpReply TokenReply(const std::string& token, int expires_in = 3600) {
  return {200, nlohmann::json{{"access_token", token},
                              {"expires_in", expires_in},
                              {"token_type", "Bearer"}}
                   .dump()};
}

// A fresh RSA key: {private PEM, public key}.
std::pair<std::string, std::shared_ptr<EVP_PKEY>> NewRsaKey() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  return {pem, std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free)};
}

std::string Base64UrlDecode(const std::string& in) {
  std::string b64 = in;
  for (char& c : b64) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (b64.size() % 4 != 0) b64 += '=';
  std::string out(b64.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(b64.data()),
                          static_cast<int>(b64.size()));
  out.resize(static_cast<size_t>(n) - (in.size() % 4 == 2   ? 2
                                       : in.size() % 4 == 3 ? 1
                                                            : 0));
  return out;
}

std::string FormValue(const std::string& body, const std::string& key) {
  size_t at = body.find(key + "=");
  if (at == std::string::npos) return "";
  std::string v = body.substr(at + key.size() + 1);
  v = v.substr(0, v.find('&'));
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '%' && i + 2 < v.size()) {
      out += static_cast<char>(std::stoi(v.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += v[i];
    }
  }
  return out;
}

TEST(CredentialsTest, MetadataServerTokenIsFetchedWithTheFlavorHeader) {
  LocalTokenEndpoint server([](const Request&) { return TokenReply("m1"); });
  FakeClock clock;
  Result<AccessToken> t = MetadataServerFetcher(clock, server.host())->Fetch();
  ASSERT_TRUE(t) << t.error().ToString();
  EXPECT_EQ(t->token, "m1");
  EXPECT_EQ(t->expires_at_ms, clock.now_ms + 3600 * 1000);
  ASSERT_EQ(server.requests().size(), 1u);
  Request r = server.requests()[0];
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.path,
            "/computeMetadata/v1/instance/service-accounts/default/token");
  EXPECT_NE(r.headers.find("Metadata-Flavor: Google"), std::string::npos);
}

TEST(CredentialsTest, ServiceAccountKeyIsExchangedWithASignedJwt) {
  auto [pem, public_key] = NewRsaKey();
  LocalTokenEndpoint server([](const Request&) { return TokenReply("sa1"); });
  ServiceAccountKey key{"miri@proj.iam.gserviceaccount.com", pem, "kid1",
                        "http://" + server.host() + "/token"};
  FakeClock clock;
  Result<AccessToken> t =
      ServiceAccountFetcher(key, kDatastoreScope, clock)->Fetch();
  ASSERT_TRUE(t) << t.error().ToString();
  EXPECT_EQ(t->token, "sa1");
  Request r = server.requests().at(0);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/token");
  EXPECT_EQ(FormValue(r.body, "grant_type"),
            "urn:ietf:params:oauth:grant-type:jwt-bearer");
  std::string jwt = FormValue(r.body, "assertion");
  size_t d1 = jwt.find('.');
  size_t d2 = jwt.rfind('.');
  ASSERT_NE(d1, d2);
  nlohmann::json header =
      nlohmann::json::parse(Base64UrlDecode(jwt.substr(0, d1)));
  nlohmann::json claims =
      nlohmann::json::parse(Base64UrlDecode(jwt.substr(d1 + 1, d2 - d1 - 1)));
  EXPECT_EQ(header["alg"], "RS256");
  EXPECT_EQ(header["kid"], "kid1");
  EXPECT_EQ(claims["iss"], key.client_email);
  EXPECT_EQ(claims["aud"], key.token_uri);
  EXPECT_EQ(claims["scope"], kDatastoreScope);
  EXPECT_EQ(claims["iat"], clock.now_ms / 1000);
  EXPECT_EQ(claims["exp"], clock.now_ms / 1000 + 3600);
  // The signature verifies with the key's public half.
  std::string sig = Base64UrlDecode(jwt.substr(d2 + 1));
  std::string signed_part = jwt.substr(0, d2);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, public_key.get());
  int ok = EVP_DigestVerify(
      ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
      reinterpret_cast<const unsigned char*>(signed_part.data()),
      signed_part.size());
  EVP_MD_CTX_free(ctx);
  EXPECT_EQ(ok, 1);
}

TEST(CredentialsTest, TokenIsCachedAndRefreshedBeforeItExpires) {
  std::atomic<int> n = 0;
  LocalTokenEndpoint server(
      [&](const Request&) { return TokenReply("t" + std::to_string(++n)); });
  FakeClock clock;
  TokenSource source(MetadataServerFetcher(clock, server.host()), clock,
                     5 * 60 * 1000);
  EXPECT_EQ(source.Token().value(), "t1");
  clock.now_ms += 50 * 60 * 1000;  // 10 minutes left: still cached
  EXPECT_EQ(source.Token().value(), "t1");
  clock.now_ms += 6 * 60 * 1000;  // 4 minutes left: inside the margin
  EXPECT_EQ(source.Token().value(), "t2");
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(CredentialsTest, FailedRefreshKeepsAStillValidTokenThenFails) {
  std::atomic<bool> up = true;
  LocalTokenEndpoint server([&](const Request&) {
    return up ? TokenReply("t1") : HttpReply{500, "{\"error\":\"down\"}"};
  });
  FakeClock clock;
  TokenSource source(MetadataServerFetcher(clock, server.host()), clock);
  EXPECT_EQ(source.Token().value(), "t1");
  up = false;
  clock.now_ms += 58 * 60 * 1000;  // inside the margin, not yet expired
  EXPECT_EQ(source.Token().value(), "t1");
  clock.now_ms += 3 * 60 * 1000;  // expired
  Result<std::string> t = source.Token();
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(t.error().message.find("HTTP 500"), std::string::npos);
}

TEST(CredentialsTest, DefaultCredentialsPreferTheKeyFileThenTheMetadataServer) {
  auto [pem, unused] = NewRsaKey();
  LocalTokenEndpoint server([](const Request& r) {
    return TokenReply(r.method == "POST" ? "from-key" : "from-metadata");
  });
  std::string path = (std::filesystem::temp_directory_path() /
                      ("miri-sa-" + std::to_string(getpid()) + ".json"))
                         .string();
  std::ofstream(path) << nlohmann::json{
      {"type", "service_account"},
      {"client_email", "miri@proj.iam.gserviceaccount.com"},
      {"private_key", pem},
      {"private_key_id", "k"},
      {"token_uri",
       "http://" + server.host() +
           "/token"}}.dump();
  FakeClock clock;
  auto with_key = DefaultCredentials({{"GOOGLE_APPLICATION_CREDENTIALS", path},
                                      {"GCE_METADATA_HOST", server.host()}},
                                     clock);
  ASSERT_TRUE(with_key) << with_key.error().ToString();
  EXPECT_EQ((*with_key)->Token().value(), "from-key");
  auto metadata =
      DefaultCredentials({{"GCE_METADATA_HOST", server.host()}}, clock);
  ASSERT_TRUE(metadata);
  EXPECT_EQ((*metadata)->Token().value(), "from-metadata");
  std::filesystem::remove(path);
  EXPECT_FALSE(
      DefaultCredentials({{"GOOGLE_APPLICATION_CREDENTIALS", path}}, clock));
}

TEST(CredentialsTest, KeyFileOfAnotherTypeIsRefused) {
  Result<ServiceAccountKey> k =
      ParseServiceAccountKey(R"({"type": "authorized_user"})");
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error().issues.at(0).path, "type");
}

// Issue 17 item 4: the file `gcloud auth application-default login`
// writes (type authorized_user) is exchanged with the refresh-token grant
// (RFC 6749 section 6), as google-auth-library's UserRefreshClient does.
std::string UserFile(const std::string& token_uri) {
  return nlohmann::json{{"type", "authorized_user"},
                        {"client_id", "cid.apps.googleusercontent.com"},
                        {"client_secret", "s3cret"},
                        {"refresh_token", "1//refresh"},
                        {"token_uri", token_uri}}
      .dump();
}

TEST(CredentialsTest, AuthorizedUserRefreshTokenIsExchangedForAnAccessToken) {
  LocalTokenEndpoint server([](const Request&) { return TokenReply("u1"); });
  auto user =
      ParseAuthorizedUser(UserFile("http://" + server.host() + "/token"));
  ASSERT_TRUE(user) << user.error().ToString();
  FakeClock clock;
  Result<AccessToken> t = AuthorizedUserFetcher(*user, clock)->Fetch();
  ASSERT_TRUE(t) << t.error().ToString();
  EXPECT_EQ(t->token, "u1");
  EXPECT_EQ(t->expires_at_ms, clock.now_ms + 3600 * 1000);
  Request r = server.requests().at(0);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/token");
  EXPECT_NE(r.headers.find("application/x-www-form-urlencoded"),
            std::string::npos);
  EXPECT_EQ(FormValue(r.body, "grant_type"), "refresh_token");
  EXPECT_EQ(FormValue(r.body, "client_id"), "cid.apps.googleusercontent.com");
  EXPECT_EQ(FormValue(r.body, "client_secret"), "s3cret");
  EXPECT_EQ(FormValue(r.body, "refresh_token"), "1//refresh");
}

TEST(CredentialsTest, AuthorizedUserWithoutARefreshTokenIsRefused) {
  auto user = ParseAuthorizedUser(R"({"type":"authorized_user","client_id":"c",
                                      "client_secret":"s"})");
  ASSERT_FALSE(user);
  EXPECT_EQ(user.error().issues.at(0).path, "refresh_token");
  auto google =
      ParseAuthorizedUser(R"({"type":"authorized_user","client_id":"c",
      "client_secret":"s","refresh_token":"r"})");
  ASSERT_TRUE(google);
  EXPECT_EQ(google->token_uri, "https://oauth2.googleapis.com/token");
}

// Google's ADC order: GOOGLE_APPLICATION_CREDENTIALS, then gcloud's
// well-known file ($CLOUDSDK_CONFIG or ~/.config/gcloud), then the
// metadata server.
TEST(CredentialsTest,
     DefaultCredentialsReadGcloudsUserFileBeforeTheMetadataServer) {
  LocalTokenEndpoint server([](const Request& r) {
    return TokenReply(r.method == "POST" ? "from-user" : "from-metadata");
  });
  auto home = std::filesystem::temp_directory_path() /
              ("miri-adc-" + std::to_string(getpid()));
  std::filesystem::create_directories(home / ".config" / "gcloud");
  std::ofstream(home / ".config" / "gcloud" /
                "application_default_credentials.json")
      << UserFile("http://" + server.host() + "/token");
  FakeClock clock;
  auto via_home = DefaultCredentials(
      {{"HOME", home.string()}, {"GCE_METADATA_HOST", server.host()}}, clock);
  ASSERT_TRUE(via_home) << via_home.error().ToString();
  EXPECT_EQ((*via_home)->Token().value(), "from-user");
  auto via_config = DefaultCredentials(
      {{"CLOUDSDK_CONFIG", (home / ".config" / "gcloud").string()},
       {"GCE_METADATA_HOST", server.host()}},
      clock);
  ASSERT_TRUE(via_config);
  EXPECT_EQ((*via_config)->Token().value(), "from-user");
  auto named = DefaultCredentials(
      {{"GOOGLE_APPLICATION_CREDENTIALS",
        (home / ".config" / "gcloud" / "application_default_credentials.json")
            .string()}},
      clock);
  ASSERT_TRUE(named) << named.error().ToString();
  EXPECT_EQ((*named)->Token().value(), "from-user");
  EXPECT_NE((*named)->Describe().find("authorized user"), std::string::npos);
  std::filesystem::remove_all(home);
  auto metadata = DefaultCredentials(
      {{"HOME", home.string()}, {"GCE_METADATA_HOST", server.host()}}, clock);
  ASSERT_TRUE(metadata);
  EXPECT_EQ((*metadata)->Token().value(), "from-metadata");
}

}  // namespace
}  // namespace miri::gcp
