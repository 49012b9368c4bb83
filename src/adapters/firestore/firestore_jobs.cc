// FirestoreStore's job records and dispatch intents (ports/store.h): one
// create-only document per job in each collection, written with the
// exists=false precondition.
#include <cctype>
#include <cstdio>

#include "adapters/firestore/firestore_store.h"
#include "adapters/firestore/store_util.h"

namespace miri {

namespace v1 = firestore::v1;

std::string FirestoreStore::JobDocId(std::string_view job_id) {
  std::string out;
  for (unsigned char c : job_id) {
    if (std::isalnum(c) || c == '-') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, ".%02X", c);
      out += buf;
    }
  }
  return out;
}

Result<void> FirestoreStore::RecordJob(std::string_view project_id,
                                       const JobRecord& job) {
  RETURN_IF_ERROR(firestore::Validate(job), "recording job");
  RETURN_IF_ERROR(RequireProject(project_id), "recording job");
  Result<void> r = CreateOnly(Doc(project_id, "jobs", JobDocId(job.job_id)),
                              job.ToJson(), "job " + job.job_id);
  if (!r && r.error().code == ErrorCode::kAlreadyExists) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "job " + job.job_id + " is already recorded");
  }
  return r;
}

Result<JobRecord> FirestoreStore::GetJob(std::string_view project_id,
                                         std::string_view job_id) {
  RETURN_IF_ERROR(RequireProject(project_id), "reading job");
  if (job_id.empty() || job_id.size() > 200) {
    return tl::unexpected(firestore::NotFound("job", job_id));
  }
  ASSIGN_OR_RETURN(std::optional<v1::Document> doc,
                   client_->Get(Doc(project_id, "jobs", JobDocId(job_id))),
                   "reading job");
  if (!doc) return tl::unexpected(firestore::NotFound("job", job_id));
  return firestore::ParseStored<JobRecord>(*doc);
}

Result<void> FirestoreStore::RecordDispatchIntent(
    std::string_view project_id, const DispatchIntent& intent) {
  RETURN_IF_ERROR(firestore::Validate(intent), "recording dispatch intent");
  RETURN_IF_ERROR(RequireProject(project_id), "recording dispatch intent");
  Result<void> r =
      CreateOnly(Doc(project_id, "dispatchIntents", JobDocId(intent.job_id)),
                 intent.ToJson(), "dispatch intent " + intent.job_id);
  if (!r && r.error().code == ErrorCode::kAlreadyExists) {
    return MakeError(
        ErrorCode::kAlreadyExists,
        "the dispatch of job " + intent.job_id + " is already recorded");
  }
  return r;
}

Result<DispatchIntent> FirestoreStore::GetDispatchIntent(
    std::string_view project_id, std::string_view job_id) {
  RETURN_IF_ERROR(RequireProject(project_id), "reading dispatch intent");
  if (job_id.empty() || job_id.size() > 200) {
    return tl::unexpected(firestore::NotFound("dispatch intent", job_id));
  }
  ASSIGN_OR_RETURN(
      std::optional<v1::Document> doc,
      client_->Get(Doc(project_id, "dispatchIntents", JobDocId(job_id))),
      "reading dispatch intent");
  if (!doc) {
    return tl::unexpected(firestore::NotFound("dispatch intent", job_id));
  }
  return firestore::ParseStored<DispatchIntent>(*doc);
}

}  // namespace miri
