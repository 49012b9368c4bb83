import { useQuery } from '@tanstack/react-query';
import { useApi } from '../app/services';
import { ProjectListSchema, ProjectViewSchema } from '../schemas';

export const projectPath = (id: string) => `/api/projects/${encodeURIComponent(id)}`;

export function useProjects() {
  const api = useApi();
  return useQuery({ queryKey: ['projects'], queryFn: () => api.get('/api/projects', ProjectListSchema) });
}

export function useProject(projectId: string) {
  const api = useApi();
  return useQuery({ queryKey: ['project', projectId], queryFn: () => api.get(projectPath(projectId), ProjectViewSchema) });
}
