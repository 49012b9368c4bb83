// The webhook verifiers and what reads a delivery's body: Standard Webhooks
// (http/standard_webhook_verifier.h), fal (Ed25519 over a JWKS key,
// adapters/fal/fal_webhook_verifier.h; its body, payload and error
// parsers), and Kling (the signed callback URL, adapters/kling/kling_auth.h
// and adapters/curl/signed_params.h; its task parser).
//
// Input: a selector byte (and a newline), then header lines, a blank line
// and the body.
// The selector picks the provider: 's' Standard Webhooks, 'f' fal, 'k'
// Kling (the pseudo-header "x-query" carries the callback URL's query);
// upper case ('S', 'F', 'K') has the harness sign the delivery correctly
// with its test key first, so the accepting paths are fuzzed too. Any other
// byte: its value modulo 6. Checks beyond the sanitizers: nothing throws;
// a correctly signed delivery is accepted; a Standard Webhooks delivery
// id reused with another body is refused; every error is sendable JSON.
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/curl/http_client.h"
#include "adapters/curl/signed_params.h"
#include "adapters/fal/fal_webhook_verifier.h"
#include "adapters/fal/fal_wire.h"
#include "adapters/kling/kling_auth.h"
#include "adapters/kling/kling_wire.h"
#include "fuzz/fuzz_util.h"
#include "http/standard_webhook_verifier.h"

namespace {

using miri::fuzz::Fail;
using miri::fuzz::FixedClock;
using miri::fuzz::FuzzMessage;

constexpr std::string_view kSelectors = "sfkSFK";
// base64 of "miri-fuzz-webhook-secret-0123456".
constexpr char kWhsec[] = "whsec_bWlyaS1mdXp6LXdlYmhvb2stc2VjcmV0LTAxMjM0NTY=";
constexpr char kKlingSecret[] = "kling-callback-fuzz-secret";

const FixedClock kClock;

void CheckSendable(const miri::Result<void>& r) {
  if (!r) miri::fuzz::CheckErrorIsSendable(r.error());
}

void StandardWebhooks(FuzzMessage& m, bool sign) {
  auto verifier = miri::http::StandardWebhookVerifier::Create(kWhsec, kClock);
  if (!verifier) Fail("the test secret is refused");
  miri::http::Request req;
  req.method = "POST";
  req.path = "/api/webhooks/relay";
  req.headers = m.headers;
  req.body = m.body;
  std::string id = req.Header("webhook-id");
  if (sign) {
    req.headers["webhook-timestamp"] =
        std::to_string(FixedClock::kNowMs / 1000);
    std::string sig =
        (*verifier)->Sign(id, req.headers["webhook-timestamp"], req.body);
    std::string& header = req.headers["webhook-signature"];
    header = header.empty() ? sig : header + " " + sig;
  }
  auto first = (*verifier)->Verify("relay", req);
  CheckSendable(first);
  if (!sign || id.empty()) return;
  if (!first)
    Fail("a correctly signed delivery is refused", first.error().message);
  if (!(*verifier)->Verify("relay", req)) Fail("a retried delivery is refused");
  req.body += "x";
  std::string ts = req.headers["webhook-timestamp"];
  req.headers["webhook-signature"] = (*verifier)->Sign(id, ts, req.body);
  if ((*verifier)->Verify("relay", req)) Fail("a replayed id is accepted", id);
}

// The JWKS endpoint: one Ed25519 key, the harness's.
class FakeJwks final : public miri::HttpClient {
 public:
  explicit FakeJwks(std::string body) : body_(std::move(body)) {}
  miri::Result<miri::HttpResponse> Send(const miri::HttpRequest&) override {
    miri::HttpResponse r;
    r.status = 200;
    r.body = body_;
    return r;
  }
  miri::Result<miri::DownloadInfo> Download(std::string_view,
                                            const miri::FetchPolicy&,
                                            miri::BlobStore&,
                                            std::string_view) override {
    return miri::MakeError(miri::ErrorCode::kUnavailable, "no downloads");
  }

