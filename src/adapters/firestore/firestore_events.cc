// FirestoreStore: the plan, status events and their projections.
#include <map>
#include <set>

#include "adapters/firestore/firestore_store.h"
#include "adapters/firestore/store_util.h"

namespace miri {

using firestore::CreateWrite;
using firestore::NotFound;
using firestore::ParseStored;
using firestore::PatchWrite;
using firestore::UsableId;
using firestore::Validate;
namespace v1 = firestore::v1;

namespace {

constexpr size_t kMaxWritesPerCommit = 500;

std::string Describe(const std::optional<std::string>& status) {
  return status ? *status : std::string("(planned)");
}

std::string LastSegment(const std::string& name) {
  return name.substr(name.rfind('/') + 1);
}

std::optional<std::string> StringField(const v1::Document& doc,
                                       const std::string& field) {
  auto it = doc.fields().find(field);
  if (it == doc.fields().end() || !it->second.has_string_value()) {
    return std::nullopt;
  }
  return it->second.string_value();
}

}  // namespace

Result<int64_t> FirestoreStore::LastSeq(std::string_view project_id) {
  v1::StructuredQuery q = firestore::CollectionQuery("events");
  auto* order = q.add_order_by();
  order->mutable_field()->set_field_path("seq");
  order->set_direction(v1::StructuredQuery::DESCENDING);
  q.mutable_limit()->set_value(1);
  ASSIGN_OR_RETURN(std::vector<v1::Document> docs, Query(project_id, q),
                   "last seq");
  if (docs.empty()) return int64_t{0};
  ASSIGN_OR_RETURN(Event last, ParseStored<Event>(docs[0]), "last seq");
  return last.seq;
}

Result<std::optional<Event>> FirestoreStore::FindEvent(
    std::string_view project_id, const std::string& field,
    const std::string& value) {
  v1::StructuredQuery q = firestore::CollectionQuery("events");
  *q.mutable_where()->mutable_field_filter() =
      firestore::FieldEquals(field, value);
  q.mutable_limit()->set_value(1);
  ASSIGN_OR_RETURN(std::vector<v1::Document> docs, Query(project_id, q),
                   "event lookup");
  if (docs.empty()) return std::optional<Event>();
  ASSIGN_OR_RETURN(Event e, ParseStored<Event>(docs[0]), "event lookup");
  return std::optional<Event>(std::move(e));
}

Result<std::optional<Event>> FirestoreStore::CommitPlan(
    std::string_view project_id, const PlanCommit& plan) {
  for (const Scene& scene : plan.scenes) {
    RETURN_IF_ERROR(Validate(scene), "committing plan");
  }
  for (const Shot& shot : plan.shots) {
    RETURN_IF_ERROR(Validate(shot), "committing plan");
  }
  if (plan.scenes.size() + 2 * plan.shots.size() +
          (plan.project_event ? 2 : 0) >
      kMaxWritesPerCommit) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "plan too large for one Firestore commit (" +
                         std::to_string(plan.scenes.size()) + " scenes, " +
                         std::to_string(plan.shots.size()) + " shots)");
  }
  RETURN_IF_ERROR(RequireProject(project_id), "committing plan");
  std::vector<std::string> names;
  std::vector<std::string> labels;
  for (const Scene& s : plan.scenes) {
    names.push_back(Doc(project_id, "scenes", s.scene_id));
    labels.push_back("scene " + s.scene_id);
  }
  for (const Shot& s : plan.shots) {
    names.push_back(Doc(project_id, "shots", s.shot_id));
    labels.push_back("shot " + s.shot_id);
  }
  std::set<std::string> unique(names.begin(), names.end());
  if (unique.size() != names.size()) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "committing plan: the plan repeats an id");
  }
  // The plan that won, when this plan's project event is stored already
  // (committed before, or by a racing commit since an earlier look).
  auto plan_that_won = [&]() -> Result<std::optional<Event>> {
    return FindEvent(project_id, "idempotencyKey",
                     plan.project_event->idempotency_key);
  };
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    ASSIGN_OR_RETURN(int64_t last, LastSeq(project_id), "committing plan");
    // The project's move, checked against the head just read: a racing
    // commit or append takes slot last+1 first and this commit retries,
    // then finds the project moved (FAILED_PRECONDITION).
    std::optional<Event> moved;
    if (plan.project_event) {
      ASSIGN_OR_RETURN(std::optional<Event> dup, plan_that_won(),
                       "committing plan");
      if (dup) return tl::unexpected(PlanAlreadyCommitted(*dup));
      ASSIGN_OR_RETURN(std::optional<v1::Document> projection,
                       client_->Get(Doc(project_id, "projections", "project")),
                       "committing plan");
      std::optional<std::string> current;
      if (projection) current = StringField(*projection, "status");
      moved = *plan.project_event;
      if (current != moved->from) {
        // A plan that committed since the look-up above moved the project:
        // name that plan, as when it had committed before.
        ASSIGN_OR_RETURN(std::optional<Event> won, plan_that_won(),
                         "committing plan");
        if (won) return tl::unexpected(PlanAlreadyCommitted(*won));
        return MakeError(
            ErrorCode::kFailedPrecondition,
            "committing plan: the project is " + Describe(current) +
                ", the plan expects " + Describe(moved->from),
            {{"status",
              "a plan is committed only in " + Describe(moved->from)}});
      }
      if (!IsLegalProjectTransition(moved->project_from(),
                                    moved->project_to())) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "illegal project transition " + Describe(moved->from) +
                             " -> " + moved->to);
      }
      moved->seq = last + 1;
      if (moved->event_id.empty()) {
        moved->event_id = "e" + std::to_string(moved->seq);
      }
      RETURN_IF_ERROR(Validate(*moved), "committing plan");
    }
    const int64_t first_shot_seq = last + 1 + (moved ? 1 : 0);
    // Checked before writing, to name what exists. A plan that won the race
    // since the look-up above committed its event in the same Commit as its
    // scenes: name that plan, as the sequential path does.
    ASSIGN_OR_RETURN(std::vector<std::optional<v1::Document>> existing,
                     client_->BatchGet(names), "committing plan");
    for (size_t i = 0; i < existing.size(); ++i) {
      if (!existing[i]) continue;
      if (plan.project_event) {
        ASSIGN_OR_RETURN(std::optional<Event> dup, plan_that_won(),
                         "committing plan");
        if (dup) return tl::unexpected(PlanAlreadyCommitted(*dup));
      }
      return MakeError(ErrorCode::kAlreadyExists,
                       "committing plan: " + labels[i] + " already exists");
    }
    std::vector<v1::Write> events;
    for (size_t i = 0; i < plan.shots.size(); ++i) {
      Event created;
      created.seq = first_shot_seq + static_cast<int64_t>(i);
      created.event_id = "e" + std::to_string(created.seq);
      created.shot_id = plan.shots[i].shot_id;
      created.to = std::string(ShotStatusName(ShotStatus::kDraft));
      created.cause = "planned by the director";
      created.at = plan.at;
      created.idempotency_key = "planned:" + created.shot_id;
      RETURN_IF_ERROR(Validate(created), "shot " + created.shot_id);
      events.push_back(CreateWrite(
          Doc(project_id, "events", SeqId(created.seq)), created.ToJson()));
    }
    std::vector<v1::Write> writes;
    // The contended write (the next event slot) first.
    if (moved) {
      writes.push_back(CreateWrite(Doc(project_id, "events", SeqId(moved->seq)),
                                   moved->ToJson()));
      writes.push_back(PatchWrite(Doc(project_id, "projections", "project"),
                                  {{"status", moved->to}}));
      for (v1::Write& w : events) writes.push_back(std::move(w));
      events.clear();
    } else if (!events.empty()) {
      writes.push_back(events[0]);
    }
    for (const Scene& s : plan.scenes) {
      writes.push_back(
          CreateWrite(Doc(project_id, "scenes", s.scene_id), s.ToJson()));
    }
    for (Shot shot : plan.shots) {
      shot.status = ShotStatus::kDraft;
      shot.versions.clear();
      writes.push_back(
          CreateWrite(Doc(project_id, "shots", shot.shot_id), shot.ToJson()));
    }
    for (size_t i = 1; i < events.size(); ++i) writes.push_back(events[i]);
    Result<v1::CommitResponse> r = client_->Commit(writes);
    if (r) return moved;
    if (r.error().code != ErrorCode::kAlreadyExists) {
      return tl::unexpected(WithContext(r.error(), "committing plan"));
    }
    Backoff(attempt);  // another writer took the slot: re-read and retry
  }
  return MakeError(ErrorCode::kUnavailable,
                   "committing plan: gave up after " +
                       std::to_string(options_.max_attempts) +
                       " contended attempts");
}

