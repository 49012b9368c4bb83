// The cloud half of the composition root: reads the cloud providers'
// settings from the environment and builds their adapters (fal images,
// Kling clips, Gemini vision) with what they share, owned by CloudParts,
// and the webhook receivers the Api hands fal's and Kling's deliveries to.
#ifndef MIRI_APP_CLOUD_PROVIDERS_H_
#define MIRI_APP_CLOUD_PROVIDERS_H_

#include <memory>
#include <string>
#include <vector>

#include "adapters/curl/http_client.h"
#include "adapters/fal/fal_webhook_verifier.h"
#include "adapters/gcp/credentials.h"
#include "app/composition.h"
#include "ports/clock.h"
#include "services/budget/price_table.h"
#include "services/resilience/circuit_breaker.h"
#include "services/resilience/retry.h"

namespace miri::app {

// One breaker (shared by every call to the provider) and one retry policy.
struct ProviderResilience {
  std::unique_ptr<CircuitBreaker> breaker;
  std::unique_ptr<Retrier> retrier;
};

// What the cloud adapters refer to; outlives them (Stack member order).
struct CloudParts {
  SystemClock clock;
  CurlHttpClient http;
  PriceTable prices = PriceTable::Defaults();
  ThreadSleeper sleeper;
  ProviderResilience fal, kling, gemini, vertex;
  std::unique_ptr<FalWebhookVerifier> fal_verifier;
  // With Vertex configured: the routes behind the Stack's ImageRouter
  // (declared last: destroyed first, after the router).
  std::unique_ptr<gcp::TokenSource> vertex_tokens;
  std::unique_ptr<ImageGenerator> fal_images, vertex_images;
};

// Fills `out` from the environment for the providers chosen; appends an
// issue naming the variable for each half-set or malformed one.
void ReadCloudSettings(const EnvLookup& env, bool fal, bool kling, bool gemini,
                       CloudSettings* out, std::vector<FieldIssue>* issues);

// "webhooks=<url>/api/webhooks/{fal,kling}" or "webhooks=none (MIRI_PUBLIC_URL
// unset: the reconciler polls)"; "" when neither fal nor Kling is chosen.
std::string WebhookNote(const CompositionPlan& plan);

// Builds the configured cloud providers into `stack` (vision, images,
// videos, webhook_receivers); ports left local stay untouched.
Result<void> ComposeCloudProviders(Stack& stack);

}  // namespace miri::app

#endif  // MIRI_APP_CLOUD_PROVIDERS_H_
