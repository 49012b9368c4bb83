// The immutable records: versions, events, rules and ledger entries. Each is
// written once and never changed (design.md section 3); a change is a new
// record. The store enforces that, these types only describe them.
#ifndef MIRI_DOMAIN_RECORDS_H_
#define MIRI_DOMAIN_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/json_reader.h"
#include "domain/status.h"

namespace miri {

// One problem an audit found: which rule, in words, and the text at fault.
struct Finding {
  std::string rule_id;
  std::string message;
  std::string offending_text;

  static Finding Read(JsonReader& r);
  nlohmann::json ToJson() const;
  friend bool operator==(const Finding&, const Finding&) = default;
};

enum class VersionKind { kPlan, kImage, kVideo };
inline constexpr std::string_view kVersionKindValues = "PLAN, IMAGE, VIDEO";
std::string_view VersionKindName(VersionKind k);
std::optional<VersionKind> ParseVersionKind(std::string_view name);

struct Version {
  static constexpr char kKind[] = "version";
  std::string version_id;
  std::string shot_id;
  VersionKind kind = VersionKind::kImage;
  std::string prompt;
  std::string negative_prompt;
  std::string model_code;  // the [ModelCode] of the prompt prefix
  std::string model;       // provider model id, e.g. fal-ai/flux-2/lora
  nlohmann::json parameters = nlohmann::json::object();
  std::vector<std::string> references;  // blob keys of reference images
  std::vector<std::string> outputs;     // blob keys of results
  std::optional<std::string> parent_version_id;
  std::vector<std::string> applied_rule_ids;
  std::vector<Finding> findings;
  std::string created_at;

  static Version Read(JsonReader& r);
  nlohmann::json ToJson() const;
  friend bool operator==(const Version&, const Version&) = default;
};

// A status change of a shot (shotId set) or of the project (shotId empty).
// `seq` orders a project's events; the store assigns it on append.
struct Event {
  static constexpr char kKind[] = "event";
  std::string event_id;
  std::string shot_id;
  std::optional<std::string> version_id;
  std::optional<std::string> from;  // status name; nullopt for the first
  std::string to;
  std::string cause;
  std::string at;
  std::string idempotency_key;
  int64_t seq = 0;
  // A command with text a person typed (a refine instruction, a rejection
  // reason, a prompt override, plan descriptions, project settings): who
  // screened that text and let it through, e.g. "the request screen and
  // gemini-3.8-flash" (issue 18: the screen's result and who decided are
  // recorded with the command; a refused text stores nothing).
  std::optional<std::string> screened_by;

  bool is_shot_event() const { return !shot_id.empty(); }
  std::optional<ShotStatus> shot_from() const;
  ShotStatus shot_to() const;
  std::optional<ProjectStatus> project_from() const;
  ProjectStatus project_to() const;

  static Event Read(JsonReader& r);
  nlohmann::json ToJson() const;
  friend bool operator==(const Event&, const Event&) = default;
};

enum class RuleKind { kPositive, kNegative, kAuditCheck };
inline constexpr std::string_view kRuleKindValues =
    "POSITIVE, NEGATIVE, AUDIT_CHECK";
std::string_view RuleKindName(RuleKind k);
std::optional<RuleKind> ParseRuleKind(std::string_view name);

enum class RuleScope { kGlobal, kScene, kCharacter };
inline constexpr std::string_view kRuleScopeValues = "GLOBAL, SCENE, CHARACTER";
std::string_view RuleScopeName(RuleScope s);
std::optional<RuleScope> ParseRuleScope(std::string_view name);

struct Rule {
  static constexpr char kKind[] = "rule";
  std::string rule_id;
  std::string text;
  RuleKind kind = RuleKind::kPositive;
  RuleScope scope = RuleScope::kGlobal;
  std::optional<std::string> scope_id;  // the scene id for SCENE scope
  // Where the rule came from: the rejected version, its reason, its image.
  std::optional<std::string> source_version_id;
  std::optional<std::string> reason;
  std::optional<std::string> image_blob;
  std::string created_at;
  bool active = true;

