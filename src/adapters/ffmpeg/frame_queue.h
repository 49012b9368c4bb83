// FrameQueue: a bounded single-producer single-consumer queue of frames
// between the decoding thread and the encoding thread of a render.
// Adapter-internal.
#ifndef MIRI_ADAPTERS_FFMPEG_FRAME_QUEUE_H_
#define MIRI_ADAPTERS_FFMPEG_FRAME_QUEUE_H_

#include <condition_variable>
#include <deque>
#include <mutex>

#include "adapters/ffmpeg/libav_util.h"

namespace miri::ffmpeg {

class FrameQueue {
 public:
  explicit FrameQueue(size_t capacity) : capacity_(capacity) {}

  // Blocks while full. False when the consumer has aborted.
  bool Push(FramePtr frame) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock,
                   [&] { return frames_.size() < capacity_ || aborted_; });
    if (aborted_) return false;
    frames_.push_back(std::move(frame));
    not_empty_.notify_one();
    return true;
  }

  // Blocks while empty; nullptr once the producer closed and all is taken.
  FramePtr Pop() {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return !frames_.empty() || closed_; });
    if (frames_.empty()) return nullptr;
    FramePtr f = std::move(frames_.front());
    frames_.pop_front();
    not_full_.notify_one();
    return f;
  }

  // Producer: no more frames.
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
  }

  // Consumer: stop the producer (its next Push returns false).
  void Abort() {
    std::lock_guard lock(mu_);
    aborted_ = true;
    frames_.clear();
    not_full_.notify_all();
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<FramePtr> frames_;
  bool closed_ = false;
  bool aborted_ = false;
};

}  // namespace miri::ffmpeg

#endif  // MIRI_ADAPTERS_FFMPEG_FRAME_QUEUE_H_
