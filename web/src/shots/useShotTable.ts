// The shot table's state: the pure reducer (shotTable.ts) kept in the
// TanStack Query cache. The snapshot query fetches the events' lastSeq and
// then the shots; live events are folded into the cache as they arrive,
// and a gap/RESYNC/new shot invalidates the query so it refetches.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { EventListSchema, EventPayloadSchema, ShotListSchema } from '../schemas';
import { useServices } from '../app/services';
import { initialShotTable, needsSnapshot, reduceShotTable, type ShotTableAction, type ShotTableState } from './shotTable';

export const shotTableKey = (projectId: string) => ['shotTable', projectId] as const;

export function useShotTable(projectId: string) {
  const { api, live } = useServices();
  const qc = useQueryClient();

  const query = useQuery({
    queryKey: shotTableKey(projectId),
    queryFn: async (): Promise<ShotTableState> => {
      // seq first: the shots are then at least as new as it, and applying
      // events again after it is harmless.
      const events = await api.get('/api/projects/{projectId}/events', { path: { projectId }, query: { after: 0, limit: 10000 } }, EventListSchema);
      const { shots } = await api.get('/api/projects/{projectId}/shots', { path: { projectId } }, ShotListSchema);
      const current = qc.getQueryData<ShotTableState>(shotTableKey(projectId)) ?? initialShotTable;
      const projectEvents = events.events.filter((e) => e.shotId === undefined);
      const last = projectEvents.at(-1);
      const next = reduceShotTable(current, { type: 'snapshot', shots, seq: events.lastSeq });
      return last && next.projectStatus === undefined
        ? {
            ...next,
            projectStatus: last.to as ShotTableState['projectStatus'],
            projectChange: { from: last.from, cause: last.cause },
          }
        : next;
    },
    staleTime: Infinity,
    // Events are only followed while a view watches them: a view that
    // mounts later starts from a fresh snapshot.
    refetchOnMount: 'always',
  });

  useEffect(() => {
    const key = shotTableKey(projectId);
    const dispatch = (action: ShotTableAction) => {
      const before = qc.getQueryData<ShotTableState>(key) ?? initialShotTable;
      const after = reduceShotTable(before, action);
      if (after === before) return;
      qc.setQueryData(key, after);
      if (after.phase === 'ready' && needsSnapshot(after) && !needsSnapshot(before)) {
        void qc.invalidateQueries({ queryKey: key });
      }
    };
    return live.watch(projectId, (type, payload) => {
      if (type === 'RESYNC') {
        const reason =
          payload && typeof payload === 'object' && 'reason' in payload ? String(payload.reason) : 'resync';
        dispatch({ type: 'resync', reason });
        return;
      }
      if (type !== 'SHOT_UPDATED' && type !== 'PROJECT_UPDATED') return;
      if (type === 'PROJECT_UPDATED' && !(payload && typeof payload === 'object' && 'seq' in payload)) {
        // Settings changed (no status event): refresh the project only.
        void qc.invalidateQueries({ queryKey: ['project', projectId] });
        return;
      }
      const parsed = EventPayloadSchema.safeParse(payload);
      if (!parsed.success) {
        dispatch({ type: 'resync', reason: `a ${type} event did not match the contract` });
        return;
      }
      dispatch({ type: 'event', event: parsed.data, projectId });
    });
  }, [projectId, live, qc]);

  return { state: query.data ?? initialShotTable, error: query.error, isFetching: query.isFetching };
}
