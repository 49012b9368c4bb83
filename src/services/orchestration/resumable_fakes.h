// A fake cloud image provider for orchestration tests: FakeCloud is the
// provider's side (shared by every instance, counts submits, can finish or
// lose jobs, finds a job by our id); FakeCloudImages is one instance's
// adapter, whose memory of jobs is its own, as fal's adapter is. Results
// come only from Poll. Its LookupDispatch answers as Kling's adapter does
// (by_our_id: the job found by our id) or as fal's (cannot_tell).
#ifndef MIRI_SERVICES_ORCHESTRATION_RESUMABLE_FAKES_H_
#define MIRI_SERVICES_ORCHESTRATION_RESUMABLE_FAKES_H_

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ports/blob_store.h"
#include "ports/image_generator.h"

namespace miri::testing {

class FakeCloud {
 public:
  struct Request {
    std::string job_id;
    bool done = false;
  };
  std::string Submit(const std::string& job_id) {
    std::lock_guard lock(mu_);
    std::string id = "req-" + std::to_string(++submitted_);
    requests_[id] = {job_id, false};
    submitted_jobs_.push_back(job_id);
    return id;
  }
  // nullopt: no such request (lost).
  std::optional<Request> Find(const std::string& request_id) {
    std::lock_guard lock(mu_);
    auto it = requests_.find(request_id);
    if (it == requests_.end()) return std::nullopt;
    return it->second;
  }
  // The request submitted under our job id, if the cloud still has it.
  std::optional<std::string> FindByJob(const std::string& job_id) {
    std::lock_guard lock(mu_);
    for (const auto& [id, r] : requests_)
      if (r.job_id == job_id) return id;
    return std::nullopt;
  }
  void FinishAll() {
    std::lock_guard lock(mu_);
    for (auto& [id, r] : requests_) r.done = true;
  }
  void LoseAll() {
    std::lock_guard lock(mu_);
    requests_.clear();
  }
  std::vector<std::string> submitted_jobs() {
    std::lock_guard lock(mu_);
    return submitted_jobs_;
  }

 private:
  std::mutex mu_;
  int submitted_ = 0;
  std::map<std::string, Request> requests_;
  std::vector<std::string> submitted_jobs_;
};

class FakeCloudImages final : public ImageGenerator {
 public:
  FakeCloudImages(FakeCloud& cloud, BlobStore& blobs)
      : cloud_(cloud), blobs_(blobs) {}

  std::string_view name() const override { return "cloud-image"; }
  Result<Dispatch> Submit(const ImageRequest& r) override {
    if (on_submit) on_submit(r);
    std::lock_guard lock(mu_);
    auto it = jobs_.find(r.job_id);
    if (it == jobs_.end()) {
      it = jobs_.emplace(r.job_id, Job{cloud_.Submit(r.job_id), r.output_key})
               .first;
    }
    return Dispatch{it->second.request_id, 0,
                    bad_resume ? "not json" : ResumeOf(it->second)};
  }
  Result<std::optional<ProviderResult>> Poll(std::string_view job_id) override {
    std::lock_guard lock(mu_);
    auto it = jobs_.find(std::string(job_id));
    if (it == jobs_.end())
      return MakeError(ErrorCode::kNotFound, "unknown job here");
    auto request = cloud_.Find(it->second.request_id);
    if (!request) return MakeError(ErrorCode::kNotFound, "no such request");
    if (!request->done) return std::optional<ProviderResult>();
    RETURN_IF_ERROR(blobs_.Put(it->second.output_key, "\x89PNG fake"),
                    "copying");
    ProviderResult result;
    result.provider = "cloud-image";
    result.job_id = std::string(job_id);
    result.provider_request_id = it->second.request_id;
    result.output_blobs = {it->second.output_key};
    return std::optional<ProviderResult>(result);
  }
  Result<void> Adopt(std::string_view job_id,
                     std::string_view resume) override {
    auto j = nlohmann::json::parse(resume, nullptr, false);
    if (!j.is_object() || !j.contains("request_id") ||
        !j.contains("output_key")) {
      return MakeError(ErrorCode::kInvalidArgument, "not a resume",
                       {{"resume", "bad"}});
    }
    std::lock_guard lock(mu_);
    jobs_.emplace(std::string(job_id), Job{j["request_id"], j["output_key"]});
    ++adopted;
    return {};
  }
  Result<DispatchLookup> LookupDispatch(const ImageRequest& r) override {
    ++lookups;
    if (lookup == Lookup::kCannotTell)
      return DispatchLookup{DispatchLookup::Outcome::kUnknown, {}};
    if (lookup == Lookup::kDefault) return DispatchLookup{};
    std::optional<std::string> request = cloud_.FindByJob(r.job_id);
    if (!request) return DispatchLookup{};  // kAbsent
    Job job{*request, r.output_key};
    std::lock_guard lock(mu_);
    jobs_.emplace(r.job_id, job);
    return DispatchLookup{DispatchLookup::Outcome::kFound,
                          Dispatch{job.request_id, 0, ResumeOf(job)}};
  }
  int64_t EstimateCostMicros(const ImageRequest&) const override { return 0; }

  enum class Lookup { kDefault, kByOurId, kCannotTell };
  Lookup lookup = Lookup::kDefault;
  bool bad_resume = false;  // Dispatch carries a resume the store refuses
  int adopted = 0;
  int lookups = 0;
  std::function<void(const ImageRequest&)> on_submit;  // before the cloud

 private:
  struct Job {
    std::string request_id;
    std::string output_key;
  };
  static std::string ResumeOf(const Job& job) {
    return nlohmann::json{{"request_id", job.request_id},
                          {"output_key", job.output_key}}
        .dump();
  }

  FakeCloud& cloud_;
  BlobStore& blobs_;
  std::mutex mu_;
  std::map<std::string, Job> jobs_;
};

}  // namespace miri::testing

#endif  // MIRI_SERVICES_ORCHESTRATION_RESUMABLE_FAKES_H_
