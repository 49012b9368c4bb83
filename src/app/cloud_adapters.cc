#include "app/cloud_adapters.h"

#include "adapters/firestore/firestore_store.h"
#include "adapters/gcp/credentials.h"
#include "adapters/gcs/gcs_blob_store.h"

namespace miri::app {

const char* const kGoogleVariables[] = {
    "MIRI_FIRESTORE_PROJECT", "GOOGLE_CLOUD_PROJECT", "FIRESTORE_DATABASE",
    "FIRESTORE_EMULATOR_HOST", "GOOGLE_APPLICATION_CREDENTIALS",
    // gcloud's own ADC file (`gcloud auth
    // application-default login`):
    // $CLOUDSDK_CONFIG or
    // $HOME/.config/gcloud
    "CLOUDSDK_CONFIG", "HOME", "GCE_METADATA_HOST", "MIRI_GCS_BUCKET",
    "STORAGE_EMULATOR_HOST", nullptr};

namespace {

std::string Get(const std::map<std::string, std::string>& env,
                const char* name) {
  auto it = env.find(name);
  return it == env.end() ? "" : it->second;
}

}  // namespace

const Clock& ProcessClock() {
  // Never destroyed: a Stack may outlive static destruction order.
  static const SystemClock* const clock = new SystemClock();
  return *clock;
}

Result<std::unique_ptr<Store>> OpenFirestoreStore(const CompositionPlan& plan,
                                                  const Clock& clock) {
  std::map<std::string, std::string> env = plan.google_env;
  if (!Get(env, "FIRESTORE_EMULATOR_HOST").empty() &&
      Get(env, "MIRI_FIRESTORE_PROJECT").empty() &&
      Get(env, "GOOGLE_CLOUD_PROJECT").empty()) {
    env["MIRI_FIRESTORE_PROJECT"] = kEmulatorProject;
  }
  ASSIGN_OR_RETURN(firestore::ClientOptions client,
                   firestore::OptionsFromEnvironment(env, clock),
                   "Firestore settings");
  ASSIGN_OR_RETURN(std::unique_ptr<FirestoreStore> store,
                   FirestoreStore::Open(client), "");
  return std::unique_ptr<Store>(std::move(store));
}

Result<std::unique_ptr<BlobStore>> OpenGcsBlobStore(const CompositionPlan& plan,
                                                    const Clock& clock) {
  GcsOptions o;
  o.bucket = Get(plan.google_env, "MIRI_GCS_BUCKET");
  std::string emulator = Get(plan.google_env, "STORAGE_EMULATOR_HOST");
  o.endpoint = gcs::EndpointFrom(emulator);
  o.cache_dir = plan.data_dir / "gcs-cache";
  o.cache_max_bytes = plan.gcs_cache_bytes;
  if (emulator.empty()) {
    ASSIGN_OR_RETURN(
        std::unique_ptr<gcp::TokenSource> tokens,
        gcp::DefaultCredentials(plan.google_env, clock, gcp::kStorageScope),
        "Cloud Storage credentials");
    o.tokens = std::move(tokens);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<GcsBlobStore> blobs,
                   GcsBlobStore::Open(std::move(o)), "MIRI_GCS_BUCKET");
  return std::unique_ptr<BlobStore>(std::move(blobs));
}

}  // namespace miri::app
