import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CommandOutcomeSchema, ImageCheckSchema, RuleListSchema } from '../schemas';
import { FakeApi } from '../testing/fakes';
import { mediaUrl, toPath } from './routes';

const P = '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d';

describe('toPath', () => {
  it('fills the path parameters (encoded) and appends the query in order', () => {
    expect(toPath('/api/projects/{projectId}/shots/{shotId}', { path: { projectId: P, shotId: 'a b/c' } })).toBe(
      `/api/projects/${P}/shots/a%20b%2Fc`,
    );
    expect(toPath('/api/projects/{projectId}/events', { path: { projectId: P }, query: { after: 0, limit: 10000 } })).toBe(
      `/api/projects/${P}/events?after=0&limit=10000`,
    );
    expect(toPath('/api/projects/{projectId}/rules/search', { path: { projectId: P }, query: { q: 'thin coat', k: undefined } })).toBe(
      `/api/projects/${P}/rules/search?q=thin%20coat`,
    );
    expect(mediaUrl('/api/projects/{projectId}/blob', { path: { projectId: P }, query: { key: 'projects/x/a.png' } })).toBe(
      `/api/projects/${P}/blob?key=projects%2Fx%2Fa.png`,
    );
  });

  it('refuses a template whose parameter has no value', () => {
    expect(() => toPath('/api/projects/{projectId}', {})).toThrow('/api/projects/{projectId}: no value for {projectId}');
  });
});

describe('the API types follow the OpenAPI document', () => {
  // Checked by tsc (npm run typecheck), not run: each line below is a call
  // the document does not allow, and must stay a type error.
  const refused = (api: FakeApi) => [
    // @ts-expect-error no such route
    api.get('/api/projects/{projectId}/nope', { path: { projectId: P } }, RuleListSchema),
    // @ts-expect-error the path parameter is projectId
    api.get('/api/projects/{projectId}/rules', { path: { id: P } }, RuleListSchema),
    // @ts-expect-error approve is a POST
    api.get('/api/projects/{projectId}/shots/{shotId}/approve', { path: { projectId: P, shotId: 's' } }, CommandOutcomeSchema),
    // @ts-expect-error retry is a POST
    api.get('/api/projects/{projectId}/shots/{shotId}/retry', { path: { projectId: P, shotId: 's' } }, CommandOutcomeSchema),
    // @ts-expect-error the check is of one version: versionId
    api.get('/api/projects/{projectId}/shots/{shotId}/versions/{versionId}/check', { path: { projectId: P, shotId: 's' } }, ImageCheckSchema),
    // @ts-expect-error the search needs q
    api.get('/api/projects/{projectId}/rules/search', { path: { projectId: P }, query: {} }, RuleListSchema),
    // @ts-expect-error approve takes no body
    api.send('POST', '/api/projects/{projectId}/shots/{shotId}/approve', { path: { projectId: P, shotId: 's' }, body: {} }, CommandOutcomeSchema),
    // @ts-expect-error deactivate's body has only a reason
    api.send('POST', '/api/projects/{projectId}/rules/{ruleId}/deactivate', { path: { projectId: P, ruleId: 'r' }, body: { why: 'x' } }, CommandOutcomeSchema),
    // @ts-expect-error the reply of GET .../rules is an object, not a string
    api.get('/api/projects/{projectId}/rules', { path: { projectId: P } }, z.string()),
    // @ts-expect-error the song is audio/mpeg
    api.upload('/api/projects/{projectId}/song', { path: { projectId: P } }, 'x', 'video/mp4'),
    // @ts-expect-error the render formats are mp4, otio, fcpxml, edl
    mediaUrl('/api/projects/{projectId}/render/{format}', { path: { projectId: P, format: 'avi' } }),
  ];

  it('lists the refused calls for tsc', () => {
    expect(refused).toBeTypeOf('function');
  });
});