Result<std::optional<std::string>> FirestoreStore::CheckEventVersion(
    std::string_view project_id, const Event& event) {
  if (!event.version_id) return std::optional<std::string>();
  std::optional<v1::Document> index;
  if (UsableId(*event.version_id)) {
    ASSIGN_OR_RETURN(
        index, client_->Get(Doc(project_id, "versionIndex", *event.version_id)),
        "event");
  }
  if (!index || StringField(*index, "shotId") != event.shot_id) {
    return MakeError(ErrorCode::kNotFound,
                     "version " + *event.version_id + " of shot " +
                         event.shot_id + " not found",
                     {{"versionId", "no such version of this shot"}});
  }
  return event.version_id;
}

Result<std::optional<AppendEventResult>> FirestoreStore::TryAppendEvent(
    std::string_view project_id, Event event, const LedgerEntry* close) {
  // The head first, then everything checked against it: if anything is
  // appended after this read, it takes slot last+1 and our create fails.
  ASSIGN_OR_RETURN(int64_t last, LastSeq(project_id), "event");
  ASSIGN_OR_RETURN(
      std::optional<Event> dup,
      FindEvent(project_id, "idempotencyKey", event.idempotency_key), "event");
  if (dup) return AppendEventResult{std::move(*dup), true};

  std::optional<std::string> current;
  std::string projection;
  if (event.is_shot_event()) {
    ASSIGN_OR_RETURN(Shot shot, ReadShot(project_id, event.shot_id), "event");
    current = std::string(ShotStatusName(shot.status));
    projection = Doc(project_id, "shots", event.shot_id);
  } else {
    projection = Doc(project_id, "projections", "project");
    ASSIGN_OR_RETURN(std::optional<v1::Document> doc, client_->Get(projection),
                     "event");
    if (doc) current = StringField(*doc, "status");
  }
  if (current != event.from) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "stale event: " +
                         (event.is_shot_event() ? "shot " + event.shot_id
                                                : std::string("the project")) +
                         " is " + Describe(current) + ", the event expects " +
                         Describe(event.from));
  }
  if (event.is_shot_event()) {
    RETURN_IF_ERROR(CheckShotTransition(event.shot_from(), event.shot_to()),
                    "shot " + event.shot_id);
  } else if (!IsLegalProjectTransition(event.project_from(),
                                       event.project_to())) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "illegal project transition " + Describe(event.from) +
                         " -> " + event.to);
  }
  RETURN_IF_ERROR(CheckEventVersion(project_id, event), "event");

  event.seq = last + 1;
  if (event.event_id.empty()) event.event_id = "e" + std::to_string(event.seq);
  RETURN_IF_ERROR(Validate(event), "event");
  ASSIGN_OR_RETURN(std::optional<Event> same_id,
                   FindEvent(project_id, "eventId", event.event_id), "event");
  if (same_id) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "event " + event.event_id + " already exists");
  }
  std::vector<v1::Write> writes = {
      CreateWrite(Doc(project_id, "events", SeqId(event.seq)), event.ToJson()),
      PatchWrite(projection, {{"status", event.to}})};
  if (close != nullptr) {
    // The ledger entry in the same Commit (atomic), checked against the
    // budget head read now: a ledger write in between takes the next
    // snapshot first and this commit fails and is retried, as an event
    // appended in between does. A reservation already closed or never
    // made adds nothing.
    Result<LedgerWrite> closing = PlanLedgerWrite(project_id, *close, {});
    if (closing) {
      for (v1::Write& w : closing->writes) writes.push_back(std::move(w));
    } else if (closing.error().code != ErrorCode::kAlreadyExists &&
               closing.error().code != ErrorCode::kFailedPrecondition) {
      return tl::unexpected(WithContext(closing.error(), "event"));
    }
  }
  Result<v1::CommitResponse> r = client_->Commit(writes);
  if (!r && r.error().code == ErrorCode::kAlreadyExists) {
    return std::optional<AppendEventResult>();  // lost a slot
  }
  if (!r) return tl::unexpected(WithContext(r.error(), "event"));
  return AppendEventResult{std::move(event), false};
}

