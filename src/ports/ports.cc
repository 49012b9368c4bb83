#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "ports/blob_store.h"
#include "ports/clock.h"
#include "ports/embedder.h"
#include "ports/store.h"

namespace miri {

std::string FormatIsoMs(int64_t epoch_ms) {
  std::time_t secs = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec, static_cast<int>(epoch_ms % 1000));
}

std::string Clock::NowIso() const { return FormatIsoMs(NowMs()); }

int64_t SystemClock::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IsValidBlobKey(std::string_view key) {
  if (key.empty() || key.size() > 512) return false;
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    std::string_view seg = key.substr(start, end - start);
    if (seg.empty() || seg == "." || seg == "..") return false;
    for (char c : seg) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      if (!ok) return false;
    }
    start = end + 1;
  }
  return true;
}

float Cosine(const Embedding& a, const Embedding& b) {
  float dot = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) dot += a[i] * b[i];
  return dot;
}

std::map<std::string, ShotStatus> FoldShotStatuses(
    const std::vector<Event>& events) {
  std::map<std::string, ShotStatus> status;
  for (const Event& e : events) {
    if (e.is_shot_event()) status[e.shot_id] = e.shot_to();
  }
  return status;
}

Error PlanAlreadyCommitted(const Event& stored) {
  return Error{
      ErrorCode::kFailedPrecondition,
      "the project already has a plan: committed at seq " +
          std::to_string(stored.seq) + " (" + stored.at + ")",
      {{"status", "a plan was committed at seq " + std::to_string(stored.seq) +
                      "; a project is planned once"}}};
}

}  // namespace miri
