// The one place that owns the Socket.IO connection. Components read its
// state with useSyncExternalStore (useLiveStatus) and watch a project's
// events with watch(); the connection joins the project's room with
// "subscribe" {projectId} while anyone watches it, rejoins after a
// reconnect and then tells the watchers to resync (events may have been
// missed while the socket was down). The events are the server's (ports/
// event_bus.h, services/rulebook/rulebook.h); the payload schemas are in
// schemas/ (EventPayloadSchema, RenderProgressSchema,
// RuleUpdatedPayloadSchema), parsed where they are used.
import { io, type Socket } from 'socket.io-client';

export type LiveEventType = 'SHOT_UPDATED' | 'PROJECT_UPDATED' | 'RENDER_PROGRESS' | 'BUDGET_UPDATED' | 'RULE_UPDATED' | 'RESYNC';
export const LIVE_EVENTS: readonly LiveEventType[] = [
  'SHOT_UPDATED',
  'PROJECT_UPDATED',
  'RENDER_PROGRESS',
  'BUDGET_UPDATED',
  'RULE_UPDATED',
  'RESYNC',
];
export type LiveHandler = (type: LiveEventType, payload: unknown) => void;

export interface LiveState {
  status: 'idle' | 'connecting' | 'connected' | 'disconnected';
  error?: string;
}

/** The server's answer to "subscribe". */
export interface SubscribeAck {
  ok?: boolean;
  error?: { message?: string };
}

/** The part of socket.io-client's Socket this uses (a fake in tests). */
export interface SocketLike {
  connected: boolean;
  on(event: 'connect', fn: () => void): unknown;
  on(event: 'disconnect', fn: (reason: string) => void): unknown;
  on(event: 'connect_error', fn: (err: Error) => void): unknown;
  on(event: LiveEventType, fn: (payload: unknown) => void): unknown;
  emit(event: 'subscribe' | 'unsubscribe', data: { projectId: string }, ack?: (reply: SubscribeAck | undefined) => void): unknown;
  connect(): unknown;
  disconnect(): unknown;
}

export class LiveConnection {
  private state: LiveState = { status: 'idle' };
  private readonly stateListeners = new Set<() => void>();
  private readonly watchers = new Map<string, Set<LiveHandler>>();
  private socket: SocketLike | null = null;
  private everConnected = false;

  constructor(private readonly makeSocket: () => SocketLike) {}

  getState = (): LiveState => this.state;

  subscribeState = (fn: () => void): (() => void) => {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  };

  private setState(s: LiveState) {
    this.state = s;
    for (const fn of this.stateListeners) fn();
  }

  private ensureSocket(): SocketLike {
    if (this.socket) return this.socket;
    const s = this.makeSocket();
    this.socket = s;
    this.setState({ status: 'connecting' });
    s.on('connect', () => {
      this.setState({ status: 'connected' });
      const rejoin = this.everConnected;
      this.everConnected = true;
      for (const projectId of this.watchers.keys()) this.join(projectId, rejoin);
    });
    s.on('disconnect', (reason: string) => {
      this.setState({ status: 'disconnected', error: `live updates paused (${reason}); reconnecting` });
    });
    s.on('connect_error', (err: Error) => {
      this.setState({ status: 'disconnected', error: `live updates unavailable: ${err.message}` });
    });
    for (const type of LIVE_EVENTS) {
      s.on(type, (payload: unknown) => this.deliver(type, payload));
    }
    s.connect();
    return s;
  }

  private deliver(type: LiveEventType, payload: unknown) {
    const projectId =
      payload && typeof payload === 'object' && 'projectId' in payload ? String(payload.projectId) : null;
    for (const [id, handlers] of this.watchers) {
      if (projectId === null || projectId === id) for (const h of handlers) h(type, payload);
    }
  }

  private join(projectId: string, rejoin: boolean) {
    const s = this.socket;
    if (!s?.connected) return; // joined on connect
    s.emit('subscribe', { projectId }, (ack) => {
      if (ack && ack.ok === false) {
        this.setState({ status: 'connected', error: `live updates refused: ${ack.error?.message ?? 'unknown project'}` });
      }
    });
    if (rejoin) for (const h of this.watchers.get(projectId) ?? []) h('RESYNC', { projectId, reason: 'reconnected' });
  }

  /** Calls `handler` for every event of `projectId` until the returned function is called. */
  watch(projectId: string, handler: LiveHandler): () => void {
    let set = this.watchers.get(projectId);
    const first = !set;
    if (!set) {
      set = new Set();
      this.watchers.set(projectId, set);
    }
    set.add(handler);
    if (this.socket) {
      if (first) this.join(projectId, false);
    } else {
      this.ensureSocket(); // joins every watched project on connect
    }
    return () => {
      const cur = this.watchers.get(projectId);
      if (!cur) return;
      cur.delete(handler);
      if (cur.size === 0) {
        this.watchers.delete(projectId);
        if (this.socket?.connected) this.socket.emit('unsubscribe', { projectId });
      }
    };
  }

  close() {
    this.socket?.disconnect();
    this.socket = null;
    this.setState({ status: 'idle' });
  }
}

export function browserSocket(token: () => string | null): SocketLike {
  const socket: Socket = io({
    path: '/socket.io',
    transports: ['websocket'],
    autoConnect: false,
    auth: (cb) => {
      const t = token();
      cb(t ? { token: t } : {});
    },
  });
  return socket;
}
