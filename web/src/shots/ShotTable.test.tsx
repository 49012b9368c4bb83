// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from '@testing-library/react';
import type { Shot } from '../schemas';
import { FakeApi, renderWithServices } from '../testing/fakes';
import { ShotTable } from './ShotTable';

const P = '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d';
const base = `/api/projects/${P}`;

function shot(id: string, startMs: number, extra: Partial<Shot> = {}): Shot {
  return {
    shotId: id,
    sceneId: 'a',
    timestamps: { startMs, endMs: startMs + 3000 },
    lyricsSnippet: `words of ${id}`,
    status: 'DRAFT',
    versions: [],
    description: '',
    showsMiri: true, endState: '',
    ...extra,
  };
}

function ev(seq: number, shotId: string, from: string, to: string, versionId?: string) {
  return { projectId: P, seq, eventId: `e${seq}`, from, to, status: to, cause: `cause ${seq}`, at: '2026-03-02T10:15:04Z', shotId, ...(versionId ? { versionId } : {}) };
}

function api(shots: Shot[], lastSeq: number) {
  const a = new FakeApi();
  let currentShots = shots;
  let currentSeq = lastSeq;
  a.on('GET', `${base}/events`, () => ({ status: 200, body: { events: [], lastSeq: currentSeq } }));
  a.on('GET', `${base}/shots`, () => ({ status: 200, body: { shots: currentShots } }));
  return {
    a,
    set: (s: Shot[], seq: number) => {
      currentShots = s;
      currentSeq = seq;
    },
  };
}

const row = (id: string) => document.querySelector(`tr[data-shot="${id}"]`) as HTMLElement;
const count = (a: FakeApi, what: string) => a.calls.filter((c) => c.startsWith(what)).length;

afterEach(cleanup);

