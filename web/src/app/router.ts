// A tiny pathname router: the location is an external store read with
// useSyncExternalStore; routes are matched by pure parsing (parseRoute).
import { useSyncExternalStore } from 'react';

export type Route =
  | { page: 'projects' }
  | { page: 'new' }
  | { page: 'project'; projectId: string; tab: ProjectTab }
  | { page: 'shot'; projectId: string; shotId: string }
  | { page: 'notFound'; path: string };

export const PROJECT_TABS = ['shots', 'timeline', 'rulebook', 'budget', 'render', 'settings'] as const;
export type ProjectTab = (typeof PROJECT_TABS)[number];

export function parseRoute(path: string): Route {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'projects')) return { page: 'projects' };
  if (parts[0] === 'projects' && parts[1] === 'new' && parts.length === 2) return { page: 'new' };
  if (parts[0] === 'projects' && parts[1]) {
    const projectId = parts[1];
    if (parts.length === 2) return { page: 'project', projectId, tab: 'shots' };
    if (parts[2] === 'shots' && parts[3] && parts.length === 4) return { page: 'shot', projectId, shotId: parts[3] };
    const tab = parts[2] as ProjectTab;
    if (parts.length === 3 && PROJECT_TABS.includes(tab)) return { page: 'project', projectId, tab };
  }
  return { page: 'notFound', path };
}

export function href(r: Route): string {
  switch (r.page) {
    case 'projects':
      return '/';
    case 'new':
      return '/projects/new';
    case 'project':
      return `/projects/${encodeURIComponent(r.projectId)}${r.tab === 'shots' ? '' : `/${r.tab}`}`;
    case 'shot':
      return `/projects/${encodeURIComponent(r.projectId)}/shots/${encodeURIComponent(r.shotId)}`;
    case 'notFound':
      return r.path;
  }
}

const listeners = new Set<() => void>();
function subscribe(fn: () => void) {
  listeners.add(fn);
  window.addEventListener('popstate', fn);
  return () => {
    listeners.delete(fn);
    window.removeEventListener('popstate', fn);
  };
}
const getPath = () => window.location.pathname;

export function navigate(to: string) {
  if (to === window.location.pathname) return;
  window.history.pushState(null, '', to);
  for (const fn of listeners) fn();
}

export function useRoute(): Route {
  return parseRoute(useSyncExternalStore(subscribe, getPath));
}
