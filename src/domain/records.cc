#include "domain/records.h"

#include <algorithm>

#include "domain/enum_names.h"

namespace miri {

using nlohmann::json;

namespace {

constexpr EnumNames<VersionKind, 3> kVersionKinds{{{
    {VersionKind::kPlan, "PLAN"},
    {VersionKind::kImage, "IMAGE"},
    {VersionKind::kVideo, "VIDEO"},
}}};
constexpr EnumNames<RuleKind, 3> kRuleKinds{{{
    {RuleKind::kPositive, "POSITIVE"},
    {RuleKind::kNegative, "NEGATIVE"},
    {RuleKind::kAuditCheck, "AUDIT_CHECK"},
}}};
constexpr EnumNames<RuleScope, 3> kRuleScopes{{{
    {RuleScope::kGlobal, "GLOBAL"},
    {RuleScope::kScene, "SCENE"},
    {RuleScope::kCharacter, "CHARACTER"},
}}};
constexpr EnumNames<RuleEventKind, 5> kRuleEventKinds{{{
    {RuleEventKind::kApplied, "APPLIED"},
    {RuleEventKind::kApproved, "APPROVED"},
    {RuleEventKind::kStrengthened, "STRENGTHENED"},
    {RuleEventKind::kDeactivated, "DEACTIVATED"},
    {RuleEventKind::kReactivated, "REACTIVATED"},
}}};
constexpr EnumNames<LedgerKind, 3> kLedgerKinds{{{
    {LedgerKind::kReserve, "RESERVE"},
    {LedgerKind::kSettle, "SETTLE"},
    {LedgerKind::kRelease, "RELEASE"},
}}};

constexpr StringRules kTextRules{.max_length = 20000};

// Sets `key` only when the optional holds a value, so absent stays absent.
void PutOptional(json& j, const char* key,
                 const std::optional<std::string>& value) {
  if (value) j[key] = *value;
}

}  // namespace

std::string_view VersionKindName(VersionKind k) {
  return kVersionKinds.Name(k);
}
std::optional<VersionKind> ParseVersionKind(std::string_view n) {
  return kVersionKinds.Parse(n);
}
std::string_view RuleKindName(RuleKind k) { return kRuleKinds.Name(k); }
std::optional<RuleKind> ParseRuleKind(std::string_view n) {
  return kRuleKinds.Parse(n);
}
std::string_view RuleScopeName(RuleScope s) { return kRuleScopes.Name(s); }
std::optional<RuleScope> ParseRuleScope(std::string_view n) {
  return kRuleScopes.Parse(n);
}
std::string_view RuleEventKindName(RuleEventKind k) {
  return kRuleEventKinds.Name(k);
}
std::optional<RuleEventKind> ParseRuleEventKind(std::string_view n) {
  return kRuleEventKinds.Parse(n);
}
std::string_view LedgerKindName(LedgerKind k) { return kLedgerKinds.Name(k); }
std::optional<LedgerKind> ParseLedgerKind(std::string_view n) {
  return kLedgerKinds.Parse(n);
}

Finding Finding::Read(JsonReader& r) {
  Finding f;
  f.rule_id = r.String("ruleId", {.min_length = 1, .max_length = 100});
  f.message = r.String("message", kNonEmpty);
  f.offending_text = r.OptionalString("offendingText", kTextRules).value_or("");
  r.RejectUnknownFields();
  return f;
}

json Finding::ToJson() const {
  return {{"ruleId", rule_id},
          {"message", message},
          {"offendingText", offending_text}};
}

Version Version::Read(JsonReader& r) {
  Version v;
  v.version_id = r.String("versionId", kIdRules);
  v.shot_id = r.String("shotId", kIdRules);
  v.kind = r.Enum<VersionKind>("kind", ParseVersionKind, kVersionKindValues);
  v.prompt = r.String("prompt", kTextRules);
  v.negative_prompt =
      r.OptionalString("negativePrompt", kTextRules).value_or("");
  v.model_code = r.String("modelCode", kIdRules);
  v.model = r.String("model", kNonEmpty);
  v.parameters = r.Raw("parameters", json::object());
  if (!v.parameters.is_object()) {
    r.Add("parameters",
          std::string("expected object, got ") + v.parameters.type_name());
  }
  v.references = r.StringArray("references", {.min_length = 1});
  v.outputs = r.StringArray("outputs", {.min_length = 1});
  v.parent_version_id = r.OptionalString("parentVersionId", kIdRules);
  v.applied_rule_ids = r.StringArray("appliedRuleIds", kIdRules);
  for (JsonReader& f : r.ObjectArray("findings")) {
    v.findings.push_back(Finding::Read(f));
  }
  v.created_at = r.String("createdAt", kDateTimeRules);
  r.RejectUnknownFields();
  return v;
}

json Version::ToJson() const {
  json findings_json = json::array();
  for (const Finding& f : findings) findings_json.push_back(f.ToJson());
  json j = {{"versionId", version_id},
            {"shotId", shot_id},
            {"kind", VersionKindName(kind)},
            {"prompt", prompt},
            {"negativePrompt", negative_prompt},
            {"modelCode", model_code},
            {"model", model},
            {"parameters", parameters},
            {"references", references},
            {"outputs", outputs},
            {"appliedRuleIds", applied_rule_ids},
            {"findings", findings_json},
            {"createdAt", created_at}};
  PutOptional(j, "parentVersionId", parent_version_id);
  return j;
}

std::optional<ShotStatus> Event::shot_from() const {
  return from ? ParseShotStatus(*from) : std::nullopt;
}
ShotStatus Event::shot_to() const {
  return ParseShotStatus(to).value_or(ShotStatus::kFailed);
}
std::optional<ProjectStatus> Event::project_from() const {
  return from ? ParseProjectStatus(*from) : std::nullopt;
}
ProjectStatus Event::project_to() const {
  return ParseProjectStatus(to).value_or(ProjectStatus::kFailed);
}

Event Event::Read(JsonReader& r) {
  Event e;
  e.event_id = r.String("eventId", kIdRules);
  e.shot_id = r.OptionalString("shotId", kIdRules).value_or("");
  e.version_id = r.OptionalString("versionId", kIdRules);
  e.from = r.OptionalString("from");
  e.to = r.String("to");
  // The status names depend on the subject: a shot's or the project's.
  const bool shot_subject = r.Has("shotId");
  auto check = [&](const char* key, const std::string& name) {
    bool known = shot_subject ? ParseShotStatus(name).has_value()
                              : ParseProjectStatus(name).has_value();
    if (!known) {
      r.Add(key, std::string("expected one of ") +
                     std::string(shot_subject ? kShotStatusValues
                                              : kProjectStatusValues) +
                     ", got \"" + name + "\"");
    }
  };
  if (e.from) check("from", *e.from);
  if (r.Has("to")) check("to", e.to);
  e.cause = r.String("cause", kNonEmpty);
  e.at = r.String("at", kDateTimeRules);
  e.idempotency_key =
      r.String("idempotencyKey", {.min_length = 1, .max_length = 200});
  e.seq = r.Int("seq", 0, INT64_MAX, 0);
  e.screened_by = r.OptionalString("screenedBy", {.max_length = 500});
  r.RejectUnknownFields();
  return e;
}

json Event::ToJson() const {
  json j = {{"eventId", event_id},
            {"from", from ? json(*from) : json(nullptr)},
            {"to", to},
            {"cause", cause},
            {"at", at},
            {"idempotencyKey", idempotency_key},
            {"seq", seq}};
  if (!shot_id.empty()) j["shotId"] = shot_id;
  PutOptional(j, "versionId", version_id);
  PutOptional(j, "screenedBy", screened_by);
  return j;
}

Rule Rule::Read(JsonReader& r) {
  Rule rule;
  rule.rule_id = r.String("ruleId", kIdRules);
  rule.text = r.String("text", {.min_length = 1, .max_length = 1000});
  rule.kind = r.Enum<RuleKind>("kind", ParseRuleKind, kRuleKindValues);
  rule.scope = r.Enum<RuleScope>("scope", ParseRuleScope, kRuleScopeValues);
  rule.scope_id = r.OptionalString("scopeId", kIdRules);
  if (rule.scope == RuleScope::kScene && !rule.scope_id && r.ok()) {
    r.Add("scopeId", "required when scope is SCENE");
  }
  rule.source_version_id = r.OptionalString("sourceVersionId", kIdRules);
  rule.reason = r.OptionalString("reason", {.max_length = 2000});
  rule.image_blob = r.OptionalString("imageBlob", {.min_length = 1});
  rule.created_at = r.String("createdAt", kDateTimeRules);
  rule.active = r.Bool("active", true);
  r.RejectUnknownFields();
  return rule;
}

json Rule::ToJson() const {
  json j = {{"ruleId", rule_id},          {"text", text},
            {"kind", RuleKindName(kind)}, {"scope", RuleScopeName(scope)},
            {"createdAt", created_at},    {"active", active}};
  PutOptional(j, "scopeId", scope_id);
  PutOptional(j, "sourceVersionId", source_version_id);
  PutOptional(j, "reason", reason);
  PutOptional(j, "imageBlob", image_blob);
  return j;
}

RuleEvent RuleEvent::Read(JsonReader& r) {
  RuleEvent e;
  e.rule_event_id = r.String("ruleEventId", kIdRules);
  e.rule_id = r.String("ruleId", kIdRules);
  e.kind =
      r.Enum<RuleEventKind>("kind", ParseRuleEventKind, kRuleEventKindValues);
  e.version_id = r.OptionalString("versionId", kIdRules);
  if ((e.kind == RuleEventKind::kApplied ||
       e.kind == RuleEventKind::kApproved) &&
      !e.version_id && r.ok()) {
    r.Add("versionId", "required for APPLIED and APPROVED");
  }
  e.reason = r.OptionalString("reason", {.max_length = 2000});
  e.at = r.String("at", kDateTimeRules);
  r.RejectUnknownFields();
  return e;
}

json RuleEvent::ToJson() const {
  json j = {{"ruleEventId", rule_event_id},
            {"ruleId", rule_id},
            {"kind", RuleEventKindName(kind)},
            {"at", at}};
  PutOptional(j, "versionId", version_id);
  PutOptional(j, "reason", reason);
  return j;
}

LedgerEntry LedgerEntry::Read(JsonReader& r) {
  LedgerEntry e;
  e.entry_id = r.String("entryId", kIdRules);
  e.kind = r.Enum<LedgerKind>("kind", ParseLedgerKind, kLedgerKindValues);
  e.provider = r.String("provider", kIdRules);
  e.amount_micros = r.Int("amountMicros", 0, 1'000'000'000'000);
  e.reservation_id = r.OptionalString("reservationId", kIdRules);
  if (e.kind != LedgerKind::kReserve && !e.reservation_id && r.ok()) {
    r.Add("reservationId", "required for SETTLE and RELEASE");
  }
  e.shot_id = r.OptionalString("shotId", kIdRules);
  e.version_id = r.OptionalString("versionId", kIdRules);
  e.at = r.String("at", kDateTimeRules);
  r.RejectUnknownFields();
  return e;
}

json LedgerEntry::ToJson() const {
  json j = {{"entryId", entry_id},
            {"kind", LedgerKindName(kind)},
            {"provider", provider},
            {"amountMicros", amount_micros},
            {"at", at}};
  PutOptional(j, "reservationId", reservation_id);
  PutOptional(j, "shotId", shot_id);
  PutOptional(j, "versionId", version_id);
  return j;
}

namespace {

// Job ids become document keys: printable ASCII, no path separator.
std::string ReadJobId(JsonReader& r) {
  std::string id = r.String("jobId", {.min_length = 1, .max_length = 200});
  const bool printable = std::all_of(id.begin(), id.end(), [](char c) {
    return c > ' ' && c < 0x7f && c != '/';
  });
  if (!printable)
    r.Add("jobId", "expected printable ASCII without '/' or spaces");
  return id;
}

}  // namespace

JobRecord JobRecord::Read(JsonReader& r) {
  JobRecord j;
  j.job_id = ReadJobId(r);
  j.provider = r.String("provider", kIdRules);
  j.provider_request_id =
      r.String("providerRequestId", {.min_length = 1, .max_length = 500});
  j.resume = r.String("resume", {.min_length = 2, .max_length = 20000});
  if (r.Has("resume") && !j.resume.empty() &&
      !json::parse(j.resume, nullptr, false).is_object()) {
    r.Add("resume", "expected the text of a JSON object");
  }
  j.created_at = r.String("createdAt", kDateTimeRules);
  r.RejectUnknownFields();
  return j;
}

json JobRecord::ToJson() const {
  return {{"jobId", job_id},
          {"provider", provider},
          {"providerRequestId", provider_request_id},
          {"resume", resume},
          {"createdAt", created_at}};
}

DispatchIntent DispatchIntent::Read(JsonReader& r) {
  DispatchIntent i;
  i.job_id = ReadJobId(r);
  i.provider = r.String("provider", kIdRules);
  i.external_id = r.String("externalId", {.min_length = 1, .max_length = 500});
  i.created_at = r.String("createdAt", kDateTimeRules);
  r.RejectUnknownFields();
  return i;
}

json DispatchIntent::ToJson() const {
  return {{"jobId", job_id},
          {"provider", provider},
          {"externalId", external_id},
          {"createdAt", created_at}};
}

}  // namespace miri
