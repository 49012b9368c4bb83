// Final render: start it, follow RENDER_PROGRESS live, play the result and
// download it with its timeline exports.
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { newKey } from '../api/client';
import { useServices } from '../app/services';
import { projectPath, useProject } from '../projects/api';
import { CommandOutcomeSchema, RenderProgressSchema, type RenderProgress } from '../schemas';
import { ErrorNote } from '../ui/ErrorNote';

export const DOWNLOADS = [
  { ext: 'mp4', label: 'Video (MP4)' },
  { ext: 'otio', label: 'OpenTimelineIO' },
  { ext: 'fcpxml', label: 'Final Cut Pro XML' },
  { ext: 'edl', label: 'EDL' },
] as const;

export function renderProgressFraction(p: RenderProgress): number | null {
  if (p.fraction !== undefined) return p.fraction;
  if (p.framesDone !== undefined && p.framesTotal) return p.framesDone / p.framesTotal;
  return null;
}

export function RenderPanel({ projectId }: { projectId: string }) {
  const { api, live } = useServices();
  const project = useProject(projectId);
  const [progress, setProgress] = useState<RenderProgress | null>(null);
  const base = `${projectPath(projectId)}/render`;
  const start = useMutation({ mutationFn: () => api.send('POST', base, {}, CommandOutcomeSchema, newKey()) });
  useEffect(
    () =>
      live.watch(projectId, (type, payload) => {
        if (type !== 'RENDER_PROGRESS') return;
        const p = RenderProgressSchema.safeParse(payload);
        if (p.success) setProgress(p.data);
      }),
    [live, projectId],
  );
  const status = project.data?.status;
  const fraction = progress ? renderProgressFraction(progress) : null;
  const done = status === 'RENDERED' || fraction === 1;
  return (
    <section aria-labelledby="render-h">
      <h2 id="render-h">Render</h2>
      <p>The final cut is rendered when every shot is completed; the song is the original MP3.</p>
      <button type="button" className="primary" onClick={() => start.mutate()} disabled={start.isPending || status === 'FINAL_RENDER'}>
        Render the video
      </button>
      <ErrorNote error={start.error} title="Could not start the render" />
      {start.data && <p role="status">{start.data.note || 'Render started.'}</p>}
      {(progress || status === 'FINAL_RENDER') && (
        <div className="field">
          <label htmlFor="render-progress">Render progress{progress?.stage ? ` (${progress.stage})` : ''}</label>
          <progress id="render-progress" max={1} value={fraction ?? undefined} />
          <span aria-live="polite">{fraction !== null ? `${Math.round(fraction * 100)}%` : 'working…'}</span>
        </div>
      )}
      {done && (
        <>
          <video controls src={`${base}/output.mp4`} aria-label="The rendered music video" className="final" />
          <ul className="downloads">
            {DOWNLOADS.map((d) => (
              <li key={d.ext}>
                <a href={`${base}/output.${d.ext}`} download>
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
