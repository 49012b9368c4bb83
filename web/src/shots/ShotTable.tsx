// The PRD's central view: every shot with its status, span, lyrics,
// thumbnail and versions, live over the socket (no reload). From here a
// person generates the anchor images of every draft shot and approves an
// image without opening the shot; each failure is shown on its row.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { newKey } from '../api/client';
import { mediaUrl } from '../api/routes';
import { href } from '../app/router';
import { useApi, useLiveStatus } from '../app/services';
import { CommandOutcomeSchema, type Shot, type ShotStatus } from '../schemas';
import { ErrorNote, Link } from '../ui/ErrorNote';
import { formatMs, statusLabel } from '../ui/format';
import { useShotTable } from './useShotTable';

/** States in which the shot's newest anchor image exists on the server. */
export const HAS_IMAGE: readonly ShotStatus[] = ['AWAITING_APPROVAL', 'REFINING', 'GENERATING_VIDEO', 'COMPLETED'];

/** The shot's newest anchor image; `v` (ignored by the server) changes the URL with each new version. */
export const shotImageUrl = (projectId: string, shot: Pick<Shot, 'shotId' | 'versions'>) =>
  `${mediaUrl('/api/projects/{projectId}/shots/{shotId}/image', { path: { projectId, shotId: shot.shotId } })}?v=${encodeURIComponent(shot.versions.at(-1) ?? '')}`;

function Thumbnail({ projectId, shot }: { projectId: string; shot: Shot }) {
  const [failed, setFailed] = useState<string | null>(null);
  const url = shotImageUrl(projectId, shot);
  if (!HAS_IMAGE.includes(shot.status) || failed === url) return <span className="thumb empty">—</span>;
  return <img className="thumb" src={url} alt={`anchor image of ${shot.shotId}`} width={96} height={54} onError={() => setFailed(url)} />;
}

function ApproveButton({ projectId, shotId }: { projectId: string; shotId: string }) {
  const api = useApi();
  const approve = useMutation({
    mutationFn: () =>
      api.send('POST', '/api/projects/{projectId}/shots/{shotId}/approve', { path: { projectId, shotId } }, CommandOutcomeSchema, newKey()),
  });
  return (
    <>
      <button type="button" onClick={() => approve.mutate()} disabled={approve.isPending || approve.isSuccess} aria-label={`Approve the image of ${shotId}`}>
        Approve
      </button>
      <ErrorNote error={approve.error} title={`Approving ${shotId} failed`} />
    </>
  );
}

/** Generates the anchor image of every shot still in DRAFT, one request after another. */
function GenerateAll({ projectId, drafts }: { projectId: string; drafts: string[] }) {
  const api = useApi();
  const qc = useQueryClient();
  const [failures, setFailures] = useState<Array<{ shotId: string; error: unknown }>>([]);
  const run = useMutation({
    mutationFn: async (ids: string[]) => {
      const failed: Array<{ shotId: string; error: unknown }> = [];
      for (const shotId of ids) {
        try {
          await api.send('POST', '/api/shots/generate', { body: { projectId, shotId } }, CommandOutcomeSchema, newKey());
        } catch (error) {
          failed.push({ shotId, error });
        }
      }
      setFailures(failed);
      return ids.length - failed.length;
    },
    onSettled: () => void qc.invalidateQueries({ queryKey: ['budget', projectId] }),
  });
  if (drafts.length === 0 && failures.length === 0) return null;
  return (
    <div className="toolbar">
      {drafts.length > 0 && (
        <button type="button" className="primary" disabled={run.isPending} onClick={() => run.mutate(drafts)}>
          {run.isPending ? 'Generating…' : `Generate images for ${drafts.length} draft shot${drafts.length === 1 ? '' : 's'}`}
        </button>
      )}
      {failures.map((f) => (
        <ErrorNote key={f.shotId} error={f.error} title={`Generating ${f.shotId} failed`} />
      ))}
    </div>
  );
}

export function ShotTable({ projectId }: { projectId: string }) {
  const { state, error, isFetching } = useShotTable(projectId);
  const live = useLiveStatus();
  const drafts = state.shots.filter((s) => s.status === 'DRAFT').map((s) => s.shotId);
  const done = state.shots.filter((s) => s.status === 'COMPLETED').length;
  return (
    <section aria-labelledby="shots-heading">
      <div className="row">
        <h2 id="shots-heading">Shots</h2>
        {state.shots.length > 0 && (
          <span className="muted">
            {done} of {state.shots.length} completed
          </span>
        )}
      </div>
      <p className="live" role="status" aria-live="polite">
        <span className={`dot ${live.status === 'connected' ? 'on' : ''}`} aria-hidden="true" />
        {live.status === 'connected' ? 'Live' : (live.error ?? `Live updates: ${live.status}`)}
        {state.stale && isFetching ? ' · catching up…' : ''}
        {state.lastChange ? ` · last change: ${state.lastChange.shotId} (${state.lastChange.cause})` : ''}
      </p>
      <ErrorNote error={error} title="Could not load the shots" />
      {state.phase === 'loading' && !error && <p>Loading shots…</p>}
      {state.phase === 'ready' && state.shots.length === 0 && <p>No shots yet: plan the song on the Timeline tab.</p>}
      <GenerateAll projectId={projectId} drafts={drafts} />
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
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {state.shots.map((s) => (
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
                <td>
                  <Thumbnail projectId={projectId} shot={s} />
                </td>
                <td>{s.versions.length}</td>
                <td>{s.status === 'AWAITING_APPROVAL' ? <ApproveButton key={s.versions.at(-1)} projectId={projectId} shotId={s.shotId} /> : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
