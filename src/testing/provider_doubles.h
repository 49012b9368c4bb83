// Small wrappers tests put around real providers: a result sink attached
// after the providers that report to it, and a paid image route.
#ifndef MIRI_TESTING_PROVIDER_DOUBLES_H_
#define MIRI_TESTING_PROVIDER_DOUBLES_H_

#include <atomic>
#include <cstdint>
#include <optional>
#include <string_view>

#include "ports/image_generator.h"
#include "ports/provider_result.h"

namespace miri::testing {

// Results go to whatever is attached (the orchestrator is built after the
// providers that report to it).
class LateSink final : public ResultSink {
 public:
  void OnResult(ProviderResult r) override {
    ResultSink* t = target.load();
    if (t != nullptr) t->OnResult(std::move(r));
  }
  std::atomic<ResultSink*> target{nullptr};
};

// A paid image route: the wrapped generator at a fixed price per image.
class PricedImages final : public ImageGenerator {
 public:
  PricedImages(ImageGenerator& inner, int64_t price)
      : inner_(inner), price_(price) {}
  std::string_view name() const override { return "priced-image"; }
  Result<Dispatch> Submit(const ImageRequest& r) override {
    return inner_.Submit(r);
  }
  Result<std::optional<ProviderResult>> Poll(std::string_view id) override {
    return inner_.Poll(id);
  }
  int64_t EstimateCostMicros(const ImageRequest&) const override {
    return price_;
  }

 private:
  ImageGenerator& inner_;
  int64_t price_;
};

}  // namespace miri::testing

#endif  // MIRI_TESTING_PROVIDER_DOUBLES_H_
