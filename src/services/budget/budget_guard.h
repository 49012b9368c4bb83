// BudgetGuard: a project never spends past its cap (design.md section 8,
// reliability.md section 2). Like a card authorization hold: the estimated
// cost is reserved in the ledger before dispatch, in one atomic step of the
// Store (Store::ReserveBudget checks settled + reserved + amount <= cap),
// then settled with the actual cost when the result arrives or released if
// the dispatch or the job fails.
//
// Ledger entry ids derive from the job id ("rsv-", "stl-", "rel-" + job),
// so a retried reserve, a duplicated webhook or a second close of the same
// job is a no-op, never a second charge.
// Thread-safety: all methods may be called from any thread (the Store
// provides the atomicity, also across processes).
#ifndef MIRI_SERVICES_BUDGET_BUDGET_GUARD_H_
#define MIRI_SERVICES_BUDGET_BUDGET_GUARD_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "domain/result.h"
#include "ports/clock.h"
#include "ports/provider_result.h"
#include "ports/store.h"

namespace miri {

struct ReserveRequest {
  std::string project_id;
  std::string job_id;    // idempotency key of the provider call
  std::string provider;  // "fal", "kling", "gemini", ...
  int64_t estimate_micros = 0;
  std::optional<std::string> shot_id;
  std::optional<std::string> version_id;
};

struct Reservation {
  std::string project_id;
  std::string job_id;
  std::string reservation_id;
  std::string provider;
  int64_t amount_micros = 0;
  std::optional<std::string> shot_id;
  std::optional<std::string> version_id;
};

struct BudgetView {
  int64_t cap_micros = 0;
  int64_t settled_micros = 0;
  int64_t reserved_micros = 0;
  int64_t remaining_micros() const {
    return cap_micros - settled_micros - reserved_micros;
  }
};

// A ledger entry id (<= 64 chars of [A-Za-z0-9_-]) for a job id.
std::string LedgerIdFor(std::string_view prefix, std::string_view job_id);
int64_t UsdToMicros(double usd);

class BudgetGuard {
 public:
  BudgetGuard(Store& store, const Clock& clock);

  // Holds `estimate_micros` against the project's cap
  // (globalSettings.budgetCapUsd). RESOURCE_EXHAUSTED ("budget cap") and
  // nothing written when it does not fit. Reserving a job id again returns
  // the existing hold.
  Result<Reservation> Reserve(const ReserveRequest& request);
  // Closes the hold with what the call actually cost.
  Result<void> Settle(const Reservation& r, int64_t actual_micros);
  // Frees the hold (nothing was spent).
  Result<void> Release(const Reservation& r);
  // Settles a result that cost something, releases one that did not.
  Result<void> Close(const Reservation& r, const ProviderResult& result);

  // Reserve, then dispatch; a failed dispatch releases the hold. A refused
  // reservation never calls `dispatch`.
  Result<std::pair<Reservation, Dispatch>> Guard(
      const ReserveRequest& request,
      const std::function<Result<Dispatch>()>& dispatch);

  Result<BudgetView> View(std::string_view project_id);

 private:
  Result<void> CloseWith(const Reservation& r, LedgerKind kind, int64_t amount);

  Store& store_;
  const Clock& clock_;
};

}  // namespace miri

#endif  // MIRI_SERVICES_BUDGET_BUDGET_GUARD_H_
