// Final render: follows the project's status and RENDER_PROGRESS live; the
// render starts by itself when the last shot is completed (or on request);
// a failed render shows its cause and can be tried again.
// Plays the result and offers it with its timeline exports.
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { newKey } from '../api/client';
import { mediaUrl } from '../api/routes';
import { useServices } from '../app/services';
import { useProject } from '../projects/api';
import { AnimaticReportSchema, CommandOutcomeSchema, RenderProgressSchema, type AnimaticReport, type RenderProgress } from '../schemas';
import { useShotTable } from '../shots/useShotTable';
import { ErrorNote } from '../ui/ErrorNote';
import { renderView } from './renderState';

export { renderProgressFraction } from './renderState';

export const DOWNLOADS = [
  { ext: 'mp4', label: 'Video (MP4)' },
  { ext: 'otio', label: 'OpenTimelineIO (.otio)' },
  { ext: 'fcpxml', label: 'Final Cut Pro XML (.fcpxml)' },
  { ext: 'edl', label: 'Edit decision list (.edl)' },
] as const;

export const renderUrl = (projectId: string, format: (typeof DOWNLOADS)[number]['ext'] | 'vtt') =>
  mediaUrl('/api/projects/{projectId}/render/{format}', { path: { projectId, format } });

export const animaticUrl = (projectId: string) => mediaUrl('/api/projects/{projectId}/animatic', { path: { projectId } });
export const animaticCaptionsUrl = (projectId: string) => mediaUrl('/api/projects/{projectId}/animatic/{format}', { path: { projectId, format: 'vtt' } });

/** "102 frames: 1 shot from its clip, 3 from frames, 36 as cards". */
export function animaticSummary(r: AnimaticReport): string {
  const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  const captions = r.captions > 0 ? ` ${n(r.captions, 'lyric caption', 'lyric captions')}.` : '';
  return `${n(r.frames, 'frame', 'frames')} over ${(r.durationMs / 1000).toFixed(1)} s: ${n(r.clips, 'shot', 'shots')} from clips, ${r.stills} from frames, ${r.cards} as cards.${captions} Nothing was spent and no shot changed.`;
}

function fileName(name: string | undefined, ext: string): string {
  const base = (name ?? 'miri').replace(/[^A-Za-z0-9 _-]+/g, '').trim().replace(/\s+/g, '-') || 'miri';
  return `${base}.${ext}`;
}

export function RenderPanel({ projectId }: { projectId: string }) {
  const { api, live } = useServices();
  const project = useProject(projectId);
  const table = useShotTable(projectId);
  const [progress, setProgress] = useState<RenderProgress | null>(null);
  const animatic = useMutation({
    mutationFn: () => api.send('POST', '/api/projects/{projectId}/animatic', { path: { projectId } }, AnimaticReportSchema),
  });
  const start = useMutation({ mutationFn: () => api.send('POST', '/api/projects/{projectId}/render', { path: { projectId } }, CommandOutcomeSchema, newKey()) });
  useEffect(
    () =>
      live.watch(projectId, (type, payload) => {
        if (type !== 'RENDER_PROGRESS') return;
        const p = RenderProgressSchema.safeParse(payload);
        if (p.success) setProgress(p.data);
      }),
    [live, projectId],
  );
  const status = table.state.projectStatus ?? project.data?.status;
  const view = renderView(status, table.state.shots, progress, table.state.projectChange);
  const retry = view.phase === 'failed';
  const percent = view.fraction !== null ? Math.round(view.fraction * 100) : null;
  return (
    <section aria-labelledby="render-h" className="render">
      <h2 id="render-h">Render</h2>
      <p className="muted">The final cut puts every approved clip on its slot of the song; the sound is the original MP3.</p>
      <p role="status" data-testid="render-summary" data-phase={view.phase}>
        {view.summary}
      </p>
      {view.canRequest && (
        <>
          <button
            type="button"
            className={view.phase === 'ready' || retry ? 'primary' : ''}
            onClick={() => start.mutate()}
            disabled={start.isPending}
          >
            {retry ? 'Render again' : 'Render the video'}
          </button>
          <ErrorNote error={start.error} title="Could not start the render" />
        </>
      )}
      {(view.phase === 'rendering' || view.phase === 'finishing') && (
        <div className="field progress-field">
          <label htmlFor="render-progress">Render progress{progress?.stage ? ` (${progress.stage})` : ''}</label>
          <div className="row">
            <progress id="render-progress" max={1} value={view.fraction ?? undefined} aria-valuetext={percent !== null ? `${percent}%` : 'starting'} />
            <span aria-live="polite">
              {percent !== null ? `${percent}%` : 'starting…'}
              {progress?.framesTotal ? ` · frame ${progress.framesDone ?? 0} of ${progress.framesTotal}` : ''}
            </span>
          </div>
        </div>
      )}
      <h3>Animatic</h3>
      <p className="muted">A quick cut of the whole song at a small size from what each shot has now: its clip, else its frame with a slow camera move, else a card with its description. It costs nothing.</p>
      <button type="button" onClick={() => animatic.mutate()} disabled={animatic.isPending}>
        {animatic.isPending ? 'Rendering the animatic…' : 'Preview animatic'}
      </button>
      <ErrorNote error={animatic.error} title="Could not render the animatic" />
      {animatic.data && (
        <>
          <p role="status" data-testid="animatic-summary">
            {animaticSummary(animatic.data)}
          </p>
          {/* A new element for each render, so the new file is fetched. */}
          <video key={animatic.submittedAt} controls autoPlay preload="auto" src={animaticUrl(projectId)} aria-label="The animatic" className="final">
            {animatic.data.captions > 0 && <track kind="captions" src={animaticCaptionsUrl(projectId)} label="Lyrics" default />}
          </video>
        </>
      )}
      {view.phase === 'rendered' && (
        <>
          <video controls preload="auto" src={renderUrl(projectId, 'mp4')} aria-label="The rendered music video" className="final">
            {/* The song's timed lyrics, when it has them (the MP4 carries them too). */}
            <track kind="captions" src={renderUrl(projectId, 'vtt')} label="Lyrics" />
          </video>
          <h3>Downloads</h3>
          <ul className="downloads">
            {DOWNLOADS.map((d) => (
              <li key={d.ext}>
                <a className="button" href={renderUrl(projectId, d.ext)} download={fileName(project.data?.projectName, d.ext)}>
                  Download {d.label}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
