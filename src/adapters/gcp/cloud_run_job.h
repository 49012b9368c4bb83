// CloudRunJob: starts executions of a Cloud Run job through the Cloud Run
// Admin API v2, Jobs.RunJob: POST {endpoint}/v2/{name}:run with a
// RunJobRequest body (googleapis/googleapis google/cloud/run/v2/job.proto:
// `post: "/v2/{name=projects/*/locations/*/jobs/*}:run"`, `body: "*"`;
// OAuth scope cloud-platform). `miri serve` starts the final render of a
// project this way when MIRI_RENDER_JOB names a job: the execution runs
// the job's container (`miri render --project $(MIRI_RENDER_PROJECT)`,
// deploy/cloudrun/render.job.yaml) with the project and the render lease's
// owner set per execution through overrides.containerOverrides[].env
// (RunJobRequest.Overrides.ContainerOverride.env: "merged with existing env
// for override"), as `gcloud run jobs execute --update-env-vars` does.
// Errors: 400/401/403/404 FAILED_PRECONDITION (configuration: the job's
// name, IAM), 429/5xx and transport failures UNAVAILABLE.
// Thread-safety: Run may be called from any thread.
#ifndef MIRI_ADAPTERS_GCP_CLOUD_RUN_JOB_H_
#define MIRI_ADAPTERS_GCP_CLOUD_RUN_JOB_H_

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "adapters/curl/http_client.h"
#include "adapters/gcp/credentials.h"
#include "domain/result.h"

namespace miri::gcp {

inline constexpr char kCloudPlatformScope[] =
    "https://www.googleapis.com/auth/cloud-platform";
inline constexpr char kCloudRunEndpoint[] = "https://run.googleapis.com";

// The variables one execution gets: the project to render and the lease
// owner the execution takes over.
inline constexpr char kRenderProjectVar[] = "MIRI_RENDER_PROJECT";
inline constexpr char kRenderLeaseOwnerVar[] = "MIRI_RENDER_LEASE_OWNER";

struct CloudRunJobOptions {
  std::string job;  // projects/P/locations/L/jobs/J
  std::string endpoint = kCloudRunEndpoint;
  std::shared_ptr<TokenSource> tokens;  // required
  std::shared_ptr<HttpClient> http;     // null: libcurl
  int64_t timeout_ms = 30'000;
};

// INVALID_ARGUMENT unless `name` is projects/P/locations/L/jobs/J with
// non-empty segments free of '/' (the resource pattern of job.proto).
Result<void> ValidateJobName(std::string_view name);

// The RunJobRequest body that renders `project_id` under `lease_owner`.
nlohmann::json RunJobBody(std::string_view project_id,
                          std::string_view lease_owner);

class CloudRunJob {
 public:
  static Result<std::unique_ptr<CloudRunJob>> Create(CloudRunJobOptions o);
  // Starts one execution; returns its name (the Operation's metadata, an
  // Execution) or, when the answer has none, the operation's name.
  Result<std::string> Run(std::string_view project_id,
                          std::string_view lease_owner);
  const std::string& job() const { return options_.job; }

 private:
  explicit CloudRunJob(CloudRunJobOptions o) : options_(std::move(o)) {}
  CloudRunJobOptions options_;
};

}  // namespace miri::gcp

#endif  // MIRI_ADAPTERS_GCP_CLOUD_RUN_JOB_H_
