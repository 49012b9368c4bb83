// @vitest-environment jsdom
import { act, cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { Shot } from '../schemas';
import { FakeApi, renderWithServices } from '../testing/fakes';
import { RenderPanel } from './RenderPanel';

const P = '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d';
const base = `/api/projects/${P}`;
const shot = (id: string, status: Shot['status']): Shot => ({
  shotId: id,
  sceneId: 'a',
  timestamps: { startMs: 0, endMs: 3000 },
  lyricsSnippet: '',
  status,
  versions: ['v1'],
  description: '',
  showsMiri: true, endState: '',
});
const project = (status: string) => ({
  projectId: P,
  projectName: 'Rain Song!',
  globalSettings: { llmModel: 'l', imageModel: 'i', videoModel: 'v', loraWeightsId: 'miriN14', requireHumanApproval: true, budgetCapUsd: 10 },
  creationTimestamp: '2026-03-02T10:15:04Z',
  status,
  agentConfigs: [],
});
const projectEvent = (seq: number, from: string, to: string, cause = 'c') => ({
  projectId: P, seq, eventId: `e${seq}`, from, to, status: to, cause, at: '2026-03-02T10:15:04Z',
});

function fake(shots: Shot[], status: string, last = projectEvent(1, 'AUDIO_ANALYSIS', status)) {
  const a = new FakeApi();
  let s = { shots, status };
  a.on('GET', `${base}/events`, () => ({ status: 200, body: { events: [last], lastSeq: last.seq } }));
  a.on('GET', `${base}/shots`, () => ({ status: 200, body: { shots: s.shots } }));
  a.on('GET', base, () => ({ status: 200, body: project(s.status) }));
  return { a, set: (next: typeof s) => (s = next) };
}

afterEach(cleanup);

describe('RenderPanel', () => {
  it('shows the refusal of an early render in the server\'s words', async () => {
    const { a } = fake([shot('s1', 'COMPLETED'), shot('s2', 'AWAITING_APPROVAL')], 'PLANNED');
    a.on('POST', `${base}/render`, () => ({
      status: 409,
      body: { error: { code: 'FAILED_PRECONDITION', message: 'every shot must be COMPLETED before the final render', issues: [{ path: 'shots.s2', message: 'is AWAITING_APPROVAL' }] } },
    }));
    renderWithServices(<RenderPanel projectId={P} />, a);
    await screen.findByText(/1 of 2 shots completed/);
    await userEvent.click(screen.getByRole('button', { name: 'Render the video' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not start the render');
    expect(alert.textContent).toContain('shots.s2: is AWAITING_APPROVAL');
    expect(screen.queryByRole('link', { name: /Download/ })).toBeNull();
  });

  it('shows why a render failed and renders again on request', async () => {
    const cause = 'final render: shot "s2": clip projects/p/s2.mp4: not found';
    const { a, set } = fake([shot('s1', 'COMPLETED'), shot('s2', 'COMPLETED')], 'FAILED', projectEvent(7, 'FINAL_RENDER', 'FAILED', cause));
    let posted = 0;
    a.on('POST', `${base}/render`, () => {
      posted += 1;
      set({ shots: [shot('s1', 'COMPLETED'), shot('s2', 'COMPLETED')], status: 'FINAL_RENDER' });
      return { status: 202, body: { events: [projectEvent(8, 'FAILED', 'FINAL_RENDER')], duplicate: false, dispatched: true, note: 'the render worker started' } };
    });
    const { socket } = renderWithServices(<RenderPanel projectId={P} />, a);
    const summary = await screen.findByTestId('render-summary');
    await waitFor(() => expect(summary.textContent).toBe(`The render failed: ${cause}`));
    expect(summary.dataset.phase).toBe('failed');
    await userEvent.click(screen.getByRole('button', { name: 'Render again' }));
    await waitFor(() => expect(posted).toBe(1));
    act(() => socket.fire('PROJECT_UPDATED', projectEvent(8, 'FAILED', 'FINAL_RENDER')));
    await screen.findByText(/Rendering every clip/);
    expect(screen.queryByRole('button', { name: 'Render again' })).toBeNull();
  });

  it('offers no render for a project that failed before its render', async () => {
    const { a } = fake([shot('s1', 'FAILED')], 'FAILED', projectEvent(4, 'PLANNED', 'FAILED', 'the budget is exhausted'));
    renderWithServices(<RenderPanel projectId={P} />, a);
    await screen.findByText('The project failed: the budget is exhausted');
    // Only the animatic, which spends nothing, is still offered.
    expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['Preview animatic']);
  });

  it('follows the render live and then offers the video and its exports', async () => {
    const { a, set } = fake([shot('s1', 'COMPLETED')], 'PLANNED');
    const { socket } = renderWithServices(<RenderPanel projectId={P} />, a);
    await screen.findByText(/All 1 shots are completed/);
    act(() => socket.fire('PROJECT_UPDATED', projectEvent(2, 'PLANNED', 'FINAL_RENDER')));
    await screen.findByText(/Rendering every clip/);
    act(() => socket.fire('RENDER_PROGRESS', { projectId: P, framesDone: 48, framesTotal: 96, fraction: 0.5, stage: 'encoding' }));
    const bar = await screen.findByLabelText<HTMLProgressElement>(/Render progress/);
    await waitFor(() => expect(bar.value).toBe(0.5));
    expect(screen.getByText(/50% · frame 48 of 96/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Render the video' })).toBeNull();
    set({ shots: [shot('s1', 'COMPLETED')], status: 'RENDERED' });
    act(() => socket.fire('PROJECT_UPDATED', projectEvent(3, 'FINAL_RENDER', 'RENDERED')));
    const video = await screen.findByLabelText('The rendered music video');
    expect(video.getAttribute('src')).toBe(`${base}/render/mp4`);
    const links = screen.getAllByRole('link', { name: /^Download / });
    expect(links.map((l) => [l.getAttribute('href'), l.getAttribute('download')])).toEqual([
      [`${base}/render/mp4`, 'Rain-Song.mp4'],
      [`${base}/render/otio`, 'Rain-Song.otio'],
      [`${base}/render/fcpxml`, 'Rain-Song.fcpxml'],
      [`${base}/render/edl`, 'Rain-Song.edl'],
    ]);
  });

  it('renders the animatic on request, before any clip, and plays it', async () => {
    const { a } = fake([shot('s1', 'DRAFT'), shot('s2', 'AWAITING_APPROVAL')], 'PLANNED');
    let posted = 0;
    a.on('POST', `${base}/animatic`, () => {
      posted += 1;
      return { status: 200, body: { blobKey: `projects/${P}/render/animatic.mp4`, url: `${base}/animatic`, frames: 144, durationMs: 6000, clips: 0, stills: 1, cards: 1, captions: 3 } };
    });
    renderWithServices(<RenderPanel projectId={P} />, a);
    expect(screen.queryByLabelText('The animatic')).toBeNull();
    await userEvent.click(await screen.findByRole('button', { name: 'Preview animatic' }));
    const video = await screen.findByLabelText('The animatic');
    expect(video.getAttribute('src')).toBe(`${base}/animatic`);
    expect(posted).toBe(1);
    expect(screen.getByTestId('animatic-summary').textContent).toBe(
      '144 frames over 6.0 s: 0 shots from clips, 1 from frames, 1 as cards. 3 lyric captions. Nothing was spent and no shot changed.',
    );
    // The lyrics come as a soft captions track, not drawn into the picture.
    const track = video.querySelector('track');
    expect(track?.getAttribute('src')).toBe(`${base}/animatic/vtt`);
    expect(track?.getAttribute('kind')).toBe('captions');
    // It asked for nothing else: no render, no shot command.
    expect(a.calls.filter((c) => c.startsWith('POST'))).toEqual([`POST ${base}/animatic`]);
  });

  it('shows why there is no animatic yet in the server\'s words', async () => {
    const { a } = fake([], 'AUDIO_ANALYSIS');
    a.on('POST', `${base}/animatic`, () => ({
      status: 409,
      body: { error: { code: 'FAILED_PRECONDITION', message: 'the project has no plan', issues: [{ path: 'plan', message: 'commit a plan first' }] } },
    }));
    renderWithServices(<RenderPanel projectId={P} />, a);
    await userEvent.click(await screen.findByRole('button', { name: 'Preview animatic' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not render the animatic');
    expect(alert.textContent).toContain('plan: commit a plan first');
    expect(screen.queryByLabelText('The animatic')).toBeNull();
  });
});
