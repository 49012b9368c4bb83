#include "services/budget/budget_guard.h"

#include <cmath>

#include <fmt/format.h>

namespace miri {

std::string LedgerIdFor(std::string_view prefix, std::string_view job_id) {
  std::string clean;
  for (char c : job_id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_';
    clean += ok ? c : '_';
  }
  std::string id = std::string(prefix) + "-" + clean;
  if (id.size() <= 64 && clean == job_id) return id;
  // Lossy or long: add a hash of the original so distinct jobs stay distinct.
  uint64_t h = 1469598103934665603ull;
  for (char c : job_id)
    h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  std::string tail = fmt::format("-{:016x}", h);
  std::string head = std::string(prefix) + "-" + clean;
  if (head.size() > 64 - tail.size()) head.resize(64 - tail.size());
  return head + tail;
}

int64_t UsdToMicros(double usd) {
  return static_cast<int64_t>(std::llround(usd * 1e6));
}

BudgetGuard::BudgetGuard(Store& store, const Clock& clock)
    : store_(store), clock_(clock) {}

Result<Reservation> BudgetGuard::Reserve(const ReserveRequest& request) {
  if (request.estimate_micros < 0) {
    return MakeError(ErrorCode::kInvalidArgument, "negative estimate");
  }
  ASSIGN_OR_RETURN(ProjectConfig project, store_.GetProject(request.project_id),
                   "budget");
  int64_t cap = UsdToMicros(project.global_settings.budget_cap_usd);
  Reservation r{request.project_id,
                request.job_id,
                LedgerIdFor("rsv", request.job_id),
                request.provider,
                request.estimate_micros,
                request.shot_id,
                request.version_id};
  LedgerEntry entry;
  entry.entry_id = r.reservation_id;
  entry.kind = LedgerKind::kReserve;
  entry.provider = request.provider;
  entry.amount_micros = request.estimate_micros;
  entry.shot_id = request.shot_id;
  entry.version_id = request.version_id;
  entry.at = clock_.NowIso();
  auto reserved = store_.ReserveBudget(request.project_id, entry, cap);
  if (reserved) return r;
  // The same job reserved before (a retry): return that hold. The store may
  // report it as ALREADY_EXISTS or, when near the cap, RESOURCE_EXHAUSTED.
  if (reserved.error().code == ErrorCode::kAlreadyExists ||
      reserved.error().code == ErrorCode::kResourceExhausted) {
    ASSIGN_OR_RETURN(auto ledger, store_.ListLedger(request.project_id),
                     "budget");
    for (const LedgerEntry& e : ledger) {
      if (e.entry_id == r.reservation_id) {
        r.amount_micros = e.amount_micros;
        return r;
      }
    }
  }
  if (reserved.error().code == ErrorCode::kResourceExhausted) {
    return MakeError(
        ErrorCode::kResourceExhausted,
        fmt::format("budget cap of project {} reached: {} micro-USD would "
                    "exceed the cap of {}",
                    request.project_id, request.estimate_micros, cap));
  }
  return tl::unexpected<Error>(WithContext(reserved.error(), "budget reserve"));
}

Result<void> BudgetGuard::CloseWith(const Reservation& r, LedgerKind kind,
                                    int64_t amount) {
  LedgerEntry entry;
  entry.entry_id =
      LedgerIdFor(kind == LedgerKind::kSettle ? "stl" : "rel", r.job_id);
  entry.kind = kind;
  entry.provider = r.provider;
  entry.amount_micros = amount;
  entry.reservation_id = r.reservation_id;
  entry.shot_id = r.shot_id;
  entry.version_id = r.version_id;
  entry.at = clock_.NowIso();
  auto appended = store_.AppendLedgerEntry(r.project_id, entry);
  if (appended) return {};
  // Already closed (a duplicate result): once is enough.
  if (appended.error().code == ErrorCode::kAlreadyExists ||
      appended.error().code == ErrorCode::kFailedPrecondition) {
    return {};
  }
  return tl::unexpected<Error>(WithContext(appended.error(), "budget close"));
}

Result<void> BudgetGuard::Settle(const Reservation& r, int64_t actual_micros) {
  return CloseWith(r, LedgerKind::kSettle,
                   actual_micros < 0 ? 0 : actual_micros);
}

Result<void> BudgetGuard::Release(const Reservation& r) {
  return CloseWith(r, LedgerKind::kRelease, 0);
}

Result<void> BudgetGuard::Close(const Reservation& r,
                                const ProviderResult& result) {
  if (result.status == ProviderResult::Status::kSucceeded ||
      result.cost_micros > 0) {
    return Settle(r, result.cost_micros);
  }
  return Release(r);
}

Result<std::pair<Reservation, Dispatch>> BudgetGuard::Guard(
    const ReserveRequest& request,
    const std::function<Result<Dispatch>()>& dispatch) {
  ASSIGN_OR_RETURN(Reservation r, Reserve(request), "budget guard");
  Result<Dispatch> d = dispatch();
  if (!d) {
    auto released = Release(r);
    (void)released;  // the dispatch error is the one that matters
    return tl::unexpected<Error>(d.error());
  }
  return std::make_pair(std::move(r), std::move(*d));
}

Result<BudgetView> BudgetGuard::View(std::string_view project_id) {
  ASSIGN_OR_RETURN(ProjectConfig project, store_.GetProject(project_id),
                   "budget");
  ASSIGN_OR_RETURN(BudgetState state, store_.GetBudget(project_id), "budget");
  return BudgetView{UsdToMicros(project.global_settings.budget_cap_usd),
                    state.settled_micros, state.reserved_micros};
}

}  // namespace miri
