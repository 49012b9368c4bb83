// Dependency injection for the app: the API client (the one place that
// fetches), the live connection (the one place that owns the socket) and
// the TanStack Query client. Tests pass fakes.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { Api } from '../api/client';
import type { LiveConnection, LiveState } from '../live/connection';

export interface Services {
  api: Api;
  live: LiveConnection;
}

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider({ services, queryClient, children }: { services: Services; queryClient: QueryClient; children: ReactNode }) {
  return (
    <ServicesContext.Provider value={services}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </ServicesContext.Provider>
  );
}

export function useServices(): Services {
  const s = useContext(ServicesContext);
  if (!s) throw new Error('useServices outside ServicesProvider');
  return s;
}

export const useApi = () => useServices().api;

export function useLiveStatus(): LiveState {
  const { live } = useServices();
  return useSyncExternalStore(live.subscribeState, live.getState);
}

export function newQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: (n, e) => n < 2 && !(e as { status?: number }).status, staleTime: 5_000, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}
