// Active Rulebook retrieval latency with 10,000 rules (issue 9; target: p99
// under 5 ms). Real SQLite store, lexical embedder, hnswlib index on disk.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include <time.h>

#include "adapters/hnsw/hnsw_index.h"
#include "adapters/lexical/lexical_embedder.h"
#include "adapters/sqlite/sqlite_store.h"
#include "services/rulebook/rulebook.h"

using namespace miri;
using Ms = std::chrono::duration<double, std::milli>;

namespace {

const char* kSubjects[] = {"dress",    "raincoat", "hair",   "boots",
                           "umbrella", "guitar",   "window", "street",
                           "sky",      "dog",      "lamp",   "bicycle",
                           "scarf",    "book",     "piano",  "river"};
const char* kAttributes[] = {"yellow",   "dark brown", "muted",  "warm orange",
                             "straight", "wet",        "soft",   "matte",
                             "faded",    "striped",    "wooden", "pale blue",
                             "dusty"};
const char* kVerbs[] = {"stays", "looks", "is painted", "remains", "appears"};
const char* kPlaces[] = {"in the rain",    "at dusk",      "by the window",
                         "on the rooftop", "in the park",  "at night",
                         "in the kitchen", "on the bridge"};

class NoAnalyzer final : public VisionAnalyzer {
 public:
  std::string_view name() const override { return "none"; }
  Result<RuleProposal> RuleFromRejection(const RejectionInput&) override {
    return MakeError(ErrorCode::kUnavailable, "unused");
  }
  Result<std::string> MaskFromInstruction(const MaskInput&) override {
    return MakeError(ErrorCode::kUnavailable, "unused");
  }
};

// CPU time of this thread: what a query costs, whatever else the machine
// is running (wall time also counts waiting for a core).
double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

}  // namespace

int main() {
  constexpr int kRules = 10000;
  constexpr int kQueries = 2000;
  // tmpfs when there is one: setting up 10,000 rules is 10,000 fsyncs.
  const std::filesystem::path base =
      std::filesystem::exists("/dev/shm")
          ? std::filesystem::path("/dev/shm")
          : std::filesystem::temp_directory_path();
  const auto dir = base / "miri-rulebook-bench";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto store = std::move(*SqliteStore::Open((dir / "miri.db").string()));
  ProjectConfig p;
  p.project_id = "123e4567-e89b-12d3-a456-000000000001";
  p.project_name = "bench";
  p.global_settings = {"m", "m", "m", "miriN14", true, 10};
  p.creation_timestamp = "2026-01-01T00:00:00Z";
  if (!store->CreateProject(p)) return 1;

  std::mt19937 rng(42);
  auto pick = [&rng](const auto& arr) {
    return arr[rng() % (sizeof(arr) / sizeof(arr[0]))];
  };
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kRules; ++i) {
    Rule r;
    r.rule_id = "r" + std::to_string(i);
    r.text = std::string("the ") + pick(kSubjects) + " " + pick(kVerbs) + " " +
             pick(kAttributes) + " " + pick(kPlaces);
    int bucket = static_cast<int>(rng() % 1000);
    r.scope = bucket == 0    ? RuleScope::kGlobal
              : bucket < 450 ? RuleScope::kCharacter
                             : RuleScope::kScene;
    if (r.scope == RuleScope::kScene)
      r.scope_id = "sc" + std::to_string(rng() % 20);
    r.kind = bucket % 5 == 0 ? RuleKind::kNegative : RuleKind::kPositive;
    r.created_at = "2026-01-01T00:00:00Z";
    if (!store->AppendRule(p.project_id, r)) return 1;
  }
  double store_ms = Ms(std::chrono::steady_clock::now() - t0).count();

  LexicalEmbedder embedder;
  auto index =
      std::move(*HnswIndex::Open(dir / "rules-index", embedder.dimensions()));
  NoAnalyzer analyzer;
  SystemClock clock;
  Rulebook rulebook(
      *store, embedder, *index, analyzer, nullptr, clock,
      [] { return std::string("unused"); },
      RulebookOptions{.cache_ttl_ms = 60'000});
  t0 = std::chrono::steady_clock::now();
  size_t indexed = *rulebook.Reindex(p.project_id);
  double index_ms = Ms(std::chrono::steady_clock::now() - t0).count();

  Shot shot;
  shot.shot_id = "sh";
  std::vector<double> latencies, cpu;
  size_t matched = 0;
  t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kQueries; ++i) {
    shot.scene_id = "sc" + std::to_string(rng() % 20);
    shot.shows_miri = rng() % 4 != 0;
    shot.description = std::string("Miri with her ") + pick(kSubjects) + " " +
                       pick(kPlaces) + ", " + pick(kAttributes) + " light";
    auto q0 = std::chrono::steady_clock::now();
    double c0 = ThreadCpuMs();
    auto rules = rulebook.RulesFor(p.project_id, shot);
    cpu.push_back(ThreadCpuMs() - c0);
    latencies.push_back(Ms(std::chrono::steady_clock::now() - q0).count());
    if (!rules) return 1;
    matched += rules->size();
  }
  double first = latencies.front();
  latencies.erase(latencies.begin());  // the first query fills the cache
  cpu.erase(cpu.begin());
  std::printf("rules: %d stored in %.0f ms, %zu indexed in %.0f ms\n", kRules,
              store_ms, indexed, index_ms);
  std::printf("RulesFor over %d shots (%zu rules applied, %.1f per shot):\n",
              kQueries, matched, matched / double(kQueries));
  std::printf("  first (cold cache): %.2f ms\n", first);
  std::printf(
      "  wall: p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms  (target p99 "
      "< 5 ms)\n",
      Percentile(latencies, 0.50), Percentile(latencies, 0.90),
      Percentile(latencies, 0.99), Percentile(latencies, 1.0));
  std::printf("  cpu:  p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms\n",
              Percentile(cpu, 0.50), Percentile(cpu, 0.90),
              Percentile(cpu, 0.99), Percentile(cpu, 1.0));
  double load[1] = {0};
  if (getloadavg(load, 1) == 1) {
    std::printf("  (load average %.1f on %u cores while measuring)\n", load[0],
                std::thread::hardware_concurrency());
  }
  std::filesystem::remove_all(dir);
  return 0;
}
