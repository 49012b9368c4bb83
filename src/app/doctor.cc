#include "app/doctor.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>

#include "adapters/fal/fal_config.h"
#include "adapters/kling/kling_auth.h"
#include "adapters/kling/kling_wire.h"
#include "app/cloud_providers.h"

namespace miri::app {
namespace {

using nlohmann::json;

// A request whose transport failed: where, and what to look at.
std::string Unreachable(const std::string& url, const Error& e) {
  return "no answer from " + url + " (" + e.message + ")";
}

DoctorCheck Embedded(std::string service, const AdapterChoice& c,
                     std::string detail) {
  return {std::move(service), c.adapter, c.detail, true, true,
          std::move(detail),  ""};
}

DoctorCheck StoreCheck(const Stack& s) {
  const AdapterChoice& c = s.plan.For("store");
  DoctorCheck d{"store", c.adapter, c.detail, c.embedded, false, "", ""};
  Result<ProjectConfig> probe = s.store->GetProject("miri-doctor-probe");
  if (probe || probe.error().code == ErrorCode::kNotFound) {
    d.ok = true;
    d.detail = "a read answered";
    return d;
  }
  d.detail = probe.error().message;
  d.fix = c.adapter == "firestore"
              ? "check MIRI_FIRESTORE_PROJECT (or FIRESTORE_EMULATOR_HOST) and "
                "the credentials (gcloud auth application-default login, or "
                "GOOGLE_APPLICATION_CREDENTIALS)"
              : "check that the data directory (--data) is readable and "
                "writable";
  return d;
}

DoctorCheck BusCheck(const Stack& s) {
  const AdapterChoice& c = s.plan.For("bus");
  DoctorCheck d{"bus", c.adapter, c.detail, c.embedded, s.bus->Healthy(),
                "",    ""};
  d.detail = d.ok ? "connected" : "not connected";
  if (!d.ok) {
    d.fix = "check MIRI_REDIS_URL and that redis-server answers PING there";
  }
  return d;
}

DoctorCheck BlobsCheck(const Stack& s) {
  const AdapterChoice& c = s.plan.For("blobs");
  DoctorCheck d{"blobs", c.adapter, c.detail, c.embedded, false, "", ""};
  Result<bool> probe = s.blobs->Exists("miri-doctor/probe");
  if (probe) {
    d.ok = true;
    d.detail = "an existence check answered";
    return d;
  }
  d.detail = probe.error().message;
  d.fix = c.adapter == "gcs"
              ? "check MIRI_GCS_BUCKET and that the account may read objects "
                "in it (roles/storage.objectUser)"
              : "check that the data directory (--data) is readable and "
                "writable";
  return d;
}

std::vector<DoctorCheck> GeminiChecks(const CompositionPlan& plan,
                                      HttpClient& http) {
  const CloudSettings& c = plan.cloud;
  std::set<std::string> models = {c.gemini_vision_model};
  if (!c.gemini_audit_model.empty()) models.insert(c.gemini_audit_model);
  std::vector<DoctorCheck> out;
  for (const std::string& model : models) {
    DoctorCheck d{"gemini", "gemini", model, false, false, "", ""};
    HttpRequest r;
    r.url = c.gemini_base_url + "/v1beta/models/" + model;
    r.headers = {{"x-goog-api-key", c.gemini_api_key}};
    r.total_timeout_ms = 10'000;
    Result<HttpResponse> got = http.Send(r);
    if (!got) {
      d.detail = Unreachable(c.gemini_base_url, got.error());
      d.fix = "check the network, or MIRI_GEMINI_BASE_URL";
    } else if (got->status == 200) {
      d.ok = true;
      d.detail = "models.get answered: the key and the model are good";
    } else if (got->status == 400 || got->status == 401 || got->status == 403) {
      d.detail = fmt::format("the key was refused (HTTP {})", got->status);
      d.fix = "set GEMINI_API_KEY to a key from aistudio.google.com/apikey";
    } else if (got->status == 404) {
      d.detail = "no model " + model + " (unknown, or past its shutdown)";
      d.fix =
          "set MIRI_GEMINI_VISION_MODEL / MIRI_GEMINI_AUDIT_MODEL to a "
          "current model (ai.google.dev/gemini-api/docs/models)";
    } else {
      d.detail = fmt::format("HTTP {} from models.get", got->status);
      d.fix = "try again; see status.cloud.google.com";
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<DoctorCheck> FalChecks(const CompositionPlan& plan,
                                   HttpClient& http) {
  const CloudSettings& c = plan.cloud;
  const FalConfig defaults;
  std::set<std::string> endpoints = {
      defaults.text_to_image_model, defaults.edit_model, defaults.refine_model};
  std::vector<DoctorCheck> out;
  for (const std::string& endpoint : endpoints) {
    DoctorCheck d{"fal", "fal", endpoint, false, false, "", ""};
    HttpRequest r;
    r.url = c.fal_queue_url + "/" + endpoint +
            "/requests/00000000-0000-4000-8000-000000000000/status";
    r.headers = {{"Authorization", "Key " + c.fal_key}};
    r.total_timeout_ms = 10'000;
    Result<HttpResponse> got = http.Send(r);
    if (!got) {
      d.detail = Unreachable(c.fal_queue_url, got.error());
      d.fix = "check the network, or MIRI_FAL_QUEUE_URL";
    } else if (got->status == 401 || got->status == 403) {
      d.detail = fmt::format("the key was refused (HTTP {})", got->status);
      d.fix = "set FAL_KEY to a key from fal.ai/dashboard/keys";
    } else if (got->status >= 500) {
      d.detail = fmt::format("HTTP {} from the queue", got->status);
      d.fix = "try again; see status.fal.ai";
    } else {
      d.ok = true;
      d.detail = "the queue accepted the key";
    }
    out.push_back(std::move(d));
  }
  DoctorCheck lora{"fal", "fal", "LoRA miriN14", false, false, "", ""};
  auto it = c.fal_loras.find("miriN14");
  lora.ok = it != c.fal_loras.end() && !it->second.empty();
  lora.detail = lora.ok ? "set in MIRI_FAL_LORAS" : "not in MIRI_FAL_LORAS";
  if (!lora.ok) {
    lora.fix =
        "set MIRI_FAL_LORAS=miriN14=<URL of the FLUX.2 LoRA weights>: Miri "
        "is drawn only through her LoRA";
  }
  out.push_back(std::move(lora));
  return out;
}

DoctorCheck KlingCheck(const CompositionPlan& plan, HttpClient& http,
                       const Clock& clock) {
  const CloudSettings& c = plan.cloud;
  DoctorCheck d{"kling", "kling", c.kling_model, false, false, "", ""};
  HttpRequest r;
  r.url = c.kling_base_url + "/v1/videos/image2video/miri-doctor-probe";
  r.headers = {{"Authorization",
                "Bearer " + MakeKlingJwt(c.kling_access_key, c.kling_secret_key,
                                         clock.NowMs() / 1000, 1800)}};
  r.total_timeout_ms = 10'000;
  Result<HttpResponse> got = http.Send(r);
  if (!got) {
    d.detail = Unreachable(c.kling_base_url, got.error());
    d.fix = "check the network, or MIRI_KLING_BASE_URL";
    return d;
  }
  json body = json::parse(got->body, nullptr, false);
  const int code =
      body.is_object() && body.contains("code") && body["code"].is_number()
          ? body["code"].get<int>()
          : -1;
  // Kling's error codes: 1000-1004 are authentication failures
  // (app.klingai.com/global/dev/document-api/apiReference/commonInfo).
  if (got->status == 401 || (code >= 1000 && code <= 1004)) {
    d.detail = fmt::format("the key pair was refused (HTTP {}, code {})",
                           got->status, code);
    d.fix =
        "set KLING_ACCESS_KEY and KLING_SECRET_KEY to a pair from the Kling "
        "developer console";
  } else if (got->status >= 500) {
    d.detail = fmt::format("HTTP {} from the task query", got->status);
    d.fix = "try again later";
  } else {
    d.ok = true;
    d.detail = "the task query accepted the key pair";
  }
  return d;
}

DoctorCheck ImageCheckerCheck(const CompositionPlan& plan) {
  const AdapterChoice& c = plan.For("auditor");
  DoctorCheck d{
      "image check", c.adapter, plan.image_check_script, true, false, "", ""};
  std::error_code ec;
  const bool script = std::filesystem::exists(plan.image_check_script, ec);
  bool node = false;
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    std::stringstream dirs(path);
    for (std::string dir; std::getline(dirs, dir, ':');) {
      if (!dir.empty() && access((dir + "/node").c_str(), X_OK) == 0) {
        node = true;
        break;
      }
    }
  }
  d.ok = script && node;
  if (d.ok) {
    d.detail = "node and the checker's script are present";
  } else {
    d.detail = !node ? "node is not on PATH" : "no checker script";
    d.fix =
        "install Node.js 20 (scripts/bootstrap.sh) or set "
        "MIRI_IMAGE_CHECK_SCRIPT; without it every image is held, not shown";
  }
  return d;
}

}  // namespace

bool DoctorReport::ok() const {
  return std::all_of(checks.begin(), checks.end(),
                     [](const DoctorCheck& c) { return c.ok; });
}

json DoctorReport::ToJson() const {
  json out = {{"ok", ok()},
              {"checkedAt", checked_at},
              {"checks", json::array()},
              {"roles", json::array()}};
  for (const DoctorCheck& c : checks) {
    out["checks"].push_back({{"service", c.service},
                             {"adapter", c.adapter},
                             {"target", c.target},
                             {"embedded", c.embedded},
                             {"ok", c.ok},
                             {"detail", c.detail},
                             {"fix", c.fix}});
  }
  for (const RoleModel& r : roles) {
    out["roles"].push_back({{"role", r.role}, {"model", r.model}});
  }
  return out;
}

std::string DoctorReport::Table() const {
  std::string out = fmt::format("{:<12} {:<14} {:<4} {:<34} {}\n", "SERVICE",
                                "ADAPTER", "OK", "CHECKED", "RESULT");
  for (const DoctorCheck& c : checks) {
    std::string target =
        c.target.size() > 34 ? c.target.substr(0, 31) + "..." : c.target;
    out += fmt::format(
        "{:<12} {:<14} {:<4} {:<34} {}{}\n", c.service,
        c.adapter + (c.embedded ? "*" : ""), c.ok ? "yes" : "NO", target,
        c.detail,
        c.fix.empty() ? "" : "\n" + std::string(68, ' ') + "fix: " + c.fix);
  }
  out += "(* embedded default)\n\nROLE             MODEL\n";
  for (const RoleModel& r : roles) {
    out += fmt::format("{:<16} {}\n", r.role, r.model);
  }
  out += ok() ? "\nall checks passed\n"
              : "\nsome checks failed: see the fixes above\n";
  return out;
}

std::vector<RoleModel> RoleModels(const CompositionPlan& plan) {
  const bool gemini = plan.For("vision").adapter == "gemini";
  const CloudSettings& c = plan.cloud;
  const std::string audit = c.gemini_audit_model.empty() ? c.gemini_vision_model
                                                         : c.gemini_audit_model;
  const FalConfig fal;
  return {
      {"DIRECTOR", "local director (aubio beats + lyric lines)"},
      {"ORCHESTRATOR", "prompt templates (the deterministic auditor decides)"},
      {"VISION_ANALYZER",
       gemini ? c.gemini_vision_model
              : "local (rules from the reason's words, masks from the "
                "instruction)"},
      {"AUDITOR", gemini ? audit + " (images and typed text)"
                         : "nsfwjs MobileNetV2 (images) + the request "
                           "screen (text)"},
      {"image model", plan.For("image").adapter == "fal"
                          ? fal.text_to_image_model + ", " + fal.edit_model
                          : "local painter (offline stand-in)"},
      {"video model", plan.For("video").adapter == "kling"
                          ? c.kling_model + " (" + c.kling_mode + ")"
                          : "local animator (offline stand-in)"},
  };
}

DoctorReport RunDoctor(const Stack& stack, HttpClient& http,
                       const Clock& clock) {
  const CompositionPlan& plan = stack.plan;
  DoctorReport r;
  r.checks.push_back(StoreCheck(stack));
  r.checks.push_back(BusCheck(stack));
  r.checks.push_back(BlobsCheck(stack));
  if (plan.For("vision").adapter == "gemini") {
    for (DoctorCheck& c : GeminiChecks(plan, http)) {
      r.checks.push_back(std::move(c));
    }
  } else {
    r.checks.push_back(
        Embedded("vision", plan.For("vision"), "embedded: no call to make"));
  }
  if (plan.For("image").adapter == "fal") {
    for (DoctorCheck& c : FalChecks(plan, http)) {
      r.checks.push_back(std::move(c));
    }
  } else {
    r.checks.push_back(
        Embedded("image", plan.For("image"), "embedded: no call to make"));
  }
  if (plan.For("video").adapter == "kling") {
    r.checks.push_back(KlingCheck(plan, http, clock));
  } else {
    r.checks.push_back(
        Embedded("video", plan.For("video"), "embedded: no call to make"));
  }
  if (plan.For("auditor").adapter == "nsfwjs") {
    r.checks.push_back(ImageCheckerCheck(plan));
  }
  r.roles = RoleModels(plan);
  r.checked_at = clock.NowIso();
  return r;
}

json CircuitStates(const Stack& stack) {
  json out = json::object();
  if (!stack.cloud) return out;
  const std::pair<const char*, const ProviderResilience*> providers[] = {
      {"fal", &stack.cloud->fal},
      {"kling", &stack.cloud->kling},
      {"gemini", &stack.cloud->gemini}};
  for (const auto& [name, p] : providers) {
    if (p->breaker) {
      out[name] = std::string(BreakerStateName(p->breaker->state()));
    }
  }
  return out;
}

StartupChecks::StartupChecks(const Stack& stack, HttpClient& http,
                             const Clock& clock)
    : stack_(stack) {
  thread_ = std::thread([this, &http, &clock] {
    DoctorReport r = RunDoctor(stack_, http, clock);
    for (const DoctorCheck& c : r.checks) {
      spdlog::log(c.ok ? spdlog::level::info : spdlog::level::warn,
                  "start-up check: {} {} ({}): {}{}", c.service, c.adapter,
                  c.target, c.ok ? "ok, " + c.detail : "FAILED, " + c.detail,
                  c.fix.empty() ? "" : "; fix: " + c.fix);
    }
    std::lock_guard lock(mu_);
    report_ = std::move(r);
  });
}

StartupChecks::~StartupChecks() {
  if (thread_.joinable()) thread_.join();
}

json StartupChecks::Json() const {
  json out;
  {
    std::lock_guard lock(mu_);
    out = report_ ? report_->ToJson() : json{{"pending", true}};
  }
  out["circuits"] = CircuitStates(stack_);
  return out;
}

}  // namespace miri::app
