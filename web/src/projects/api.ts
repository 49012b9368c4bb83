import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useApi, useServices } from '../app/services';
import { ProjectListSchema, ProjectViewSchema } from '../schemas';

export function useProjects() {
  const api = useApi();
  return useQuery({ queryKey: ['projects'], queryFn: () => api.get('/api/projects', {}, ProjectListSchema) });
}

/** The project, refetched when the server announces a change (status, settings) or after a reconnect. */
export function useProject(projectId: string) {
  const { api, live } = useServices();
  const qc = useQueryClient();
  useEffect(
    () =>
      live.watch(projectId, (type) => {
        if (type === 'PROJECT_UPDATED' || type === 'RESYNC') void qc.invalidateQueries({ queryKey: ['project', projectId] });
      }),
    [live, projectId, qc],
  );
  return useQuery({ queryKey: ['project', projectId], queryFn: () => api.get('/api/projects/{projectId}', { path: { projectId } }, ProjectViewSchema) });
}
