#include "adapters/local/job_runner.h"

#include <pthread.h>

#include <fmt/format.h>

namespace miri::local {

JobRunner::JobRunner(std::string provider, ResultSink* sink,
                     LocalProviderOptions options)
    : provider_(std::move(provider)),
      sink_(sink),
      options_(options),
      paused_(options.start_paused),
      rng_(options.failure_seed) {
  int n = options_.workers < 1 ? 1 : options_.workers;
  for (int i = 0; i < n; ++i) {
    workers_.emplace_back([this] {
      // Named for `top -H` and per-thread CPU accounting (bench/api).
      pthread_setname_np(pthread_self(), "miri-local-job");
      WorkerLoop();
    });
  }
}

JobRunner::~JobRunner() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : workers_) t.join();
}

Dispatch JobRunner::Submit(const std::string& job_id, int64_t cost_micros,
                           Work work) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = jobs_.find(job_id); it != jobs_.end()) {
    return it->second.dispatch;
  }
  ++submitted_;
  Job job;
  job.job_id = job_id;
  job.dispatch.provider_request_id =
      fmt::format("{}-{:06}", provider_, submitted_);
  job.dispatch.estimated_cost_micros = cost_micros;
  job.work = std::move(work);
  if (submitted_ <= options_.fail_first_n) {
    job.inject_failure = true;
  } else if (options_.failure_rate > 0.0) {
    std::uniform_real_distribution<double> coin(0.0, 1.0);
    job.inject_failure = coin(rng_) < options_.failure_rate;
  }
  Dispatch dispatch = job.dispatch;
  jobs_.emplace(job_id, std::move(job));
  queue_.push_back(job_id);
  cv_.notify_one();
  return dispatch;
}

Result<std::optional<ProviderResult>> JobRunner::Poll(
    std::string_view job_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("{}: no job {}", provider_, job_id));
  }
  return it->second.result;
}

void JobRunner::Pause() {
  std::lock_guard<std::mutex> lock(mu_);
  paused_ = true;
  idle_cv_.notify_all();
}

void JobRunner::Resume() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    paused_ = false;
  }
  cv_.notify_all();
}

int JobRunner::jobs_started() const {
  std::lock_guard<std::mutex> lock(mu_);
  return started_;
}

bool JobRunner::WaitIdle(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return idle_cv_.wait_for(lock, timeout, [&] {
    return finished_ == submitted_ || (paused_ && !queue_.empty());
  });
}

void JobRunner::WorkerLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stopping_ || (!paused_ && !queue_.empty()); });
    if (stopping_) return;
    std::string job_id = std::move(queue_.front());
    queue_.pop_front();
    Job& job = jobs_.at(job_id);  // map nodes are stable; never erased
    ++started_;
    if (options_.latency.count() > 0) {
      // Interruptible by shutdown; a slow provider, not a sleep in tests.
      cv_.wait_for(lock, options_.latency, [&] { return stopping_; });
      if (stopping_) return;
    }
    Work work = std::move(job.work);
    bool inject = job.inject_failure;
    Dispatch dispatch = job.dispatch;
    lock.unlock();

    ProviderResult result;
    result.provider = provider_;
    result.job_id = job_id;
    result.provider_request_id = dispatch.provider_request_id;
    if (inject) {
      result.status = ProviderResult::Status::kFailed;
      result.error = "injected failure (local provider fault injection)";
      result.retryable = options_.failures_retryable;
    } else {
      JobOutcome outcome = work();
      if (outcome.error) {
        result.status = ProviderResult::Status::kFailed;
        result.error = outcome.error->ToString();
        result.retryable = outcome.error->code == ErrorCode::kUnavailable ||
                           outcome.error->code == ErrorCode::kInternal;
      } else {
        result.output_blobs = std::move(outcome.output_blobs);
        result.cost_micros = dispatch.estimated_cost_micros;
      }
    }

    lock.lock();
    job.result = result;
    ++finished_;
    idle_cv_.notify_all();
    lock.unlock();
    if (options_.deliver_results && sink_ != nullptr) sink_->OnResult(result);
    lock.lock();
  }
}

}  // namespace miri::local
