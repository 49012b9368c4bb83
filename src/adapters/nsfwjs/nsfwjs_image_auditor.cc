#include "adapters/nsfwjs/nsfwjs_image_auditor.h"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "adapters/curl/media_probe.h"

namespace miri {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr const char* kClasses[] = {"Drawing", "Hentai", "Neutral", "Porn",
                                    "Sexy"};

struct ExplicitClass {
  const char* name;
  const char* rule;
  const char* what;
  double NsfwThresholds::*threshold;
};
constexpr ExplicitClass kExplicit[] = {
    {"Porn", "vision.nsfw.porn", "sexual content", &NsfwThresholds::porn},
    {"Hentai", "vision.nsfw.hentai", "an explicit drawing",
     &NsfwThresholds::hentai},
    {"Sexy", "vision.nsfw.sexy", "sexually suggestive content",
     &NsfwThresholds::sexy},
};

std::chrono::milliseconds Left(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - Clock::now());
  return left.count() < 0 ? std::chrono::milliseconds(0) : left;
}

}  // namespace

Result<ImageVerdict> NsfwVerdict(const std::map<std::string, double>& classes,
                                 const NsfwThresholds& t,
                                 const ImageCheckRequest& request,
                                 const std::string& checker) {
  for (const char* name : kClasses) {
    auto it = classes.find(name);
    if (it == classes.end() || !std::isfinite(it->second) || it->second < 0 ||
        it->second > 1) {
      return MakeError(ErrorCode::kUnavailable,
                       std::string("the checker's reply has no probability "
                                   "for ") +
                           name);
    }
  }
  ImageVerdict v;
  v.checker = checker;
  v.scores = classes;
  for (const VisualConstraint& c : request.constraints) {
    v.constraints.push_back(
        {c.id, ConstraintState::kNotChecked,
         "a classifier of explicit content cannot see this; a person or the "
         "cloud auditor must check it"});
  }
  double total = 0;
  for (const ExplicitClass& e : kExplicit) {
    double p = classes.at(e.name), limit = t.*e.threshold;
    total += p;
    if (p >= limit) {
      v.findings.push_back(
          {e.rule,
           fmt::format("{} {:.2f} at or over {:.2f}: the classifier sees {}",
                       e.name, p, limit, e.what),
           ""});
    }
  }
  if (v.findings.empty() && total >= t.explicit_total) {
    v.findings.push_back(
        {"vision.nsfw.explicit",
         fmt::format("Porn + Hentai + Sexy {:.2f} at or over {:.2f}: the "
                     "classifier sees suggestive content",
                     total, t.explicit_total),
         ""});
  }
  SettleVerdict(v);
  if (v.passed) {
    v.reason = fmt::format(
        "no explicit content (Porn {:.2f}, Hentai {:.2f}, Sexy {:.2f}); "
        "Miri's constraints are not checked by this classifier",
        classes.at("Porn"), classes.at("Hentai"), classes.at("Sexy"));
  } else {
    v.reason = "explicit content: " + v.findings.front().message;
  }
  return v;
}

NsfwjsImageAuditor::NsfwjsImageAuditor(NsfwjsOptions options)
    : options_(std::move(options)) {}

NsfwjsImageAuditor::~NsfwjsImageAuditor() { Stop(); }

Result<void> NsfwjsImageAuditor::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopped_) {
    return MakeError(ErrorCode::kUnavailable,
                     "the image checker (nsfwjs) was stopped");
  }
  return StartLocked();
}

Result<void> NsfwjsImageAuditor::StartLocked() {
  if (process_) return {};
  ++starts_;
  ASSIGN_OR_RETURN(process_,
                   JsonLinesProcess::Start({options_.node, options_.script,
                                            "--backend", options_.backend},
                                           options_.start_timeout),
                   "the image checker (nsfwjs) cannot start");
  json ready = json::parse(process_->first_line(), nullptr, false);
  if (!ready.is_object() || ready.value("ready", false) != true) {
    std::string said = process_->first_line().substr(0, 300);
    process_->Kill();
    process_.reset();
    return MakeError(ErrorCode::kUnavailable,
                     "the image checker (nsfwjs) cannot start: " + said);
  }
  if (ready.contains("checker") && ready["checker"].is_string())
    checker_ = ready["checker"].get<std::string>();
  return {};
}

void NsfwjsImageAuditor::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  stopped_ = true;
  if (process_) process_->Stop(std::chrono::seconds(2));
  process_.reset();
}

pid_t NsfwjsImageAuditor::pid() const {
  std::lock_guard<std::mutex> lock(mu_);
  return process_ ? process_->pid() : -1;
}

int NsfwjsImageAuditor::restarts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return starts_ > 0 ? starts_ - 1 : 0;
}

Result<ImageVerdict> NsfwjsImageAuditor::Check(const ImageCheckRequest& r) {
  RETURN_IF_ERROR(ValidateImageCheckRequest(r), "nsfwjs image check");
  const std::string image = Base64Encode(r.image);
  std::lock_guard<std::mutex> lock(mu_);
  for (int attempt = 0;; ++attempt) {
    if (stopped_) {
      return MakeError(ErrorCode::kUnavailable,
                       "the image checker (nsfwjs) was stopped: the image is "
                       "held");
    }
    RETURN_IF_ERROR(StartLocked(), "");
    std::string id = std::to_string(next_id_++);
    auto started = Clock::now();
    bool died = false;
    auto verdict =
        AskLocked(r, id, json{{"id", id}, {"image", image}}.dump(), &died);
    if (verdict) {
      verdict->elapsed_ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() -
                                                                started)
              .count();
      return verdict;
    }
    // A checker that died before or while answering gets one restart; a
    // hung one was killed and the error stands.
    if (!died || attempt > 0) return verdict;
  }
}

Result<ImageVerdict> NsfwjsImageAuditor::AskLocked(
    const ImageCheckRequest& request, const std::string& id,
    const std::string& line, bool* died) {
  auto deadline = Clock::now() + options_.check_timeout;
  auto fail = [&](const Error& e) -> tl::unexpected<Error> {
    *died = process_->gone();
    process_->Kill();
    process_.reset();
    return tl::unexpected(WithContext(e, "the image checker (nsfwjs)"));
  };
  if (auto w = process_->WriteLine(line, Left(deadline)); !w)
    return fail(w.error());
  for (;;) {
    auto reply_line = process_->ReadLine(Left(deadline));
    if (!reply_line) return fail(reply_line.error());
    json reply = json::parse(*reply_line, nullptr, false);
    if (!reply.is_object()) {
      return fail(
          Error{ErrorCode::kUnavailable,
                "a reply that is not JSON: " + reply_line->substr(0, 200),
                {}});
    }
    if (!reply.contains("id") || reply["id"] != id) continue;  // stale
    if (reply.value("ok", false) != true) {
      std::string code = reply.value("code", "");
      std::string error = reply.value("error", "unknown error");
      if (code == "invalid_image") {
        return MakeError(ErrorCode::kInvalidArgument,
                         "the image checker cannot read the image",
                         {{"image", error}});
      }
      return MakeError(ErrorCode::kUnavailable,
                       "the image checker (nsfwjs) failed: " + error);
    }
    std::map<std::string, double> classes;
    if (reply.contains("classes") && reply["classes"].is_object()) {
      for (const auto& [name, p] : reply["classes"].items())
        if (p.is_number()) classes[name] = p.get<double>();
    }
    std::string checker = reply.value("checker", checker_);
    return NsfwVerdict(classes, options_.thresholds, request, checker);
  }
}

}  // namespace miri
