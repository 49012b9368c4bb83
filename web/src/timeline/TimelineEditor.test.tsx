// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useEffect, useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { TimelineEditor } from './TimelineEditor';
import { validatePlan, type Plan, type PlanShot } from './tiling';

const limits = { minShotMs: 2000, maxShotMs: 10000 };
const shot = (id: string, sceneId: string, startMs: number, endMs: number, extra: Partial<PlanShot> = {}): PlanShot => ({
  shotId: id,
  sceneId,
  startMs,
  endMs,
  lyricsSnippet: '',
  description: '',
  showsMiri: true, endState: '',
  status: 'DRAFT',
  versionCount: 0,
  ...extra,
});
const start: Plan = {
  songMs: 20000,
  scenes: [
    { sceneId: 'a', startMs: 0, endMs: 12000, label: 'verse', description: '' },
    { sceneId: 'b', startMs: 12000, endMs: 20000, label: 'chorus', description: '' },
  ],
  shots: [shot('s1', 'a', 0, 5000), shot('s2', 'a', 5000, 12000), shot('s3', 'b', 12000, 16000), shot('s4', 'b', 16000, 20000)],
};

let latest: Plan = start;
function Harness({ initial = start }: { initial?: Plan }) {
  const [plan, setPlan] = useState(initial);
  useEffect(() => {
    latest = plan;
  }, [plan]);
  let n = 0;
  return <TimelineEditor plan={plan} limits={limits} onChange={setPlan} newShotId={() => `new${++n}`} />;
}
const spans = () => latest.shots.map((s) => `${s.shotId}:${s.startMs}-${s.endMs}`);

afterEach(cleanup);

describe('TimelineEditor', () => {
  it('splits the selected shot and keeps the tiling', async () => {
    const user = userEvent.setup();
    render(<Harness />);
    await user.click(screen.getByRole('button', { name: /^Shot s2,/ }));
    const at = screen.getByLabelText('Split at (ms)');
    await user.clear(at);
    await user.type(at, '8000');
    await user.click(screen.getByRole('button', { name: 'Split' }));
    expect(spans()).toEqual(['s1:0-5000', 's2:5000-8000', 'new1:8000-12000', 's3:12000-16000', 's4:16000-20000']);
    expect(validatePlan(latest, limits)).toEqual([]);
    expect(screen.getAllByRole('slider')).toHaveLength(4);
  });

  it('moves a cut with the keyboard within its range, scenes following', async () => {
    const user = userEvent.setup();
    render(<Harness />);
    const cut = screen.getByRole('slider', { name: 'Cut between s2 and s3' });
    expect(cut.getAttribute('aria-valuemin')).toBe('7000');
    expect(cut.getAttribute('aria-valuemax')).toBe('14000');
    cut.focus();
    await user.keyboard('{PageUp}{ArrowRight}');
    expect(spans()).toContain('s3:13100-16000');
    expect(latest.scenes.map((c) => `${c.sceneId}:${c.startMs}-${c.endMs}`)).toEqual(['a:0-13100', 'b:13100-20000']);
    await user.keyboard('{End}');
    expect(screen.getByRole('slider', { name: 'Cut between s2 and s3' }).getAttribute('aria-valuenow')).toBe('14000');
    await user.keyboard('{PageUp}'); // already at the end of its range: clamped, nothing breaks
    expect(validatePlan(latest, limits)).toEqual([]);
  });

  it('drags a cut with the pointer', () => {
    render(<Harness />);
    const track = document.querySelector('.track') as HTMLElement;
    track.getBoundingClientRect = () => ({ left: 0, width: 200, top: 0, height: 40, right: 200, bottom: 40, x: 0, y: 0, toJSON() {} });
    const cut = screen.getByRole('slider', { name: 'Cut between s1 and s2' });
    fireEvent.pointerDown(cut, { pointerId: 1, clientX: 50 });
    fireEvent.pointerMove(track, { pointerId: 1, clientX: 70 });
    fireEvent.pointerUp(track, { pointerId: 1 });
    expect(spans().slice(0, 2)).toEqual(['s1:0-7000', 's2:7000-12000']);
    fireEvent.pointerMove(track, { pointerId: 1, clientX: 10 }); // not dragging any more
    expect(spans()[0]).toBe('s1:0-7000');
  });

  it('shows a refused edit in words at the control and changes nothing', async () => {
    const user = userEvent.setup();
    render(<Harness />);
    await user.click(screen.getByRole('button', { name: /^Shot s2,/ }));
    await user.click(screen.getByRole('button', { name: 'Merge with next shot' }));
    expect(screen.getByRole('alert').textContent).toBe('s2 and s3 are in different scenes (a, b); move the scene boundary instead');
    expect(spans()).toHaveLength(4);
    const startInput = screen.getByLabelText('Start (ms)');
    await user.clear(startInput);
    await user.type(startInput, '4000');
    await user.click(screen.getByRole('button', { name: 'Retime' }));
    expect(spans().slice(0, 2)).toEqual(['s1:0-4000', 's2:4000-12000']);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('edits the description, and generated shots are locked', async () => {
    const user = userEvent.setup();
    const locked: Plan = { ...start, shots: start.shots.map((s) => (s.shotId === 's4' ? { ...s, status: 'COMPLETED', versionCount: 2 } : s)) };
    render(<Harness initial={locked} />);
    await user.type(screen.getByLabelText('Description (what the shot shows)'), 'Miri on the pier');
    expect(latest.shots[0]!.description).toBe('Miri on the pier');
    await user.click(screen.getByRole('button', { name: /^Shot s4,.*completed/ }));
    expect(screen.queryByRole('button', { name: 'Split' })).toBeNull();
    expect(screen.getByText(/cannot be edited here/)).toBeTruthy();
    const cut = screen.getByRole('slider', { name: 'Cut between s3 and s4' });
    cut.focus();
    await user.keyboard('{ArrowRight}');
    expect(screen.getByRole('alert').textContent).toMatch(/s4 is COMPLETED with 2 versions/);
  });
  it('shows a committed plan read-only, linking each shot to its page', async () => {
    const user = userEvent.setup();
    render(<TimelineEditor plan={start} limits={limits} shotHref={(id) => `/shots/${id}`} />);
    expect(screen.queryAllByRole('slider')).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: /^Shot s3,/ }));
    expect(screen.getByRole('link', { name: 'Open shot s3 (draft)' }).getAttribute('href')).toBe('/shots/s3');
    expect(screen.queryByRole('button', { name: 'Split' })).toBeNull();
    expect(screen.queryByText(/cannot be edited here/)).toBeNull();
  });

  it('starts the shot panel afresh when the shot gets a new span', async () => {
    const user = userEvent.setup();
    render(<Harness />);
    await user.click(screen.getByRole('button', { name: /^Shot s1,/ }));
    expect(screen.getByLabelText<HTMLInputElement>('End (ms)').value).toBe('5000');
    await user.click(screen.getByRole('button', { name: 'Split' }));
    expect(spans()[0]).toBe('s1:0-2500');
    expect(screen.getByLabelText<HTMLInputElement>('End (ms)').value).toBe('2500');
  });
});
