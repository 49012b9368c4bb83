// Which image route made a version and why (parameters.route, written by
// the server's router before the request is sent: Orchestrator::RouteImage).
import type { Version } from '../schemas';

/** "Made by Vertex AI (gemini-2.5-flash-image) (fal circuit open)"; undefined when the server recorded no route (one image provider). */
export function routeNote(v: Version): string | undefined {
  const route = v.parameters.route;
  if (typeof route !== 'object' || route === null || Array.isArray(route)) return undefined;
  const r = route as Record<string, unknown>;
  const text = (k: string): string => {
    const x = r[k];
    return typeof x === 'string' ? x : '';
  };
  const who = text('label') || text('chosen');
  const reason = text('reason');
  if (!who) return `No image route could take it${reason ? `: ${reason}` : ''}`;
  return `Made by ${who}${reason ? ` (${reason})` : ''}`;
}
