// @vitest-environment jsdom
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeApi, renderWithServices } from '../testing/fakes';
import { FailedShot } from './FailedShot';

const P = '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d';
const base = `/api/projects/${P}`;
const at = '2026-12-07T08:02:05.610Z';
const heldCause =
  'held: the image check could not run (nsfwjs: the image checker (nsfwjs) cannot start: node not found), so the image is not shown; retry the shot once the checker is back';
const ev = (seq: number, from: string, to: string, cause: string) => ({ projectId: P, seq, eventId: `e${seq}`, from, to, status: to, cause, at, shotId: 's1', versionId: 'v1' });
const events = { events: [ev(4, 'VALIDATION', 'GENERATING_IMAGE', 'audit passed'), ev(5, 'GENERATING_IMAGE', 'FAILED', heldCause)], lastSeq: 5 };

function fake() {
  const a = new FakeApi();
  a.on('GET', `${base}/events`, events);
  return a;
}

afterEach(cleanup);

describe('FailedShot', () => {
  it('says why the shot failed in plain words, with what to do', async () => {
    renderWithServices(<FailedShot projectId={P} shotId="s1" versionCount={1} />, fake());
    const alert = (await screen.findByText(/the image check could not run/)).closest('[role=alert]')!;
    expect(alert.textContent).toBe(
      'This shot failed: the image check could not run, so the image is held and not shown' +
        'nsfwjs: the image checker (nsfwjs) cannot start: node not found.',
    );
    expect(screen.getByText('Retry the shot once the checker is back.')).toBeTruthy();
  });

  it('Retry shot calls the retry route with an Idempotency-Key and says what happened', async () => {
    const a = fake();
    const keys: string[] = [];
    const send = a.send;
    a.send = (method, route, parts, schema, key) => {
      keys.push(key ?? '');
      return send(method, route, parts, schema, key);
    };
    a.on('POST', `${base}/shots/s1/retry`, () => ({
      status: 202,
      body: { events: [ev(6, 'FAILED', 'DRAFT', 'retried by a person')], duplicate: false, dispatched: true, note: '', status: 'GENERATING_IMAGE', versionId: 'v2' },
    }));
    let changed = 0;
    renderWithServices(<FailedShot projectId={P} shotId="s1" versionCount={1} onChanged={() => changed++} />, a);
    await screen.findByText(/the image check could not run/);
    await userEvent.click(screen.getByRole('button', { name: 'Retry shot' }));
    const status = await screen.findByRole('status');
    expect(status.textContent).toBe('Retried: a new image is being made. Now generating image.');
    expect(a.calls).toContain(`POST ${base}/shots/s1/retry`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(changed).toBe(1);
  });

  it('a 409 (the shot is not FAILED any more) is a sentence with a next step, not the API text', async () => {
    const a = fake();
    const message = 'retrying: shot s1: appending event: stale event: shot s1 is AWAITING_APPROVAL, the event expects FAILED';
    a.on('POST', `${base}/shots/s1/retry`, () => ({
      status: 409,
      body: { error: { code: 'FAILED_PRECONDITION', message, issues: [{ path: 'status', message }] } },
    }));
    let changed = 0;
    renderWithServices(<FailedShot projectId={P} shotId="s1" versionCount={1} onChanged={() => changed++} />, a);
    await screen.findByText(/the image check could not run/);
    await userEvent.click(screen.getByRole('button', { name: 'Retry shot' }));
    const note = (await screen.findByText(/^Retry failed/)).closest('[role=alert]') as HTMLElement;
    expect(within(note).getByText(/This shot is not failed any more/).textContent).toBe(
      'This shot is not failed any more (it may have been retried from another page), so there was nothing to retry. Its status is shown above.',
    );
    // The server's words only behind "What the server said".
    const details = note.querySelector('details')!;
    expect(details.open).toBe(false);
    expect(within(details).getByText(message)).toBeTruthy();
    // The shot is fetched again so the page shows where it is now.
    await waitFor(() => expect(changed).toBe(1));
  });

  it('a second press after a lost reply reuses the Idempotency-Key (one retry per failure)', async () => {
    const a = fake();
    const keys: string[] = [];
    const send = a.send;
    a.send = (method, route, parts, schema, key) => {
      keys.push(key ?? '');
      return send(method, route, parts, schema, key);
    };
    let n = 0;
    a.on('POST', `${base}/shots/s1/retry`, () =>
      ++n === 1
        ? { status: 503, body: { error: { code: 'UNAVAILABLE', message: 'store unavailable', issues: [] } } }
        : { status: 200, body: { events: [], duplicate: true, dispatched: true, note: '', versionId: 'v2' } },
    );
    renderWithServices(<FailedShot projectId={P} shotId="s1" versionCount={1} />, a);
    await screen.findByText(/the image check could not run/);
    await userEvent.click(screen.getByRole('button', { name: 'Retry shot' }));
    await screen.findByText(/^The server ran into a problem/);
    await userEvent.click(screen.getByRole('button', { name: 'Retry shot' }));
    expect((await screen.findByRole('status')).textContent).toBe('Already retried: a new image is being made.');
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
  });
});
