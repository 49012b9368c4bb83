// The Active Rulebook: rules learned from rejections, with provenance
// (the rejected version, its reason, its image) and deactivation.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { newKey } from '../api/client';
import { useApi } from '../app/services';
import { RuleViewSchema } from '../schemas';
import { blobUrl } from '../shots/ShotDetail';
import { ErrorNote } from '../ui/ErrorNote';
import { rulesKey, useRules } from './useRules';

export function Rulebook({ projectId }: { projectId: string }) {
  const api = useApi();
  const qc = useQueryClient();
  const rules = useRules(projectId); // live: RULE_UPDATED
  const deactivate = useMutation({
    mutationFn: (ruleId: string) => api.send('POST', '/api/projects/{projectId}/rules/{ruleId}/deactivate', { path: { projectId, ruleId } }, RuleViewSchema, newKey()),
    onSuccess: () => void qc.invalidateQueries({ queryKey: rulesKey(projectId) }),
  });
  return (
    <section aria-labelledby="rules-h">
      <h2 id="rules-h">Rulebook</h2>
      <ErrorNote error={rules.error} title="Could not load the rules" />
      {rules.data && rules.data.rules.length === 0 && <p className="muted">No rules yet: rejecting an image with a reason teaches one.</p>}
      {rules.data && rules.data.rules.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Kind</th>
              <th scope="col">Scope</th>
              <th scope="col">Learned from</th>
              <th scope="col">Applied</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {rules.data.rules.map((r) => (
              <tr key={r.ruleId} data-rule={r.ruleId}>
                <th scope="row">{r.text}</th>
                <td>{r.kind.toLowerCase().replace('_', ' ')}</td>
                <td>
                  {r.scope.toLowerCase()}
                  {r.scopeId ? ` ${r.scopeId}` : ''}
                </td>
                <td>
                  {r.reason ? <q>{r.reason}</q> : '—'}
                  {r.sourceVersionId && <span className="muted"> (version {r.sourceVersionId})</span>}
                  {r.imageBlob && <img src={blobUrl(projectId, r.imageBlob)} alt={`rejected image behind rule ${r.ruleId}`} width={64} />}
                </td>
                <td>
                  {r.stats.applied} time{r.stats.applied === 1 ? '' : 's'}
                  {r.stats.approvedAfter > 0 ? `, ${r.stats.approvedAfter} approved after` : ''}
                </td>
                <td>
                  {r.active ? 'active' : 'inactive'}{' '}
                  {r.active && (
                    <button type="button" onClick={() => deactivate.mutate(r.ruleId)} disabled={deactivate.isPending} aria-label={`Deactivate the rule “${r.text}”`}>
                      Deactivate
                    </button>
                  )}
                  {deactivate.error && deactivate.variables === r.ruleId && <ErrorNote error={deactivate.error} title="Could not deactivate" />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
