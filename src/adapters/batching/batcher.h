// Batcher: turns concurrent calls into batches ("group commit"). Each
// caller submits its item and waits; the first caller that finds no batch
// running becomes the leader and hands every item queued so far to the
// batch function in one go, wakes that batch's callers, and passes the
// lead to the oldest caller still waiting. Every caller returns once its
// own item was run.
//
// Used where one round trip can serve many callers: one SQLite commit
// (one fsync) for many writes, one pipelined write to Redis for many
// PUBLISHes. No library on Debian offers this over a blocking client, and
// it is twenty lines.
// Thread-safe. `run` is called by one thread at a time, never with an
// empty batch, and must give every item its outcome.
#ifndef MIRI_ADAPTERS_BATCHING_BATCHER_H_
#define MIRI_ADAPTERS_BATCHING_BATCHER_H_

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

namespace miri {

template <typename Item>
class Batcher {
 public:
  using RunBatch = std::function<void(const std::vector<Item*>&)>;
  // At most `max_batch` items per call of `run`.
  explicit Batcher(RunBatch run, size_t max_batch = 256)
      : run_(std::move(run)), max_batch_(max_batch) {}

  // Returns once `item` has been through `run`.
  void Submit(Item& item) {
    Entry mine(&item);
    std::unique_lock lock(mu_);
    queue_.push_back(&mine);
    if (leading_) {
      // Each waiter has its own condition: a finished batch wakes only its
      // own callers, and only one waiter is told to lead the next batch.
      mine.cv.wait(lock, [&] { return mine.done || mine.lead; });
      if (mine.done) return;
    }
    leading_ = true;
    while (!mine.done) {
      const size_t n = std::min(queue_.size(), max_batch_);
      std::vector<Entry*> batch(queue_.begin(),
                                queue_.begin() + static_cast<long>(n));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<long>(n));
      lock.unlock();
      std::vector<Item*> items;
      items.reserve(batch.size());
      for (Entry* e : batch) items.push_back(e->item);
      run_(items);
      lock.lock();
      for (Entry* e : batch) {
        e->done = true;
        if (e != &mine) e->cv.notify_one();
      }
    }
    // Hand the lead to the oldest waiter, if any.
    if (queue_.empty()) {
      leading_ = false;
    } else {
      queue_.front()->lead = true;
      queue_.front()->cv.notify_one();
    }
  }

 private:
  struct Entry {
    explicit Entry(Item* i) : item(i) {}
    Item* item;
    bool done = false;
    bool lead = false;
    std::condition_variable cv;
  };
  RunBatch run_;
  const size_t max_batch_;
  std::mutex mu_;
  std::vector<Entry*> queue_;
  bool leading_ = false;
};

}  // namespace miri

#endif  // MIRI_ADAPTERS_BATCHING_BATCHER_H_
