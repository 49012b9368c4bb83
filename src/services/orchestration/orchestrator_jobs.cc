// The Orchestrator's provider jobs: dispatching them, recording what any
// instance needs to resume them (Store::RecordJob), and the reconciler that
// resumes them after a restart or on another instance.
#include <spdlog/spdlog.h>

#include "services/orchestration/orchestrator.h"
#include "services/orchestration/requests.h"

namespace miri {
namespace {

const Version* LatestJobVersion(const std::vector<Version>& versions) {
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (it->kind == VersionKind::kImage || it->kind == VersionKind::kVideo)
      return &*it;
  }
  return nullptr;
}

bool AwaitsAProvider(ShotStatus s) {
  return s == ShotStatus::kGeneratingImage || s == ShotStatus::kRefining ||
         s == ShotStatus::kGeneratingVideo;
}

// What a recorded job the provider no longer knows becomes: a retryable
// failure, so the bounded retry sends a new attempt under a new job id
// rather than the same id again (fal would run and charge it twice; Kling
// refuses a repeated external_task_id).
ProviderResult Lost(const JobRecord& job, const Error& why) {
  ProviderResult r;
  r.provider = job.provider;
  r.job_id = job.job_id;
  r.provider_request_id = job.provider_request_id;
  r.status = ProviderResult::Status::kFailed;
  r.error = "the provider lost the job: " + why.message;
  r.retryable = true;
  return r;
}

}  // namespace

Result<void> Orchestrator::Submit(const std::string& project_id,
                                  const Version& v) {
  return SubmitAttempt(project_id, v, 0);
}

Result<void> Orchestrator::Resubmit(const JobRef& job, const Version& v) {
  // A new job id: providers dedupe on the id, and this is a new attempt.
  RETURN_IF_ERROR(SubmitAttempt(job.project_id, v, job.attempt + 1), "retry");
  return {};
}

Result<void> Orchestrator::SubmitAttempt(const std::string& project_id,
                                         const Version& v, int attempt) {
  const std::string job_id =
      JobIdWithAttempt(project_id, v.version_id, attempt);
  Dispatch d;
  std::string provider;
  if (v.kind == VersionKind::kVideo) {
    VideoRequest req = VideoRequestOf(project_id, v);
    req.job_id = job_id;
    ASSIGN_OR_RETURN(d, videos_.Submit(req), "video");
    provider = std::string(videos_.name());
  } else {
    ImageRequest req = ImageRequestOf(project_id, v);
    req.job_id = job_id;
    ASSIGN_OR_RETURN(d, images_.Submit(req), "image");
    provider = std::string(images_.name());
  }
  RecordDispatch(project_id, job_id, provider, d);
  return {};
}

void Orchestrator::RecordDispatch(const std::string& project_id,
                                  const std::string& job_id,
                                  const std::string& provider,
                                  const Dispatch& d) {
  if (d.resume.empty()) return;  // nothing another instance could resume
  JobRecord job{job_id, provider, d.provider_request_id, d.resume,
                clock_.NowIso()};
  Result<void> r = store_.RecordJob(project_id, job);
  // The first record stands: the same job submitted again is deduped by
  // the provider and reports the same request.
  if (r || r.error().code == ErrorCode::kAlreadyExists) return;
  // The dispatch stands: its webhook still completes it. Only a restart
  // before that would not find the job.
  spdlog::warn("job {} dispatched to {} as {} but not recorded: {}", job_id,
               provider, d.provider_request_id, r.error().ToString());
}

Result<std::optional<JobRecord>> Orchestrator::LatestJob(
    std::string_view project_id, const Version& v) {
  std::optional<JobRecord> latest;
  for (int attempt = 0; attempt <= options_.max_provider_retries; ++attempt) {
    Result<JobRecord> job = store_.GetJob(
        project_id, JobIdWithAttempt(project_id, v.version_id, attempt));
    if (!job && job.error().code == ErrorCode::kNotFound) break;
    if (!job) return tl::unexpected(job.error());
    latest = std::move(*job);
  }
  return latest;
}

Result<bool> Orchestrator::ReconcileVersion(std::string_view project_id,
                                            const Version& v) {
  const bool video = v.kind == VersionKind::kVideo;
  ASSIGN_OR_RETURN(std::optional<JobRecord> job, LatestJob(project_id, v),
                   "job record");
  if (!job) {
    // Unrecorded (a local provider, whose job died with its process): ask,
    // and send it again under the same id if the provider does not know it.
    const std::string id = JobId(project_id, v.version_id);
    auto polled = video ? videos_.Poll(id) : images_.Poll(id);
    if (!polled && polled.error().code == ErrorCode::kNotFound) {
      RETURN_IF_ERROR(Submit(std::string(project_id), v), "resubmitting");
      return true;
    }
    if (!polled || !*polled) return false;  // unreachable or running
    RETURN_IF_ERROR(Apply(**polled), "result");
    return true;
  }
  // Recorded: pick the job up here (a no-op on the instance that sent it).
  Result<void> adopted = video ? videos_.Adopt(job->job_id, job->resume)
                               : images_.Adopt(job->job_id, job->resume);
  if (!adopted) {
    spdlog::warn("job {} of {} cannot be adopted: {}", job->job_id,
                 job->provider, adopted.error().ToString());
  }
  auto polled = video ? videos_.Poll(job->job_id) : images_.Poll(job->job_id);
  if (!polled && polled.error().code == ErrorCode::kNotFound) {
    RETURN_IF_ERROR(Apply(Lost(*job, polled.error())), "lost job");
    return true;
  }
  if (!polled || !*polled) return false;
  RETURN_IF_ERROR(Apply(**polled), "result");
  return true;
}

Result<int> Orchestrator::Reconcile(std::string_view project_id,
                                    bool ignore_age) {
  ASSIGN_OR_RETURN(std::vector<Shot> shots, store_.ListShots(project_id),
                   "reconciling");
  int acted = 0;
  const int64_t now = clock_.NowMs();
  for (const Shot& s : shots) {
    if (!AwaitsAProvider(s.status)) continue;
    ASSIGN_OR_RETURN(std::vector<Version> versions,
                     store_.ListVersions(project_id, s.shot_id), "reconciling");
    const Version* v = LatestJobVersion(versions);
    if (v == nullptr) continue;
    if (!ignore_age &&
        now - ParseIsoMs(v->created_at) < options_.reconcile_after_ms) {
      continue;
    }
    // One shot's trouble never stops the others' reconciliation.
    Result<bool> r = ReconcileVersion(project_id, *v);
    if (!r) {
      spdlog::warn("reconciling shot {} version {}: {}", s.shot_id,
                   v->version_id, r.error().ToString());
    } else if (*r) {
      ++acted;
    }
  }
  return acted;
}

}  // namespace miri
