// Clock: the time source, injected so tests control it.
// Thread-safety: implementations must be safe to call from any thread.
#ifndef MIRI_PORTS_CLOCK_H_
#define MIRI_PORTS_CLOCK_H_

#include <cstdint>
#include <string>

namespace miri {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual int64_t NowMs() const = 0;
  // ISO-8601 UTC with milliseconds, e.g. 2026-03-02T10:15:04.120Z.
  std::string NowIso() const;
};

// Formats epoch milliseconds as Clock::NowIso does.
std::string FormatIsoMs(int64_t epoch_ms);

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override;
};

}  // namespace miri

#endif  // MIRI_PORTS_CLOCK_H_
