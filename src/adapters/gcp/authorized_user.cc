// The gcloud user credentials of Application Default Credentials: the
// refresh-token grant (RFC 6749 section 6) at the file's token_uri, as
// googleapis/google-auth-library-nodejs src/auth/refreshclient.ts
// (UserRefreshClient) and oauth2client.ts refreshTokenNoCache do it.
#include <nlohmann/json.hpp>

#include "adapters/curl/http_client.h"
#include "adapters/gcp/credentials.h"

namespace miri::gcp {
namespace {

class UserFetcher final : public TokenFetcher {
 public:
  UserFetcher(AuthorizedUser user, const Clock& clock)
      : user_(std::move(user)), clock_(clock) {}

  Result<AccessToken> Fetch() override {
    std::string body =
        "grant_type=refresh_token&client_id=" + UrlEncode(user_.client_id) +
        "&client_secret=" + UrlEncode(user_.client_secret) +
        "&refresh_token=" + UrlEncode(user_.refresh_token);
    ASSIGN_OR_RETURN(
        HttpReply reply,
        HttpRequest("POST", user_.token_uri,
                    {{"Content-Type", "application/x-www-form-urlencoded"}},
                    body),
        "refreshing the gcloud user token");
    return ParseTokenReply(reply, clock_.NowMs(), user_.token_uri);
  }
  std::string Describe() const override {
    return "authorized user " + user_.client_id + " (gcloud ADC)";
  }

 private:
  AuthorizedUser user_;
  const Clock& clock_;
};

}  // namespace

Result<AuthorizedUser> ParseAuthorizedUser(const std::string& json_text) {
  nlohmann::json j = nlohmann::json::parse(json_text, nullptr, false);
  if (!j.is_object() || j.value("type", "") != "authorized_user") {
    return MakeError(ErrorCode::kInvalidArgument,
                     "not an authorized_user credentials file",
                     {{"type", "expected \"authorized_user\""}});
  }
  auto text = [&](const char* key) {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>()
                                                 : std::string();
  };
  AuthorizedUser user{text("client_id"), text("client_secret"),
                      text("refresh_token"), text("token_uri")};
  if (user.token_uri.empty())
    user.token_uri = "https://oauth2.googleapis.com/token";
  std::vector<FieldIssue> issues;
  if (user.refresh_token.empty())
    issues.push_back({"refresh_token", "required"});
  if (user.client_id.empty()) issues.push_back({"client_id", "required"});
  if (user.client_secret.empty())
    issues.push_back({"client_secret", "required"});
  if (!issues.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid authorized_user file (run `gcloud auth "
                     "application-default login` again)",
                     std::move(issues));
  }
  return user;
}

std::unique_ptr<TokenFetcher> AuthorizedUserFetcher(AuthorizedUser user,
                                                    const Clock& clock) {
  return std::make_unique<UserFetcher>(std::move(user), clock);
}

}  // namespace miri::gcp
