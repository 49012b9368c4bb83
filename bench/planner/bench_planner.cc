// Times the local Director on one song: decode + aubio analysis, then the
// planner alone, then the whole MakePlan. Prints figures, one per line.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

#include <fmt/format.h>

#include "adapters/aubio/analyze.h"
#include "services/planning/local_director.h"
#include "services/planning/planner.h"
#include "services/planning/repair.h"

namespace {

double Ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - since)
      .count();
}

double CpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: bench_planner SONG LYRICS [runs]\n";
    return 2;
  }
  int runs = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;
  std::ifstream in(argv[2], std::ios::binary);
  std::string lyrics(std::istreambuf_iterator<char>(in), {});
  miri::AubioSongAnalyzer analyzer;
  std::vector<double> analyse, plan, total, cpu;
  size_t shots = 0;
  int64_t duration = 0;
  for (int r = 0; r < runs; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    auto a = analyzer.Analyze(argv[1]);
    if (!a) {
      std::cerr << a.error().ToString() << "\n";
      return 1;
    }
    analyse.push_back(Ms(t0));
    auto t1 = std::chrono::steady_clock::now();
    auto p = miri::PlanFromAnalysis(*a, lyrics, "", {});
    if (!p) {
      std::cerr << p.error().ToString() << "\n";
      return 1;
    }
    plan.push_back(Ms(t1));
    auto t2 = std::chrono::steady_clock::now();
    double c2 = CpuMs();
    miri::LocalDirector local(analyzer);
    miri::CheckedDirector director(local);
    miri::PlanRequest req;
    req.audio_path = argv[1];
    req.lyrics_text = lyrics;
    auto whole = director.MakePlan(req);
    total.push_back(Ms(t2));
    cpu.push_back(CpuMs() - c2);
    if (!whole) return 1;
    shots = whole->shots.size();
    duration = whole->duration_ms;
  }
  std::cout << fmt::format("song: {:.1f} s, {} shots\n", duration / 1000.0,
                           shots)
            << fmt::format("decode + analysis: {:.0f} ms (median of {})\n",
                           Median(analyse), runs)
            << fmt::format("planning only:     {:.1f} ms\n", Median(plan))
            << fmt::format("plan a song (wall): {:.0f} ms  target < 2000 ms\n",
                           Median(total))
            << fmt::format(
                   "plan a song (CPU):  {:.0f} ms  (wall exceeds it when "
                   "other jobs share the cores)\n",
                   Median(cpu));
  return Median(total) < 2000 ? 0 : 1;
}
