// Spent, reserved and cap (micro-dollars from GET .../budget), live on
// BUDGET_UPDATED; circuit breaker states when the server reports them.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useServices } from '../app/services';
import { BudgetSchema } from '../schemas';
import { ErrorNote } from '../ui/ErrorNote';
import { formatUsd } from '../ui/format';

export function BudgetMeter({ projectId, compact = false }: { projectId: string; compact?: boolean }) {
  const { api, live } = useServices();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['budget', projectId], queryFn: () => api.get('/api/projects/{projectId}/budget', { path: { projectId } }, BudgetSchema) });
  useEffect(
    () =>
      live.watch(projectId, (type) => {
        if (type === 'BUDGET_UPDATED' || type === 'RESYNC') void qc.invalidateQueries({ queryKey: ['budget', projectId] });
      }),
    [live, projectId, qc],
  );
  const b = q.data;
  if (compact) {
    return b ? (
      <span className="budget-compact" aria-label="Budget">
        <meter min={0} max={Math.max(1, b.capMicros)} value={b.spentMicros + b.reservedMicros} aria-label="Budget used" />
        {formatUsd(b.spentMicros)} spent of {formatUsd(b.capMicros)}
      </span>
    ) : null;
  }
  return (
    <section aria-labelledby="budget-h">
      <h2 id="budget-h">Budget</h2>
      <ErrorNote error={q.error} title="Could not load the budget" />
      {b && (
        <>
          <div className="field">
            <label htmlFor="budget-meter">Spent and reserved of the cap</label>
            <meter id="budget-meter" min={0} max={Math.max(1, b.capMicros)} high={b.capMicros * 0.8} value={b.spentMicros + b.reservedMicros} />
          </div>
          <dl className="grid">
            <dt>Spent</dt>
            <dd>{formatUsd(b.spentMicros)}</dd>
            <dt>Reserved</dt>
            <dd>{formatUsd(b.reservedMicros)}</dd>
            <dt>Remaining</dt>
            <dd>{formatUsd(b.remainingMicros)}</dd>
            <dt>Cap</dt>
            <dd>{formatUsd(b.capMicros)}</dd>
          </dl>
          <h3>Providers</h3>
          {b.breakers ? (
            <ul>
              {Object.entries(b.breakers).map(([p, s]) => (
                <li key={p}>
                  {p}: <span className={`breaker breaker-${s}`}>{s.toLowerCase().replace('_', ' ')}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">The server does not report circuit breaker states yet.</p>
          )}
        </>
      )}
    </section>
  );
}
