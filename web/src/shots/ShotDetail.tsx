// One shot: its images and clip, the image check of each image (only an
// image that passed is shown), the rules learned from it, version history
// (prompts, applied rules, audit findings, why a version was made again),
// and the person's commands: generate, approve, reject with a reason,
// refine by chat (with an optional brush mask), the motion brush, and
// retry when the shot failed. Status is live (the shot table's cache);
// each command's failure is shown beside its control.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { newKey } from '../api/client';
import { mediaUrl } from '../api/routes';
import { href } from '../app/router';
import { useApi } from '../app/services';
import { rulesKey, useRules } from '../rulebook/useRules';
import { CommandOutcomeSchema, ShotSchema, VersionListSchema, type CommandOutcome, type RuleView, type Version } from '../schemas';
import { ErrorNote, Link } from '../ui/ErrorNote';
import { formatMs, statusLabel } from '../ui/format';
import { FailedShot } from './FailedShot';
import { auditFindings, checkBadge, mayShow, regeneratedWhy, type CheckState } from './imageCheck';
import { ImageCheckPanel } from './ImageCheckPanel';
import { MaskBrush } from './MaskBrush';
import { MotionBrushEditor } from './MotionBrushEditor';
import { brushUsed } from './motionBrush';
import { routeNote } from './route';
import { chatLog, shotMedia } from './shotMedia';
import { imageChecksKey, useImageChecks } from './useImageChecks';
import { useShotTable } from './useShotTable';

export function blobUrl(projectId: string, key: string): string {
  return mediaUrl('/api/projects/{projectId}/blob', { path: { projectId }, query: { key } });
}

function Outcome({ outcome }: { outcome?: CommandOutcome }) {
  if (!outcome) return null;
  return (
    <p role="status" className="muted">
      {outcome.duplicate ? 'Already done. ' : ''}
      {outcome.status ? `Now ${statusLabel(outcome.status)}. ` : ''}
      {outcome.note}
    </p>
  );
}

