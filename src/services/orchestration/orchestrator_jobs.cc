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

// What a job the provider no longer knows (or, after the webhook wait, a
// job it never reported) becomes: a retryable failure, so the bounded retry
// sends a new attempt under a new job id rather than the same id again
// (fal would run and charge it twice; Kling refuses a repeated
// external_task_id).
ProviderResult Lost(std::string job_id, std::string provider,
                    std::string request_id, const std::string& why) {
  ProviderResult r;
  r.provider = std::move(provider);
  r.job_id = std::move(job_id);
  r.provider_request_id = std::move(request_id);
  r.status = ProviderResult::Status::kFailed;
  r.error = "the provider lost the job: " + why;
  r.retryable = true;
  return r;
}

}  // namespace

Result<void> Orchestrator::Resubmit(const JobRef& job, const Version& v) {
  // A new job id: providers dedupe on the id, and this is a new attempt.
  RETURN_IF_ERROR(SubmitAttempt(job.project_id, v, job.attempt + 1), "retry");
  return {};
}

Result<void> Orchestrator::SubmitAttempt(const std::string& project_id,
                                         const Version& v, int attempt) {
  RETURN_IF_ERROR(RecordIntent(project_id, v, attempt), "");
  return Send(project_id, v, attempt);
}

Result<void> Orchestrator::RecordIntent(const std::string& project_id,
                                        const Version& v, int attempt) {
  // The intent first: a sender that dies after the provider accepted the
  // job but before its record leaves the reconciler this to go on. Written
  // before (a job sent again under its id) is fine.
  const std::string job_id =
      JobIdWithAttempt(project_id, v.version_id, attempt);
  const std::string provider(v.kind == VersionKind::kVideo ? videos_.name()
                                                           : images_.name());
  DispatchIntent intent{job_id, provider, job_id, clock_.NowIso()};
  if (Result<void> r = store_.RecordDispatchIntent(project_id, intent);
      !r && r.error().code != ErrorCode::kAlreadyExists) {
    return tl::unexpected(WithContext(r.error(), "recording the dispatch"));
  }
  return {};
}

