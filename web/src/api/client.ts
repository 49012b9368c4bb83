// The one place that talks HTTP to `miri serve`. Calls name a route of the
// OpenAPI document (routes.ts: checked by tsc against openapi.gen.ts); every
// reply is parsed with its Zod schema (the contract); every 4xx/5xx becomes
// an ApiError that keeps the server's words and the fields it named.
import type { ZodType } from 'zod';
import { ApiErrorBodySchema, UploadResultSchema, type FieldIssue, type UploadResult } from '../schemas';
import type { components } from './openapi.gen';
import {
  toPath,
  type JsonReply,
  type MediaRoute,
  type RequestParts,
  type Route,
  type RouteFor,
  type UploadContentType,
  type UploadRoute,
} from './routes';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
  /** The issue messages whose path is `field` or below it. */
  forField(field: string): string[] {
    return this.issues
      .filter((i) => i.path === field || i.path.startsWith(`${field}.`) || i.path.startsWith(`${field}[`))
      .map((i) => i.message);
  }
}

export interface UploadOptions {
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
}

export type CommandMethod = 'POST' | 'PUT' | 'DELETE';

/**
 * The API as the OpenAPI document declares it. A reply schema's type must
 * be what the document says the route answers (`T extends JsonReply`), so a
 * route that stops answering JSON, or changes its shape once the document
 * describes it, fails tsc here.
 */
export interface Api {
  get<R extends RouteFor<'GET'>, T extends JsonReply<R, 'GET'>>(route: R, parts: RequestParts<R, 'GET'>, schema: ZodType<T>): Promise<T>;
  send<M extends CommandMethod, R extends RouteFor<M>, T extends JsonReply<R, M>>(
    method: M,
    route: R,
    parts: RequestParts<R, M>,
    schema: ZodType<T>,
    idempotencyKey?: string,
  ): Promise<T>;
  upload<R extends UploadRoute>(
    route: R,
    parts: RequestParts<R, 'PUT'>,
    body: Blob | string,
    contentType: UploadContentType<R>,
    options?: UploadOptions,
  ): Promise<UploadResult>;
  /** Raw bytes (the song for the waveform). */
  bytes<R extends MediaRoute>(route: R, parts: RequestParts<R, 'GET'>): Promise<ArrayBuffer>;
}

/** The parts every request has, whatever its route (for code that handles any route). */
interface AnyParts {
  path?: Record<string, string | number | boolean>;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
}

function errorFrom(status: number, statusText: string, text: string, what: string): ApiError {
  let body: unknown = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  const parsed = ApiErrorBodySchema.safeParse(body);
  if (parsed.success) {
    // What Zod accepts is an Error body as the OpenAPI document has it (tsc checks).
    const { code, message, issues } = (parsed.data satisfies components['schemas']['Error']).error;
    return new ApiError(message, status, code, issues);
  }
  const detail = text.trim().slice(0, 200) || statusText;
  return new ApiError(`${what} failed: HTTP ${status}${detail ? ` (${detail})` : ''}`, status, `HTTP_${status}`);
}

export function parseReply<T>(schema: ZodType<T>, data: unknown, what: string): T {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0];
  throw new ApiError(
    `the server's reply to ${what} does not match the contract${first ? ` (${first.path || 'body'}: ${first.message})` : ''}`,
    0,
    'CONTRACT',
    issues,
  );
}

export function createApi(opts: { base?: string; token?: () => string | null; fetchImpl?: typeof fetch } = {}): Api {
  const base = opts.base ?? '';
  const f = opts.fetchImpl ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const auth = (): Record<string, string> => {
    const t = opts.token?.();
    return t ? { Authorization: `Bearer ${t}` } : {};
  };
  async function call<T>(method: string, route: Route, parts: AnyParts, schema: ZodType<T>, key?: string): Promise<T> {
    const path = toPath(route, parts);
    const { body } = parts;
    const what = `${method} ${path}`;
    let res: Response;
    try {
      res = await f(base + path, {
        method,
        headers: {
          Accept: 'application/json',
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...(key ? { 'Idempotency-Key': key } : {}),
          ...auth(),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch (e) {
      throw new ApiError(`${what}: the server could not be reached (${(e as Error).message})`, 0, 'NETWORK');
    }
    const text = await res.text();
    if (!res.ok) throw errorFrom(res.status, res.statusText, text, what);
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : {};
    } catch {
      throw new ApiError(`the server's reply to ${what} is not JSON`, res.status, 'CONTRACT');
    }
    return parseReply(schema, data, what);
  }
  return {
    get: (route, parts, schema) => call('GET', route, parts, schema),
    async bytes(route, parts) {
      const path = toPath(route, parts);
      let res: Response;
      try {
        res = await f(base + path, { headers: auth() });
      } catch (e) {
        throw new ApiError(`GET ${path}: the server could not be reached (${(e as Error).message})`, 0, 'NETWORK');
      }
      if (!res.ok) throw errorFrom(res.status, res.statusText, await res.text(), `GET ${path}`);
      return res.arrayBuffer();
    },
    send: (method, route, parts, schema, key) => call(method, route, parts, schema, key),
    upload(route, parts, body, contentType, options = {}) {
      const path = toPath(route, parts);
      // XMLHttpRequest: fetch() reports no upload progress.
      return new Promise<UploadResult>((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('PUT', base + path);
        xhr.setRequestHeader('Content-Type', contentType);
        for (const [k, v] of Object.entries(auth())) xhr.setRequestHeader(k, v);
        xhr.upload.onprogress = (e) => options.onProgress?.(e.loaded, e.lengthComputable ? e.total : 0);
        xhr.onerror = () => reject(new ApiError(`PUT ${path}: the upload could not reach the server`, 0, 'NETWORK'));
        xhr.onabort = () => reject(new ApiError('the upload was cancelled', 0, 'ABORTED'));
        xhr.onload = () => {
          if (xhr.status < 200 || xhr.status >= 300) {
            reject(errorFrom(xhr.status, xhr.statusText, xhr.responseText, `PUT ${path}`));
            return;
          }
          try {
            resolve(parseReply(UploadResultSchema, JSON.parse(xhr.responseText), `PUT ${path}`));
          } catch (e) {
            reject(e instanceof ApiError ? e : new ApiError(`the server's reply to PUT ${path} is not JSON`, xhr.status, 'CONTRACT'));
          }
        };
        options.signal?.addEventListener('abort', () => xhr.abort());
        xhr.send(body);
      });
    },
  };
}

/** A fresh Idempotency-Key for one user action (retries reuse it). */
export function newKey(): string {
  return crypto.randomUUID();
}
