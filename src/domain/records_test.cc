#include "domain/records.h"

#include <gtest/gtest.h>

#include "domain/test_docs.h"

namespace miri {
namespace {

using nlohmann::json;
using testdocs::Absent;
using testdocs::BadField;
using testdocs::ExpectRefused;
using testdocs::With;

TEST(VersionTest, RoundTrips) {
  Result<Version> v = ParseDocument<Version>(testdocs::Version());
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_EQ(v->findings.size(), 1u);
  EXPECT_EQ(v->ToJson(), testdocs::Version());
}

TEST(VersionTest, OptionalFieldsDefault) {
  json doc = testdocs::Version();
  for (const char* key :
       {"negativePrompt", "parameters", "references", "outputs",
        "parentVersionId", "appliedRuleIds", "findings"}) {
    doc.erase(key);
  }
  Result<Version> v = ParseDocument<Version>(doc);
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_EQ(v->parameters, json::object());
  EXPECT_FALSE(v->parent_version_id);
  EXPECT_EQ(ParseDocument<Version>(v->ToJson()), v);
}

TEST(VersionTest, EveryBadFieldIsNamed) {
  const BadField kBad[] = {
      {"/versionId", "v/1", "versionId", "expected an id"},
      {"/shotId", Absent(), "shotId", "required"},
      {"/kind", "AUDIO", "kind", "expected one of PLAN, IMAGE, VIDEO"},
      {"/prompt", 1, "prompt", "expected string"},
      {"/negativePrompt", json::array(), "negativePrompt", "expected string"},
      {"/modelCode", "FLUX 2", "modelCode", "expected an id"},
      {"/model", "", "model", "empty"},
      {"/parameters", json::array(), "parameters",
       "expected object, got array"},
      {"/references/0", "", "references[0]", "empty"},
      {"/outputs", "x", "outputs", "expected array"},
      {"/parentVersionId", 3, "parentVersionId", "expected string"},
      {"/appliedRuleIds/0", "r 1", "appliedRuleIds[0]", "expected an id"},
      {"/findings/0/ruleId", Absent(), "findings[0].ruleId", "required"},
      {"/findings/0/message", "", "findings[0].message", "empty"},
      {"/findings/0/extra", 1, "findings[0].extra", "unknown field"},
      {"/findings", "x", "findings", "expected array"},
      {"/createdAt", "now", "createdAt", "ISO-8601"},
      {"/status", "PENDING", "status", "unknown field"},
  };
  for (const BadField& bad : kBad)
    ExpectRefused<Version>(testdocs::Version(), bad);
}

TEST(EventTest, RoundTrips) {
  Result<Event> e = ParseDocument<Event>(testdocs::Event());
  ASSERT_TRUE(e) << e.error().ToString();
  EXPECT_EQ(e->shot_from(), ShotStatus::kDraft);
  EXPECT_EQ(e->shot_to(), ShotStatus::kValidation);
  EXPECT_EQ(e->ToJson(), testdocs::Event());
}

TEST(EventTest, FirstEventHasNullFrom) {
  json doc = With(testdocs::Event(), "/from", nullptr);
  doc["to"] = "DRAFT";
  Result<Event> e = ParseDocument<Event>(doc);
  ASSERT_TRUE(e);
  EXPECT_FALSE(e->from);
  EXPECT_EQ(e->ToJson()["from"], nullptr);
}

TEST(EventTest, ProjectEventsUseProjectStatuses) {
  json doc = testdocs::Event();
  doc.erase("shotId");
  doc["from"] = "AUDIO_ANALYSIS";
  doc["to"] = "PLANNED";
  Result<Event> e = ParseDocument<Event>(doc);
  ASSERT_TRUE(e) << e.error().ToString();
  EXPECT_FALSE(e->is_shot_event());
  EXPECT_EQ(e->project_to(), ProjectStatus::kPlanned);
  EXPECT_EQ(ParseDocument<Event>(e->ToJson()), e);
}

TEST(EventTest, EveryBadFieldIsNamed) {
  const BadField kBad[] = {
      {"/eventId", "", "eventId", "must not be empty"},
      {"/shotId", 5, "shotId", "expected string"},
      {"/versionId", "a b", "versionId", "expected an id"},
      {"/from", "PLANNED", "from", "expected one of DRAFT"},
      {"/to", "DONE", "to", "expected one of DRAFT"},
      {"/to", Absent(), "to", "required"},
      {"/cause", "", "cause", "empty"},
      {"/at", "2026", "at", "ISO-8601"},
      {"/idempotencyKey", "", "idempotencyKey", "empty"},
      {"/seq", -1, "seq", "at least 0"},
      {"/payload", 1, "payload", "unknown field"},
  };
  for (const BadField& bad : kBad) ExpectRefused<Event>(testdocs::Event(), bad);
}

TEST(RuleTest, RoundTrips) {
  Result<Rule> r = ParseDocument<Rule>(testdocs::Rule());
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->scope, RuleScope::kScene);
  EXPECT_EQ(r->ToJson(), testdocs::Rule());
}

TEST(RuleTest, EveryBadFieldIsNamed) {
  const BadField kBad[] = {
      {"/ruleId", Absent(), "ruleId", "required"},
      {"/text", "", "text", "empty"},
      {"/text", std::string(1001, 'a'), "text", "at most 1000"},
      {"/kind", "MAYBE", "kind", "expected one of POSITIVE"},
      {"/scope", "LOCAL", "scope", "expected one of GLOBAL"},
      {"/scopeId", Absent(), "scopeId", "required when scope is SCENE"},
      {"/sourceVersionId", "..", "sourceVersionId", "expected an id"},
      {"/reason", 1, "reason", "expected string"},
      {"/imageBlob", "", "imageBlob", "empty"},
      {"/createdAt", Absent(), "createdAt", "required"},
      {"/active", 1, "active", "expected boolean"},
      {"/embedding", json::array(), "embedding", "unknown field"},
  };
  for (const BadField& bad : kBad) ExpectRefused<Rule>(testdocs::Rule(), bad);
}

TEST(RuleEventTest, RoundTrips) {
  Result<RuleEvent> e = ParseDocument<RuleEvent>(testdocs::RuleEvent());
  ASSERT_TRUE(e) << e.error().ToString();
  EXPECT_EQ(e->kind, RuleEventKind::kApplied);
  EXPECT_EQ(e->ToJson(), testdocs::RuleEvent());
}

TEST(RuleEventTest, EveryBadFieldIsNamed) {
  const BadField kBad[] = {
      {"/ruleEventId", "a b", "ruleEventId", "expected an id"},
      {"/ruleId", Absent(), "ruleId", "required"},
      {"/kind", "USED", "kind", "expected one of APPLIED"},
      {"/versionId", Absent(), "versionId", "required for APPLIED"},
      {"/reason", 3, "reason", "expected string"},
      {"/at", "x", "at", "ISO-8601"},
      {"/count", 1, "count", "unknown field"},
  };
  for (const BadField& bad : kBad)
    ExpectRefused<RuleEvent>(testdocs::RuleEvent(), bad);
}

TEST(LedgerEntryTest, RoundTrips) {
  Result<LedgerEntry> e = ParseDocument<LedgerEntry>(testdocs::Ledger());
  ASSERT_TRUE(e) << e.error().ToString();
  EXPECT_EQ(e->amount_micros, 21000);
  EXPECT_EQ(e->ToJson(), testdocs::Ledger());
}

TEST(LedgerEntryTest, EveryBadFieldIsNamed) {
  const BadField kBad[] = {
      {"/entryId", "", "entryId", "must not be empty"},
      {"/kind", "REFUND", "kind", "expected one of RESERVE, SETTLE, RELEASE"},
      {"/provider", "", "provider", "must not be empty"},
      {"/amountMicros", -1, "amountMicros", "at least 0"},
      {"/amountMicros", 0.5, "amountMicros", "expected integer"},
      {"/reservationId", Absent(), "reservationId", "required for SETTLE"},
      {"/shotId", 1, "shotId", "expected string"},
      {"/versionId", "", "versionId", "must not be empty"},
      {"/at", "x", "at", "ISO-8601"},
      {"/usd", 1, "usd", "unknown field"},
  };
  for (const BadField& bad : kBad)
    ExpectRefused<LedgerEntry>(testdocs::Ledger(), bad);
}

TEST(JobRecordTest, RoundTrips) {
  Result<JobRecord> j = ParseDocument<JobRecord>(testdocs::Job());
  ASSERT_TRUE(j) << j.error().ToString();
  EXPECT_EQ(j->job_id, "p1:v1#1");
  EXPECT_EQ(json::parse(j->resume)["request_id"], "req-1");
  EXPECT_EQ(j->ToJson(), testdocs::Job());
}

TEST(JobRecordTest, EveryBadFieldIsNamed) {
  const BadField kBad[] = {
      {"/jobId", "", "jobId", "must not be empty"},
      {"/jobId", "p1/v1", "jobId", "without '/'"},
      {"/jobId", "p1 v1", "jobId", "printable ASCII"},
      {"/provider", "fal ai", "provider", "expected an id"},
      {"/providerRequestId", Absent(), "providerRequestId", "required"},
      {"/resume", "not json", "resume", "JSON object"},
      {"/resume", "[1]", "resume", "JSON object"},
      {"/resume", json::object(), "resume", "expected string"},
      {"/createdAt", "today", "createdAt", "ISO-8601"},
      {"/attempt", 1, "attempt", "unknown field"},
  };
  for (const BadField& bad : kBad)
    ExpectRefused<JobRecord>(testdocs::Job(), bad);
}

TEST(DispatchIntentTest, RoundTrips) {
  Result<DispatchIntent> i = ParseDocument<DispatchIntent>(testdocs::Intent());
  ASSERT_TRUE(i) << i.error().ToString();
  EXPECT_EQ(i->job_id, "p1:v1#1");
  EXPECT_EQ(i->provider, "kling");
  EXPECT_EQ(i->external_id, "p1:v1#1");
  EXPECT_EQ(i->ToJson(), testdocs::Intent());
}

TEST(DispatchIntentTest, EveryBadFieldIsNamed) {
  const BadField kBad[] = {
      {"/jobId", "", "jobId", "must not be empty"},
      {"/jobId", "p1/v1", "jobId", "without '/'"},
      {"/provider", "fal ai", "provider", "expected an id"},
      {"/externalId", Absent(), "externalId", "required"},
      {"/createdAt", "today", "createdAt", "ISO-8601"},
      {"/providerRequestId", "r", "providerRequestId", "unknown field"},
  };
  for (const BadField& bad : kBad)
    ExpectRefused<DispatchIntent>(testdocs::Intent(), bad);
}

TEST(EnumNamesTest, AllRoundTrip) {
  for (VersionKind k :
       {VersionKind::kPlan, VersionKind::kImage, VersionKind::kVideo})
    EXPECT_EQ(ParseVersionKind(VersionKindName(k)), k);
  for (RuleKind k :
       {RuleKind::kPositive, RuleKind::kNegative, RuleKind::kAuditCheck})
    EXPECT_EQ(ParseRuleKind(RuleKindName(k)), k);
  for (RuleScope s :
       {RuleScope::kGlobal, RuleScope::kScene, RuleScope::kCharacter})
    EXPECT_EQ(ParseRuleScope(RuleScopeName(s)), s);
  for (RuleEventKind k :
       {RuleEventKind::kApplied, RuleEventKind::kApproved,
        RuleEventKind::kStrengthened, RuleEventKind::kDeactivated,
        RuleEventKind::kReactivated})
    EXPECT_EQ(ParseRuleEventKind(RuleEventKindName(k)), k);
  for (LedgerKind k :
       {LedgerKind::kReserve, LedgerKind::kSettle, LedgerKind::kRelease})
    EXPECT_EQ(ParseLedgerKind(LedgerKindName(k)), k);
}

}  // namespace
}  // namespace miri
