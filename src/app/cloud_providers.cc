#include "app/cloud_providers.h"

#include <cctype>
#include <cstdlib>
#include <random>

#include <fmt/format.h>

#include "adapters/fal/fal_image_generator.h"
#include "adapters/gcp/cloud_run_job.h"
#include "adapters/gemini/gemini_director.h"
#include "adapters/gemini/gemini_image_auditor.h"
#include "adapters/gemini/gemini_request_auditor.h"
#include "adapters/google/gemini_vision_analyzer.h"
#include "adapters/google/vertex_image_generator.h"
#include "adapters/kling/kling_video_generator.h"
#include "domain/video_models.h"
#include "services/routing/image_router.h"

namespace miri::app {
namespace {

std::string Get(const EnvLookup& env, std::string_view name) {
  return env(name).value_or("");
}

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  for (size_t start = 0; start <= s.size();) {
    size_t comma = s.find(',', start);
    std::string one = Trim(s.substr(
        start, comma == std::string::npos ? std::string::npos : comma - start));
    if (!one.empty()) out.push_back(one);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

bool IsHttpUrl(std::string_view s) {
  for (std::string_view scheme : {"https://", "http://"}) {
    if (s.rfind(scheme, 0) == 0 && s.size() > scheme.size() &&
        s.find_first_of(" \t\r\n?#") == std::string_view::npos) {
      return true;
    }
  }
  return false;
}

// An optional base-URL override: trailing slashes dropped.
void ReadUrl(const EnvLookup& env, const char* name, std::string* out,
             std::vector<FieldIssue>* issues) {
  std::string v = Trim(Get(env, name));
  if (v.empty()) return;
  while (v.size() > 1 && v.back() == '/') v.pop_back();
  if (!IsHttpUrl(v)) {
    issues->push_back({name, "must be an http(s) URL without query, got " + v});
    return;
  }
  *out = v;
}

void ReadHosts(const EnvLookup& env, const char* name,
               std::vector<std::string>* out, std::vector<FieldIssue>* issues) {
  if (!env(name)) return;
  std::vector<std::string> hosts = SplitList(Get(env, name));
  if (hosts.empty()) {
    issues->push_back({name,
                       "comma list of result hosts (e.g. *.fal.media); empty "
                       "refuses every result"});
    return;
  }
  *out = std::move(hosts);
}

// MIRI_FAL_LORAS="miriN14=https://.../miriN14.safetensors,other=...".
void ReadLoras(const EnvLookup& env, std::map<std::string, std::string>* out,
               std::vector<FieldIssue>* issues) {
  constexpr const char* kName = "MIRI_FAL_LORAS";
  std::vector<std::string> entries = SplitList(Get(env, kName));
  if (entries.empty()) {
    issues->push_back(
        {kName,
         "FAL_KEY needs MIRI_FAL_LORAS=miriN14=<URL of the .safetensors>: "
         "Miri is drawn only through her LoRA"});
    return;
  }
  for (const std::string& e : entries) {
    size_t eq = e.find('=');
    if (eq == 0 || eq == std::string::npos || eq + 1 == e.size()) {
      issues->push_back({kName, "expected id=path entries, got " + e});
      continue;
    }
    (*out)[Trim(e.substr(0, eq))] = Trim(e.substr(eq + 1));
  }
}

double Random01() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(gen);
}

void MakeResilience(CloudParts& parts, const char* name,
                    ProviderResilience* r) {
  r->breaker = std::make_unique<CircuitBreaker>(name, CircuitBreakerOptions{},
                                                parts.clock);
  r->retrier = std::make_unique<Retrier>(RetryOptions{}, parts.sleeper,
                                         Random01, parts.clock);
}

FetchPolicy ResultFetch(FetchPolicy base, const std::vector<std::string>& hosts,
                        bool loopback_for_tests) {
  base.allowed_hosts = hosts;
  base.allow_http_for_tests = loopback_for_tests;
  base.allow_loopback_for_tests = loopback_for_tests;
  return base;
}

tl::unexpected<Error> Refused(Error e, std::string_view field) {
  if (e.issues.empty()) e.issues.push_back({std::string(field), e.message});
  return tl::unexpected<Error>(std::move(e));
}

// fal's deliveries: Ed25519 over the raw body, the job from the signed URL.
class FalReceiver final : public http::WebhookReceiver {
 public:
  explicit FalReceiver(FalImageGenerator& fal) : fal_(fal) {}
  Result<nlohmann::json> Receive(const http::WebhookDelivery& d) override {
    auto r = fal_.HandleWebhook(d.headers, d.body, d.query);
    if (!r) {
      if (r.error().code == ErrorCode::kRefused)
        return Refused(r.error(), "signature");
      return tl::unexpected<Error>(r.error());
    }
    switch (*r) {
      case FalImageGenerator::WebhookOutcome::kDelivered:
        return nlohmann::json{{"outcome", "delivered"}};
      case FalImageGenerator::WebhookOutcome::kDuplicate:
        return nlohmann::json{{"outcome", "duplicate"}};
      case FalImageGenerator::WebhookOutcome::kUnknownRequest:
        break;
    }
    return MakeError(
        ErrorCode::kNotFound, "unknown fal request",
        {{"request_id",
          "not a job of this service (no signed job in the URL)"}});
  }

