// Test doubles: an in-memory API (routes as functions) and a fake socket
// the test drives as the server would.
import { QueryClient } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import type { ZodType } from 'zod';
import { ApiError, parseReply, type Api, type UploadOptions } from '../api/client';
import { toPath } from '../api/routes';
import { ServicesProvider } from '../app/services';
import { LiveConnection, type SocketLike, type SubscribeAck } from '../live/connection';
import type { UploadResult } from '../schemas';

export class FakeSocket implements SocketLike {
  connected = false;
  emitted: Array<[string, unknown]> = [];
  private handlers = new Map<string, Array<(...a: unknown[]) => void>>();
  on(event: string, fn: (...a: never[]) => void) {
    // The test plays the server: fire() passes what that event's listener takes.
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), fn as (...a: unknown[]) => void]);
    return this;
  }
  emit(event: string, data: unknown, ack?: (r: SubscribeAck | undefined) => void) {
    this.emitted.push([event, data]);
    ack?.({ ok: true });
    return this;
  }
  connect() {
    this.connected = true;
    this.fire('connect');
    return this;
  }
  disconnect() {
    this.connected = false;
    this.fire('disconnect', 'io client disconnect');
    return this;
  }
  /** The server sends an event. */
  fire(event: string, ...args: unknown[]) {
    for (const fn of this.handlers.get(event) ?? []) fn(...args);
  }
}

export type Handler = (body: unknown) => { status: number; body: unknown };

/** A fake reply as a promise: a throw becomes a rejection, as from the real client. */
function reply<T>(answer: () => T): Promise<T> {
  return new Promise((resolve) => resolve(answer()));
}

export class FakeApi implements Api {
  calls: string[] = [];
  routes = new Map<string, Handler>();
  uploads: Array<{ path: string; contentType: string; size: number }> = [];
  uploadReply: (path: string) => { status: number; body: unknown } = () => ({ status: 200, body: { blobKey: 'k', bytes: 1 } });

  on(method: string, path: string, h: unknown) {
    this.routes.set(`${method} ${path}`, typeof h === 'function' ? (h as Handler) : () => ({ status: 200, body: h }));
    return this;
  }
  private call<T>(method: string, path: string, schema: ZodType<T>, body?: unknown): Promise<T> {
    this.calls.push(`${method} ${path}`);
    return reply(() => this.answer(method, path, schema, body));
  }
  private answer<T>(method: string, path: string, schema: ZodType<T>, body: unknown): T {
    const h = this.routes.get(`${method} ${path}`) ?? this.routes.get(`${method} ${path.split('?')[0]}`);
    if (!h) throw new ApiError(`no route ${path}`, 404, 'NOT_FOUND', [{ path: 'path', message: 'no such route' }]);
    const r = h(body);
    if (r.status >= 400) {
      const e = (r.body as { error: { code: string; message: string; issues: Array<{ path: string; message: string }> } }).error;
      throw new ApiError(e.message, r.status, e.code, e.issues);
    }
    return parseReply(schema, r.body, `${method} ${path}`);
  }
  // The real client's signatures (route templates checked against the
  // OpenAPI document); routes are matched by the concrete path.
  get: Api['get'] = (route, parts, schema) => this.call('GET', toPath(route, parts), schema);
  send: Api['send'] = (method, route, parts, schema) => this.call(method, toPath(route, parts), schema, parts.body);
  bytes: Api['bytes'] = (route, parts) => {
    const path = toPath(route, parts);
    this.calls.push(`GET ${path}`);
    return Promise.reject(new ApiError(`no route ${path}`, 404, 'NOT_FOUND'));
  };
  upload: Api['upload'] = (route, parts, body, contentType, options = {}) => {
    const path = toPath(route, parts);
    this.calls.push(`PUT ${path}`);
    return reply(() => this.uploaded(path, body, contentType, options));
  };
  private uploaded(path: string, body: Blob | string, contentType: string, options: UploadOptions): UploadResult {
    const size = typeof body === 'string' ? body.length : body.size;
    this.uploads.push({ path, contentType, size });
    options.onProgress?.(Math.floor(size / 2), size);
    options.onProgress?.(size, size);
    const r = this.uploadReply(path);
    if (r.status >= 400) {
      const e = (r.body as { error: { code: string; message: string; issues: Array<{ path: string; message: string }> } }).error;
      throw new ApiError(e.message, r.status, e.code, e.issues);
    }
    return r.body as UploadResult;
  }
}

export function renderWithServices(ui: ReactElement, api: FakeApi = new FakeApi(), socket = new FakeSocket()) {
  const live = new LiveConnection(() => socket);
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const utils = render(
    <ServicesProvider services={{ api, live }} queryClient={qc}>
      {ui}
    </ServicesProvider>,
  );
  return { ...utils, api, socket, live, qc };
}
