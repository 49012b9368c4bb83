// The shot table's live state as a pure reducer. The store is the truth;
// SHOT_UPDATED / PROJECT_UPDATED events carry a per-project `seq`, so the
// table applies each event once, in order, and asks for a fresh snapshot
// (GET .../shots) when it sees a gap, an unknown shot, a new plan or a
// RESYNC. Applying an event sets an absolute status, so re-applying events
// already reflected in a snapshot is harmless.
import type { EventPayload, ProjectStatus, Shot, ShotStatus } from '../schemas';
import { PROJECT_STATUSES, SHOT_STATUSES } from '../schemas';

export const MAX_PENDING = 500;

export interface ShotTableState {
  phase: 'loading' | 'ready';
  shots: Shot[];
  lastSeq: number;
  pending: EventPayload[]; // events received before the first snapshot
  stale: boolean; // a snapshot is needed
  staleReason?: string;
  projectStatus?: ProjectStatus;
  /** The project's latest status event: where it came from and why (a failed render's cause). */
  projectChange?: ProjectChange;
  lastChange?: { shotId: string; seq: number; cause: string };
}

export interface ProjectChange {
  from: string | null;
  cause: string;
}

export type ShotTableAction =
  | { type: 'snapshot'; shots: Shot[]; seq: number }
  | { type: 'event'; event: EventPayload; projectId?: string }
  | { type: 'resync'; reason: string };

export const initialShotTable: ShotTableState = {
  phase: 'loading',
  shots: [],
  lastSeq: 0,
  pending: [],
  stale: false,
};

export function needsSnapshot(s: ShotTableState): boolean {
  return s.phase === 'loading' || s.stale;
}

const isShotStatus = (v: string): v is ShotStatus => (SHOT_STATUSES as readonly string[]).includes(v);
const isProjectStatus = (v: string): v is ProjectStatus => (PROJECT_STATUSES as readonly string[]).includes(v);

function markStale(s: ShotTableState, reason: string): ShotTableState {
  return s.stale ? s : { ...s, stale: true, staleReason: reason };
}

function applyEvent(s: ShotTableState, e: EventPayload): ShotTableState {
  if (e.seq <= s.lastSeq) return s;
  let next: ShotTableState = { ...s, lastSeq: e.seq };
  if (e.seq > s.lastSeq + 1) next = markStale(next, `missed events ${s.lastSeq + 1}-${e.seq - 1}`);
  if (e.shotId === undefined) {
    if (isProjectStatus(e.to)) {
      next.projectStatus = e.to;
      next.projectChange = { from: e.from, cause: e.cause };
    }
    // A committed plan brings shots the table has never seen.
    if (e.to === 'PLANNED') next = markStale(next, 'the plan was committed');
    return next;
  }
  const i = s.shots.findIndex((x) => x.shotId === e.shotId);
  if (i < 0 || !isShotStatus(e.to)) return markStale(next, `shot ${e.shotId} is new`);
  const old = s.shots[i]!;
  const versions =
    e.versionId !== undefined && !old.versions.includes(e.versionId) ? [...old.versions, e.versionId] : old.versions;
  const shots = [...s.shots];
  shots[i] = { ...old, status: e.to, versions };
  return { ...next, shots, lastChange: { shotId: e.shotId, seq: e.seq, cause: e.cause } };
}

export function reduceShotTable(s: ShotTableState, a: ShotTableAction): ShotTableState {
  switch (a.type) {
    case 'snapshot': {
      let next: ShotTableState = {
        ...s,
        phase: 'ready',
        shots: [...a.shots].sort((x, y) => x.timestamps.startMs - y.timestamps.startMs),
        lastSeq: a.seq,
        pending: [],
        stale: false,
        staleReason: undefined,
      };
      const later = s.pending.filter((e) => e.seq > a.seq).sort((x, y) => x.seq - y.seq);
      for (const e of later) next = applyEvent(next, e);
      return next;
    }
    case 'event': {
      if (a.projectId !== undefined && a.event.projectId !== a.projectId) return s;
      if (s.phase === 'loading') {
        if (s.pending.length >= MAX_PENDING) return markStale({ ...s, pending: [] }, 'too many events while loading');
        return { ...s, pending: [...s.pending, a.event] };
      }
      return applyEvent(s, a.event);
    }
    case 'resync':
      return markStale(s, a.reason);
  }
}
