// @vitest-environment jsdom
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { RuleView } from '../schemas';
import { FakeApi, renderWithServices } from '../testing/fakes';
import { Rulebook } from './Rulebook';

const P = '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d';
const base = `/api/projects/${P}/rules`;
const rule = (active: boolean): RuleView => ({
  ruleId: 'r1',
  text: 'a heavy raincoat',
  kind: 'POSITIVE',
  scope: 'CHARACTER',
  sourceVersionId: 'v1',
  reason: 'her coat is too thin for the rain',
  createdAt: '2026-03-02T10:15:04Z',
  active,
  stats: { applied: 3, approvedAfter: 1, strengthened: 0 },
});

afterEach(cleanup);

describe('Rulebook', () => {
  it('lists the rules the API shows (with their activity), refreshes after a rejection and deactivates one', async () => {
    const a = new FakeApi();
    let rules: RuleView[] = [];
    a.on('GET', base, () => ({ status: 200, body: { rules } }));
    a.on('POST', `${base}/r1/deactivate`, () => {
      rules = [rule(false)];
      return { status: 200, body: rules[0] };
    });
    const { socket } = renderWithServices(<Rulebook projectId={P} />, a);
    await screen.findByText(/No rules yet/);
    rules = [rule(true)];
    act(() =>
      socket.fire('SHOT_UPDATED', { projectId: P, seq: 2, eventId: 'e2', from: 'AWAITING_APPROVAL', to: 'DRAFT', status: 'DRAFT', cause: 'rejected', at: '2026-03-02T10:15:04Z', shotId: 's1' }),
    );
    const row = (await screen.findByText('a heavy raincoat')).closest('tr')!;
    expect(row.textContent).toContain('her coat is too thin for the rain');
    expect(row.textContent).toContain('3 times, 1 approved after');
    await userEvent.click(within(row).getByRole('button', { name: 'Deactivate the rule “a heavy raincoat”' }));
    await waitFor(() => expect(screen.getByText('a heavy raincoat').closest('tr')!.textContent).toContain('inactive'));
  });
});
