// Checks N storyboard frames (1344x768 PNG) with the embedded ImageAuditor
// and prints the checker's start-up time and the wall time per image
// (base64, the pipe, PNG decode and the model), against the target. A
// second pass adds grain to the same frames so each PNG weighs what a
// generated photo-like image does (~2 MB instead of ~30 KB).
// Usage: bench_image_check SCRIPT [N=40] [BACKEND=wasm]
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "adapters/local/storyboard.h"
#include "adapters/nsfwjs/nsfwjs_image_auditor.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace local = miri::local;

constexpr double kTargetMedianMs = 250;  // per 1344x768 image

const char* kShots[] = {"Wide shot", "Medium shot", "Close-up"};
const char* kMoods[] = {
    "rain on a lonely street", "bright summer sun", "calm dawn by the sea",
    "night, the moon over the roofs", "a dream of floating clouds"};

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

std::string Frame(int i, bool grain) {
  miri::ImageRequest r;
  bool miri = i % 4 != 3;
  r.prompt = "[S" + std::to_string(i) + "]_[V01]_[FLUX2] " +
             (miri ? "miriN14 Miri, Child physique, Young girl, Loose fit, "
                     "Heavy fabric, Mid-calf, Mouth CLOSED. "
                   : "") +
             kShots[i % 3] + ": " + kMoods[i % 5] + ".";
  if (miri) r.loras = {"miriN14"};
  r.seed = i;
  auto frame = local::RenderFrame(local::ParseFrameSpec(r), r.width, r.height);
  uint32_t state = static_cast<uint32_t>(i) * 2654435761u + 1;
  for (local::Pixel& p : frame.image.px) {
    if (!grain) break;
    state = state * 1664525u + 1013904223u;
    int d = static_cast<int>(state >> 27) - 16;  // -16..15
    auto c = [d](int v) { return std::clamp(v + d, 0, 255); };
    p = local::MakePixel(c(local::Red(p)), c(local::Green(p)),
                         c(local::Blue(p)));
  }
  return local::EncodePng(frame.image).value();
}

// One pass over n frames; prints its figures and returns the median ms.
std::optional<double> Pass(miri::NsfwjsImageAuditor& auditor, int n,
                           bool grain) {
  std::vector<std::string> frames;
  size_t bytes = 0;
  for (int i = 0; i < n; ++i) {
    frames.push_back(Frame(i, grain));
    bytes += frames.back().size();
  }
  std::vector<double> ms;
  int flagged = 0;
  for (const std::string& png : frames) {
    miri::ImageCheckRequest r;
    r.image = png;
    auto t = Clock::now();
    auto v = auditor.Check(r);
    ms.push_back(Ms(t, Clock::now()));
    if (!v) {
      std::fprintf(stderr, "check failed: %s\n", v.error().ToString().c_str());
      return std::nullopt;
    }
    if (!v->passed) {
      ++flagged;
      std::fprintf(stderr, "frame flagged: %s\n", v->reason.c_str());
    }
  }
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  double median = sorted[sorted.size() / 2];
  double p95 = sorted[std::min(sorted.size() - 1, sorted.size() * 95 / 100)];
  double total = 0;
  for (double m : ms) total += m;
  std::printf(
      "%-18s %d x 1344x768 PNG, avg %4zu KB: median %.0f ms, p95 %.0f ms, "
      "max %.0f ms, mean %.0f ms per image; %d flagged\n",
      grain ? "grain (photo-like)" : "storyboard frames", n,
      bytes / static_cast<size_t>(n) / 1024, median, p95, sorted.back(),
      total / n, flagged);
  return median;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s SCRIPT [N] [BACKEND]\n", argv[0]);
    return 2;
  }
  int n = std::max(1, argc > 2 ? std::atoi(argv[2]) : 40);
  miri::NsfwjsOptions options;
  options.script = argv[1];
  options.backend = argc > 3 ? argv[3] : "wasm";
  options.start_timeout = std::chrono::minutes(3);

  miri::NsfwjsImageAuditor auditor(options);
  auto t0 = Clock::now();
  if (auto started = auditor.Start(); !started) {
    std::fprintf(stderr, "checker did not start: %s\n",
                 started.error().ToString().c_str());
    return 1;
  }
  std::printf(
      "checker nsfwjs/MobileNetV2, backend %s, start-up (node + "
      "tfjs + model load + warm-up) %.0f ms\n",
      options.backend.c_str(), Ms(t0, Clock::now()));
  auto storyboard = Pass(auditor, n, false);
  auto grain = Pass(auditor, n, true);
  if (!storyboard || !grain) return 1;
  double worst = std::max(*storyboard, *grain);
  std::printf("target: median <= %.0f ms per image (both passes): %s\n",
              kTargetMedianMs, worst <= kTargetMedianMs ? "PASS" : "FAIL");
  return 0;
}
