// Rulebook: the Active Rulebook (issue 9). Rules are learned from rejected
// images, kept immutable in the Store (their life as RuleEvents), indexed
// by an Embedder + VectorIndex, and retrieved for every new draft.
//
// Which rules apply to a shot: every active GLOBAL rule, plus the top-k
// active rules most similar to the shot's description and lyrics (cosine at
// least min_score) among those whose scope fits: CHARACTER rules only when
// the shot shows Miri, SCENE rules only in their scene. Rules learned from
// the shot's own rejected versions always apply to it.
//
// The store is the truth; the index is this instance's copy of it. Each
// time a project's rules are read from the store (first use, cache expiry,
// a write here, a RULE_UPDATED from any instance on the bus) the index is
// brought in line: active rules it does not hold are indexed, deactivated
// ones removed. A new instance with an empty index therefore applies every
// rule learned before it started (EnsureIndexedAll at start-up does it for
// every project at once), and a rule learned on another instance applies
// here as soon as its RULE_UPDATED arrives (or the cache expires).
//
// Counts: a rule's "applied" is the number of versions whose
// applied_rule_ids carry it, and "approved after" those of them a clip was
// made from (approved): both read from the versions, the records.
//
// Safety: a rejection reason is screened (domain/audit.h) before it is
// analysed, and a proposed rule's text is audited before it is stored, so
// nothing learned can undo Miri's depiction rules.
// Thread-safety: all methods may be called from any thread; callers
// serialise learning per project (orchestration does) so two near-
// duplicates never race into two rules.
#ifndef MIRI_SERVICES_RULEBOOK_RULEBOOK_H_
#define MIRI_SERVICES_RULEBOOK_RULEBOOK_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/prompt.h"
#include "ports/clock.h"
#include "ports/embedder.h"
#include "ports/event_bus.h"
#include "ports/store.h"
#include "ports/vector_index.h"
#include "ports/vision_analyzer.h"

namespace miri {

inline constexpr std::string_view kRuleUpdated = "RULE_UPDATED";

struct RulebookOptions {
  size_t top_k = 4;
  // How long folded rule views are reused before re-reading the store.
  // Writes through this Rulebook refresh at once; rules learned on another
  // instance are seen within this time.
  int64_t cache_ttl_ms = 2000;
  // Below this a rule is not relevant. On the labelled set (retrieval_
  // quality_test.cc) true matches scored >= 0.20 but for two one-word
  // overlaps, wrong ones <= 0.17.
  float min_score = 0.19f;
  float duplicate_threshold = 0.8f;  // at or above: the same rule again
};

struct RuleStats {
  bool active = true;
  int applied = 0;         // versions whose applied_rule_ids carry it
  int approved_after = 0;  // of those, versions approved (a clip made of it)
  int strengthened = 0;    // near-duplicate rejections that confirmed it
};

struct RuleView {
  Rule rule;
  RuleStats stats;
  nlohmann::json ToJson() const;
};

struct RuleMatch {
  Rule rule;
  float score = 0;  // cosine similarity; 1 for GLOBAL rules
};

struct LearnOutcome {
  Rule rule;                  // the new rule, or the one strengthened
  bool strengthened = false;  // true: a near-duplicate already existed
  std::string explanation;    // how the analyser formulated it
};

using IdSource = std::function<std::string()>;

class Rulebook {
 public:
  Rulebook(Store& store, Embedder& embedder, VectorIndex& index,
           VisionAnalyzer& analyzer, EventBus* bus, const Clock& clock,
           IdSource ids, RulebookOptions options = {});
  // Stops following the bus.
  ~Rulebook();
  Rulebook(const Rulebook&) = delete;
  Rulebook& operator=(const Rulebook&) = delete;

  // A person rejected `rejected` (a version of `shot`) for `reason`.
  Result<LearnOutcome> LearnFromRejection(std::string_view project_id,
                                          const Shot& shot,
                                          const Version& rejected,
                                          std::string_view reason);

  Result<std::vector<RuleMatch>> RulesFor(std::string_view project_id,
                                          const Shot& shot);
  // Ranked active rules for free text (the dashboard's search box).
  Result<std::vector<RuleMatch>> Search(std::string_view project_id,
                                        std::string_view query, size_t k);

  // NOT_FOUND naming ruleId for a rule the project does not have.
  Result<RuleView> SetActive(std::string_view project_id,
                             std::string_view rule_id, bool active,
                             std::string_view reason);
  // The project's rules with their counts (read from the versions).
  Result<std::vector<RuleView>> List(std::string_view project_id);

  // Re-indexes every active rule of the project from the store; returns
  // how many were indexed.
  Result<size_t> Reindex(std::string_view project_id);
  // Reads the project's rules from the store now and indexes the active
  // ones the index lacks; returns how many it indexed (0: in line).
  Result<size_t> EnsureIndexed(std::string_view project_id);
  // EnsureIndexed for every project in the store (`miri serve` at
  // start-up); returns how many rules it indexed in all.
  Result<size_t> EnsureIndexedAll();

 private:
  // The folded rules of a project, shared read-only between calls.
  struct Snapshot {
    int64_t read_at_ms = 0;
    std::vector<RuleView> views;
    std::vector<size_t> active_global;  // indexes into views
    std::unordered_map<std::string, size_t> active_scoped;  // id -> index
  };
  // `indexed`, when set, receives how many rules the read indexed.
  Result<std::shared_ptr<const Snapshot>> Load(std::string_view project_id,
                                               size_t* indexed = nullptr);
  // Brings the index in line with a fresh read of the project's rules and
  // follows the project's RULE_UPDATED on the bus from its first read.
  Result<size_t> Sync(std::string_view project_id, const Snapshot& snap);
  // Fills the counts of `views` from the project's versions.
  Result<void> CountUses(std::string_view project_id,
                         std::vector<RuleView>& views);
  void Held(std::string_view project_id, const std::string& rule_id, bool held);
  Result<std::vector<RuleView>> Views(std::string_view project_id);
  Result<std::vector<RuleView>> ReadViews(std::string_view project_id);
  void Invalidate(std::string_view project_id);
  Result<void> Index(std::string_view project_id,
                     const std::vector<Rule>& rules);
  Result<void> AppendEvent(std::string_view project_id,
                           std::string_view rule_id, RuleEventKind kind,
                           std::optional<std::string> version_id,
                           std::optional<std::string> reason);
  void Publish(std::string_view project_id, const RuleView& view);

  Store& store_;
  Embedder& embedder_;
  VectorIndex& index_;
  VisionAnalyzer& analyzer_;
  EventBus* bus_;  // may be null
  const Clock& clock_;
  IdSource ids_;
  RulebookOptions options_;

  std::mutex cache_mu_;
  std::map<std::string, std::shared_ptr<const Snapshot>, std::less<>> cache_;

  // Serialises Sync; guards held_ and subscriptions_.
  std::mutex index_mu_;
  // Per project read so far: the rule ids this instance's index holds.
  std::map<std::string, std::set<std::string>, std::less<>> held_;
  std::vector<EventBus::SubscriptionId> subscriptions_;
};

// Writes matched rules into a prompt spec: positive and audit-check rules
// as prompt sentences, negative ones as negative terms. Returns the ids
// applied, for Version::applied_rule_ids.
std::vector<std::string> ApplyRules(const std::vector<RuleMatch>& rules,
                                    PromptSpec* spec);

}  // namespace miri

#endif  // MIRI_SERVICES_RULEBOOK_RULEBOOK_H_
