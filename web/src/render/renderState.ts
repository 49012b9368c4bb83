// What the Render view shows, derived from the project's status, the live
// shot table and the last RENDER_PROGRESS event (pure, tested without a DOM).
import type { ProjectStatus, RenderProgress, Shot } from '../schemas';
import type { ProjectChange } from '../shots/shotTable';

export type RenderPhase = 'no-plan' | 'waiting' | 'ready' | 'rendering' | 'finishing' | 'rendered' | 'failed';

export interface RenderView {
  phase: RenderPhase;
  completed: number;
  total: number;
  /** 0..1 while rendering; null when unknown. */
  fraction: number | null;
  /** One sentence for people. */
  summary: string;
  /** Whether the "Render the video" (or, after a failed render, "Render again") button is offered. */
  canRequest: boolean;
}

export function renderProgressFraction(p: RenderProgress): number | null {
  if (p.fraction !== undefined) return p.fraction;
  if (p.framesDone !== undefined && p.framesTotal) return p.framesDone / p.framesTotal;
  return null;
}

export function renderView(
  status: ProjectStatus | null | undefined,
  shots: Shot[],
  progress: RenderProgress | null,
  change?: ProjectChange,
): RenderView {
  const total = shots.length;
  const completed = shots.filter((s) => s.status === 'COMPLETED').length;
  const fraction = progress ? renderProgressFraction(progress) : null;
  const base = { completed, total, fraction: null, canRequest: false };
  if (status === 'FAILED') {
    // Only a failed render can be tried again (the server refuses the rest).
    if (change?.from === 'FINAL_RENDER') {
      return { ...base, phase: 'failed', canRequest: true, summary: `The render failed: ${change.cause}` };
    }
    const why = change?.cause ? `: ${change.cause}` : '; see the shots for the cause.';
    return { ...base, phase: 'failed', summary: `The project failed${why}` };
  }
  if (status === 'RENDERED') return { ...base, phase: 'rendered', fraction: 1, summary: 'The music video is rendered.' };
  if (status === 'FINAL_RENDER') {
    if (fraction !== null && fraction >= 1) {
      return { ...base, phase: 'finishing', fraction: 1, summary: 'Encoded; storing the video and its timeline exports…' };
    }
    return { ...base, phase: 'rendering', fraction, summary: 'Rendering every clip on its slot over the original song…' };
  }
  if (total === 0) return { ...base, phase: 'no-plan', summary: 'No shots yet: plan the song on the Timeline tab.' };
  if (completed === total) {
    return { ...base, phase: 'ready', canRequest: true, summary: `All ${total} shots are completed; the video can be rendered.` };
  }
  return {
    ...base,
    phase: 'waiting',
    canRequest: true,
    summary: `${completed} of ${total} shots completed. The render starts by itself when every shot is completed.`,
  };
}
