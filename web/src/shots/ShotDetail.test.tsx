// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { RuleView, Shot, Version } from '../schemas';
import { FakeApi, renderWithServices } from '../testing/fakes';
import { ShotDetail } from './ShotDetail';

const P = '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d';
const base = `/api/projects/${P}`;
const at = '2026-03-02T10:15:04Z';

function version(id: string, parameters: Record<string, unknown> = {}, appliedRuleIds: string[] = []): Version {
  return {
    versionId: id, shotId: 's1', kind: 'IMAGE', prompt: `[s1]_[${id}]_[F] Miri`, negativePrompt: '', modelCode: 'F', model: 'local-image',
    parameters, references: [], outputs: [`projects/${P}/shots/s1/${id}-image.png`], appliedRuleIds, findings: [], createdAt: at,
  };
}
const rule: RuleView = { ruleId: 'r1', text: 'Avoid: her coat is too thin for the rain', kind: 'NEGATIVE', scope: 'GLOBAL', sourceVersionId: 'v1', reason: 'her coat is too thin for the rain', createdAt: at, active: true, stats: { applied: 1, approvedAfter: 0, strengthened: 0 } };

function fake(init: { shot: Shot; versions: Version[]; rules: RuleView[] }) {
  const a = new FakeApi();
  const s = { ...init };
  a.on('GET', `${base}/events`, () => ({ status: 200, body: { events: [], lastSeq: 5 } }));
  a.on('GET', `${base}/shots`, () => ({ status: 200, body: { shots: [s.shot] } }));
  a.on('GET', `${base}/shots/s1`, () => ({ status: 200, body: s.shot }));
  a.on('GET', `${base}/shots/s1/versions`, () => ({ status: 200, body: { versions: s.versions } }));
  a.on('GET', `${base}/rules`, () => ({ status: 200, body: { rules: s.rules } }));
  a.on('GET', `${base}/shots/s1/motion-brush`, { trajectories: [] });
  return { a, s };
}
const shotIn = (status: Shot['status'], versions: string[]): Shot => ({
  shotId: 's1', sceneId: 'a', timestamps: { startMs: 0, endMs: 4000 }, lyricsSnippet: 'rain', status, versions, description: 'Miri at the window', showsMiri: true,
});
const ev = (seq: number, from: string, to: string, versionId: string) => ({ projectId: P, seq, eventId: `e${seq}`, from, to, status: to, cause: 'c', at, shotId: 's1', versionId });

afterEach(cleanup);

