#include "adapters/inproc_bus/inproc_bus.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "adapters/inproc_bus/subscriptions.h"

namespace miri {

struct InProcessBus::Impl {
  Subscriptions subs;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<BusMessage> queue;
  bool stop = false;
  std::thread thread;

  void Run() {
    std::unique_lock lock(mu);
    while (true) {
      cv.wait(lock, [&] { return stop || !queue.empty(); });
      if (stop) return;
      BusMessage m = std::move(queue.front());
      queue.pop_front();
      lock.unlock();
      subs.Deliver(m);
      lock.lock();
    }
  }
};

InProcessBus::InProcessBus() : impl_(std::make_unique<Impl>()) {
  impl_->thread = std::thread([this] { impl_->Run(); });
}

InProcessBus::~InProcessBus() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stop = true;
  }
  impl_->cv.notify_all();
  impl_->thread.join();
}

Result<void> InProcessBus::Publish(const BusMessage& message) {
  {
    std::lock_guard lock(impl_->mu);
    impl_->queue.push_back(message);
  }
  impl_->cv.notify_one();
  return {};
}

EventBus::SubscriptionId InProcessBus::Subscribe(std::string_view project_id,
                                                 Handler handler) {
  return impl_->subs.Add(project_id, std::move(handler));
}

void InProcessBus::Unsubscribe(SubscriptionId id) { impl_->subs.Remove(id); }

EventBus::SubscriptionId InProcessBus::OnReconnect(
    std::function<void()> handler) {
  return impl_->subs.AddReconnect(std::move(handler));
}

}  // namespace miri
