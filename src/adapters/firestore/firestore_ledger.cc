// FirestoreStore: the cost ledger and the budget.
//
// Every ledger write also creates the next snapshot of the budget,
// budget/{rev+1}, with exists=false. The snapshot read (rev), the checks
// (cap, open reservation, unused id) and the create are therefore one
// optimistic step: whoever changes the ledger in between takes rev+1 first
// and our commit fails, re-reads and retries.
#include <map>

#include "adapters/firestore/firestore_store.h"
#include "adapters/firestore/store_util.h"

namespace miri {

using firestore::CreateWrite;
using firestore::ParseStored;
using firestore::Validate;
namespace v1 = firestore::v1;

namespace {

int64_t IntField(const v1::Document& doc, const std::string& field) {
  auto it = doc.fields().find(field);
  return it == doc.fields().end() ? 0 : it->second.integer_value();
}

}  // namespace

Result<FirestoreStore::BudgetHead> FirestoreStore::ReadBudgetHead(
    std::string_view project_id) {
  v1::StructuredQuery q = firestore::CollectionQuery("budget");
  auto* order = q.add_order_by();
  order->mutable_field()->set_field_path("rev");
  order->set_direction(v1::StructuredQuery::DESCENDING);
  q.mutable_limit()->set_value(1);
  ASSIGN_OR_RETURN(std::vector<v1::Document> docs, Query(project_id, q),
                   "budget");
  BudgetHead head;
  if (docs.empty()) return head;
  head.rev = IntField(docs[0], "rev");
  head.state.settled_micros = IntField(docs[0], "settledMicros");
  head.state.reserved_micros = IntField(docs[0], "reservedMicros");
  return head;
}

Result<FirestoreStore::LedgerWrite> FirestoreStore::PlanLedgerWrite(
    std::string_view project_id, const LedgerEntry& entry,
    std::optional<int64_t> cap_micros) {
  ASSIGN_OR_RETURN(BudgetHead head, ReadBudgetHead(project_id), "ledger");
  const std::string name = Doc(project_id, "ledger", entry.entry_id);
  ASSIGN_OR_RETURN(std::optional<v1::Document> taken, client_->Get(name),
                   "ledger");
  if (taken) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "ledger entry " + entry.entry_id + " already exists");
  }
  BudgetState next = head.state;
  if (entry.kind == LedgerKind::kReserve) {
    if (head.state.committed_micros() + entry.amount_micros > *cap_micros) {
      return MakeError(ErrorCode::kResourceExhausted,
                       "budget cap reached: " +
                           std::to_string(head.state.committed_micros()) +
                           " of " + std::to_string(*cap_micros) +
                           " micro-USD committed, this call needs " +
                           std::to_string(entry.amount_micros));
    }
    next.reserved_micros += entry.amount_micros;
  } else {
    const std::string& rid = *entry.reservation_id;
    ASSIGN_OR_RETURN(std::optional<v1::Document> reserve_doc,
                     client_->Get(Doc(project_id, "ledger", rid)), "ledger");
    std::optional<LedgerEntry> reserve;
    if (reserve_doc) {
      ASSIGN_OR_RETURN(reserve, ParseStored<LedgerEntry>(*reserve_doc),
                       "ledger");
    }
    if (!reserve || reserve->kind != LedgerKind::kReserve) {
      return MakeError(ErrorCode::kFailedPrecondition, "no reservation " + rid,
                       {{"reservationId", "names no RESERVE entry"}});
    }
    v1::StructuredQuery q = firestore::CollectionQuery("ledger");
    *q.mutable_where()->mutable_field_filter() =
        firestore::FieldEquals("reservationId", rid);
    q.mutable_limit()->set_value(1);
    ASSIGN_OR_RETURN(std::vector<v1::Document> closing, Query(project_id, q),
                     "ledger");
    if (!closing.empty()) {
      return MakeError(
          ErrorCode::kFailedPrecondition,
          "reservation " + rid + " is already settled or released");
    }
    next.reserved_micros -= reserve->amount_micros;
    if (entry.kind == LedgerKind::kSettle) {
      next.settled_micros += entry.amount_micros;
    }
  }
  // The snapshot create is the contended write and goes first.
  return LedgerWrite{
      next,
      {CreateWrite(Doc(project_id, "budget", SeqId(head.rev + 1)),
                   {{"rev", head.rev + 1},
                    {"settledMicros", next.settled_micros},
                    {"reservedMicros", next.reserved_micros},
                    {"entryId", entry.entry_id}}),
       CreateWrite(name, entry.ToJson())}};
}

