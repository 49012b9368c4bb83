// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeApi, renderWithServices } from '../testing/fakes';
import { SystemChecks } from './SystemChecks';

// The shape of StartupChecks::Json (src/app/doctor.cc) for a server with a
// refused fal key and fal's circuit open.
const report = {
  ok: false,
  checkedAt: '2026-12-07T11:40:00.000Z',
  checks: [
    { service: 'store', adapter: 'sqlite', target: '/data/miri.db', embedded: true, ok: true, detail: 'a read answered', fix: '' },
    {
      service: 'fal',
      adapter: 'fal',
      target: 'fal-ai/flux-2/lora',
      embedded: false,
      ok: false,
      detail: 'the key was refused (HTTP 401)',
      fix: 'set FAL_KEY to a key from fal.ai/dashboard/keys',
    },
  ],
  roles: [{ role: 'AUDITOR', model: 'gemini-3.8-flash (images and typed text)' }],
  circuits: { fal: 'OPEN', gemini: 'CLOSED' },
};

afterEach(cleanup);

describe('SystemChecks', () => {
  it('shows what is wrong with its fix, the roles and the circuits in words', async () => {
    const a = new FakeApi();
    a.on('GET', '/api/system/checks', report);
    renderWithServices(<SystemChecks />, a);
    expect(await screen.findByText(/the key was refused \(HTTP 401\)/)).toBeTruthy();
    expect(screen.getByText(/To fix: set FAL_KEY to a key from fal.ai\/dashboard\/keys/)).toBeTruthy();
    expect(screen.getByText('gemini-3.8-flash (images and typed text)')).toBeTruthy();
    const circuits = screen.getByRole('list', { name: 'Provider circuits' });
    expect(circuits.textContent).toContain('fal: paused after repeated failures');
    expect(circuits.textContent).toContain('gemini: working');
  });

  it('says the checks are still running while the server makes them', async () => {
    const a = new FakeApi();
    a.on('GET', '/api/system/checks', { pending: true, circuits: {} });
    renderWithServices(<SystemChecks />, a);
    expect(await screen.findByText('The server is still checking its providers…')).toBeTruthy();
  });
});