export function ShotDetail({ projectId, shotId }: { projectId: string; shotId: string }) {
  const api = useApi();
  const qc = useQueryClient();
  const uid = useId();
  const path = { projectId, shotId };
  const table = useShotTable(projectId);
  const shotQ = useQuery({ queryKey: ['shot', projectId, shotId], queryFn: () => api.get('/api/projects/{projectId}/shots/{shotId}', { path }, ShotSchema) });
  const live = table.state.shots.find((s) => s.shotId === shotId);
  const shot = live ?? shotQ.data;
  const versionCount = shot?.versions.length ?? 0;
  const versionsQ = useQuery({
    queryKey: ['versions', projectId, shotId, versionCount],
    queryFn: () => api.get('/api/projects/{projectId}/shots/{shotId}/versions', { path }, VersionListSchema),
  });
  const versions = versionsQ.data?.versions ?? [];
  const status = shot?.status;
  // Image versions whose picture failed to load, with the moment (status and
  // version count) it failed: a failure counts only until the shot moves on,
  // since a picture asked for before it was painted (the command's reply can
  // beat its event) exists once the shot is ready.
  const moment = `${status}|${versionCount}`;
  const [failedLoads, setFailedLoads] = useState<ReadonlyMap<string, string>>(new Map());
  const missing = new Set([...failedLoads].filter(([, when]) => when === moment).map(([id]) => id));
  // Every image is checked before a person sees it: the others stay hidden.
  const checks = useImageChecks(projectId, shotId, versions);
  const unchecked = [...checks].filter(([, c]) => !mayShow(c)).map(([id]) => id);
  const media = shotMedia(versions, status, new Set([...missing, ...unchecked]));
  const newestImage = versions.filter((v) => v.kind === 'IMAGE').at(-1);
  const newestCheck = newestImage && checks.get(newestImage.versionId);
  const latestImage = media.image;
  const latestVideo = media.video;
  const rulesQ = useRules(projectId);
  const rules = rulesQ.data?.rules ?? [];
  const ownVersions = new Set(versions.map((v) => v.versionId));
  const learned = rules.filter((r) => r.sourceVersionId !== undefined && ownVersions.has(r.sourceVersionId));

  const [override, setOverride] = useState('');
  const [reason, setReason] = useState('');
  const [instruction, setInstruction] = useState('');
  const [mask, setMask] = useState<Blob | null>(null);

  const after = () => {
    void qc.invalidateQueries({ queryKey: ['shot', projectId, shotId] });
    void qc.invalidateQueries({ queryKey: ['versions', projectId, shotId] });
    void qc.invalidateQueries({ queryKey: rulesKey(projectId) });
    void qc.invalidateQueries({ queryKey: ['budget', projectId] });
    void qc.invalidateQueries({ queryKey: imageChecksKey(projectId, shotId), predicate: (q) => q.state.data === null });
  };
  const generate = useMutation({
    mutationFn: () =>
      api.send(
        'POST',
        '/api/shots/generate',
        { body: { projectId, shotId, ...(override.trim() ? { promptOverride: override.trim() } : {}) } },
        CommandOutcomeSchema,
        newKey(),
      ),
    onSuccess: after,
  });
  const approve = useMutation({
    mutationFn: () => api.send('POST', '/api/projects/{projectId}/shots/{shotId}/approve', { path }, CommandOutcomeSchema, newKey()),
    onSuccess: after,
  });
  const reject = useMutation({
    mutationFn: () =>
      api.send('POST', '/api/projects/{projectId}/shots/{shotId}/reject', { path, body: { reason: reason.trim() } }, CommandOutcomeSchema, newKey()),
    onSuccess: () => {
      setReason('');
      after();
    },
  });
  const refine = useMutation({
    mutationFn: async (text: string) => {
      let maskBlobKey: string | undefined;
      if (mask) maskBlobKey = (await api.upload('/api/projects/{projectId}/shots/{shotId}/mask', { path }, mask, 'image/png')).blobKey;
      return api.send(
        'POST',
        '/api/projects/{projectId}/shots/{shotId}/refine',
        { path, body: { instruction: text, ...(maskBlobKey ? { maskBlobKey } : {}) } },
        CommandOutcomeSchema,
        newKey(),
      );
    },
    onSuccess: () => {
      setInstruction('');
      after();
    },
  });
  const chat = chatLog(versions, status);

  const id = (x: string) => `${uid}-${x}`;
  const onReject = (e: FormEvent) => {
    e.preventDefault();
    reject.mutate();
  };
  const onRefine = (e: FormEvent) => {
    e.preventDefault();
    if (instruction.trim()) refine.mutate(instruction.trim());
  };

  return (
    <article className="shot-detail" aria-labelledby={id('h')}>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/">Projects</Link> / <Link to={href({ page: 'project', projectId, tab: 'shots' })}>Shots</Link> / <span>{shotId}</span>
      </nav>
      <h1 id={id('h')}>
        Shot {shotId}{' '}
        {status && (
          <span className={`status status-${status}`} data-testid="shot-status">
            {statusLabel(status)}
          </span>
        )}
      </h1>
      <ErrorNote error={shotQ.error} title="Could not load the shot" />
      {shot && (
        <p>
          {formatMs(shot.timestamps.startMs)}–{formatMs(shot.timestamps.endMs)} · {shot.showsMiri ? 'Miri is in this shot' : 'no Miri'} ·{' '}
          {shot.versions.length} versions
          {shot.lyricsSnippet && (
            <>
              {' · '}
              <q className="lyrics">{shot.lyricsSnippet}</q>
            </>
          )}
        </p>
      )}
      {shot?.description && <p>{shot.description}</p>}
      {shot?.endState && (
        <p>
          <strong>Ends:</strong> {shot.endState}
        </p>
      )}

      <div className="shot-layout">
        <div className="media">
          {media.startFrame && (
            <figure>
              <img
                src={blobUrl(projectId, media.startFrame.outputs[0]!)}
                alt={`start frame of ${shotId}, version ${media.startFrame.versionId}`}
              />
              <figcaption>Start frame · version {media.startFrame.versionId}</figcaption>
            </figure>
          )}
          <figure>
            {latestImage ? (
              <img
                key={latestImage.versionId}
                onError={() => setFailedLoads((m) => new Map([...m, [latestImage.versionId, moment]]))}
                src={blobUrl(projectId, latestImage.outputs[0]!)}
                alt={`anchor image of ${shotId}, version ${latestImage.versionId}`}
              />
            ) : (
              <div className="placeholder">{placeholder(media.imagePending, newestCheck)}</div>
            )}
            <figcaption>
              {media.startFrame ? 'End frame' : 'Anchor image'}
              {latestImage ? ` · version ${latestImage.versionId}` : ''}
              {media.imagePending && latestImage ? ' · a new version is being painted…' : ''}
            </figcaption>
          </figure>
          {latestImage && <ImageCheckPanel versionId={latestImage.versionId} state={checks.get(latestImage.versionId)} />}
          {latestVideo && (
            <figure>
              <video controls src={blobUrl(projectId, latestVideo.outputs[0]!)} aria-label={`clip of ${shotId}`} />
              <figcaption>Clip · version {latestVideo.versionId}</figcaption>
            </figure>
          )}
          {media.videoPending && (
            <figure>
              <div className="placeholder">animating the clip…</div>
              <figcaption>Clip</figcaption>
            </figure>
          )}
        </div>

        <section className="actions" aria-label="Commands">
          {(status === 'DRAFT' || status === undefined) && (
            <div className="panel">
              <div className="field">
                <label htmlFor={id('override')}>Prompt subject (optional, replaces the description)</label>
                <textarea id={id('override')} rows={2} maxLength={2000} value={override} onChange={(e) => setOverride(e.target.value)} />
              </div>
              <button type="button" className="primary" onClick={() => generate.mutate()} disabled={generate.isPending}>
                Generate anchor image
              </button>
              <ErrorNote error={generate.error} title="Generate failed" />
              <Outcome outcome={generate.data} />
            </div>
          )}
          {status === 'AWAITING_APPROVAL' && (
            <>
              <div className="panel">
                <p className="muted">Approve the image to animate it into the shot's clip.</p>
                <button type="button" className="primary" onClick={() => approve.mutate()} disabled={approve.isPending}>
                  Approve
                </button>
                <ErrorNote error={approve.error} title="Approve failed" />
              </div>
              <form className="panel" onSubmit={onReject}>
                <div className="field">
                  <label htmlFor={id('reason')}>Why is this image wrong? (becomes a rule)</label>
                  <textarea id={id('reason')} rows={2} required maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />
                </div>
                <button type="submit" disabled={reject.isPending || !reason.trim()}>
                  Reject with this reason
                </button>
                <ErrorNote error={reject.error} title="Reject failed" />
              </form>
            </>
          )}
          {reject.data && (
            <p role="status" className="muted">
              Rejected: a rule was learned from your reason and a new version drafted with it.{reject.data.note ? ` ${reject.data.note}` : ''}
            </p>
          )}
          {shot && status !== 'AWAITING_APPROVAL' && status !== 'DRAFT' && status !== 'FAILED' && (
            <p className="muted panel">{WHAT_HAPPENS[status ?? 'DRAFT'] ?? ''}</p>
          )}
          {status === 'FAILED' && <FailedShot projectId={projectId} shotId={shotId} versionCount={versionCount} onChanged={after} />}

          {(status === 'AWAITING_APPROVAL' || status === 'REFINING' || chat.length > 0) && (
            <form className="panel chat" onSubmit={onRefine} aria-labelledby={id('chat')}>
              <h2 id={id('chat')}>Refine by chat</h2>
              {chat.length === 0 && !refine.isPending && <p className="muted">Say what to change; Miri paints a new version for you to approve.</p>}
              <ol className="messages" aria-live="polite">
                {chat.map((m, i) => (
                  <li key={i} className={m.who}>
                    <strong>{m.who === 'you' ? 'You' : 'Miri'}:</strong> {m.text}
                  </li>
                ))}
                {refine.isPending && refine.variables && (
                  <li className="you">
                    <strong>You:</strong> {refine.variables}
                  </li>
                )}
              </ol>
              {status === 'AWAITING_APPROVAL' && (
                <>
                  <div className="field">
                    <label htmlFor={id('instruction')}>Refine instruction</label>
                    <input id={id('instruction')} value={instruction} maxLength={2000} onChange={(e) => setInstruction(e.target.value)} />
                  </div>
                  {latestImage && <MaskBrush imageUrl={blobUrl(projectId, latestImage.outputs[0]!)} onMask={setMask} />}
                  <button type="submit" disabled={refine.isPending || !instruction.trim()}>
                    Send
                  </button>
                </>
              )}
              <ErrorNote error={refine.error} title="Refine failed" />
            </form>
          )}
        </section>
      </div>

      <section aria-labelledby={id('rh')} className="learned">
        <h2 id={id('rh')}>Rules learned from this shot</h2>
        <ErrorNote error={rulesQ.error} title="Could not load the rules" />
        {!rulesQ.data ? null : learned.length === 0 ? (
          <p className="muted">None yet: rejecting an image with a reason teaches a rule for every later prompt.</p>
        ) : (
          <ul data-testid="learned-rules">
            {learned.map((r) => (
              <li key={r.ruleId} data-rule={r.ruleId}>
                <strong>{r.text}</strong> <span className="muted">({r.kind.toLowerCase()}, {r.active ? 'active' : 'inactive'})</span>
                {r.reason && (
                  <>
                    {' '}
                    · from your reason <q>{r.reason}</q>
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      {shot && status && BEFORE_CLIP.includes(status) && (
        <MotionBrushEditor
          projectId={projectId}
          shotId={shotId}
          imageUrl={latestImage ? blobUrl(projectId, latestImage.outputs[0]!) : undefined}
        />
      )}

      <section aria-labelledby={id('vh')}>
        <h2 id={id('vh')}>Versions</h2>
        <ErrorNote error={versionsQ.error} title="Could not load the versions" />
        {versions.length === 0 && !versionsQ.error && <p className="muted">No versions yet.</p>}
        <ol className="versions" aria-labelledby={id('vh')}>
          {[...versions].reverse().map((v) => (
            <VersionItem key={v.versionId} v={v} rules={rules} check={v.kind === 'IMAGE' ? checks.get(v.versionId) : undefined} />
          ))}
        </ol>
      </section>
    </article>
  );
}

/** The motion brush shapes the clip: it can change until the clip is made. */
const BEFORE_CLIP: readonly string[] = ['DRAFT', 'VALIDATION', 'GENERATING_IMAGE', 'AWAITING_APPROVAL', 'REFINING'];

const WHAT_HAPPENS: Partial<Record<string, string>> = {
  VALIDATION: 'Auditing the prompt against the prompt rules and Miri\'s depiction rules…',
  GENERATING_IMAGE: 'Painting the anchor image…',
  REFINING: 'Painting the refined version…',
  GENERATING_VIDEO: 'Approved. Animating the clip…',
  COMPLETED: 'Completed: the clip is ready for the final render.',
};

function VersionItem({ v, rules, check }: { v: Version; rules: RuleView[]; check?: CheckState }) {
  const audit = auditFindings(v);
  const regenerated = regeneratedWhy(v);
  const route = routeNote(v);
  return (
    <li>
      <details>
        <summary>
          {v.versionId} · {v.kind.toLowerCase()} · {v.model} · {new Date(v.createdAt).toLocaleString()}
          {audit.length > 0 ? ` · ${audit.length} audit finding${audit.length > 1 ? 's' : ''}` : ''}
          {v.kind === 'IMAGE' ? ` · ${checkBadge(check)}` : ''}
          {regenerated ? ' · made again after a failed image check' : ''}
        </summary>
        {regenerated && <p className="regenerated">{regenerated}</p>}
        {route && <p className="route">{route}</p>}
        {v.kind === 'IMAGE' && <ImageCheckPanel versionId={v.versionId} state={check} />}
        <pre className="prompt">{v.prompt}</pre>
        {v.negativePrompt && <pre className="prompt negative">{v.negativePrompt}</pre>}
        {v.parentVersionId && <p>Refines {v.parentVersionId}</p>}
        {v.kind === 'VIDEO' && <p className="brush-used">{brushUsed(v.parameters.motionBrush) ?? 'Motion brush used: no'}</p>}
        <p>
          Applied rules:{' '}
          {v.appliedRuleIds.length
            ? v.appliedRuleIds.map((rid) => rules.find((r) => r.ruleId === rid)?.text ?? rid).join('; ')
            : 'none'}
        </p>
        {audit.length > 0 && (
          <ul className="findings">
            {audit.map((f, i) => (
              <li key={i}>
                <strong>{f.ruleId}</strong>: {f.message}
                {f.offendingText && <q> {f.offendingText}</q>}
              </li>
            ))}
          </ul>
        )}
      </details>
    </li>
  );
}

/** What stands in for the anchor image when none may be shown. */
function placeholder(pending: boolean, newest: CheckState | undefined): string {
  if (pending) return 'painting the anchor image…';
  if (newest?.kind === 'loading') return 'checking the image…';
  if (newest?.kind === 'checked' && !newest.check.passed) return 'the image did not pass its check, so it is not shown';
  return 'no anchor image yet';
}
