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
  int applied = 0;         // versions whose prompt carried it
  int approved_after = 0;  // of those, versions a person approved
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

  Result<void> RecordApplied(std::string_view project_id,
                             const Version& version);
  Result<void> RecordApproved(std::string_view project_id,
                              const Version& version);
  Result<RuleView> SetActive(std::string_view project_id,
                             std::string_view rule_id, bool active,
                             std::string_view reason);
  Result<std::vector<RuleView>> List(std::string_view project_id);

  // Re-indexes every active rule of the project from the store; returns
  // how many were indexed. EnsureIndexed does it only when the index does
  // not hold exactly the active rules (missing or stale index files).
  Result<size_t> Reindex(std::string_view project_id);
  Result<size_t> EnsureIndexed(std::string_view project_id);

 private:
  // The folded rules of a project, shared read-only between calls.
  struct Snapshot {
    int64_t read_at_ms = 0;
    std::vector<RuleView> views;
    std::vector<size_t> active_global;  // indexes into views
    std::unordered_map<std::string, size_t> active_scoped;  // id -> index
  };
  Result<std::shared_ptr<const Snapshot>> Load(std::string_view project_id);
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
};

// Writes matched rules into a prompt spec: positive and audit-check rules
// as prompt sentences, negative ones as negative terms. Returns the ids
// applied, for Version::applied_rule_ids.
std::vector<std::string> ApplyRules(const std::vector<RuleMatch>& rules,
                                    PromptSpec* spec);

}  // namespace miri

#endif  // MIRI_SERVICES_RULEBOOK_RULEBOOK_H_
