// The timeline: waveform, scene and shot blocks, cut handles (sliders that
// move with the keyboard or a pointer) and the selected shot's panel. All
// edits go through the pure functions of tiling.ts; a refused edit is shown
// in words next to the control that asked for it.
import { useId, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { Link } from '../ui/ErrorNote';
import { formatMs } from '../ui/format';
import {
  boundaryRange,
  isEditable,
  mergeWithNext,
  moveBoundary,
  retimeShot,
  splitShot,
  updateShotText,
  type EditResult,
  type Limits,
  type Plan,
} from './tiling';
import { msAt } from './waveform';

export interface TimelineEditorProps {
  plan: Plan;
  limits: Limits;
  onChange?: (plan: Plan) => void; // absent: read-only
  onPlayFrom?: (ms: number) => void;
  peaks?: Array<[number, number]>;
  newShotId?: () => string;
  playheadMs?: number;
  /** Where a shot's own page is (a committed plan links its shots there). */
  shotHref?: (shotId: string) => string;
}

const pct = (ms: number, songMs: number) => `${(100 * ms) / songMs}%`;

export function TimelineEditor({ plan, limits, onChange, onPlayFrom, peaks, newShotId, playheadMs, shotHref }: TimelineEditorProps) {
  const uid = useId();
  const [selectedId, setSelected] = useState<string | null>(plan.shots[0]?.shotId ?? null);
  const [error, setError] = useState<{ where: string; message: string } | null>(null);
  const trackRef = useRef<HTMLDivElement>(null);
  const dragging = useRef<number | null>(null);
  const readOnly = !onChange;
  const selected = plan.shots.find((s) => s.shotId === selectedId) ?? null;
  const selectedIndex = selected ? plan.shots.indexOf(selected) : -1;

  const apply = (where: string, r: EditResult) => {
    if (r.ok) {
      setError(null);
      onChange?.(r.plan);
    } else {
      setError({ where, message: r.error });
    }
    return r.ok;
  };

  const onCutKey = (i: number, e: KeyboardEvent) => {
    const cut = plan.shots[i]!.endMs;
    const steps: Record<string, number> = { ArrowLeft: -100, ArrowDown: -100, ArrowRight: 100, ArrowUp: 100, PageDown: -1000, PageUp: 1000 };
    const range = boundaryRange(plan, i, limits);
    let to: number | null = null;
    if (e.key in steps) to = cut + steps[e.key]!;
    else if (e.key === 'Home' && range) to = range.minMs;
    else if (e.key === 'End' && range) to = range.maxMs;
    if (to === null) return;
    e.preventDefault();
    if (range) to = Math.min(range.maxMs, Math.max(range.minMs, to));
    if (to !== cut) apply('cut', moveBoundary(plan, i, to, limits));
  };

  const onCutPointerDown = (i: number, e: PointerEvent) => {
    if (readOnly) return;
    dragging.current = i;
    (e.target as Element).setPointerCapture?.(e.pointerId);
  };
  const onCutPointerMove = (e: PointerEvent) => {
    const i = dragging.current;
    const track = trackRef.current;
    if (i === null || !track) return;
    const box = track.getBoundingClientRect();
    const range = boundaryRange(plan, i, limits);
    let to = msAt(e.clientX - box.left, box.width, plan.songMs);
    if (range) to = Math.min(range.maxMs, Math.max(range.minMs, to));
    if (to !== plan.shots[i]!.endMs) apply('cut', moveBoundary(plan, i, to, limits));
  };
  const onCutPointerUp = () => {
    dragging.current = null;
  };

  const errorAt = (where: string) =>
    error?.where === where ? (
      <p role="alert" className="field-error">
        {error.message}
      </p>
    ) : null;

  return (
    <div className="timeline">
      <div className="track-wrap">
        <div className="track" ref={trackRef} onPointerMove={onCutPointerMove} onPointerUp={onCutPointerUp}>
          {peaks && peaks.length > 0 && (
            <svg className="wave" viewBox={`0 -1 ${peaks.length} 2`} preserveAspectRatio="none" aria-hidden="true">
              {peaks.map(([lo, hi], x) => (
                <rect key={x} x={x} y={-hi} width={1} height={Math.max(0.01, hi - lo)} />
              ))}
            </svg>
          )}
          <div className="scenes" aria-label="Scenes">
            {plan.scenes.map((c) => (
              <div key={c.sceneId} className="scene" style={{ left: pct(c.startMs, plan.songMs), width: pct(c.endMs - c.startMs, plan.songMs) }}>
                <span>{c.label}</span>
              </div>
            ))}
          </div>
          <div className="shots-track" role="group" aria-label="Shots">
            {plan.shots.map((s) => (
              <button
                type="button"
                key={s.shotId}
                className={`block ${s.shotId === selectedId ? 'selected' : ''} ${isEditable(s) ? '' : 'locked'}`}
                style={{ left: pct(s.startMs, plan.songMs), width: pct(s.endMs - s.startMs, plan.songMs) }}
                aria-pressed={s.shotId === selectedId}
                aria-label={`Shot ${s.shotId}, ${formatMs(s.startMs)} to ${formatMs(s.endMs)}${isEditable(s) ? '' : `, ${s.status.toLowerCase()}`}`}
                onClick={() => {
                  setSelected(s.shotId);
                  setError(null);
                }}
              >
                {s.shotId}
              </button>
            ))}
          </div>
          {!readOnly &&
            plan.shots.slice(0, -1).map((s, i) => {
              const range = boundaryRange(plan, i, limits);
              const next = plan.shots[i + 1]!;
              return (
                <div
                  key={`cut-${s.shotId}`}
                  className="cut"
                  role="slider"
                  tabIndex={0}
                  aria-label={`Cut between ${s.shotId} and ${next.shotId}`}
                  aria-valuemin={range?.minMs}
                  aria-valuemax={range?.maxMs}
                  aria-valuenow={s.endMs}
                  aria-valuetext={formatMs(s.endMs)}
                  style={{ left: pct(s.endMs, plan.songMs) }}
                  onKeyDown={(e) => onCutKey(i, e)}
                  onPointerDown={(e) => onCutPointerDown(i, e)}
                />
              );
            })}
          {playheadMs !== undefined && <div className="playhead" style={{ left: pct(playheadMs, plan.songMs) }} aria-hidden="true" />}
        </div>
        {errorAt('cut')}
      </div>

      {selected && (
        <ShotPanel
          // A new span (split, cut moved) starts the panel's fields afresh.
          key={`${selected.shotId}:${selected.startMs}-${selected.endMs}`}
          uid={uid}
          plan={plan}
          index={selectedIndex}
          readOnly={readOnly || !isEditable(selected)}
          committed={readOnly}
          shotHref={shotHref}
          onPlayFrom={onPlayFrom}
          errorAt={errorAt}
          onSplit={(at) => apply('split', splitShot(plan, selected.shotId, at, limits, newShotId ?? (() => `${selected.shotId}-b`)))}
          onMerge={() => apply('merge', mergeWithNext(plan, selected.shotId, limits))}
          onRetime={(a, b) => apply('retime', retimeShot(plan, selected.shotId, a, b, limits))}
          onText={(change) => apply('text', updateShotText(plan, selected.shotId, change))}
        />
      )}
    </div>
  );
}

function ShotPanel(props: {
  uid: string;
  plan: Plan;
  index: number;
  readOnly: boolean;
  committed: boolean;
  shotHref?: (shotId: string) => string;
  onPlayFrom?: (ms: number) => void;
  errorAt: (where: string) => React.ReactNode;
  onSplit: (atMs: number) => void;
  onMerge: () => void;
  onRetime: (startMs: number, endMs: number) => void;
  onText: (change: { description?: string; lyricsSnippet?: string; showsMiri?: boolean; endState?: string }) => void;
}) {
  const { uid, plan, index, readOnly, errorAt } = props;
  const s = plan.shots[index]!;
  const [splitAt, setSplitAt] = useState(String(Math.round((s.startMs + s.endMs) / 2)));
  const [start, setStart] = useState(String(s.startMs));
  const [end, setEnd] = useState(String(s.endMs));
  const id = (x: string) => `${uid}-${x}`;
  return (
    <section className="panel" aria-labelledby={id('title')}>
      <h3 id={id('title')}>
        Shot {s.shotId} · {formatMs(s.startMs)}–{formatMs(s.endMs)} ({((s.endMs - s.startMs) / 1000).toFixed(2)} s)
      </h3>
      {readOnly && !props.committed && (
        <p className="muted">This shot cannot be edited here ({s.status.toLowerCase()}, {s.versionCount} versions).</p>
      )}
      <div className="row">
        {props.onPlayFrom && (
          <button type="button" onClick={() => props.onPlayFrom?.(s.startMs)}>
            Play from {s.shotId}
          </button>
        )}
        {props.committed && props.shotHref && (
          <Link className="button" to={props.shotHref(s.shotId)}>
            Open shot {s.shotId} ({s.status.toLowerCase().replace(/_/g, ' ')})
          </Link>
        )}
      </div>
      {!readOnly && (
        <>
          <div className="row">
            <label htmlFor={id('split')}>Split at (ms)</label>
            <input id={id('split')} type="number" value={splitAt} onChange={(e) => setSplitAt(e.target.value)} />
            <button type="button" onClick={() => props.onSplit(Number(splitAt))}>
              Split
            </button>
          </div>
          {errorAt('split')}
          <div className="row">
            <button type="button" onClick={props.onMerge} disabled={index === plan.shots.length - 1}>
              Merge with next shot
            </button>
          </div>
          {errorAt('merge')}
          <div className="row">
            <label htmlFor={id('start')}>Start (ms)</label>
            <input id={id('start')} type="number" value={start} onChange={(e) => setStart(e.target.value)} />
            <label htmlFor={id('end')}>End (ms)</label>
            <input id={id('end')} type="number" value={end} onChange={(e) => setEnd(e.target.value)} />
            <button type="button" onClick={() => props.onRetime(Number(start), Number(end))}>
              Retime
            </button>
          </div>
          {errorAt('retime')}
        </>
      )}
      <div className="field">
        <label htmlFor={id('desc')}>Description (what the shot shows)</label>
        <textarea
          id={id('desc')}
          rows={3}
          value={s.description}
          readOnly={readOnly}
          maxLength={2000}
          onChange={(e) => props.onText({ description: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={id('end')}>How the shot ends</label>
        <textarea
          id={id('end')}
          rows={2}
          value={s.endState}
          readOnly={readOnly}
          maxLength={2000}
          placeholder="Empty: the clip starts from the first frame alone"
          onChange={(e) => props.onText({ endState: e.target.value })}
        />
        <p className="muted">An end frame is drawn from the start frame with this change, and the clip moves from one to the other.</p>
      </div>
      <div className="field">
        <label htmlFor={id('lyrics')}>Lyrics of the shot</label>
        <textarea id={id('lyrics')} rows={2} value={s.lyricsSnippet} readOnly={readOnly} onChange={(e) => props.onText({ lyricsSnippet: e.target.value })} />
      </div>
      <div className="field checkbox">
        <input id={id('miri')} type="checkbox" checked={s.showsMiri} disabled={readOnly} onChange={(e) => props.onText({ showsMiri: e.target.checked })} />
        <label htmlFor={id('miri')}>Miri is in this shot</label>
        <p className="muted">
          Ticking adds Miri; unticking never switches off her protections: any child a shot describes is drawn as Miri,
          through her LoRA, and no other child may appear.
        </p>
      </div>
      {errorAt('text')}
    </section>
  );
}