  static Rule Read(JsonReader& r);
  nlohmann::json ToJson() const;
  friend bool operator==(const Rule&, const Rule&) = default;
};

// What happened to a rule after it was learned. Rules never change; their
// activity and statistics are folded from these.
enum class RuleEventKind {
  kApplied,       // written into a version's prompt (version_id)
  kApproved,      // a version it was applied to was approved (version_id)
  kStrengthened,  // a near-duplicate rejection confirmed it (reason)
  kDeactivated,
  kReactivated,
};
inline constexpr std::string_view kRuleEventKindValues =
    "APPLIED, APPROVED, STRENGTHENED, DEACTIVATED, REACTIVATED";
std::string_view RuleEventKindName(RuleEventKind k);
std::optional<RuleEventKind> ParseRuleEventKind(std::string_view name);

struct RuleEvent {
  static constexpr char kKind[] = "rule event";
  std::string rule_event_id;
  std::string rule_id;
  RuleEventKind kind = RuleEventKind::kApplied;
  std::optional<std::string> version_id;
  std::optional<std::string> reason;
  std::string at;

  static RuleEvent Read(JsonReader& r);
  nlohmann::json ToJson() const;
  friend bool operator==(const RuleEvent&, const RuleEvent&) = default;
};

enum class LedgerKind { kReserve, kSettle, kRelease };
inline constexpr std::string_view kLedgerKindValues =
    "RESERVE, SETTLE, RELEASE";
std::string_view LedgerKindName(LedgerKind k);
std::optional<LedgerKind> ParseLedgerKind(std::string_view name);

// Money is integer micro-dollars: sums over many entries stay exact.
struct LedgerEntry {
  static constexpr char kKind[] = "ledger entry";
  std::string entry_id;
  LedgerKind kind = LedgerKind::kReserve;
  std::string provider;
  int64_t amount_micros = 0;
  std::optional<std::string> reservation_id;  // SETTLE/RELEASE: the RESERVE
  std::optional<std::string> shot_id;
  std::optional<std::string> version_id;
  std::string at;

  static LedgerEntry Read(JsonReader& r);
  nlohmann::json ToJson() const;
  friend bool operator==(const LedgerEntry&, const LedgerEntry&) = default;
};

// A job dispatched to a provider, recorded so that any instance (another
// one, or this one after a restart) can pick it up: `resume` is what the
// adapter needs to poll it (ImageGenerator/VideoGenerator::Adopt), as JSON
// object text the adapter wrote and only it reads. Create-only.
struct JobRecord {
  static constexpr char kKind[] = "job record";
  std::string job_id;               // ours, e.g. "<projectId>:<versionId>#1"
  std::string provider;             // the generator's name()
  std::string provider_request_id;  // theirs (fal request_id, Kling task_id)
  std::string resume;
  std::string created_at;

  static JobRecord Read(JsonReader& r);
  nlohmann::json ToJson() const;
  friend bool operator==(const JobRecord&, const JobRecord&) = default;
};

// The intent to dispatch a job, recorded before the provider is called
// (issue 21 item 8). A sender that dies between the provider's accept and
// its JobRecord leaves an intent without a record: the reconciler then asks
// the provider for the job by our id (Kling's external_task_id) or waits
// for its webhook (fal) instead of sending it again at once. Create-only.
struct DispatchIntent {
  static constexpr char kKind[] = "dispatch intent";
  std::string job_id;    // ours, as JobRecord::job_id
  std::string provider;  // the generator's name()
  // What the provider knows the job by before it answers: Kling's
  // external_task_id, the job signed into fal's webhook URL.
  std::string external_id;
  std::string created_at;

  static DispatchIntent Read(JsonReader& r);
  nlohmann::json ToJson() const;
  friend bool operator==(const DispatchIntent&,
                         const DispatchIntent&) = default;
};

}  // namespace miri

#endif  // MIRI_DOMAIN_RECORDS_H_
