#include "services/rulebook/rulebook.h"

#include <algorithm>
#include <map>
#include <set>

#include "domain/audit.h"

namespace miri {

using nlohmann::json;

namespace {

Restricts RestrictsOf(std::string_view project_id, const Rule& rule) {
  Restricts r{{"project", std::string(project_id)},
              {"scope", std::string(RuleScopeName(rule.scope))}};
  if (rule.scope_id) r["scopeId"] = *rule.scope_id;
  return r;
}

Error Refusal(std::vector<Finding> findings, std::string_view what) {
  std::vector<FieldIssue> issues;
  for (const Finding& f : findings) {
    issues.push_back(
        {"rule.text", f.message + " (\"" + f.offending_text + "\")"});
  }
  return Error{ErrorCode::kRefused, std::string(what), std::move(issues)};
}

}  // namespace

json RuleView::ToJson() const {
  json j = rule.ToJson();
  j["active"] = stats.active;
  j["stats"] = {{"applied", stats.applied},
                {"approvedAfter", stats.approved_after},
                {"strengthened", stats.strengthened}};
  return j;
}

Rulebook::Rulebook(Store& store, Embedder& embedder, VectorIndex& index,
                   VisionAnalyzer& analyzer, EventBus* bus, const Clock& clock,
                   IdSource ids, RulebookOptions options)
    : store_(store),
      embedder_(embedder),
      index_(index),
      analyzer_(analyzer),
      bus_(bus),
      clock_(clock),
      ids_(std::move(ids)),
      options_(options) {}

Rulebook::~Rulebook() {
  if (bus_ == nullptr) return;
  std::lock_guard lock(index_mu_);
  for (EventBus::SubscriptionId id : subscriptions_) bus_->Unsubscribe(id);
}

Result<LearnOutcome> Rulebook::LearnFromRejection(std::string_view project_id,
                                                  const Shot& shot,
                                                  const Version& rejected,
                                                  std::string_view reason) {
  RETURN_IF_ERROR(RequireSafeText("reason", reason, TextChannel::kRejectReason,
                                  /*shows_miri=*/true),
                  "learning a rule");
  // A repeat of this rejection (the same image, the same reason: a client
  // retrying after a lost answer) learned its rule already. The store, not
  // the cache, says so; the rule is indexed again (the first attempt may
  // have stopped before) and never learned or strengthened twice.
  ASSIGN_OR_RETURN(std::vector<Rule> stored, store_.ListRules(project_id),
                   "learning a rule");
  for (const Rule& r : stored) {
    if (r.source_version_id == rejected.version_id && r.reason == reason) {
      ASSIGN_OR_RETURN(std::vector<Embedding> again,
                       embedder_.Embed({r.text}, EmbedPurpose::kDocument),
                       "learning a rule");
      RETURN_IF_ERROR(
          index_.Upsert({{r.rule_id, again[0], RestrictsOf(project_id, r)}}),
          "indexing a rule");
      Held(project_id, r.rule_id, true);
      Invalidate(project_id);
      return LearnOutcome{r, false, "learned from this rejection before"};
    }
  }
  ASSIGN_OR_RETURN(std::vector<RuleEvent> history,
                   store_.ListRuleEvents(project_id), "learning a rule");
  for (const RuleEvent& e : history) {
    if (e.kind == RuleEventKind::kStrengthened &&
        e.version_id == rejected.version_id && e.reason == reason) {
      for (const Rule& r : stored) {
        if (r.rule_id == e.rule_id) {
          return LearnOutcome{r, true, "strengthened by this rejection before"};
        }
      }
    }
  }
  RejectionInput input{rejected.outputs.empty() ? "" : rejected.outputs.front(),
                       rejected.prompt, std::string(reason)};
  ASSIGN_OR_RETURN(RuleProposal proposal, analyzer_.RuleFromRejection(input),
                   "learning a rule");
  if (std::vector<Finding> f = AuditRuleText(proposal.text, proposal.kind);
      !f.empty()) {
    // A complaint ("there are two kids in the background") may be analysed
    // into a rule that names what it complains about, and so would prompt
    // it. The rule the complaint asks for is learned instead; anything
    // else is refused.
    RuleProposal restated{RestateComplaints(reason), RuleKind::kPositive,
                          RuleScope::kCharacter,
                          "the analysed rule (\"" + proposal.text +
                              "\") would name what the rejection complains "
                              "about; learned as the rule the complaint asks "
                              "for"};
    const bool complaint = !ScreenText(reason, TextChannel::kRejectReason, true)
                                .complaints.empty();
    if (!complaint || restated.text.empty() ||
        !AuditRuleText(restated.text, restated.kind).empty()) {
      return tl::unexpected(
          Refusal(std::move(f),
                  "refused: the proposed rule would undo Miri's "
                  "depiction rules"));
    }
    proposal = std::move(restated);
  }
  ASSIGN_OR_RETURN(std::vector<Embedding> vectors,
                   embedder_.Embed({proposal.text}, EmbedPurpose::kDocument),
                   "learning a rule");

  // A near-duplicate of an active rule of the same kind strengthens it.
  ASSIGN_OR_RETURN(
      std::vector<VectorHit> near,
      index_.Query(vectors[0], 3, {{"project", std::string(project_id)}}),
      "learning a rule");
  ASSIGN_OR_RETURN(std::vector<RuleView> views, Views(project_id),
                   "learning a rule");
  for (const VectorHit& hit : near) {
    if (hit.score < options_.duplicate_threshold) break;
    for (const RuleView& v : views) {
      if (v.rule.rule_id == hit.id && v.stats.active &&
          v.rule.kind == proposal.kind) {
        RETURN_IF_ERROR(AppendEvent(project_id, v.rule.rule_id,
                                    RuleEventKind::kStrengthened,
                                    rejected.version_id, std::string(reason)),
                        "strengthening a rule");
        std::vector<RuleView> updated{v};
        ++updated[0].stats.strengthened;
        // The counts for the dashboard; the rule is strengthened anyway.
        (void)CountUses(project_id, updated);
        Publish(project_id, updated[0]);
        return LearnOutcome{v.rule, true, proposal.explanation};
      }
    }
  }

  Rule rule;
  rule.rule_id = ids_();
  rule.text = proposal.text;
  rule.kind = proposal.kind;
  rule.scope = proposal.scope;
  if (rule.scope == RuleScope::kScene) rule.scope_id = shot.scene_id;
  rule.source_version_id = rejected.version_id;
  rule.reason = std::string(reason);
  if (!rejected.outputs.empty()) rule.image_blob = rejected.outputs.front();
  rule.created_at = clock_.NowIso();
  RETURN_IF_ERROR(store_.AppendRule(project_id, rule), "learning a rule");
  Invalidate(project_id);
  RETURN_IF_ERROR(index_.Upsert({{rule.rule_id, vectors[0],
                                  RestrictsOf(project_id, rule)}}),
                  "indexing a rule");
  Held(project_id, rule.rule_id, true);
  Publish(project_id, RuleView{rule, {}});
  return LearnOutcome{rule, false, proposal.explanation};
}

Result<std::vector<RuleMatch>> Rulebook::RulesFor(std::string_view project_id,
                                                  const Shot& shot) {
  ASSIGN_OR_RETURN(std::shared_ptr<const Snapshot> snap, Load(project_id),
                   "rules");
  std::vector<RuleMatch> out;
  // Any child in the shot is Miri: her character rules apply.
  const bool shows_miri = EffectiveShowsMiri(shot);
  for (size_t i : snap->active_global)
    out.push_back({snap->views[i].rule, 1.0f});
  // Rules learned from this shot's own rejections always apply to it.
  std::set<std::string> own;
  for (const auto& [id, i] : snap->active_scoped) {
    const Rule& r = snap->views[i].rule;
    const bool fits = r.scope == RuleScope::kCharacter
                          ? shows_miri
                          : r.scope_id == shot.scene_id;
    if (fits && r.source_version_id &&
        std::find(shot.versions.begin(), shot.versions.end(),
                  *r.source_version_id) != shot.versions.end()) {
      out.push_back({r, 1.0f});
      own.insert(id);
    }
  }
  if (snap->active_scoped.size() == own.size()) return out;
  // One index query per scope the shot admits; the index filters.
  const std::string project(project_id);
  std::vector<Restricts> filters;
  if (shows_miri)
    filters.push_back({{"project", project}, {"scope", "CHARACTER"}});
  filters.push_back(
      {{"project", project}, {"scope", "SCENE"}, {"scopeId", shot.scene_id}});
  ASSIGN_OR_RETURN(
      std::vector<Embedding> q,
      embedder_.Embed({shot.description + ". " + shot.lyrics_snippet},
                      EmbedPurpose::kQuery),
      "rules");
  std::vector<VectorHit> hits;
  for (const Restricts& f : filters) {
    ASSIGN_OR_RETURN(std::vector<VectorHit> h,
                     index_.Query(q[0], options_.top_k, f), "rules");
    hits.insert(hits.end(), h.begin(), h.end());
  }
  std::sort(
      hits.begin(), hits.end(),
      [](const VectorHit& a, const VectorHit& b) { return a.score > b.score; });
  size_t taken = 0;
  for (const VectorHit& hit : hits) {
    if (taken == options_.top_k || hit.score < options_.min_score) break;
    auto it = snap->active_scoped.find(hit.id);
    if (it == snap->active_scoped.end()) continue;  // index ahead of the views
    if (own.count(hit.id)) continue;
    out.push_back({snap->views[it->second].rule, hit.score});
    ++taken;
  }
  return out;
}

Result<std::vector<RuleMatch>> Rulebook::Search(std::string_view project_id,
                                                std::string_view query,
                                                size_t k) {
  ASSIGN_OR_RETURN(std::vector<RuleView> views, Views(project_id), "search");
  ASSIGN_OR_RETURN(std::vector<Embedding> q,
                   embedder_.Embed({std::string(query)}, EmbedPurpose::kQuery),
                   "search");
  ASSIGN_OR_RETURN(
      std::vector<VectorHit> hits,
      index_.Query(q[0], k, {{"project", std::string(project_id)}}), "search");
  std::vector<RuleMatch> out;
  for (const VectorHit& hit : hits) {
    for (const RuleView& v : views) {
      if (v.rule.rule_id == hit.id && v.stats.active) {
        out.push_back({v.rule, hit.score});
      }
    }
  }
  return out;
}

Result<RuleView> Rulebook::SetActive(std::string_view project_id,
                                     std::string_view rule_id, bool active,
                                     std::string_view reason) {
  ASSIGN_OR_RETURN(std::vector<RuleView> views, Views(project_id), "rule");
  auto it = std::find_if(views.begin(), views.end(), [&](const RuleView& v) {
    return v.rule.rule_id == rule_id;
  });
  if (it == views.end()) {
    return MakeError(
        ErrorCode::kNotFound, "rule " + std::string(rule_id) + " not found",
        {{"ruleId", "no rule " + std::string(rule_id) + " in this project"}});
  }
  std::vector<RuleView> one{*it};
  RETURN_IF_ERROR(CountUses(project_id, one), "rule");
  it->stats = one[0].stats;
  if (it->stats.active == active) return *it;  // already so: nothing to write
  RETURN_IF_ERROR(AppendEvent(project_id, rule_id,
                              active ? RuleEventKind::kReactivated
                                     : RuleEventKind::kDeactivated,
                              std::nullopt, std::string(reason)),
                  "changing a rule");
  if (active) {
    RETURN_IF_ERROR(Index(project_id, {it->rule}), "indexing a rule");
  } else {
    RETURN_IF_ERROR(index_.Remove({std::string(rule_id)}), "unindexing a rule");
  }
  Held(project_id, it->rule.rule_id, active);
  it->stats.active = active;
  Publish(project_id, *it);
  return *it;
}

Result<std::vector<RuleView>> Rulebook::List(std::string_view project_id) {
  ASSIGN_OR_RETURN(std::vector<RuleView> views, Views(project_id), "rules");
  RETURN_IF_ERROR(CountUses(project_id, views), "rules");
  return views;
}

Result<size_t> Rulebook::Reindex(std::string_view project_id) {
  ASSIGN_OR_RETURN(std::vector<RuleView> views, Views(project_id), "reindex");
  std::vector<Rule> active;
  std::vector<std::string> inactive;
  for (const RuleView& v : views) {
    if (v.stats.active) {
      active.push_back(v.rule);
    } else {
      inactive.push_back(v.rule.rule_id);
    }
  }
  RETURN_IF_ERROR(Index(project_id, active), "reindex");
  RETURN_IF_ERROR(index_.Remove(inactive), "reindex");
  for (const Rule& r : active) Held(project_id, r.rule_id, true);
  for (const std::string& id : inactive) Held(project_id, id, false);
  return active.size();
}

Result<size_t> Rulebook::EnsureIndexed(std::string_view project_id) {
  Invalidate(project_id);
  size_t indexed = 0;
  RETURN_IF_ERROR(Load(project_id, &indexed), "index");
  return indexed;
}

Result<size_t> Rulebook::EnsureIndexedAll() {
  ASSIGN_OR_RETURN(std::vector<ProjectConfig> projects, store_.ListProjects(),
                   "indexing the rules");
  size_t indexed = 0;
  for (const ProjectConfig& p : projects) {
    ASSIGN_OR_RETURN(size_t n, EnsureIndexed(p.project_id),
                     "indexing the rules of project " + p.project_id);
    indexed += n;
  }
  return indexed;
}

Result<size_t> Rulebook::Sync(std::string_view project_id,
                              const Snapshot& snap) {
  std::lock_guard lock(index_mu_);
  auto held = held_.find(project_id);
  const bool first = held == held_.end();
  std::vector<Rule> missing;
  std::vector<std::string> gone;
  for (const RuleView& v : snap.views) {
    const std::string& id = v.rule.rule_id;
    if (!v.stats.active) {
      // Only what this read says is inactive leaves the index: a rule it
      // does not know yet (learned since the read) stays.
      if (first || held->second.count(id)) gone.push_back(id);
      continue;
    }
    if (!first) {
      if (!held->second.count(id)) missing.push_back(v.rule);
      continue;
    }
    // First read of the project on this instance: the index (persisted,
    // or new and empty) is asked whether it holds the rule exactly.
    ASSIGN_OR_RETURN(std::vector<Embedding> e,
                     embedder_.Embed({v.rule.text}, EmbedPurpose::kDocument),
                     "index");
    ASSIGN_OR_RETURN(
        std::vector<VectorHit> hits,
        index_.Query(e[0], 1,
                     {{"project", std::string(project_id)},
                      {"scope", std::string(RuleScopeName(v.rule.scope))}}),
        "index");
    if (hits.empty() || hits[0].id != id || hits[0].score < 0.999f) {
      missing.push_back(v.rule);
    }
  }
  RETURN_IF_ERROR(Index(project_id, missing), "index");
  if (!gone.empty()) {
    RETURN_IF_ERROR(index_.Remove(gone), "index");
  }
  if (first) {
    held =
        held_.emplace(std::string(project_id), std::set<std::string>{}).first;
    if (bus_ != nullptr) {
      // Another instance's rule changes: the next read goes to the store.
      subscriptions_.push_back(bus_->Subscribe(
          project_id, [this, p = std::string(project_id)](const BusMessage& m) {
            if (m.type == kRuleUpdated) Invalidate(p);
          }));
    }
  }
  for (const RuleView& v : snap.views) {
    if (v.stats.active) held->second.insert(v.rule.rule_id);
  }
  for (const std::string& id : gone) held->second.erase(id);
  return missing.size();
}

void Rulebook::Held(std::string_view project_id, const std::string& rule_id,
                    bool held) {
  std::lock_guard lock(index_mu_);
  auto it = held_.find(project_id);
  if (it == held_.end()) return;  // not read yet: the first read checks all
  if (held) {
    it->second.insert(rule_id);
  } else {
    it->second.erase(rule_id);
  }
}

Result<void> Rulebook::CountUses(std::string_view project_id,
                                 std::vector<RuleView>& views) {
  std::map<std::string, RuleStats*, std::less<>> by_id;
  for (RuleView& v : views) {
    v.stats.applied = 0;
    v.stats.approved_after = 0;
    by_id[v.rule.rule_id] = &v.stats;
  }
  if (views.empty()) return {};
  ASSIGN_OR_RETURN(std::vector<Shot> shots, store_.ListShots(project_id),
                   "counting rule uses");
  for (const Shot& shot : shots) {
    ASSIGN_OR_RETURN(std::vector<Version> versions,
                     store_.ListVersions(project_id, shot.shot_id),
                     "counting rule uses");
    std::set<std::string> approved;  // images a clip was made from
    for (const Version& v : versions) {
      if (v.kind == VersionKind::kVideo && v.parent_version_id) {
        approved.insert(*v.parent_version_id);
      }
    }
    for (const Version& v : versions) {
      const std::set<std::string> ids(v.applied_rule_ids.begin(),
                                      v.applied_rule_ids.end());
      for (const std::string& id : ids) {
        auto it = by_id.find(id);
        if (it == by_id.end()) continue;
        ++it->second->applied;
        if (approved.count(v.version_id)) ++it->second->approved_after;
      }
    }
  }
  return {};
}

Result<std::shared_ptr<const Rulebook::Snapshot>> Rulebook::Load(
    std::string_view project_id, size_t* indexed) {
  const int64_t now = clock_.NowMs();
  {
    std::lock_guard lock(cache_mu_);
    auto it = cache_.find(project_id);
    if (it != cache_.end() &&
        now - it->second->read_at_ms < options_.cache_ttl_ms) {
      return it->second;
    }
  }
  ASSIGN_OR_RETURN(std::vector<RuleView> views, ReadViews(project_id), "rules");
  auto snap = std::make_shared<Snapshot>();
  snap->read_at_ms = now;
  snap->views = std::move(views);
  for (size_t i = 0; i < snap->views.size(); ++i) {
    const RuleView& v = snap->views[i];
    if (!v.stats.active) continue;
    if (v.rule.scope == RuleScope::kGlobal) {
      snap->active_global.push_back(i);
    } else {
      snap->active_scoped[v.rule.rule_id] = i;
    }
  }
  // Not cached unless the index is in line with it: the next read retries.
  ASSIGN_OR_RETURN(size_t n, Sync(project_id, *snap), "indexing the rules");
  if (indexed != nullptr) *indexed = n;
  std::lock_guard lock(cache_mu_);
  cache_[std::string(project_id)] = snap;
  return std::shared_ptr<const Snapshot>(snap);
}

Result<std::vector<RuleView>> Rulebook::Views(std::string_view project_id) {
  ASSIGN_OR_RETURN(std::shared_ptr<const Snapshot> snap, Load(project_id),
                   "rules");
  return snap->views;
}

void Rulebook::Invalidate(std::string_view project_id) {
  std::lock_guard lock(cache_mu_);
  auto it = cache_.find(project_id);
  if (it != cache_.end()) cache_.erase(it);
}

Result<std::vector<RuleView>> Rulebook::ReadViews(std::string_view project_id) {
  ASSIGN_OR_RETURN(std::vector<Rule> rules, store_.ListRules(project_id),
                   "rules");
  ASSIGN_OR_RETURN(std::vector<RuleEvent> events,
                   store_.ListRuleEvents(project_id), "rules");
  std::map<std::string, RuleView> by_id;
  std::vector<std::string> order;
  for (const Rule& r : rules) {
    by_id[r.rule_id] = RuleView{r, RuleStats{r.active, 0, 0, 0}};
    order.push_back(r.rule_id);
  }
  for (const RuleEvent& e : events) {
    auto it = by_id.find(e.rule_id);
    if (it == by_id.end()) continue;
    RuleStats& s = it->second.stats;
    switch (e.kind) {
      case RuleEventKind::kApplied:
      case RuleEventKind::kApproved:
        break;  // counted from the versions (CountUses)
      case RuleEventKind::kStrengthened:
        ++s.strengthened;
        break;
      case RuleEventKind::kDeactivated:
        s.active = false;
        break;
      case RuleEventKind::kReactivated:
        s.active = true;
        break;
    }
  }
  std::vector<RuleView> out;
  for (const std::string& id : order) out.push_back(by_id[id]);
  return out;
}

Result<void> Rulebook::Index(std::string_view project_id,
                             const std::vector<Rule>& rules) {
  if (rules.empty()) return {};
  std::vector<std::string> texts;
  for (const Rule& r : rules) texts.push_back(r.text);
  ASSIGN_OR_RETURN(std::vector<Embedding> vectors,
                   embedder_.Embed(texts, EmbedPurpose::kDocument), "index");
  std::vector<VectorRecord> records;
  for (size_t i = 0; i < rules.size(); ++i) {
    records.push_back({rules[i].rule_id, std::move(vectors[i]),
                       RestrictsOf(project_id, rules[i])});
  }
  return index_.Upsert(records);
}

Result<void> Rulebook::AppendEvent(std::string_view project_id,
                                   std::string_view rule_id, RuleEventKind kind,
                                   std::optional<std::string> version_id,
                                   std::optional<std::string> reason) {
  RuleEvent e{ids_(),
              std::string(rule_id),
              kind,
              std::move(version_id),
              std::move(reason),
              clock_.NowIso()};
  Result<void> r = store_.AppendRuleEvent(project_id, e);
  Invalidate(project_id);
  return r;
}

void Rulebook::Publish(std::string_view project_id, const RuleView& view) {
  if (bus_ == nullptr) return;
  // The bus is a doorbell: a lost message costs the dashboard a refetch.
  (void)bus_->Publish({std::string(project_id), std::string(kRuleUpdated),
                       view.ToJson().dump()});
}

std::vector<std::string> ApplyRules(const std::vector<RuleMatch>& rules,
                                    PromptSpec* spec) {
  std::vector<std::string> applied;
  for (const RuleMatch& m : rules) {
    if (m.rule.kind == RuleKind::kNegative) {
      spec->negative_terms.push_back(m.rule.text);
    } else {
      spec->rules.push_back(m.rule.text);
    }
    applied.push_back(m.rule.rule_id);
  }
  return applied;
}

}  // namespace miri
