// Motion brush: draw trajectories (the path a region should move along)
// and mark static areas over the anchor image; saved with PUT
// .../motion-brush. Points can be added with the pointer or typed in.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useRef, useState, type MouseEvent, type PointerEvent } from 'react';
import { useApi } from '../app/services';
import { MotionBrushSchema } from '../schemas';
import { ErrorNote } from '../ui/ErrorNote';
import { addPoint, emptyBrush, finishTrajectory, fromServer, removeTrajectory, toServer, type BrushState } from './motionBrush';

export function MotionBrushEditor({ projectId, shotId, imageUrl }: { projectId: string; shotId: string; imageUrl?: string }) {
  const api = useApi();
  const route = '/api/projects/{projectId}/shots/{shotId}/motion-brush';
  const path = { projectId, shotId };
  const [state, setState] = useState<BrushState | null>(null);
  const [mode, setMode] = useState<'trajectory' | 'static'>('trajectory');
  const [msg, setMsg] = useState<string | null>(null);
  const [typed, setTyped] = useState({ x: '0.5', y: '0.5' });
  const dragStart = useRef<{ x: number; y: number } | null>(null);
  const svg = useRef<SVGSVGElement>(null);

  const loaded = useQuery({ queryKey: ['motionBrush', projectId, shotId], queryFn: () => api.get(route, { path }, MotionBrushSchema) });
  const s = state ?? (loaded.data ? fromServer(loaded.data) : emptyBrush);
  const save = useMutation({ mutationFn: () => api.send('PUT', route, { path, body: toServer(s) }, MotionBrushSchema) });

  const update = (r: BrushState | string) => {
    if (typeof r === 'string') setMsg(r);
    else {
      setMsg(null);
      setState(r);
    }
  };
  const at = (e: { clientX: number; clientY: number }) => {
    const box = svg.current!.getBoundingClientRect();
    return { x: (e.clientX - box.left) / box.width, y: (e.clientY - box.top) / box.height };
  };
  const onClick = (e: MouseEvent) => {
    if (mode === 'trajectory') update(addPoint(s, at(e)));
  };
  const onDown = (e: PointerEvent) => {
    if (mode === 'static') dragStart.current = at(e);
  };
  const onUp = (e: PointerEvent) => {
    const a = dragStart.current;
    dragStart.current = null;
    if (mode !== 'static' || !a) return;
    const b = at(e);
    const area = { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y) };
    if (area.w > 0.01 && area.h > 0.01) setState({ ...s, staticAreas: [...s.staticAreas, area] });
  };
  const line = (pts: { x: number; y: number }[]) => pts.map((p) => `${p.x * 100},${p.y * 56.25}`).join(' ');

  return (
    <section className="panel motion-brush" aria-labelledby="mb-h">
      <h2 id="mb-h">Motion brush</h2>
      <ErrorNote error={loaded.error} title="Could not load the motion brush" />
      <fieldset className="row">
        <legend>Tool</legend>
        <label>
          <input type="radio" name="mb-mode" checked={mode === 'trajectory'} onChange={() => setMode('trajectory')} /> Trajectory (click points)
        </label>
        <label>
          <input type="radio" name="mb-mode" checked={mode === 'static'} onChange={() => setMode('static')} /> Static area (drag a box)
        </label>
      </fieldset>
      <div className="overlay wide">
        {imageUrl ? <img src={imageUrl} alt="" /> : <div className="placeholder">no anchor image yet</div>}
        <svg
          ref={svg}
          viewBox="0 0 100 56.25"
          role="img"
          aria-label={`Motion brush canvas: ${s.trajectories.length} trajectories, ${s.staticAreas.length} static areas`}
          onClick={onClick}
          onPointerDown={onDown}
          onPointerUp={onUp}
        >
          {s.staticAreas.map((a, i) => (
            <rect key={i} className="static" x={a.x * 100} y={a.y * 56.25} width={a.w * 100} height={a.h * 56.25} />
          ))}
          {s.trajectories.map((t, i) => (
            <polyline key={i} className="traj" points={line(t)} />
          ))}
          {s.current.length > 0 && <polyline className="traj current" points={line(s.current)} />}
          {s.current.map((p, i) => (
            <circle key={i} cx={p.x * 100} cy={p.y * 56.25} r={0.8} />
          ))}
        </svg>
      </div>
      <div className="row">
        <label htmlFor="mb-x">x (0–1)</label>
        <input id="mb-x" type="number" min={0} max={1} step={0.01} value={typed.x} onChange={(e) => setTyped({ ...typed, x: e.target.value })} />
        <label htmlFor="mb-y">y (0–1)</label>
        <input id="mb-y" type="number" min={0} max={1} step={0.01} value={typed.y} onChange={(e) => setTyped({ ...typed, y: e.target.value })} />
        <button type="button" onClick={() => update(addPoint(s, { x: Number(typed.x), y: Number(typed.y) }))}>
          Add point
        </button>
        <button type="button" onClick={() => update(finishTrajectory(s))}>
          Finish trajectory ({s.current.length} points)
        </button>
      </div>
      {msg && (
        <p role="alert" className="field-error">
          {msg}
        </p>
      )}
      <ul>
        {s.trajectories.map((t, i) => (
          <li key={i}>
            Trajectory {i + 1}: {t.length} points{' '}
            <button type="button" onClick={() => update(removeTrajectory(s, i))}>
              Remove trajectory {i + 1}
            </button>
          </li>
        ))}
        {s.staticAreas.length > 0 && (
          <li>
            {s.staticAreas.length} static areas{' '}
            <button type="button" onClick={() => setState({ ...s, staticAreas: [] })}>
              Clear static areas
            </button>
          </li>
        )}
      </ul>
      <button type="button" onClick={() => save.mutate()} disabled={save.isPending}>
        Save motion brush
      </button>
      {save.isSuccess && <p role="status">Saved {save.data.trajectories.length} trajectories.</p>}
      <ErrorNote error={save.error} title="Could not save the motion brush" />
    </section>
  );
}