describe('ShotDetail', () => {
  it('rejects with a reason and then shows the rule learned from it', async () => {
    const { a, s } = fake({ shot: shotIn('AWAITING_APPROVAL', ['v1']), versions: [version('v1')], rules: [] });
    a.on('POST', `${base}/shots/s1/reject`, (body: unknown) => {
      expect(body).toEqual({ reason: 'her coat is too thin for the rain' });
      s.rules = [rule];
      s.versions = [version('v1'), version('v2', {}, ['r1'])];
      s.shot = shotIn('GENERATING_IMAGE', ['v1', 'v2']);
      return { status: 200, body: { events: [ev(6, 'AWAITING_APPROVAL', 'DRAFT', 'v1')], duplicate: false, dispatched: true, note: '' } };
    });
    const { socket } = renderWithServices(<ShotDetail projectId={P} shotId="s1" />, a);
    await screen.findByText(/None yet: rejecting an image/);
    await userEvent.type(await screen.findByLabelText('Why is this image wrong? (becomes a rule)'), 'her coat is too thin for the rain');
    await userEvent.click(screen.getByRole('button', { name: 'Reject with this reason' }));
    const learned = await screen.findByTestId('learned-rules');
    expect(learned.textContent).toContain('Avoid: her coat is too thin for the rain');
    expect(learned.textContent).toContain('from your reason');
    act(() => socket.fire('SHOT_UPDATED', ev(7, 'DRAFT', 'GENERATING_IMAGE', 'v2')));
    // While v2 is painted, v1 stays on screen.
    await screen.findByText(/a new version is being painted/);
    expect(screen.getByRole('img', { name: /anchor image of s1, version v1/ })).toBeTruthy();
  });

  it('keeps the refine chat with the versions it made', async () => {
    const { a, s } = fake({ shot: shotIn('AWAITING_APPROVAL', ['v1']), versions: [version('v1')], rules: [] });
    a.on('POST', `${base}/shots/s1/refine`, () => {
      s.versions = [version('v1'), version('v2', { mode: 'inpaint', instruction: 'make the umbrella yellow' })];
      s.shot = shotIn('REFINING', ['v1', 'v2']);
      return { status: 202, body: { events: [ev(6, 'AWAITING_APPROVAL', 'REFINING', 'v2')], duplicate: false, dispatched: true, note: '' } };
    });
    const { socket } = renderWithServices(<ShotDetail projectId={P} shotId="s1" />, a);
    let chat = await screen.findByRole('form', { name: 'Refine by chat' });
    await userEvent.type(within(chat).getByLabelText('Refine instruction'), 'make the umbrella yellow');
    await userEvent.click(within(chat).getByRole('button', { name: 'Send' }));
    act(() => socket.fire('SHOT_UPDATED', ev(6, 'AWAITING_APPROVAL', 'REFINING', 'v2')));
    await screen.findByText(/Painting that change as version v2/);
    chat = screen.getByRole('form', { name: 'Refine by chat' });
    expect(within(chat).getByText('make the umbrella yellow')).toBeTruthy();
    s.shot = shotIn('AWAITING_APPROVAL', ['v1', 'v2']);
    act(() => socket.fire('SHOT_UPDATED', ev(7, 'REFINING', 'AWAITING_APPROVAL', 'v2')));
    await screen.findByText('Version v2 is ready and awaits your approval.');
    await waitFor(() => expect(screen.getByRole('img', { name: /anchor image of s1, version v2/ })).toBeTruthy());
  });
  // Regression: the refine reply came back before the REFINING event, so the
  // page tried the new version's picture while it was still being painted;
  // that one failed load hid the version for good, and the refined image
  // never appeared when it was ready.
  it('shows a refined image that failed to load while it was still being painted', async () => {
    const { a, s } = fake({ shot: shotIn('AWAITING_APPROVAL', ['v1']), versions: [version('v1')], rules: [] });
    a.on('POST', `${base}/shots/s1/refine`, () => {
      s.versions = [version('v1'), version('v2', { mode: 'inpaint', instruction: 'add puddles' })];
      return { status: 202, body: { events: [], duplicate: false, dispatched: true, note: '' } };
    });
    const { socket } = renderWithServices(<ShotDetail projectId={P} shotId="s1" />, a);
    const chat = await screen.findByRole('form', { name: 'Refine by chat' });
    await userEvent.type(within(chat).getByLabelText('Refine instruction'), 'add puddles');
    await userEvent.click(within(chat).getByRole('button', { name: 'Send' }));
    // No event yet: the status is still the old AWAITING_APPROVAL, and v2's
    // picture does not exist yet.
    const early = await screen.findByRole('img', { name: /anchor image of s1, version v2/ });
    fireEvent.error(early);
    await screen.findByRole('img', { name: /anchor image of s1, version v1/ });
    act(() => socket.fire('SHOT_UPDATED', ev(6, 'AWAITING_APPROVAL', 'REFINING', 'v2')));
    s.shot = shotIn('AWAITING_APPROVAL', ['v1', 'v2']);
    act(() => socket.fire('SHOT_UPDATED', ev(7, 'REFINING', 'AWAITING_APPROVAL', 'v2')));
    await screen.findByText('Version v2 is ready and awaits your approval.');
    await waitFor(() => expect(screen.getByRole('img', { name: /anchor image of s1, version v2/ })).toBeTruthy());
  });

  it('says why a shot failed, in the words of its event', async () => {
    const { a } = fake({ shot: shotIn('FAILED', ['v1']), versions: [version('v1')], rules: [] });
    a.on('GET', `${base}/events`, () => ({
      status: 200,
      body: { events: [ev(4, 'AWAITING_APPROVAL', 'REFINING', 'v1'), { ...ev(5, 'REFINING', 'FAILED', 'v1'), cause: 'local-image: mask and image differ in size' }], lastSeq: 5 },
    }));
    renderWithServices(<ShotDetail projectId={P} shotId="s1" />, a);
    const alert = await screen.findByText(/mask and image differ in size/);
    expect(alert.closest('[role=alert]')!.textContent).toBe('This shot failed: local-image: mask and image differ in size');
  });
});