 private:
  FalImageGenerator& fal_;
};

// Kling's callbacks: the signed URL says which job; the task is re-queried.
class KlingReceiver final : public http::WebhookReceiver {
 public:
  explicit KlingReceiver(KlingVideoGenerator& kling) : kling_(kling) {}
  Result<nlohmann::json> Receive(const http::WebhookDelivery& d) override {
    auto r = kling_.HandleCallback(d.query, d.body);
    if (!r) {
      if (r.error().code == ErrorCode::kRefused) return Refused(r.error(), "t");
      return tl::unexpected<Error>(r.error());
    }
    switch (*r) {
      case KlingVideoGenerator::CallbackOutcome::kDelivered:
        return nlohmann::json{{"outcome", "delivered"}};
      case KlingVideoGenerator::CallbackOutcome::kDuplicate:
        return nlohmann::json{{"outcome", "duplicate"}};
      case KlingVideoGenerator::CallbackOutcome::kPending:
        return nlohmann::json{{"outcome", "pending"}};
      case KlingVideoGenerator::CallbackOutcome::kUnknownJob:
        break;
    }
    return MakeError(ErrorCode::kNotFound, "unknown kling job",
                     {{"job", "not a job of this service"}});
  }

 private:
  KlingVideoGenerator& kling_;
};

// MIRI_KLING_MODEL, _MODE, _REROUTE, _USD_PER_UNIT (composition.h).
void ReadKlingModels(const EnvLookup& env, CloudSettings* out,
                     std::vector<FieldIssue>* issues) {
  if (std::string m = Trim(Get(env, "MIRI_KLING_MODEL")); !m.empty())
    out->kling_model = m;
  if (std::string m = Trim(Get(env, "MIRI_KLING_MODE")); !m.empty())
    out->kling_mode = m;
  auto plan = PlanClip(out->kling_model, out->kling_mode, ClipNeeds{});
  if (!plan && !plan.error().issues.empty()) {
    const FieldIssue& i = plan.error().issues[0];
    if (i.path == "model") issues->push_back({"MIRI_KLING_MODEL", i.message});
    if (i.path == "mode") issues->push_back({"MIRI_KLING_MODE", i.message});
  }
  if (std::string r = Trim(Get(env, "MIRI_KLING_REROUTE")); !r.empty()) {
    out->kling_reroute =
        r == "none" ? std::vector<std::string>{} : SplitList(r);
    for (const std::string& m : out->kling_reroute) {
      if (FindVideoModel(m) == nullptr) {
        issues->push_back({"MIRI_KLING_REROUTE",
                           "unknown video model '" + m + "' (or \"none\")"});
      }
    }
  }
  if (std::string u = Trim(Get(env, "MIRI_KLING_USD_PER_UNIT")); !u.empty()) {
    char* end = nullptr;
    const double v = std::strtod(u.c_str(), &end);
    if (end == u.c_str() || *end != '\0' || !(v > 0)) {
      issues->push_back(
          {"MIRI_KLING_USD_PER_UNIT", "a positive number of USD, got " + u});
    } else {
      out->kling_usd_per_unit = v;
    }
  }
}

// MIRI_VERTEX_PROJECT, _REGION, _BASE_URL, _IMAGE_MODEL (composition.h).
void ReadVertex(const EnvLookup& env, CloudSettings* out,
                std::vector<FieldIssue>* issues) {
  out->vertex_project = Trim(Get(env, "MIRI_VERTEX_PROJECT"));
  if (out->vertex_project.empty()) return;
  if (std::string r = Trim(Get(env, "MIRI_VERTEX_REGION")); !r.empty()) {
    bool ok = true;
    for (char ch : r)
      ok = ok && (std::islower(ch) || std::isdigit(ch) || ch == '-');
    if (!ok) {
      issues->push_back(
          {"MIRI_VERTEX_REGION", "a region like us-central1, got " + r});
    }
    out->vertex_region = r;
  }
  ReadUrl(env, "MIRI_VERTEX_BASE_URL", &out->vertex_base_url, issues);
  if (std::string m = Trim(Get(env, "MIRI_VERTEX_IMAGE_MODEL")); !m.empty()) {
    out->vertex_image_model = m;
  }
  if (Result<void> ok = VertexImageGenerator::CheckModel(
          out->vertex_image_model, "MIRI_VERTEX_IMAGE_MODEL");
      !ok) {
    issues->push_back({"MIRI_VERTEX_IMAGE_MODEL", ok.error().message});
  }
}

// The fal route and, with Vertex configured, the Vertex route behind an
// ImageRouter: Miri's shots only ever go to fal (her LoRA); others go to
// Vertex when fal's circuit is open or the project asks for the cheaper.
Result<void> ComposeVertexRoute(Stack& s, std::unique_ptr<ImageGenerator> fal,
                                CircuitBreaker* fal_breaker) {
  const CloudSettings& c = s.plan.cloud;
  CloudParts& parts = *s.cloud;
  ASSIGN_OR_RETURN(parts.vertex_tokens,
                   gcp::DefaultCredentials(s.plan.google_env, parts.clock,
                                           gcp::kCloudPlatformScope),
                   "MIRI_VERTEX_PROJECT credentials");
  MakeResilience(parts, "vertex", &parts.vertex);
  GoogleConfig g;
  g.project = c.vertex_project;
  g.region = c.vertex_region;
  g.vertex_base_url =
      c.vertex_base_url.empty()
          ? "https://" + c.vertex_region + "-aiplatform.googleapis.com"
          : c.vertex_base_url;
  g.image_model = c.vertex_image_model;
  gcp::TokenSource* tokens = parts.vertex_tokens.get();
  g.access_token = [tokens]() -> std::string {
    Result<std::string> t = tokens->Token();
    return t ? *t : "";
  };
  parts.vertex_images = std::make_unique<VertexImageGenerator>(
      g, parts.http, *s.blobs, s.results, parts.prices,
      Resilience{parts.vertex.breaker.get(), parts.vertex.retrier.get()},
      parts.clock);
  parts.fal_images = std::move(fal);
  std::vector<ImageRoute> routes = {
      {"fal",
       parts.fal_images.get(),
       fal_breaker,
       true,
       true,
       {ImageRequest::Mode::kTextToImage, ImageRequest::Mode::kEdit,
        ImageRequest::Mode::kInpaint},
       "fal FLUX.2 + " + std::string(kMiriLora)},
      {"vertex",
       parts.vertex_images.get(),
       parts.vertex.breaker.get(),
       true,
       false,
       {ImageRequest::Mode::kTextToImage},
       "Vertex AI (" + c.vertex_image_model + ")"}};
  s.images = std::make_unique<ImageRouter>(std::move(routes), RoutingPolicy{});
  return {};
}

}  // namespace

void ReadCloudSettings(const EnvLookup& env, bool fal, bool kling, bool gemini,
                       CloudSettings* out, std::vector<FieldIssue>* issues) {
  ReadUrl(env, "MIRI_PUBLIC_URL", &out->public_url, issues);
  out->callback_secret = Get(env, "MIRI_CALLBACK_SECRET");
  const char* secret_var = "MIRI_CALLBACK_SECRET";
  if (out->callback_secret.empty()) {
    out->callback_secret = Get(env, "MIRI_WEBHOOK_SECRET");
    if (!out->callback_secret.empty()) secret_var = "MIRI_WEBHOOK_SECRET";
  }
  if ((fal || kling) && !out->public_url.empty()) {
    if (out->callback_secret.empty()) {
      issues->push_back(
          {"MIRI_CALLBACK_SECRET",
           "MIRI_PUBLIC_URL needs a secret to sign the job in webhook URLs "
           "(the same on every instance)"});
    } else if (out->callback_secret.size() < 16) {
      issues->push_back({secret_var, "at least 16 characters"});
    }
  }
  std::string loopback = Get(env, "MIRI_TEST_LOOPBACK_FETCH");
  if (!loopback.empty() && loopback != "0" && loopback != "1") {
    issues->push_back(
        {"MIRI_TEST_LOOPBACK_FETCH", "must be 0 or 1, got " + loopback});
  }
  out->loopback_fetch_for_tests = loopback == "1";
  if (fal) {
    out->fal_key = Get(env, "FAL_KEY");
    ReadUrl(env, "MIRI_FAL_QUEUE_URL", &out->fal_queue_url, issues);
    ReadUrl(env, "MIRI_FAL_REST_URL", &out->fal_rest_url, issues);
    ReadUrl(env, "MIRI_FAL_JWKS_URL", &out->fal_jwks_url, issues);
    out->fal_user_id = Trim(Get(env, "MIRI_FAL_USER_ID"));
    ReadLoras(env, &out->fal_loras, issues);
    ReadHosts(env, "MIRI_FAL_RESULT_HOSTS", &out->fal_result_hosts, issues);
    ReadVertex(env, out, issues);
  }
  if (kling) {
    out->kling_access_key = Get(env, "KLING_ACCESS_KEY");
    out->kling_secret_key = Get(env, "KLING_SECRET_KEY");
    ReadUrl(env, "MIRI_KLING_BASE_URL", &out->kling_base_url, issues);
    ReadHosts(env, "MIRI_KLING_RESULT_HOSTS", &out->kling_result_hosts, issues);
    ReadKlingModels(env, out, issues);
  }
  if (gemini) {
    out->gemini_api_key = Get(env, "GEMINI_API_KEY");
    ReadUrl(env, "MIRI_GEMINI_BASE_URL", &out->gemini_base_url, issues);
    if (std::string m = Trim(Get(env, "MIRI_GEMINI_VISION_MODEL"));
        !m.empty()) {
      out->gemini_vision_model = m;
    }
    out->gemini_audit_model = Trim(Get(env, "MIRI_GEMINI_AUDIT_MODEL"));
  }
}

std::string WebhookNote(const CompositionPlan& plan) {
  std::vector<std::string> providers;
  if (plan.For("image").adapter == "fal") providers.push_back("fal");
  if (plan.For("video").adapter == "kling") providers.push_back("kling");
  if (providers.empty()) return "";
  std::string list = providers.size() == 1 ? providers[0] : "{fal,kling}";
  std::string note =
      plan.cloud.public_url.empty()
          ? "webhooks=none (MIRI_PUBLIC_URL unset: the reconciler polls " +
                (providers.size() == 1 ? providers[0] : "fal and kling") + ")"
          : "webhooks=" + plan.cloud.public_url + "/api/webhooks/" + list;
  if (plan.cloud.loopback_fetch_for_tests) {
    note +=
        ", result fetch over loopback http (MIRI_TEST_LOOPBACK_FETCH, tests "
        "only)";
  }
  return note;
}

Result<void> ComposeCloudProviders(Stack& s) {
  const CompositionPlan& plan = s.plan;
  const CloudSettings& c = plan.cloud;
  const bool fal = plan.For("image").adapter == "fal";
  const bool kling = plan.For("video").adapter == "kling";
  const bool gemini = plan.For("vision").adapter == "gemini";
  if (!fal && !kling && !gemini) return {};
  s.cloud = std::make_unique<CloudParts>();
  CloudParts& parts = *s.cloud;

  if (gemini) {
    MakeResilience(parts, "gemini", &parts.gemini);
    GoogleConfig g;
    g.gemini_api_key = c.gemini_api_key;
    g.gemini_base_url = c.gemini_base_url;
    g.vision_model = c.gemini_vision_model;
    s.vision = std::make_unique<GeminiVisionAnalyzer>(
        g, parts.http, *s.blobs,
        Resilience{parts.gemini.breaker.get(), parts.gemini.retrier.get()},
        parts.clock);
    GeminiImageAuditorOptions audit;
    audit.model = c.gemini_audit_model;
    s.auditor = std::make_unique<GeminiImageAuditor>(
        g, parts.http,
        Resilience{parts.gemini.breaker.get(), parts.gemini.retrier.get()},
        parts.clock, audit);
    // The DIRECTOR's plans when the project names a gemini-* model (the
    // model is the request's; this one is the default).
    GeminiConfig director;
    director.base_url = c.gemini_base_url;
    director.api_key = c.gemini_api_key;
    s.cloud_director =
        std::make_unique<GeminiDirector>(director, *s.analyzer, parts.http);
    s.request_auditor = std::make_unique<GeminiRequestAuditor>(
        g, parts.http,
        Resilience{parts.gemini.breaker.get(), parts.gemini.retrier.get()},
        parts.clock, c.gemini_audit_model);
  }
  if (fal) {
    MakeResilience(parts, "fal", &parts.fal);
    FalWebhookVerifierOptions vo;
    vo.jwks_url = c.fal_jwks_url;
    vo.expected_user_id = c.fal_user_id;
    parts.fal_verifier =
        std::make_unique<FalWebhookVerifier>(vo, parts.http, parts.clock);
    // The keys before the first webhooks: a burst of them (every image of
    // a "generate all") would otherwise find the first fetch in flight.
    parts.fal_verifier->PrefetchInBackground();
    FalConfig fc;
    fc.api_key = c.fal_key;
    fc.queue_base_url = c.fal_queue_url;
    fc.rest_base_url = c.fal_rest_url;
    if (!c.public_url.empty())
      fc.webhook_url = c.public_url + "/api/webhooks/fal";
    fc.webhook_secret = c.callback_secret;
    fc.lora_paths = c.fal_loras;
    fc.result_fetch = ResultFetch(fc.result_fetch, c.fal_result_hosts,
                                  c.loopback_fetch_for_tests);
    auto images = std::make_unique<FalImageGenerator>(
        std::move(fc), parts.http, *s.blobs, s.results, parts.prices,
        *parts.fal_verifier,
        FalResilience{parts.fal.breaker.get(), parts.fal.retrier.get()},
        parts.clock);
    s.webhook_receivers["fal"] = std::make_unique<FalReceiver>(*images);
    if (c.vertex_project.empty()) {
      s.images = std::move(images);
    } else {
      RETURN_IF_ERROR(
          ComposeVertexRoute(s, std::move(images), parts.fal.breaker.get()),
          "");
    }
  }
  if (kling) {
    MakeResilience(parts, "kling", &parts.kling);
    KlingConfig kc;
    kc.access_key = c.kling_access_key;
    kc.secret_key = c.kling_secret_key;
    kc.base_url = c.kling_base_url;
    kc.model = c.kling_model;
    kc.mode = c.kling_mode;
    kc.reroute = !c.kling_reroute.empty();
    kc.reroute_models = c.kling_reroute;
    if (c.kling_usd_per_unit > 0)
      parts.prices.SetKlingUsdPerUnit(c.kling_usd_per_unit);
    if (!c.public_url.empty())
      kc.callback_base_url = c.public_url + "/api/webhooks/kling";
    kc.callback_secret = c.callback_secret;
    kc.result_fetch = ResultFetch(kc.result_fetch, c.kling_result_hosts,
                                  c.loopback_fetch_for_tests);
    auto videos = std::make_unique<KlingVideoGenerator>(
        std::move(kc), parts.http, *s.blobs, s.results, parts.prices,
        Resilience{parts.kling.breaker.get(), parts.kling.retrier.get()},
        parts.clock);
    s.webhook_receivers["kling"] = std::make_unique<KlingReceiver>(*videos);
    s.videos = std::move(videos);
  }
  return {};
}

}  // namespace miri::app
