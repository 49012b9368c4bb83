// Generates N storyboard frames and N clips (start frame i -> end frame
// i+1, camera moves from the prompts) through the local providers' public
// Submit/ResultSink path, and prints wall times.
// Usage: bench_local_providers DIR [N=40] [SECONDS=5] [WORKERS=2]
// [PRESET=ultrafast]
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <string>

#include "adapters/local/local_image_generator.h"
#include "adapters/local/local_video_generator.h"
#include "adapters/localfs/localfs_blob_store.h"

namespace {

using Clock = std::chrono::steady_clock;

class CountingSink final : public miri::ResultSink {
 public:
  void OnResult(miri::ProviderResult r) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (r.status != miri::ProviderResult::Status::kSucceeded) {
      std::fprintf(stderr, "job %s failed: %s\n", r.job_id.c_str(),
                   r.error.c_str());
      ++failed_;
    }
    ++done_;
    cv_.notify_all();
  }
  // Bounded: gives up after `limit`.
  bool WaitFor(int n, std::chrono::seconds limit) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return done_ >= n; });
  }
  int failed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return failed_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int done_ = 0, failed_ = 0;
};

const char* kShots[] = {"Wide shot", "Medium shot", "Close-up",
                        "Extreme close-up"};
const char* kMoods[] = {
    "rain on a lonely street", "bright summer sun", "calm dawn by the sea",
    "night, the moon over the roofs", "a dream of floating clouds"};
const char* kMoves[] = {"slow zoom in", "pan left",      "pull back",
                        "tilt up",      "static camera", ""};

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR [N] [SECONDS] [WORKERS] [PRESET]\n",
                 argv[0]);
    return 2;
  }
  const int n = argc > 2 ? std::atoi(argv[2]) : 40;
  const int seconds = argc > 3 ? std::atoi(argv[3]) : 5;
  const int workers = argc > 4 ? std::atoi(argv[4]) : 2;
  const std::string preset = argc > 5 ? argv[5] : "ultrafast";
  auto blobs = miri::LocalFsBlobStore::Open(argv[1]);
  if (!blobs) {
    std::fprintf(stderr, "%s\n", blobs.error().ToString().c_str());
    return 1;
  }

  CountingSink image_sink;
  auto t0 = Clock::now();
  {
    miri::local::LocalImageGenerator images(blobs->get(), &image_sink,
                                            {.workers = workers});
    for (int i = 0; i <= n; ++i) {  // n + 1 frames: clip i runs frame i -> i+1
      miri::ImageRequest r;
      r.job_id = "frame-" + std::to_string(i);
      r.prompt = "[S" + std::to_string(i) +
                 "]_[V1]_[FLUX2] miriN14 Miri, Child physique, Young girl, "
                 "Loose fit, Heavy fabric, Mid-calf, Mouth CLOSED. " +
                 kShots[i % 4] + ": Miri walks, " + kMoods[i % 5] + ".";
      r.loras = {"miriN14"};
      r.width = 1280;
      r.height = 720;
      r.seed = i;
      r.output_key = "frames/" + std::to_string(i) + ".png";
      if (!images.Submit(r)) return 1;
    }
    if (!image_sink.WaitFor(n + 1, std::chrono::seconds(600))) return 1;
  }
  auto t1 = Clock::now();
  std::printf(
      "frames: %d storyboard frames 1280x720 in %.2f s (%.1f ms/frame, %d "
      "workers)\n",
      n + 1, Seconds(t0, t1), 1000 * Seconds(t0, t1) / (n + 1), workers);

  std::clock_t c2 = std::clock();
  CountingSink video_sink;
  miri::local::LocalVideoOptions vo;
  vo.provider.workers = workers;
  vo.preset = preset;
  vo.encoder_threads =
      workers > 1 ? 1 : 0;  // parallel jobs, or a threaded encoder
  auto t2 = Clock::now();
  {
    miri::local::LocalVideoGenerator video(blobs->get(), &video_sink, vo);
    for (int i = 0; i < n; ++i) {
      miri::VideoRequest r;
      r.job_id = "clip-" + std::to_string(i);
      r.prompt = std::string("Resting state: Miri stands. Action: ") +
                 kMoves[i % 6] + ".";
      r.start_frame_blob = "frames/" + std::to_string(i) + ".png";
      r.end_frame_blob = "frames/" + std::to_string(i + 1) + ".png";
      r.duration_ms = seconds * 1000;
      r.fps = 24;
      r.width = 1280;
      r.height = 720;
      r.output_key = "clips/" + std::to_string(i) + ".mp4";
      if (!video.Submit(r)) return 1;
    }
    if (!video_sink.WaitFor(n, std::chrono::seconds(3600))) return 1;
  }
  auto t3 = Clock::now();
  double cpu_s = static_cast<double>(std::clock() - c2) / CLOCKS_PER_SEC;
  double clip_s = Seconds(t2, t3);
  double video_s = static_cast<double>(n) * seconds;
  double frames = video_s * 24;
  std::printf(
      "clips: %d x %d s 1280x720 24 fps (%s) in %.2f s (%.1f fps, %.2fx real "
      "time)\n",
      n, seconds, preset.c_str(), clip_s, frames / clip_s, video_s / clip_s);
  // The machine may be shared: CPU time over the cores bounds an idle run.
  std::printf(
      "clips: %.2f s CPU (all threads); on an idle 2-core machine about %.1f "
      "s\n",
      cpu_s, cpu_s / 2);
  double song = 180.0;
  double song_clips = clip_s * song / video_s;
  std::printf(
      "3-minute song (180 s of clips): %.1f s estimated, target < 180 s: %s\n",
      song_clips, song_clips < song ? "MET" : "MISSED");
  return image_sink.failed() + video_sink.failed() == 0 ? 0 : 1;
}