Result<AppendEventResult> FirestoreStore::AppendEvent(
    std::string_view project_id, const Event& event) {
  return AppendEventWith(project_id, event, nullptr);
}

Result<AppendEventResult> FirestoreStore::AppendEventClosing(
    std::string_view project_id, const Event& event, const LedgerEntry& close) {
  RETURN_IF_ERROR(Validate(close), "appending event");
  if (close.kind == LedgerKind::kReserve) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "appending event: the entry must close a reservation",
                     {{"kind", "expected SETTLE or RELEASE"}});
  }
  ASSIGN_OR_RETURN(AppendEventResult r,
                   AppendEventWith(project_id, event, &close), "");
  if (r.duplicate) {
    // The step was taken before; the entry still closes its reservation if
    // that one is open (as AppendLedgerEntry would, tolerating a closed one).
    Result<void> closed = AppendLedgerEntry(project_id, close);
    if (!closed && closed.error().code != ErrorCode::kAlreadyExists &&
        closed.error().code != ErrorCode::kFailedPrecondition) {
      return tl::unexpected(WithContext(closed.error(), "appending event"));
    }
  }
  return r;
}

Result<AppendEventResult> FirestoreStore::AppendEventWith(
    std::string_view project_id, const Event& event, const LedgerEntry* close) {
  // Validated up front (with a stand-in seq and id) so that no id that
  // could not be stored ever becomes part of a document path.
  Event probe = event;
  probe.seq = 1;
  if (probe.event_id.empty()) probe.event_id = "e1";
  RETURN_IF_ERROR(Validate(probe), "appending event");
  RETURN_IF_ERROR(RequireProject(project_id), "appending event");
  if (event.is_shot_event() && !UsableId(event.shot_id)) {
    return tl::unexpected(NotFound("shot", event.shot_id));
  }
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    ASSIGN_OR_RETURN(std::optional<AppendEventResult> r,
                     TryAppendEvent(project_id, event, close),
                     "appending event");
    if (r) return std::move(*r);
    Backoff(attempt);
  }
  return MakeError(ErrorCode::kUnavailable,
                   "appending event: gave up after " +
                       std::to_string(options_.max_attempts) +
                       " contended attempts");
}