Result<std::optional<BudgetState>> FirestoreStore::TryLedgerWrite(
    std::string_view project_id, const LedgerEntry& entry,
    std::optional<int64_t> cap_micros) {
  ASSIGN_OR_RETURN(LedgerWrite planned,
                   PlanLedgerWrite(project_id, entry, cap_micros), "");
  Result<v1::CommitResponse> r = client_->Commit(planned.writes);
  if (!r && (r.error().code == ErrorCode::kAlreadyExists ||
             firestore::IsAborted(r.error()))) {
    return std::optional<BudgetState>();  // lost the race: retry
  }
  if (!r) return tl::unexpected(WithContext(r.error(), "ledger"));
  return std::optional<BudgetState>(planned.next);
}

Result<void> FirestoreStore::AppendLedgerEntry(std::string_view project_id,
                                               const LedgerEntry& entry) {
  RETURN_IF_ERROR(Validate(entry), "appending ledger entry");
  if (entry.kind == LedgerKind::kReserve) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a RESERVE goes through ReserveBudget",
                     {{"kind", "RESERVE needs a budget check"}});
  }
  RETURN_IF_ERROR(RequireProject(project_id), "appending ledger entry");
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    ASSIGN_OR_RETURN(std::optional<BudgetState> r,
                     TryLedgerWrite(project_id, entry, std::nullopt),
                     "appending ledger entry");
    if (r) return {};
    Backoff(attempt);
  }
  return MakeError(ErrorCode::kUnavailable,
                   "appending ledger entry: gave up after " +
                       std::to_string(options_.max_attempts) + " attempts");
}

Result<BudgetState> FirestoreStore::ReserveBudget(std::string_view project_id,
                                                  const LedgerEntry& reserve,
                                                  int64_t cap_micros) {
  RETURN_IF_ERROR(Validate(reserve), "reserving budget");
  if (reserve.kind != LedgerKind::kReserve) {
    return MakeError(ErrorCode::kInvalidArgument, "not a reservation",
                     {{"kind", "expected RESERVE"}});
  }
  RETURN_IF_ERROR(RequireProject(project_id), "reserving budget");
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    ASSIGN_OR_RETURN(std::optional<BudgetState> r,
                     TryLedgerWrite(project_id, reserve, cap_micros),
                     "reserving budget");
    if (r) return *r;
    Backoff(attempt);
  }
  return MakeError(ErrorCode::kUnavailable,
                   "reserving budget: gave up after " +
                       std::to_string(options_.max_attempts) + " attempts");
}

Result<BudgetState> FirestoreStore::GetBudget(std::string_view project_id) {
  RETURN_IF_ERROR(RequireProject(project_id), "reading budget");
  ASSIGN_OR_RETURN(BudgetHead head, ReadBudgetHead(project_id),
                   "reading budget");
  return head.state;
}

Result<std::vector<LedgerEntry>> FirestoreStore::ListLedger(
    std::string_view project_id) {
  RETURN_IF_ERROR(RequireProject(project_id), "listing ledger");
  ASSIGN_OR_RETURN(std::vector<v1::Document> snapshots,
                   Collection(project_id, "budget"), "listing ledger");
  // Ledger order is the order of the budget chain.
  std::map<std::string, int64_t> rev_of;
  for (const v1::Document& s : snapshots) {
    auto it = s.fields().find("entryId");
    if (it != s.fields().end()) {
      rev_of[it->second.string_value()] = IntField(s, "rev");
    }
  }
  ASSIGN_OR_RETURN(std::vector<v1::Document> docs,
                   Collection(project_id, "ledger"), "listing ledger");
  ASSIGN_OR_RETURN(std::vector<LedgerEntry> out,
                   firestore::ParseAll<LedgerEntry>(docs), "listing ledger");
  std::stable_sort(out.begin(), out.end(),
                   [&](const LedgerEntry& a, const LedgerEntry& b) {
                     return std::tie(rev_of[a.entry_id], a.entry_id) <
                            std::tie(rev_of[b.entry_id], b.entry_id);
                   });
  return out;
}

}  // namespace miri
