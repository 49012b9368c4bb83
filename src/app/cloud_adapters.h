// The Google Cloud adapters of the composition root: the Firestore store
// and the Cloud Storage blob store, built from the variables the plan kept
// (CompositionPlan::google_env). Kept out of composition.cc so its store and
// blob hunks stay one line each.
#ifndef MIRI_APP_CLOUD_ADAPTERS_H_
#define MIRI_APP_CLOUD_ADAPTERS_H_

#include <map>
#include <memory>
#include <string>

#include "app/composition.h"
#include "domain/result.h"
#include "ports/blob_store.h"
#include "ports/clock.h"
#include "ports/store.h"

namespace miri::app {

// The variables PlanComposition keeps for these adapters (nothing else of
// the environment is copied into the plan).
extern const char* const kGoogleVariables[];

// The project id used against a Firestore emulator when none is set: the
// Firebase convention for emulator-only projects ("demo-" prefix).
inline constexpr char kEmulatorProject[] = "demo-miri";

// A SystemClock that lives as long as the process: the token sources of
// the adapters below hold a reference to their clock.
const Clock& ProcessClock();

// FIRESTORE_EMULATOR_HOST: plaintext, no credentials; otherwise
// firestore.googleapis.com over TLS with ADC tokens
// (GOOGLE_APPLICATION_CREDENTIALS key file, else the metadata server).
// MIRI_FIRESTORE_PROJECT (else GOOGLE_CLOUD_PROJECT), FIRESTORE_DATABASE.
// `clock` times the access tokens and must outlive the store; by default
// the process's system clock (stateless, never destroyed before the store).
Result<std::unique_ptr<Store>> OpenFirestoreStore(
    const CompositionPlan& plan, const Clock& clock = ProcessClock());

// MIRI_GCS_BUCKET; STORAGE_EMULATOR_HOST (host:port or URL): that emulator,
// no credentials; otherwise storage.googleapis.com with ADC tokens.
// LocalPath copies live under DATA_DIR/gcs-cache.
Result<std::unique_ptr<BlobStore>> OpenGcsBlobStore(
    const CompositionPlan& plan, const Clock& clock = ProcessClock());

}  // namespace miri::app

#endif  // MIRI_APP_CLOUD_ADAPTERS_H_
