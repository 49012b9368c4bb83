// The API's routes as the OpenAPI document (src/http/openapi.json, via the
// generated openapi.gen.ts) declares them. Callers name a route by its
// template ("/api/projects/{projectId}/shots") with its path and query
// parameters and JSON body, so tsc refuses a route, method, parameter or
// body the document does not have, and a reply schema whose type is not
// what the document says the route answers. Replies are still parsed with
// Zod at run time (the document says little about their fields).
import type { paths } from './openapi.gen';

export type Route = keyof paths;
export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

type Operation<R extends Route, M extends HttpMethod> = NonNullable<paths[R][Lowercase<M>]>;

/** The routes the document lists for `M`. */
export type RouteFor<M extends HttpMethod> = {
  [R in Route]: [paths[R][Lowercase<M>]] extends [undefined] ? never : R;
}[Route];

type BodyContent<O> = O extends { requestBody?: infer B } ? (NonNullable<B> extends { content: infer C } ? C : never) : never;
type JsonBody<O> = BodyContent<O> extends { 'application/json': infer J } ? J : never;
/** `body` as the document has it: required, optional, or absent. */
type BodyPart<O> = [JsonBody<O>] extends [never]
  ? { body?: never }
  : O extends { requestBody: unknown }
    ? { body: JsonBody<O> }
    : { body?: JsonBody<O> };

/** What a call to `route` with `method` is made of: path and query parameters, JSON body. */
export type RequestParts<R extends Route, M extends HttpMethod> = Pick<Operation<R, M>['parameters'], 'path' | 'query'> &
  BodyPart<Operation<R, M>>;

type SuccessStatus = 200 | 201 | 202 | 203 | 204;
type Responses<R extends Route, M extends HttpMethod> = Operation<R, M>['responses'];
/** The JSON the document says `route` answers with on success (`never`: no JSON). */
export type JsonReply<R extends Route, M extends HttpMethod> = {
  [S in keyof Responses<R, M>]: S extends SuccessStatus
    ? Responses<R, M>[S] extends { content: { 'application/json': infer J } }
      ? J
      : never
    : never;
}[keyof Responses<R, M>];

type UploadTypes<R extends Route> = Exclude<keyof BodyContent<Operation<R, 'PUT'>> & string, 'application/json'>;
/** PUT routes that take raw bytes or text (song, lyrics, mask), not JSON. */
export type UploadRoute = { [R in RouteFor<'PUT'>]: [UploadTypes<R>] extends [never] ? never : R }[RouteFor<'PUT'>];
/** A media type the document lists for the upload, optionally with parameters ("; charset=utf-8"). */
export type UploadContentType<R extends UploadRoute> = UploadTypes<R> | `${UploadTypes<R>}; ${string}`;

type OkContent<R extends RouteFor<'GET'>> = Responses<R, 'GET'> extends { 200: { content: infer C } } ? keyof C : never;
/** GET routes whose success reply is not (only) JSON: media for <img>, <video>, downloads, the song's bytes. */
export type MediaRoute = {
  [R in RouteFor<'GET'>]: [Exclude<OkContent<R>, 'application/json'>] extends [never] ? never : R;
}[RouteFor<'GET'>];

type Value = string | number | boolean;
interface Parts {
  path?: Record<string, Value>;
  query?: Record<string, Value | undefined>;
}

/** The URL path of `route` with `parts`: path parameters encoded, query in the order given. */
export function toPath(route: Route, parts: Parts): string {
  const path = route.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = parts.path?.[name];
    if (v === undefined) throw new Error(`${route}: no value for {${name}}`);
    return encodeURIComponent(String(v));
  });
  const query = Object.entries(parts.query ?? {})
    .filter((e): e is [string, Value] => e[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return query.length ? `${path}?${query.join('&')}` : path;
}

/** A URL the browser fetches itself (img, video, audio, download links). */
export function mediaUrl<R extends MediaRoute>(route: R, parts: Pick<Operation<R, 'GET'>['parameters'], 'path' | 'query'>): string {
  return toPath(route, parts);
}
