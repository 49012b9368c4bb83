// The image checks of a shot's image versions (GET .../versions/{v}/check),
// one query per version. A verdict never changes once written, so it is
// kept; a 404 means "not checked yet" and is asked again whenever the shot
// moves (the server writes the verdict before the shot leaves the
// generating state, so the event that follows finds it) or the live
// connection resyncs.
import { useQueries, useQueryClient, type QueryObserverResult } from '@tanstack/react-query';
import { useEffect } from 'react';
import { ApiError, type Api } from '../api/client';
import { useServices } from '../app/services';
import { ImageCheckSchema, type ImageCheck, type Version } from '../schemas';
import type { CheckState } from './imageCheck';

export const imageChecksKey = (projectId: string, shotId: string) => ['imageCheck', projectId, shotId] as const;

async function fetchCheck(api: Api, projectId: string, shotId: string, versionId: string): Promise<ImageCheck | null> {
  try {
    return await api.get('/api/projects/{projectId}/shots/{shotId}/versions/{versionId}/check', { path: { projectId, shotId, versionId } }, ImageCheckSchema);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

function stateOf(r: QueryObserverResult<ImageCheck | null>): CheckState {
  if (r.data === null) return { kind: 'notChecked' };
  if (r.data) return { kind: 'checked', check: r.data };
  if (r.error) return { kind: 'error', error: r.error };
  return { kind: 'loading' };
}

/** versionId -> what is known of its image check, for the shot's IMAGE versions. */
export function useImageChecks(projectId: string, shotId: string, versions: readonly Version[]): ReadonlyMap<string, CheckState> {
  const { api, live } = useServices();
  const qc = useQueryClient();

  useEffect(
    () =>
      live.watch(projectId, (type, payload) => {
        const ours = type === 'RESYNC' || (type === 'SHOT_UPDATED' && !!payload && typeof payload === 'object' && 'shotId' in payload && payload.shotId === shotId);
        if (!ours) return;
        void qc.invalidateQueries({ queryKey: imageChecksKey(projectId, shotId), predicate: (q) => q.state.data === null });
      }),
    [projectId, shotId, live, qc],
  );

  const images = versions.filter((v) => v.kind === 'IMAGE');
  return useQueries({
    queries: images.map((v) => ({
      queryKey: [...imageChecksKey(projectId, shotId), v.versionId],
      queryFn: () => fetchCheck(api, projectId, shotId, v.versionId),
      // A verdict is final; "not checked yet" is asked again when the shot moves.
      staleTime: (q: { state: { data: ImageCheck | null | undefined } }) => (q.state.data === null ? 0 : Infinity),
    })),
    combine: (results) => new Map(results.map((r, i) => [images[i]?.versionId ?? '', stateOf(r)])),
  });
}