Result<void> Orchestrator::Send(const std::string& project_id, const Version& v,
                                int attempt) {
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

Result<std::optional<Orchestrator::Attempt>> Orchestrator::LatestAttempt(
    std::string_view project_id, const Version& v) {
  std::optional<Attempt> latest;
  for (int n = 0; n <= options_.max_provider_retries; ++n) {
    const std::string id = JobIdWithAttempt(project_id, v.version_id, n);
    Attempt a{n, std::nullopt, std::nullopt};
    Result<JobRecord> job = store_.GetJob(project_id, id);
    if (job) {
      a.job = std::move(*job);
    } else if (job.error().code != ErrorCode::kNotFound) {
      return tl::unexpected(job.error());
    }
    Result<DispatchIntent> intent = store_.GetDispatchIntent(project_id, id);
    if (intent) {
      a.intent = std::move(*intent);
    } else if (intent.error().code != ErrorCode::kNotFound) {
      return tl::unexpected(intent.error());
    }
    if (!a.job && !a.intent) break;
    latest = std::move(a);
  }
  return latest;
}

Result<bool> Orchestrator::ReconcileVersion(std::string_view project_id,
                                            const Version& v) {
  ASSIGN_OR_RETURN(std::optional<Attempt> latest, LatestAttempt(project_id, v),
                   "job record");
  if (latest && latest->job) return ReconcileRecorded(v, *latest->job);
  if (latest) return ReconcileIntent(project_id, v, *latest);
  // Neither (a job sent before intents were recorded): as for a provider
  // whose second Submit under the same id is the same job.
  return PollOrResubmit(project_id, v, 0);
}

Result<bool> Orchestrator::PollOrResubmit(std::string_view project_id,
                                          const Version& v, int attempt) {
  // Ask, and send it again under the same id if the provider does not
  // know it (a local provider, whose job died with its process).
  const bool video = v.kind == VersionKind::kVideo;
  const std::string id = JobIdWithAttempt(project_id, v.version_id, attempt);
  auto polled = video ? videos_.Poll(id) : images_.Poll(id);
  if (!polled && polled.error().code == ErrorCode::kNotFound) {
    RETURN_IF_ERROR(SubmitAttempt(std::string(project_id), v, attempt),
                    "resubmitting");
    return true;
  }
  if (!polled || !*polled) return false;  // unreachable or running
  RETURN_IF_ERROR(Apply(**polled), "result");
  return true;
}

Result<bool> Orchestrator::ReconcileRecorded(const Version& v,
                                             const JobRecord& job) {
  const bool video = v.kind == VersionKind::kVideo;
  // Pick the job up here (a no-op on the instance that sent it).
  Result<void> adopted = video ? videos_.Adopt(job.job_id, job.resume)
                               : images_.Adopt(job.job_id, job.resume);
  if (!adopted) {
    spdlog::warn("job {} of {} cannot be adopted: {}", job.job_id, job.provider,
                 adopted.error().ToString());
  }
  auto polled = video ? videos_.Poll(job.job_id) : images_.Poll(job.job_id);
  if (!polled && polled.error().code == ErrorCode::kNotFound) {
    RETURN_IF_ERROR(
        Apply(Lost(job.job_id, job.provider, job.provider_request_id,
                   polled.error().message)),
        "lost job");
    return true;
  }
  if (!polled || !*polled) return false;
  RETURN_IF_ERROR(Apply(**polled), "result");
  return true;
}

Result<bool> Orchestrator::ReconcileIntent(std::string_view project_id,
                                           const Version& v,
                                           const Attempt& attempt) {
  // The provider may have accepted the job just before its sender died:
  // it is asked by our id (Kling's external_task_id) before anything is
  // sent again; one that cannot be asked (fal) gets until the deadline to
  // deliver its webhook (whose URL carries the signed job).
  const DispatchIntent& intent = *attempt.intent;
  const bool video = v.kind == VersionKind::kVideo;
  Result<DispatchLookup> found = [&] {
    if (video) {
      VideoRequest req = VideoRequestOf(project_id, v);
      req.job_id = intent.job_id;
      return videos_.LookupDispatch(req);
    }
    ImageRequest req = ImageRequestOf(project_id, v);
    req.job_id = intent.job_id;
    return images_.LookupDispatch(req);
  }();
  if (!found) {
    return tl::unexpected(WithContext(found.error(), "looking the job up"));
  }
  switch (found->outcome) {
    case DispatchLookup::Outcome::kFound: {
      spdlog::info("job {} was accepted by {} as {} but not recorded: adopted",
                   intent.job_id, intent.provider,
                   found->dispatch.provider_request_id);
      RecordDispatch(std::string(project_id), intent.job_id, intent.provider,
                     found->dispatch);
      JobRecord job{intent.job_id, intent.provider,
                    found->dispatch.provider_request_id, found->dispatch.resume,
                    intent.created_at};
      return ReconcileRecorded(v, job);
    }
    case DispatchLookup::Outcome::kAbsent:
      return PollOrResubmit(project_id, v, attempt.number);
    case DispatchLookup::Outcome::kUnknown:
      break;
  }
  const int64_t deadline =
      ParseIsoMs(intent.created_at) + options_.unrecorded_job_wait_ms;
  if (clock_.NowMs() < deadline) {
    spdlog::info(
        "job {} of {} has no record: waiting for its webhook until {} ms "
        "after its dispatch before sending it again",
        intent.job_id, intent.provider, options_.unrecorded_job_wait_ms);
    return false;
  }
  RETURN_IF_ERROR(
      Apply(Lost(intent.job_id, intent.provider, "",
                 "no webhook within " +
                     std::to_string(options_.unrecorded_job_wait_ms) +
                     " ms of a dispatch that was never recorded")),
      "unrecorded job");
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
