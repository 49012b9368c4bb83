// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImageCheck, RuleView, Shot, Version } from '../schemas';
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

/** The verdict of the embedded checker on `id`: passed, Miri's rules left to a person. */
const passedCheck = (id: string): ImageCheck => ({
  versionId: id, shotId: 's1', checkedAt: at, checker: 'nsfwjs/MobileNetV2', passed: true, complete: false, elapsedMs: 300,
  reason: 'no explicit content (Porn 0.00, Hentai 0.01, Sexy 0.00)', findings: [],
  constraints: [{ id: 'mouth-closed', state: 'NOT_CHECKED', reason: 'a classifier cannot see this' }],
});
const failedCheck = (id: string): ImageCheck => ({
  ...passedCheck(id), checker: 'gemini-2.5-flash', passed: false, complete: true, reason: 'her lips are parted',
  findings: [{ ruleId: 'vision.mouth-closed', message: 'her lips are parted' }],
  constraints: [{ id: 'mouth-closed', state: 'VIOLATED', reason: 'her lips are parted' }],
});
const heldCheck = (id: string): ImageCheck => ({
  versionId: id, shotId: 's1', checkedAt: at, checker: 'nsfwjs', passed: false, held: true, error: 'the image checker (nsfwjs) cannot start',
});

function fake(init: { shot: Shot; versions: Version[]; rules: RuleView[]; checks?: Record<string, ImageCheck | null> }) {
  const a = new FakeApi();
  // Every version passed its check unless `checks` says otherwise (null: not checked yet, 404).
  const s = { checks: {} as Record<string, ImageCheck | null>, ...init };
  for (const id of ['v1', 'v2', 'v3']) {
    a.on('GET', `${base}/shots/s1/versions/${id}/check`, () => {
      const c = id in s.checks ? s.checks[id] : passedCheck(id);
      return c ? { status: 200, body: c } : { status: 404, body: { error: { code: 'NOT_FOUND', message: `version ${id} has no image check`, issues: [{ path: 'versionId', message: 'not checked' }] } } };
    });
  }
  a.on('GET', `${base}/events`, () => ({ status: 200, body: { events: [], lastSeq: 5 } }));
  a.on('GET', `${base}/shots`, () => ({ status: 200, body: { shots: [s.shot] } }));
  a.on('GET', `${base}/shots/s1`, () => ({ status: 200, body: s.shot }));
  a.on('GET', `${base}/shots/s1/versions`, () => ({ status: 200, body: { versions: s.versions } }));
  a.on('GET', `${base}/rules`, () => ({ status: 200, body: { rules: s.rules } }));
  a.on('GET', `${base}/shots/s1/motion-brush`, { dynamicMasks: [] });
  return { a, s };
}
const shotIn = (status: Shot['status'], versions: string[]): Shot => ({
  shotId: 's1', sceneId: 'a', timestamps: { startMs: 0, endMs: 4000 }, lyricsSnippet: 'rain', status, versions, description: 'Miri at the window', showsMiri: true, endState: '',
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

  it('shows the verdict beside the image; an image that failed its check is never shown, and the next one says why it was made again', async () => {
    const v2 = version('v2');
    v2.findings = [{ ruleId: 'vision.regenerated', message: 'made again because image v1 failed the image check (gemini-2.5-flash): her lips are parted', offendingText: '' }];
    const { a } = fake({ shot: shotIn('AWAITING_APPROVAL', ['v1', 'v2']), versions: [version('v1'), v2], rules: [], checks: { v1: failedCheck('v1') } });
    renderWithServices(<ShotDetail projectId={P} shotId="s1" />, a);
    await screen.findByRole('img', { name: /anchor image of s1, version v2/ });
    const figure = screen.getByRole('img', { name: /anchor image of s1, version v2/ }).closest('.media') as HTMLElement;
    const media = within(figure).getByRole('region', { name: 'Image check of version v2' });
    expect(media.dataset.verdict).toBe('passed');
    expect(within(media).getByText(/checked by nsfwjs/)).toBeTruthy();
    expect(within(media).getByText('a person must check this')).toBeTruthy();
    expect(screen.queryByRole('img', { name: /version v1/ })).toBeNull();
    const items = [...screen.getByRole('list', { name: 'Versions' }).querySelectorAll<HTMLElement>(':scope > li')];
    expect(items.map((li) => li.querySelector('summary')?.textContent)).toEqual([
      expect.stringMatching(/^v2 · image · .* · image check passed · made again after a failed image check$/),
      expect.stringMatching(/^v1 · image · .* · image check failed$/),
    ]);
    expect(within(items[0]!).getByText('Made again because image v1 failed the image check (gemini-2.5-flash): her lips are parted.')).toBeTruthy();
    expect(within(items[1]!).getByRole('region', { name: 'Image check of version v1' }).dataset.verdict).toBe('failed');
    // The regeneration note is not counted as a prompt audit finding.
    expect(items[0]!.querySelector('summary')?.textContent).not.toMatch(/audit finding/);
  });

  it('shows a new image only once its check has passed (asked again when the shot moves)', async () => {
    const { a, s } = fake({ shot: shotIn('GENERATING_IMAGE', ['v1']), versions: [version('v1')], rules: [], checks: { v1: null } });
    const { socket } = renderWithServices(<ShotDetail projectId={P} shotId="s1" />, a);
    await screen.findByText('painting the anchor image…');
    // The shot moved on, but this client has not heard the verdict yet.
    s.shot = shotIn('AWAITING_APPROVAL', ['v1']);
    s.checks = {};
    act(() => socket.fire('SHOT_UPDATED', ev(7, 'GENERATING_IMAGE', 'AWAITING_APPROVAL', 'v1')));
    await screen.findByRole('img', { name: /anchor image of s1, version v1/ });
    const figure = screen.getByRole('img', { name: /anchor image of s1, version v1/ }).closest('.media') as HTMLElement;
    expect(within(figure).getByRole('region', { name: 'Image check of version v1' }).dataset.verdict).toBe('passed');
  });

  it('a FAILED shot with a held image: the cause in plain words, no image, and Retry shot', async () => {
    const held = 'held: the image check could not run (nsfwjs: the image checker (nsfwjs) cannot start), so the image is not shown; retry the shot once the checker is back';
    const { a, s } = fake({ shot: shotIn('FAILED', ['v1']), versions: [version('v1')], rules: [], checks: { v1: heldCheck('v1') } });
    a.on('GET', `${base}/events`, () => ({ status: 200, body: { events: [{ ...ev(5, 'GENERATING_IMAGE', 'FAILED', 'v1'), cause: held }], lastSeq: 5 } }));
    a.on('POST', `${base}/shots/s1/retry`, () => {
      s.shot = shotIn('GENERATING_IMAGE', ['v1', 'v2']);
      s.versions = [version('v1'), version('v2')];
      return { status: 202, body: { events: [ev(6, 'FAILED', 'DRAFT', 'v1')], duplicate: false, dispatched: true, note: '', status: 'GENERATING_IMAGE', versionId: 'v2' } };
    });
    const { socket } = renderWithServices(<ShotDetail projectId={P} shotId="s1" />, a);
    const alert = (await screen.findByText(/^This shot failed/)).closest('[role=alert]')!;
    expect(alert.textContent).toMatch(/^This shot failed: the image check could not run, so the image is held and not shown/);
    expect(screen.queryByRole('img', { name: /anchor image/ })).toBeNull();
    await screen.findByText('the image did not pass its check, so it is not shown');
    await userEvent.click(screen.getByRole('button', { name: 'Retry shot' }));
    await waitFor(() => expect(a.calls).toContain(`POST ${base}/shots/s1/retry`));
    act(() => socket.fire('SHOT_UPDATED', ev(8, 'VALIDATION', 'GENERATING_IMAGE', 'v2')));
    await screen.findByText('painting the anchor image…');
    expect(screen.queryByRole('button', { name: 'Retry shot' })).toBeNull();
  });

  it('shows the server\'s refusal of a brush path without a region, in its words', async () => {
    const { a } = fake({ shot: shotIn('AWAITING_APPROVAL', ['v1']), versions: [version('v1')], rules: [] });
    a.on('PUT', `${base}/shots/s1/motion-brush`, () => ({
      status: 400,
      body: { error: { code: 'INVALID_ARGUMENT', message: 'invalid request', issues: [{ path: 'dynamicMasks[0].mask', message: 'paint the region that moves along this path' }] } },
    }));
    renderWithServices(<ShotDetail projectId={P} shotId="s1" />, a);
    await userEvent.click(await screen.findByRole('button', { name: 'Save motion brush' }));
    const alert = await screen.findByText(/Could not save the motion brush/);
    expect(alert.closest('[role="alert"]')!.textContent).toContain('dynamicMasks[0].mask: paint the region that moves along this path');
  });

  it('a clip version says which motion brush it was sent', async () => {
    const clip: Version = {
      ...version('v2', { motionBrush: { dynamic: [{ mask: 'm.png', trajectory: [[1, 2], [3, 4]] }], staticMask: 's.png' } }),
      kind: 'VIDEO',
    };
    const { a } = fake({ shot: shotIn('GENERATING_VIDEO', ['v1', 'v2']), versions: [version('v1'), clip], rules: [] });
    renderWithServices(<ShotDetail projectId={P} shotId="s1" />, a);
    await screen.findByText('Motion brush used: 1 path, static area yes');
  });
});
