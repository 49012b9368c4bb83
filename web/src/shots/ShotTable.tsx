// The PRD's central view: every shot with its status, span, lyrics,
// thumbnail, versions and cost, live over the socket (no reload).
import { href } from '../app/router';
import { useLiveStatus } from '../app/services';
import { ErrorNote, Link } from '../ui/ErrorNote';
import { formatMs, formatUsd, statusLabel } from '../ui/format';
import { useShotTable } from './useShotTable';

export interface ShotExtras {
  thumbnailUrl?: (shotId: string, versionId: string) => string | null;
  costMicros?: Record<string, number>;
}

export function ShotTable({ projectId, extras = {} }: { projectId: string; extras?: ShotExtras }) {
  const { state, error, isFetching } = useShotTable(projectId);
  const live = useLiveStatus();
  return (
    <section aria-labelledby="shots-heading">
      <h2 id="shots-heading">Shots</h2>
      <p className="live" role="status" aria-live="polite">
        {live.status === 'connected' ? 'Live' : live.error ?? `Live updates: ${live.status}`}
        {state.stale && isFetching ? ' · catching up…' : ''}
        {state.lastChange ? ` · last change: ${state.lastChange.shotId} (${state.lastChange.cause})` : ''}
      </p>
      <ErrorNote error={error} title="Could not load the shots" />
      {state.phase === 'loading' && !error && <p>Loading shots…</p>}
      {state.phase === 'ready' && state.shots.length === 0 && <p>No shots yet: plan the song on the Timeline tab.</p>}
      {state.shots.length > 0 && (
        <table className="shots">
          <caption className="sr-only">Shots of the project, by start time</caption>
          <thead>
            <tr>
              <th scope="col">Shot</th>
              <th scope="col">Status</th>
              <th scope="col">Start</th>
              <th scope="col">End</th>
              <th scope="col">Lyrics</th>
              <th scope="col">Image</th>
              <th scope="col">Versions</th>
              <th scope="col">Cost</th>
            </tr>
          </thead>
          <tbody>
            {state.shots.map((s) => {
              const latest = s.versions.at(-1);
              const thumb = latest ? extras.thumbnailUrl?.(s.shotId, latest) : null;
              const cost = extras.costMicros?.[s.shotId];
              return (
                <tr key={s.shotId} data-shot={s.shotId} data-status={s.status}>
                  <th scope="row">
                    <Link to={href({ page: 'shot', projectId, shotId: s.shotId })}>{s.shotId}</Link>
                  </th>
                  <td>
                    <span className={`status status-${s.status}`}>{statusLabel(s.status)}</span>
                  </td>
                  <td>{formatMs(s.timestamps.startMs)}</td>
                  <td>{formatMs(s.timestamps.endMs)}</td>
                  <td className="lyrics">{s.lyricsSnippet || '—'}</td>
                  <td>{thumb ? <img src={thumb} alt={`anchor image of ${s.shotId}`} width={64} height={36} /> : '—'}</td>
                  <td>{s.versions.length}</td>
                  <td>{cost !== undefined ? formatUsd(cost) : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