describe('ShotTable', () => {
  it('shows the shots and follows live events without refetching', async () => {
    const { a } = api([shot('s2', 3000), shot('s1', 0)], 5);
    const { socket } = renderWithServices(<ShotTable projectId={P} />, a);
    await screen.findByText('s1');
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell')[0]!.textContent)).toEqual(['draft', 'draft']);
    expect(rows.map((r) => r.getAttribute('data-shot'))).toEqual(['s1', 's2']);
    expect(socket.emitted).toContainEqual(['subscribe', { projectId: P }]);

    const fetchesBefore = count(a, `GET ${base}/shots`);
    act(() => socket.fire('SHOT_UPDATED', ev(6, 's2', 'DRAFT', 'VALIDATION', 'v1')));
    act(() => socket.fire('SHOT_UPDATED', ev(7, 's2', 'VALIDATION', 'GENERATING_IMAGE', 'v1')));
    await waitFor(() => expect(row('s2').getAttribute('data-status')).toBe('GENERATING_IMAGE'));
    expect(within(row('s2')).getByText('generating image')).toBeTruthy();
    expect(within(row('s2')).getAllByRole('cell')[5]!.textContent).toBe('1');
    expect(screen.getByRole('status').textContent).toContain('last change: s2 (cause 7)');
    expect(count(a, `GET ${base}/shots`)).toBe(fetchesBefore);
  });

  it('refetches when it sees a gap in seq and shows the fresh rows', async () => {
    const { a, set } = api([shot('s1', 0)], 5);
    const { socket } = renderWithServices(<ShotTable projectId={P} />, a);
    await screen.findByText('s1');
    const before = count(a, `GET ${base}/shots`);
    set([shot('s1', 0, { status: 'AWAITING_APPROVAL', versions: ['v1'] }), shot('s9', 3000)], 9);
    act(() => socket.fire('SHOT_UPDATED', ev(9, 's1', 'GENERATING_IMAGE', 'AWAITING_APPROVAL', 'v1')));
    await screen.findByText('s9');
    expect(count(a, `GET ${base}/shots`)).toBe(before + 1);
    expect(row('s1').getAttribute('data-status')).toBe('AWAITING_APPROVAL');
  });

  it('refetches on RESYNC from the server', async () => {
    const { a, set } = api([shot('s1', 0)], 5);
    const { socket } = renderWithServices(<ShotTable projectId={P} />, a);
    await screen.findByText('s1');
    set([shot('s1', 0, { status: 'FAILED' })], 8);
    act(() => socket.fire('RESYNC', { reason: 'event bus reconnected' }));
    await waitFor(() => expect(row('s1').getAttribute('data-status')).toBe('FAILED'));
  });

  it('ignores duplicate events and events of other projects', async () => {
    const { a } = api([shot('s1', 0)], 5);
    const { socket } = renderWithServices(<ShotTable projectId={P} />, a);
    await screen.findByText('s1');
    act(() => socket.fire('SHOT_UPDATED', ev(6, 's1', 'DRAFT', 'VALIDATION')));
    act(() => socket.fire('SHOT_UPDATED', { ...ev(7, 's1', 'VALIDATION', 'FAILED'), projectId: '00000000-0000-0000-0000-000000000000' }));
    act(() => socket.fire('SHOT_UPDATED', ev(6, 's1', 'DRAFT', 'VALIDATION')));
    await waitFor(() => expect(row('s1').getAttribute('data-status')).toBe('VALIDATION'));
    expect(count(a, `GET ${base}/shots`)).toBe(1);
  });

  it('shows a failed load in words', async () => {
    const a = new FakeApi();
    a.on('GET', `${base}/events`, () => ({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'project not found', issues: [{ path: 'projectId', message: 'no such project' }] } },
    }));
    renderWithServices(<ShotTable projectId={P} />, a);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not load the shots');
    expect(alert.textContent).toContain('project not found');
    expect(alert.textContent).toContain('projectId: no such project');
  });
  it('generates every draft shot from one button and names the shots that failed, in words', async () => {
    const { a } = api([shot('s1', 0), shot('s2', 3000), shot('s3', 6000, { status: 'COMPLETED', versions: ['v1', 'v2'] })], 5);
    const asked: string[] = [];
    a.on('POST', '/api/shots/generate', (body: unknown) => {
      const id = (body as { shotId: string }).shotId;
      asked.push(id);
      if (id === 's2') {
        return { status: 402, body: { error: { code: 'RESOURCE_EXHAUSTED', message: 'the budget cap is reached', issues: [{ path: 'budget', message: 'cap $10.00' }] } } };
      }
      return { status: 202, body: { events: [], duplicate: false, dispatched: true, note: '' } };
    });
    renderWithServices(<ShotTable projectId={P} />, a);
    await userEvent.click(await screen.findByRole('button', { name: 'Generate images for 2 draft shots' }));
    const alert = await screen.findByRole('alert');
    expect(asked).toEqual(['s1', 's2']);
    expect(alert.textContent).toContain('Generating s2 failed');
    expect(alert.textContent).toContain('the budget cap is reached');
  });

  it('approves an image from its row and shows its thumbnail', async () => {
    const { a } = api([shot('s1', 0, { status: 'AWAITING_APPROVAL', versions: ['v1'] }), shot('s2', 3000)], 5);
    let approved = 0;
    a.on('POST', `${base}/shots/s1/approve`, () => {
      approved++;
      return { status: 202, body: { events: [], duplicate: false, dispatched: true, note: '' } };
    });
    const { socket } = renderWithServices(<ShotTable projectId={P} />, a);
    const img = await screen.findByRole<HTMLImageElement>('img', { name: 'anchor image of s1' });
    expect(img.getAttribute('src')).toBe(`${base}/shots/s1/image?v=v1`);
    expect(within(row('s2')).queryByRole('img')).toBeNull();
    expect(within(row('s2')).queryByRole('button')).toBeNull();
    const button = screen.getByRole('button', { name: 'Approve the image of s1' });
    await userEvent.click(button);
    await waitFor(() => expect(approved).toBe(1));
    expect((button as HTMLButtonElement).disabled).toBe(true);
    act(() => socket.fire('SHOT_UPDATED', ev(6, 's1', 'AWAITING_APPROVAL', 'GENERATING_VIDEO', 'c1')));
    await waitFor(() => expect(row('s1').getAttribute('data-status')).toBe('GENERATING_VIDEO'));
    expect(screen.queryByRole('button', { name: 'Approve the image of s1' })).toBeNull();
  });

  it('shows a refused approval on its row', async () => {
    const { a } = api([shot('s1', 0, { status: 'AWAITING_APPROVAL', versions: ['v1'] })], 5);
    a.on('POST', `${base}/shots/s1/approve`, () => ({
      status: 409,
      body: { error: { code: 'FAILED_PRECONDITION', message: 'illegal transition', issues: [{ path: 'status', message: 'is REFINING' }] } },
    }));
    renderWithServices(<ShotTable projectId={P} />, a);
    await userEvent.click(await screen.findByRole('button', { name: 'Approve the image of s1' }));
    const alert = await within(row('s1')).findByRole('alert');
    expect(alert.textContent).toContain('Approving s1 failed: illegal transition');
    expect(alert.textContent).toContain('status: is REFINING');
  });
});
