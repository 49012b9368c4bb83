// @vitest-environment jsdom
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { Shot } from '../schemas';
import { FakeApi, renderWithServices } from '../testing/fakes';
import { TimelinePage } from './TimelinePage';

const P = '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d';
const base = `/api/projects/${P}`;
const shot = (id: string, startMs: number, endMs: number, lyricsSnippet = ''): Shot => ({
  shotId: id,
  sceneId: id === 'sh3' ? 'chorus' : 'verse',
  timestamps: { startMs, endMs },
  lyricsSnippet,
  status: 'DRAFT',
  versions: [],
  description: '',
  showsMiri: true, endState: '',
});
const proposal = {
  director: 'local',
  durationMs: 16000,
  tempoBpm: 120.4,
  scenes: [
    { sceneId: 'verse', startMs: 0, endMs: 10000, label: 'verse', description: '' },
    { sceneId: 'chorus', startMs: 10000, endMs: 16000, label: 'chorus', description: '' },
  ],
  shots: [shot('sh1', 0, 6000, 'Raindrops tap the window glass'), shot('sh2', 6000, 10000), shot('sh3', 10000, 16000)],
  warnings: [
    { code: 'LYRICS_PAST_END', message: '2 lyric lines start after the song ends' },
    { code: 'DIRECTOR_FALLBACK', message: 'the DIRECTOR model gemini-3.8-flash needs GEMINI_API_KEY, which is not set; the local director made this plan' },
  ],
};

function fake() {
  const a = new FakeApi();
  let committed: unknown = null;
  a.on('GET', `${base}/scenes`, () => ({ status: 200, body: { scenes: [] } }));
  a.on('GET', `${base}/shots`, () => ({ status: 200, body: { shots: [] } }));
  a.on('POST', `${base}/plan`, proposal);
  a.on('PUT', `${base}/plan`, (body: unknown) => {
    committed = body;
    return { status: 201, body: { scenes: 2, shots: 4, seq: 3 } };
  });
  return { a, committed: () => committed as { shots: Array<{ shotId: string; timestamps: { startMs: number; endMs: number }; description: string }> } | null };
}

afterEach(cleanup);

describe('TimelinePage', () => {
  it("puts the director's proposal in an editable draft and commits it only when asked, as edited", async () => {
    const { a, committed } = fake();
    renderWithServices(<TimelinePage projectId={P} />, a);
    await userEvent.click(await screen.findByRole('button', { name: 'Plan with the director' }));
    await screen.findByText("The local director's proposal");
    expect(screen.getByText(/tempo about 120 BPM/)).toBeTruthy();
    expect(screen.getByText('2 lyric lines start after the song ends')).toBeTruthy();
    // Why the local director stood in for the DIRECTOR's model is shown.
    expect(screen.getByText(/needs GEMINI_API_KEY, which is not set; the local director made this plan/)).toBeTruthy();
    expect(screen.getAllByRole('slider')).toHaveLength(2);
    expect(a.calls.filter((c) => c.startsWith('PUT'))).toEqual([]);

    await userEvent.click(screen.getByRole('button', { name: /^Shot sh1,/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Split' }));
    await userEvent.type(screen.getByLabelText('Description (what the shot shows)'), 'Miri at the window');
    await userEvent.click(screen.getByRole('button', { name: 'Commit plan (4 shots)' }));
    await waitFor(() => expect(committed()).not.toBeNull());
    const shots = committed()!.shots;
    expect(shots.map((s) => [s.shotId, s.timestamps.startMs, s.timestamps.endMs])).toEqual([
      ['sh1', 0, 3000],
      ['sh4', 3000, 6000],
      ['sh2', 6000, 10000],
      ['sh3', 10000, 16000],
    ]);
    expect(shots[0]!.description).toBe('Miri at the window');
  });

  it("shows the director's refusal where it was asked, in words", async () => {
    const { a } = fake();
    a.on('POST', `${base}/plan`, () => ({
      status: 409,
      body: { error: { code: 'FAILED_PRECONDITION', message: 'cannot plan yet', issues: [{ path: 'lyrics', message: 'upload the lyrics first' }] } },
    }));
    renderWithServices(<TimelinePage projectId={P} />, a);
    await userEvent.click(await screen.findByRole('button', { name: 'Plan with the director' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The director could not plan: cannot plan yet');
    expect(alert.textContent).toContain('lyrics: upload the lyrics first');
    expect(screen.queryByText("The local director's proposal")).toBeNull();
  });
});