Result<std::vector<Event>> FirestoreStore::ListEvents(
    std::string_view project_id, int64_t after_seq, size_t limit) {
  RETURN_IF_ERROR(RequireProject(project_id), "listing events");
  v1::StructuredQuery q = firestore::CollectionQuery("events");
  auto* f = q.mutable_where()->mutable_field_filter();
  f->mutable_field()->set_field_path("seq");
  f->set_op(v1::StructuredQuery::FieldFilter::GREATER_THAN);
  f->mutable_value()->set_integer_value(after_seq);
  auto* order = q.add_order_by();
  order->mutable_field()->set_field_path("seq");
  order->set_direction(v1::StructuredQuery::ASCENDING);
  q.mutable_limit()->set_value(
      static_cast<int32_t>(std::min<size_t>(limit, INT32_MAX)));
  ASSIGN_OR_RETURN(std::vector<v1::Document> docs, Query(project_id, q),
                   "listing events");
  return firestore::ParseAll<Event>(docs);
}

Result<int> FirestoreStore::RebuildProjections(std::string_view project_id) {
  ASSIGN_OR_RETURN(std::vector<Event> log, ListEvents(project_id, 0, INT32_MAX),
                   "rebuilding");
  std::map<std::string, ShotStatus> folded = FoldShotStatuses(log);
  std::optional<std::string> project_status;
  for (const Event& e : log) {
    if (!e.is_shot_event()) project_status = e.to;
  }
  ASSIGN_OR_RETURN(std::vector<v1::Document> shots,
                   Collection(project_id, "shots"), "rebuilding");
  // updateTime preconditions: a projection moved by a concurrent append
  // makes the rebuild fail rather than be overwritten (real Firestore).
  std::vector<v1::Write> writes;
  for (const v1::Document& doc : shots) {
    auto it = folded.find(LastSegment(doc.name()));
    if (it == folded.end()) continue;
    std::string want(ShotStatusName(it->second));
    if (StringField(doc, "status") != want) {
      writes.push_back(
          PatchWrite(doc.name(), {{"status", want}}, &doc.update_time()));
    }
  }
  std::string projection = Doc(project_id, "projections", "project");
  ASSIGN_OR_RETURN(std::optional<v1::Document> doc, client_->Get(projection),
                   "rebuilding");
  std::optional<std::string> stored;
  if (doc) stored = StringField(*doc, "status");
  if (stored != project_status) {
    nlohmann::json status = project_status ? nlohmann::json(*project_status)
                                           : nlohmann::json(nullptr);
    v1::Write w =
        doc ? PatchWrite(projection, {{"status", status}}, &doc->update_time())
            : CreateWrite(projection, {{"status", status}});
    writes.push_back(std::move(w));
  }
  if (!writes.empty()) {
    RETURN_IF_ERROR(client_->Commit(writes), "rebuilding");
  }
  return static_cast<int>(writes.size());
}

}  // namespace miri
