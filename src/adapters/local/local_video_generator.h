// LocalVideoGenerator: the embedded VideoGenerator (design.md section 2).
// Animates the start frame into the end frame (animator.h) with a camera
// move read from the prompt, or moves motion-brush regions along their
// trajectories, and encodes H.264 through the FFmpeg adapter's VideoWriter.
// Any duration and fps; frames = round(duration_ms * fps / 1000).
// Runs on the local job pool and reports through the ResultSink like
// Kling's callback would.
#ifndef MIRI_ADAPTERS_LOCAL_LOCAL_VIDEO_GENERATOR_H_
#define MIRI_ADAPTERS_LOCAL_LOCAL_VIDEO_GENERATOR_H_

#include <filesystem>
#include <string>

#include "adapters/local/job_runner.h"
#include "ports/blob_store.h"
#include "ports/video_generator.h"

namespace miri::local {

struct LocalVideoOptions {
  LocalProviderOptions provider;
  std::string preset = "ultrafast";  // x264 preset; an animatic, not a master
  int crf = 23;
  int encoder_threads = 0;  // 0 = x264 picks (one per core)
  // Where clips are encoded before they go into the BlobStore.
  std::filesystem::path scratch_dir = std::filesystem::temp_directory_path();
};

// Submit's checks: INVALID_ARGUMENT naming each field.
Result<void> ValidateVideoRequest(const VideoRequest& request);

// One job's work, synchronously: writes the MP4, returns its key.
Result<std::string> GenerateClip(BlobStore& blobs, const VideoRequest& request,
                                 const LocalVideoOptions& options);

class LocalVideoGenerator final : public VideoGenerator {
 public:
  // `blobs` and `sink` must outlive the generator.
  LocalVideoGenerator(BlobStore* blobs, ResultSink* sink,
                      LocalVideoOptions options = {});

  std::string_view name() const override { return "local-video"; }
  Result<Dispatch> Submit(const VideoRequest& request) override;
  Result<std::optional<ProviderResult>> Poll(std::string_view job_id) override;
  int64_t EstimateCostMicros(const VideoRequest&) const override { return 0; }

  JobRunner& runner() { return runner_; }

 private:
  BlobStore* const blobs_;
  const LocalVideoOptions options_;
  JobRunner runner_;  // last: its workers stop before the rest goes
};

}  // namespace miri::local

#endif  // MIRI_ADAPTERS_LOCAL_LOCAL_VIDEO_GENERATOR_H_
