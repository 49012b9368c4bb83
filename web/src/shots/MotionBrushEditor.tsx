// Motion brush over the anchor image: paint a region that moves, draw the
// path it moves along (the arrowhead shows where it ends), paint the areas
// that must stay still; saved with PUT .../motion-brush (masks as PNGs at
// the image's own size). The server's refusal is shown as it words it.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useId, useRef, useState, type MouseEvent } from 'react';
import { useApi } from '../app/services';
import { MotionBrushSchema } from '../schemas';
import { ErrorNote } from '../ui/ErrorNote';
import {
  addPoint,
  addRegion,
  clearPath,
  describeBrush,
  emptyBrush,
  fromServer,
  removeRegion,
  selectRegion,
  setRegionMask,
  setStaticMask,
  toServer,
  type BrushState,
} from './motionBrush';
import { PaintLayer } from './PaintLayer';

type Tool = 'region' | 'path' | 'static';
const REGION_COLOURS = ['#ff3b30', '#ff9500', '#34c759', '#af52de', '#ffcc00', '#ff2d55'];
const STATIC_COLOUR = '#0078ff';

export function MotionBrushEditor({ projectId, shotId, imageUrl }: { projectId: string; shotId: string; imageUrl?: string }) {
  const api = useApi();
  const uid = useId().replace(/[^A-Za-z0-9_-]/g, '');
  const id = (x: string) => `mb${uid}-${x}`;
  const route = '/api/projects/{projectId}/shots/{shotId}/motion-brush';
  const path = { projectId, shotId };
  const [state, setState] = useState<BrushState | null>(null);
  const [tool, setTool] = useState<Tool>('region');
  const [radius, setRadius] = useState(24);
  const [msg, setMsg] = useState<string | null>(null);
  // Masks have the image's own size: providers read them pixel for pixel.
  const [dims, setDims] = useState({ width: 1280, height: 720 });
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
  const onClick = (e: MouseEvent) => {
    if (tool !== 'path') return;
    const box = svg.current!.getBoundingClientRect();
    update(addPoint(s, { x: (e.clientX - box.left) / box.width, y: (e.clientY - box.top) / box.height }));
  };
  const line = (pts: { x: number; y: number }[]) => pts.map((p) => `${p.x * 100},${p.y * 56.25}`).join(' ');
  const summary = describeBrush(s);

  return (
    <section className="panel motion-brush" aria-labelledby={id('h')}>
      <h2 id={id('h')}>Motion brush</h2>
      <ErrorNote error={loaded.error} title="Could not load the motion brush" />
      <p className="muted">Paint the region that moves, draw the path it moves along, and paint what must stay still.</p>
      <fieldset className="row">
        <legend>Region</legend>
        {s.regions.map((r, i) => (
          <button key={i} type="button" aria-pressed={i === s.active} onClick={() => update(selectRegion(s, i))} style={{ borderColor: REGION_COLOURS[i] }}>
            Region {i + 1}
            {r.mask ? '' : ' (unpainted)'}
          </button>
        ))}
        <button type="button" onClick={() => update(addRegion(s))}>
          Add region
        </button>
        <button type="button" onClick={() => update(removeRegion(s, s.active))}>
          Remove region {s.active + 1}
        </button>
      </fieldset>
      <fieldset className="row">
        <legend>Tool</legend>
        <label>
          <input type="radio" name={id('tool')} checked={tool === 'region'} onChange={() => setTool('region')} /> Paint the region that moves
        </label>
        <label>
          <input type="radio" name={id('tool')} checked={tool === 'path'} onChange={() => setTool('path')} /> Draw its path (click points)
        </label>
        <label>
          <input type="radio" name={id('tool')} checked={tool === 'static'} onChange={() => setTool('static')} /> Paint static areas
        </label>
        <label htmlFor={id('radius')}>Brush size</label>
        <input id={id('radius')} type="range" min={4} max={96} value={radius} onChange={(e) => setRadius(Number(e.target.value))} />
      </fieldset>
      <div className="overlay wide">
        {imageUrl ? (
          <img
            src={imageUrl}
            alt=""
            onLoad={(e) => {
              const { naturalWidth: width, naturalHeight: height } = e.currentTarget;
              if (width > 0 && height > 0 && (width !== dims.width || height !== dims.height)) setDims({ width, height });
            }}
          />
        ) : (
          <div className="placeholder">no anchor image yet</div>
        )}
        <PaintLayer
          label="Static areas: paint with the pointer"
          mask={s.staticMask}
          colour={STATIC_COLOUR}
          width={dims.width}
          height={dims.height}
          radius={radius}
          active={tool === 'static'}
          onPainted={(m) => update(setStaticMask(s, m))}
        />
        {s.regions.map((r, i) => (
          <PaintLayer
            key={i}
            label={`Region ${i + 1}: paint with the pointer`}
            mask={r.mask}
            colour={REGION_COLOURS[i]!}
            width={dims.width}
            height={dims.height}
            radius={radius}
            active={tool === 'region' && i === s.active}
            onPainted={(m) => update(setRegionMask(selectRegion(s, i), m))}
          />
        ))}
        <svg
          ref={svg}
          viewBox="0 0 100 56.25"
          preserveAspectRatio="none"
          role="img"
          aria-label={`Motion brush paths: ${summary}`}
          onClick={onClick}
          style={{ pointerEvents: tool === 'path' ? 'auto' : 'none' }}
        >
          <defs>
            {REGION_COLOURS.map((c, i) => (
              <marker key={i} id={id(`arrow${i}`)} viewBox="0 0 10 10" refX={7} refY={5} markerWidth={5} markerHeight={5} orient="auto-start-reverse">
                <path d="M0,0 L10,5 L0,10 z" fill={c} />
              </marker>
            ))}
          </defs>
          {s.regions.map((r, i) => (
            <g key={i} data-region={i}>
              {r.path.length > 1 && <polyline className="traj" stroke={REGION_COLOURS[i]} points={line(r.path)} markerEnd={`url(#${id(`arrow${i}`)})`} />}
              {i === s.active && r.path.map((p, k) => <circle key={k} cx={p.x * 100} cy={p.y * 56.25} r={0.8} fill={REGION_COLOURS[i]} />)}
            </g>
          ))}
        </svg>
      </div>
      <div className="row">
        <button type="button" onClick={() => update(setRegionMask(s, null))} disabled={!s.regions[s.active]?.mask}>
          Clear region {s.active + 1} paint
        </button>
        <button type="button" onClick={() => update(clearPath(s))} disabled={!s.regions[s.active]?.path.length}>
          Clear region {s.active + 1} path ({s.regions[s.active]?.path.length ?? 0} points)
        </button>
        <button type="button" onClick={() => update(setStaticMask(s, null))} disabled={!s.staticMask}>
          Clear static areas
        </button>
      </div>
      {msg && (
        <p role="alert" className="field-error">
          {msg}
        </p>
      )}
      <p aria-live="polite">Brush: {summary}.</p>
      <button type="button" onClick={() => save.mutate()} disabled={save.isPending}>
        Save motion brush
      </button>
      {save.isSuccess && <p role="status">Saved: {describeBrush(fromServer(save.data))}.</p>}
      <ErrorNote error={save.error} title="Could not save the motion brush" />
    </section>
  );
}
