// NsfwjsImageAuditor: the embedded ImageAuditor (design.md section 2). A
// real local classifier: nsfwjs's MobileNetV2, whose weights ship inside the
// npm package, run by tools/image-check/server.mjs on TensorFlow.js's wasm
// backend; nothing is downloaded at run time. One long-lived Node process,
// started on the first Check (or Start), loads the model once and answers
// JSON lines: the image (base64) in, five class probabilities out.
//
// - The verdict fails on explicit content: Porn, Hentai or Sexy at or over
//   its threshold, or the three together over theirs (findings
//   "vision.nsfw.<class>", "vision.nsfw.explicit"). The thresholds are
//   strict: the images show a child.
// - A classifier cannot see Miri's constraints (mouth, fabric, physique,
//   other people), prompt adherence or continuity: each constraint is
//   NOT_CHECKED (verdict.complete() is false), the scores nullopt. A person
//   or the cloud auditor must judge those.
// - A checker that died is restarted (once per Check; restarts()). One that
//   cannot start, does not answer within check_timeout (it is killed), or
//   was Stop()ped gives UNAVAILABLE: callers hold the image (fail closed).
// - The destructor stops the process (stdin closed, then SIGKILL after a
//   grace period) and reaps it.
// Thread-safety: Check may be called from any thread; calls are served one
// at a time (the model runs on one core).
#ifndef MIRI_ADAPTERS_NSFWJS_NSFWJS_IMAGE_AUDITOR_H_
#define MIRI_ADAPTERS_NSFWJS_NSFWJS_IMAGE_AUDITOR_H_

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "adapters/nsfwjs/json_lines_process.h"
#include "ports/image_auditor.h"

namespace miri {

// Probabilities (0..1) at or over which a class fails an image.
struct NsfwThresholds {
  double porn = 0.15;
  double hentai = 0.15;
  double sexy = 0.15;
  double explicit_total = 0.25;  // Porn + Hentai + Sexy
};

struct NsfwjsOptions {
  std::string node = "node";  // looked up on PATH
  // The checker script; relative paths resolve against the working
  // directory (the repository root), so the composition root should pass
  // an absolute path. Its node_modules are found from the script's folder.
  std::string script = "tools/image-check/server.mjs";
  std::string backend = "wasm";                    // or "cpu" (pure JS, slower)
  std::chrono::milliseconds start_timeout{60000};  // model load included
  std::chrono::milliseconds check_timeout{30000};
  NsfwThresholds thresholds;
};

// The verdict for nsfwjs class probabilities (pure; the adapter's
// mapping). UNAVAILABLE when a class is missing or not a probability.
Result<ImageVerdict> NsfwVerdict(const std::map<std::string, double>& classes,
                                 const NsfwThresholds& thresholds,
                                 const ImageCheckRequest& request,
                                 const std::string& checker);

class NsfwjsImageAuditor final : public ImageAuditor {
 public:
  explicit NsfwjsImageAuditor(NsfwjsOptions options);
  ~NsfwjsImageAuditor() override;

  std::string_view name() const override { return "nsfwjs"; }
  Result<ImageVerdict> Check(const ImageCheckRequest& request) override;

  // Starts the checker now instead of on the first Check (a warm start at
  // boot); UNAVAILABLE when it cannot. A no-op when it runs.
  Result<void> Start();
  // Stops the checker for good: every later Check is UNAVAILABLE.
  void Stop();

  pid_t pid() const;     // the checker's pid, -1 when not running (tests)
  int restarts() const;  // starts after the first one

 private:
  Result<void> StartLocked();
  // Sends `line` (the request with `id`) and maps the reply with that id.
  // On a transport failure the process is killed; *died tells whether it
  // had exited by itself (worth a restart) rather than hung.
  Result<ImageVerdict> AskLocked(const ImageCheckRequest& request,
                                 const std::string& id, const std::string& line,
                                 bool* died);

  const NsfwjsOptions options_;
  mutable std::mutex mu_;
  std::unique_ptr<JsonLinesProcess> process_;
  std::string checker_ = "nsfwjs/MobileNetV2";  // from the ready line
  bool stopped_ = false;
  int starts_ = 0;
  int64_t next_id_ = 1;
};

}  // namespace miri

#endif  // MIRI_ADAPTERS_NSFWJS_NSFWJS_IMAGE_AUDITOR_H_
