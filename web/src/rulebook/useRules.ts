// A project's rules (the Rulebook, and the rules learned from a shot), kept
// fresh by the server's RULE_UPDATED event: a rule was learned,
// strengthened, applied, deactivated or reactivated.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useServices } from '../app/services';
import { RuleListSchema, RuleUpdatedPayloadSchema, type RuleView } from '../schemas';

export const rulesKey = (projectId: string) => ['rules', projectId] as const;

export interface RuleList {
  rules: RuleView[];
}

/**
 * The list after a RULE_UPDATED payload, or null when it must be refetched.
 * The payload carries no projectId (the server sends it to the project's
 * room only, but one socket may be in several rooms), so only a rule this
 * list already has is replaced in place; a new rule, or a payload that does
 * not match the contract, means refetch.
 */
export function applyRuleUpdate(list: RuleList | undefined, payload: unknown): RuleList | null {
  const parsed = RuleUpdatedPayloadSchema.safeParse(payload);
  if (!parsed.success || !list) return null;
  const rule = parsed.data;
  if (!list.rules.some((r) => r.ruleId === rule.ruleId)) return null;
  return { rules: list.rules.map((r) => (r.ruleId === rule.ruleId ? rule : r)) };
}

export function useRules(projectId: string) {
  const { api, live } = useServices();
  const qc = useQueryClient();
  useEffect(
    () =>
      live.watch(projectId, (type, payload) => {
        if (type !== 'RULE_UPDATED' && type !== 'RESYNC') return;
        const key = rulesKey(projectId);
        const next = type === 'RULE_UPDATED' ? applyRuleUpdate(qc.getQueryData<RuleList>(key), payload) : null;
        if (next) qc.setQueryData(key, next);
        else void qc.invalidateQueries({ queryKey: key });
      }),
    [live, projectId, qc],
  );
  return useQuery({
    queryKey: rulesKey(projectId),
    queryFn: () => api.get('/api/projects/{projectId}/rules', { path: { projectId } }, RuleListSchema),
  });
}