 private:
  std::string body_;
};

struct FalKey {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  std::string jwks;
  FalKey() {
    if (sodium_init() < 0) std::abort();
    unsigned char seed[crypto_sign_SEEDBYTES] = {7};
    crypto_sign_seed_keypair(pk, sk, seed);
    char x[sodium_base64_ENCODED_LEN(crypto_sign_PUBLICKEYBYTES,
                                     sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(x, sizeof x, pk, sizeof pk,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    jwks = std::string(R"({"keys":[{"kty":"OKP","crv":"Ed25519","x":")") + x +
           R"("}]})";
  }
};

void Fal(FuzzMessage& m, bool sign) {
  // One verifier for the process, as in the server: the JWKS is fetched
  // once and its key cached.
  static const FalKey key;
  static FakeJwks jwks(key.jwks);
  static miri::FalWebhookVerifier verifier({}, jwks, kClock);
  miri::HeaderMap& h = m.headers;
  if (sign) {
    h["x-fal-webhook-timestamp"] = std::to_string(FixedClock::kNowMs / 1000);
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest,
                       reinterpret_cast<const unsigned char*>(m.body.data()),
                       m.body.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    std::string message = h["x-fal-webhook-request-id"] + "\n" +
                          h["x-fal-webhook-user-id"] + "\n" +
                          h["x-fal-webhook-timestamp"] + "\n" + hex;
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr,
                         reinterpret_cast<const unsigned char*>(message.data()),
                         message.size(), key.sk);
    char sig_hex[crypto_sign_BYTES * 2 + 1];
    sodium_bin2hex(sig_hex, sizeof sig_hex, sig, sizeof sig);
    h["x-fal-webhook-signature"] = sig_hex;
  }
  auto verified = verifier.Verify(h, m.body);
  CheckSendable(verified);
  if (sign && !h["x-fal-webhook-request-id"].empty() &&
      !h["x-fal-webhook-user-id"].empty() && !verified) {
    Fail("a correctly signed fal webhook is refused", verified.error().message);
  }
  // The body as the fal adapter reads it (after verification there; here
  // always, a parser must not trust its input either).
  auto hook = miri::ParseFalWebhook(m.body);
  if (hook && hook->payload.is_object()) {
    (void)miri::ParseFalImages(hook->payload);
  }
  (void)miri::DescribeFalError(422, m.body);
  // The webhook URL's signed job (purpose "fal-webhook").
  auto query = miri::ParseUrlQuery("?" + h["x-query"]);
  (void)miri::VerifySignedQuery(kKlingSecret, "fal-webhook", query);
}

void Kling(FuzzMessage& m, bool sign) {
  miri::QueryParams query = miri::ParseUrlQuery("?" + m.headers["x-query"]);
  if (sign)
    query["t"] =
        miri::ParamsToken(kKlingSecret, miri::kKlingCallbackPurpose, query);
  auto verified =
      miri::VerifySignedQuery(kKlingSecret, miri::kKlingCallbackPurpose, query);
  if (!verified) {
    miri::fuzz::CheckErrorIsSendable(verified.error());
    if (sign) Fail("a correctly signed Kling callback is refused");
  } else if (verified->count("t") != 0) {
    Fail("verified parameters still carry the token");
  }
  std::string job = query.count("job") ? query["job"] : "";
  if (!miri::CallbackTokenValid(kKlingSecret, job,
                                miri::CallbackToken(kKlingSecret, job))) {
    Fail("a job's own callback token is refused", job);
  }
  (void)miri::CallbackTokenValid(kKlingSecret, job, query["t"]);
  auto body = nlohmann::json::parse(m.body, nullptr, false);
  if (!body.is_discarded()) {
    auto task = miri::ParseKlingTask(body);
    if (!task) miri::fuzz::CheckErrorIsSendable(task.error());
    if (body.is_object() && body.contains("data")) {
      (void)miri::ParseKlingTask(body["data"]);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t pick = kSelectors.find(static_cast<char>(data[0]));
  if (pick == std::string_view::npos) pick = data[0] % kSelectors.size();
  const char selector = kSelectors[pick];
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  // Seeds put the selector on a line of its own.
  if (!rest.empty() && rest[0] == '\n') rest.remove_prefix(1);
  FuzzMessage m = miri::fuzz::SplitMessage(rest);
  const bool sign = selector >= 'A' && selector <= 'Z';
  switch (selector | 0x20) {
    case 's':
      StandardWebhooks(m, sign);
      break;
    case 'f':
      Fal(m, sign);
      break;
    case 'k':
      Kling(m, sign);
      break;
  }
  return 0;
}
