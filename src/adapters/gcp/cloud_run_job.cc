#include "adapters/gcp/cloud_run_job.h"

namespace miri::gcp {

Result<void> ValidateJobName(std::string_view name) {
  const std::string_view parts[] = {"projects", "locations", "jobs"};
  std::string_view rest = name;
  for (std::string_view part : parts) {
    bool ok = rest.substr(0, part.size() + 1) == std::string(part) + "/";
    if (ok) rest.remove_prefix(part.size() + 1);
    size_t slash = rest.find('/');
    std::string_view segment = rest.substr(0, slash);
    ok = ok && !segment.empty() &&
         (part == "jobs" ? slash == std::string_view::npos
                         : slash != std::string_view::npos);
    if (!ok) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "a Cloud Run job is named "
                       "projects/PROJECT/locations/REGION/jobs/JOB, not \"" +
                           std::string(name) + "\"");
    }
    rest.remove_prefix(slash == std::string_view::npos ? rest.size()
                                                       : slash + 1);
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '?' || c == '#' ||
        c == '%' || c == ':') {
      return MakeError(ErrorCode::kInvalidArgument,
                       "the Cloud Run job name \"" + std::string(name) +
                           "\" has a character a name cannot have");
    }
  }
  return {};
}

nlohmann::json RunJobBody(std::string_view project_id,
                          std::string_view lease_owner) {
  // proto3 JSON of RunJobRequest: overrides.containerOverrides[].env are
  // EnvVar {name, value} (google/cloud/run/v2/k8s.min.proto). One
  // container, so no container name.
  return {{"overrides",
           {{"containerOverrides",
             nlohmann::json::array(
                 {{{"env", nlohmann::json::array(
                               {{{"name", kRenderProjectVar},
                                 {"value", std::string(project_id)}},
                                {{"name", kRenderLeaseOwnerVar},
                                 {"value", std::string(lease_owner)}}})}}})}}}};
}

Result<std::unique_ptr<CloudRunJob>> CloudRunJob::Create(CloudRunJobOptions o) {
  RETURN_IF_ERROR(ValidateJobName(o.job), "MIRI_RENDER_JOB");
  if (!o.tokens) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Cloud Run jobs need credentials");
  }
  while (!o.endpoint.empty() && o.endpoint.back() == '/') o.endpoint.pop_back();
  if (!o.http) o.http = std::make_shared<CurlHttpClient>();
  return std::unique_ptr<CloudRunJob>(new CloudRunJob(std::move(o)));
}

Result<std::string> CloudRunJob::Run(std::string_view project_id,
                                     std::string_view lease_owner) {
  const std::string what = "running " + options_.job;
  ASSIGN_OR_RETURN(std::string token, options_.tokens->Token(), what);
  miri::HttpRequest req;  // not gcp::HttpRequest (the token fetchers' call)
  req.method = "POST";
  req.url = options_.endpoint + "/v2/" + options_.job + ":run";
  req.headers = {{"Authorization", "Bearer " + token},
                 {"Content-Type", "application/json"}};
  req.body = RunJobBody(project_id, lease_owner).dump();
  req.total_timeout_ms = options_.timeout_ms;
  ASSIGN_OR_RETURN(HttpResponse resp, options_.http->Send(req), what);
  if (resp.status / 100 != 2) {
    const bool retry = resp.status == 429 || resp.status >= 500;
    return MakeError(
        retry ? ErrorCode::kUnavailable : ErrorCode::kFailedPrecondition,
        what + ": HTTP " + std::to_string(resp.status) + ": " +
            resp.body.substr(0, 400));
  }
  nlohmann::json op = nlohmann::json::parse(resp.body, nullptr, false);
  if (!op.is_object()) {
    return MakeError(ErrorCode::kUnavailable,
                     what + ": the answer is not an Operation");
  }
  const nlohmann::json& meta = op.value("metadata", nlohmann::json::object());
  if (meta.is_object() && meta.contains("name") && meta["name"].is_string()) {
    return meta["name"].get<std::string>();
  }
  return op.value("name", std::string("(unnamed operation)"));
}

}  // namespace miri::gcp
