// Application Default Credentials for Google APIs, without the Google SDK,
// in Google's ADC order:
// - GOOGLE_APPLICATION_CREDENTIALS names a credentials file: a
//   service-account key (a JWT signed with its RS256 key is exchanged at
//   its token_uri, RFC 7523) or an authorized_user file (refresh token);
// - else gcloud's well-known file, written by `gcloud auth
//   application-default login`: $CLOUDSDK_CONFIG/ or
//   $HOME/.config/gcloud/application_default_credentials.json;
// - otherwise the metadata server (Cloud Run, GCE) hands out tokens.
// Tokens are cached and refreshed a margin before they expire.
#ifndef MIRI_ADAPTERS_GCP_CREDENTIALS_H_
#define MIRI_ADAPTERS_GCP_CREDENTIALS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "domain/result.h"
#include "ports/clock.h"

namespace miri::gcp {

inline constexpr char kDatastoreScope[] =
    "https://www.googleapis.com/auth/datastore";
// Read and write objects (and nothing else) in Cloud Storage.
inline constexpr char kStorageScope[] =
    "https://www.googleapis.com/auth/devstorage.read_write";
inline constexpr char kDefaultMetadataHost[] = "metadata.google.internal";

struct AccessToken {
  std::string token;
  int64_t expires_at_ms = 0;  // epoch ms
};

// Fetches a fresh token each call. Thread-safety: implementations may be
// called from several threads.
class TokenFetcher {
 public:
  virtual ~TokenFetcher() = default;
  virtual Result<AccessToken> Fetch() = 0;
  virtual std::string Describe() const = 0;
};

// The metadata server: GET http://HOST/computeMetadata/v1/instance/
// service-accounts/default/token with "Metadata-Flavor: Google".
std::unique_ptr<TokenFetcher> MetadataServerFetcher(
    const Clock& clock, std::string host = kDefaultMetadataHost);

struct ServiceAccountKey {
  std::string client_email;
  std::string private_key;  // PEM
  std::string private_key_id;
  std::string token_uri;
};
Result<ServiceAccountKey> ParseServiceAccountKey(const std::string& json_text);
// The signed JWT assertion for `key` and `scope`, issued at `now_s`, valid
// one hour.
Result<std::string> MakeJwtAssertion(const ServiceAccountKey& key,
                                     const std::string& scope, int64_t now_s);
std::unique_ptr<TokenFetcher> ServiceAccountFetcher(ServiceAccountKey key,
                                                    std::string scope,
                                                    const Clock& clock);

// A gcloud user's credentials (type authorized_user): the refresh-token
// grant at token_uri (default https://oauth2.googleapis.com/token).
struct AuthorizedUser {
  std::string client_id;
  std::string client_secret;
  std::string refresh_token;
  std::string token_uri;
};
Result<AuthorizedUser> ParseAuthorizedUser(const std::string& json_text);
std::unique_ptr<TokenFetcher> AuthorizedUserFetcher(AuthorizedUser user,
                                                    const Clock& clock);

// Caches one token and refreshes it once fewer than `margin_ms` remain.
// Thread-safe; concurrent callers share one refresh.
class TokenSource {
 public:
  TokenSource(std::unique_ptr<TokenFetcher> fetcher, const Clock& clock,
              int64_t margin_ms = 5 * 60 * 1000);
  Result<std::string> Token();
  std::string Describe() const { return fetcher_->Describe(); }

 private:
  std::unique_ptr<TokenFetcher> fetcher_;
  const Clock& clock_;
  int64_t margin_ms_;
  std::mutex mu_;
  AccessToken cached_;
};

// ADC from an environment (a map so tests need not touch the process
// environment): GOOGLE_APPLICATION_CREDENTIALS -> a service_account or
// authorized_user file, else gcloud's file under CLOUDSDK_CONFIG or
// HOME/.config/gcloud when it exists, else the metadata server
// (GCE_METADATA_HOST overrides its host). `scope` applies to service
// accounts and the metadata server; a user token has the scopes of the
// gcloud login.
Result<std::unique_ptr<TokenSource>> DefaultCredentials(
    const std::map<std::string, std::string>& env, const Clock& clock,
    const std::string& scope = kDatastoreScope);

// Minimal blocking HTTP used by the fetchers (libcurl); exposed for tests.
struct HttpReply {
  long status = 0;
  std::string body;
};
Result<HttpReply> HttpRequest(const std::string& method, const std::string& url,
                              const std::map<std::string, std::string>& headers,
                              const std::string& body, long timeout_ms = 10000);

// Reads {"access_token", "expires_in"} (both endpoints answer so) received
// at `now_ms`; any other status or shape is UNAVAILABLE.
Result<AccessToken> ParseTokenReply(const HttpReply& reply, int64_t now_ms,
                                    const std::string& from);

}  // namespace miri::gcp

#endif  // MIRI_ADAPTERS_GCP_CREDENTIALS_H_
