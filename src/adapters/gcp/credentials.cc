#include "adapters/gcp/credentials.h"

#include <curl/curl.h>

#include <fstream>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

namespace miri::gcp {

namespace {

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

class MetadataFetcher final : public TokenFetcher {
 public:
  MetadataFetcher(const Clock& clock, std::string host)
      : clock_(clock), host_(std::move(host)) {}

  Result<AccessToken> Fetch() override {
    ASSIGN_OR_RETURN(
        HttpReply reply,
        HttpRequest("GET",
                    "http://" + host_ +
                        "/computeMetadata/v1/instance/service-accounts/"
                        "default/token",
                    {{"Metadata-Flavor", "Google"}}, ""),
        "metadata server");
    return ParseTokenReply(reply, clock_.NowMs(), "metadata server");
  }
  std::string Describe() const override {
    return "metadata server at " + host_;
  }

 private:
  const Clock& clock_;
  std::string host_;
};

}  // namespace

Result<AccessToken> ParseTokenReply(const HttpReply& reply, int64_t now_ms,
                                    const std::string& from) {
  if (reply.status != 200) {
    return MakeError(ErrorCode::kUnavailable,
                     from + " answered HTTP " + std::to_string(reply.status) +
                         ": " + reply.body.substr(0, 300));
  }
  nlohmann::json j = nlohmann::json::parse(reply.body, nullptr, false);
  if (!j.is_object() || !j.contains("access_token") ||
      !j["access_token"].is_string() || !j.contains("expires_in") ||
      !j["expires_in"].is_number()) {
    return MakeError(ErrorCode::kUnavailable,
                     from + " sent no access_token/expires_in");
  }
  return AccessToken{j["access_token"].get<std::string>(),
                     now_ms + j["expires_in"].get<int64_t>() * 1000};
}

Result<HttpReply> HttpRequest(const std::string& method, const std::string& url,
                              const std::map<std::string, std::string>& headers,
                              const std::string& body, long timeout_ms) {
  static const bool kInit = curl_global_init(CURL_GLOBAL_DEFAULT) == 0;
  (void)kInit;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return MakeError(ErrorCode::kInternal, "curl init");
  curl_slist* list = nullptr;
  for (const auto& [k, v] : headers) {
    list = curl_slist_append(list, (k + ": " + v).c_str());
  }
  HttpReply reply;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");  // metadata: never a proxy
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  if (method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE,
                     static_cast<long>(body.size()));
  }
  CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  }
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    return MakeError(ErrorCode::kUnavailable,
                     method + " " + url + ": " + curl_easy_strerror(rc));
  }
  return reply;
}

std::unique_ptr<TokenFetcher> MetadataServerFetcher(const Clock& clock,
                                                    std::string host) {
  return std::make_unique<MetadataFetcher>(clock, std::move(host));
}

TokenSource::TokenSource(std::unique_ptr<TokenFetcher> fetcher,
                         const Clock& clock, int64_t margin_ms)
    : fetcher_(std::move(fetcher)), clock_(clock), margin_ms_(margin_ms) {}

Result<std::string> TokenSource::Token() {
  std::lock_guard lock(mu_);
  int64_t now = clock_.NowMs();
  if (!cached_.token.empty() && now < cached_.expires_at_ms - margin_ms_) {
    return cached_.token;
  }
  Result<AccessToken> fresh = fetcher_->Fetch();
  if (!fresh) {
    // A refresh that fails early is not fatal while the old token lasts.
    if (!cached_.token.empty() && now < cached_.expires_at_ms) {
      return cached_.token;
    }
    return tl::unexpected(WithContext(fresh.error(), "fetching access token"));
  }
  cached_ = std::move(*fresh);
  return cached_.token;
}

Result<std::unique_ptr<TokenSource>> DefaultCredentials(
    const std::map<std::string, std::string>& env, const Clock& clock,
    const std::string& scope) {
  auto get = [&](const char* k) {
    auto it = env.find(k);
    return it == env.end() ? std::string() : it->second;
  };
  auto from_file =
      [&](const std::string& path,
          const std::string& text) -> Result<std::unique_ptr<TokenSource>> {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_object() && j.value("type", "") == "authorized_user") {
      ASSIGN_OR_RETURN(AuthorizedUser user, ParseAuthorizedUser(text), path);
      return std::make_unique<TokenSource>(
          AuthorizedUserFetcher(std::move(user), clock), clock);
    }
    ASSIGN_OR_RETURN(ServiceAccountKey key, ParseServiceAccountKey(text), path);
    return std::make_unique<TokenSource>(
        ServiceAccountFetcher(std::move(key), scope, clock), clock);
  };
  auto read = [](const std::string& path) -> std::optional<std::string> {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  if (std::string path = get("GOOGLE_APPLICATION_CREDENTIALS"); !path.empty()) {
    auto text = read(path);
    if (!text) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "GOOGLE_APPLICATION_CREDENTIALS: cannot read " + path);
    }
    return from_file(path, *text);
  }
  std::string gcloud = get("CLOUDSDK_CONFIG");
  if (gcloud.empty() && !get("HOME").empty())
    gcloud = get("HOME") + "/.config/gcloud";
  if (!gcloud.empty()) {
    std::string path = gcloud + "/application_default_credentials.json";
    if (auto text = read(path)) return from_file(path, *text);
  }
  std::string host = get("GCE_METADATA_HOST");
  if (host.empty()) host = kDefaultMetadataHost;
  return std::make_unique<TokenSource>(MetadataServerFetcher(clock, host),
                                       clock);
}

}  // namespace miri::gcp
