// @vitest-environment jsdom
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { RuleView } from '../schemas';
import { FakeApi, renderWithServices } from '../testing/fakes';
import { Rulebook } from './Rulebook';
import { applyRuleUpdate } from './useRules';

const P = '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d';
const base = `/api/projects/${P}/rules`;
const rule = (active: boolean, applied = 3): RuleView => ({
  ruleId: 'r1',
  text: 'a heavy raincoat',
  kind: 'POSITIVE',
  scope: 'CHARACTER',
  sourceVersionId: 'v1',
  reason: 'her coat is too thin for the rain',
  createdAt: '2026-03-02T10:15:04Z',
  active,
  stats: { applied, approvedAfter: 1, strengthened: 0 },
});
const gets = (a: FakeApi) => a.calls.filter((c) => c === `GET ${base}`).length;

afterEach(cleanup);

describe('Rulebook', () => {
  it('lists the rules the API shows (with their activity), refreshes when the server announces a rule and deactivates one', async () => {
    const a = new FakeApi();
    let rules: RuleView[] = [];
    a.on('GET', base, () => ({ status: 200, body: { rules } }));
    a.on('POST', `${base}/r1/deactivate`, () => {
      rules = [rule(false)];
      return { status: 200, body: rules[0] };
    });
    const { socket } = renderWithServices(<Rulebook projectId={P} />, a);
    await screen.findByText(/No rules yet/);
    // A rejection elsewhere taught a rule: RULE_UPDATED (the rule, no projectId).
    rules = [rule(true)];
    act(() => socket.fire('RULE_UPDATED', rule(true)));
    const row = (await screen.findByText('a heavy raincoat')).closest('tr')!;
    expect(row.textContent).toContain('her coat is too thin for the rain');
    expect(row.textContent).toContain('3 times, 1 approved after');
    await userEvent.click(within(row).getByRole('button', { name: 'Deactivate the rule “a heavy raincoat”' }));
    await waitFor(() => expect(screen.getByText('a heavy raincoat').closest('tr')!.textContent).toContain('inactive'));
  });

  it('applies a change to a listed rule from the event itself, without a refetch', async () => {
    const a = new FakeApi();
    a.on('GET', base, () => ({ status: 200, body: { rules: [rule(true)] } }));
    const { socket } = renderWithServices(<Rulebook projectId={P} />, a);
    await screen.findByText('a heavy raincoat');
    const before = gets(a);
    // Deactivated in another tab, and applied once more.
    act(() => socket.fire('RULE_UPDATED', rule(false, 4)));
    await waitFor(() => expect(screen.getByText('a heavy raincoat').closest('tr')!.textContent).toContain('inactive'));
    expect(screen.getByText('a heavy raincoat').closest('tr')!.textContent).toContain('4 times');
    expect(gets(a)).toBe(before);
  });

  it('no longer guesses from shot events: a shot going back to DRAFT does not refetch the rules', async () => {
    const a = new FakeApi();
    a.on('GET', base, () => ({ status: 200, body: { rules: [] } }));
    const { socket } = renderWithServices(<Rulebook projectId={P} />, a);
    await screen.findByText(/No rules yet/);
    const before = gets(a);
    act(() =>
      socket.fire('SHOT_UPDATED', { projectId: P, seq: 2, eventId: 'e2', from: 'AWAITING_APPROVAL', to: 'DRAFT', status: 'DRAFT', cause: 'rejected', at: '2026-03-02T10:15:04Z', shotId: 's1' }),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(gets(a)).toBe(before);
  });
});

describe('applyRuleUpdate', () => {
  const list = { rules: [rule(true)] };
  it('replaces a listed rule with the one in the event', () => {
    expect(applyRuleUpdate(list, rule(false))).toEqual({ rules: [rule(false)] });
  });
  it('asks for a refetch for a new rule (the event does not name its project), a payload off the contract, or no list yet', () => {
    expect(applyRuleUpdate(list, { ...rule(true), ruleId: 'r2' })).toBeNull();
    expect(applyRuleUpdate(list, { ...rule(true), surprise: 1 })).toBeNull();
    expect(applyRuleUpdate(list, { ruleId: 'r1' })).toBeNull();
    expect(applyRuleUpdate(undefined, rule(true))).toBeNull();
  });
});
