// A FAILED shot and its retry, offline, against a second `miri serve` whose
// image checker (MIRI_IMAGE_CHECK_SCRIPT) is a wrapper that cannot start
// until the test switches it on with a file: the first image is held (the
// shot FAILED, "the image check could not run"), the page says why and
// shows no image; the checker is switched on, the person presses Retry
// shot, and the new image passes the real nsfwjs check and is shown.
import type { Page } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './env';
import { expect, startServer, stopServer, test } from './fixtures';

test.describe.configure({ mode: 'serial' });

const state = {
  tmp: '',
  marker: '',
  child: null as ChildProcess | null,
  origin: '',
  projectId: '',
  shotId: '',
  page: null as Page | null,
};
const log = (...a: unknown[]) => console.log('[e2e]', ...a);
const page = (): Page => {
  if (!state.page) throw new Error('the shot page was not opened');
  return state.page;
};
const statusOf = (p: Page) => p.getByTestId('shot-status');

/** The embedded checker, behind a switch: until `marker` exists it cannot start (the server holds the image). */
function checkerWrapper(marker: string): string {
  const real = pathToFileURL(join(root, 'tools/image-check/server.mjs')).href;
  return `import { existsSync } from 'node:fs';
if (!existsSync(${JSON.stringify(marker)})) {
  console.log(JSON.stringify({ ready: false, error: 'the image checker is switched off by the test' }));
  process.exit(1);
}
await import(${JSON.stringify(real)});
`;
}

test.beforeAll(async ({ song, flow }) => {
  state.tmp = mkdtempSync(join(tmpdir(), 'miri-e2e-retry-'));
  state.marker = join(state.tmp, 'checker-on');
  const wrapper = join(state.tmp, 'image-check.mjs');
  writeFileSync(wrapper, checkerWrapper(state.marker));
  const { child, port } = await startServer(join(state.tmp, 'data'), { MIRI_IMAGE_CHECK_SCRIPT: wrapper });
  state.child = child;
  state.origin = `http://127.0.0.1:${port}`;
  log(`miri serve with a switched-off image checker on ${state.origin}`);
  // A planned project, through the API (the flow spec drives these views).
  const api = flow.context.request;
  const ok = async <T>(what: string, r: Promise<{ ok(): boolean; status(): number; text(): Promise<string>; json(): Promise<unknown> }>) => {
    const res = await r;
    if (!res.ok()) throw new Error(`${what}: HTTP ${res.status()} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const project = await ok<{ projectId: string }>(
    'create the project',
    api.post(`${state.origin}/api/projects`, {
      data: {
        projectName: 'Retry',
        globalSettings: { llmModel: 'local', imageModel: 'local-image', videoModel: 'local-video', loraWeightsId: 'miriN14', requireHumanApproval: true, budgetCapUsd: 10 },
      },
    }),
  );
  state.projectId = project.projectId;
  const p = `${state.origin}/api/projects/${state.projectId}`;
  await ok('upload the song', api.put(`${p}/song`, { headers: { 'Content-Type': 'audio/mpeg' }, data: readFileSync(song.song) }));
  await ok('upload the lyrics', api.put(`${p}/lyrics`, { headers: { 'Content-Type': 'text/plain' }, data: readFileSync(song.lyrics, 'utf8') }));
  const proposal = await ok<{ scenes: unknown[]; shots: Array<{ shotId: string; showsMiri: boolean }> }>('plan', api.post(`${p}/plan`, { data: {} }));
  await ok('commit the plan', api.put(`${p}/plan`, { data: { scenes: proposal.scenes, shots: proposal.shots } }));
  state.shotId = proposal.shots.find((s) => s.showsMiri)?.shotId ?? proposal.shots[0]?.shotId ?? '';
  expect(state.shotId, 'the plan has no shot').not.toBe('');
});

test.afterAll(async () => {
  await state.page?.close();
  if (state.child) await stopServer(state.child);
  if (state.tmp) rmSync(state.tmp, { recursive: true, force: true });
});

test('shot detail: an image the checker could not check is held: the shot fails, says why, and shows no image', async ({ flow }) => {
  const p = await flow.newPage();
  state.page = p;
  await p.goto(`${state.origin}/projects/${state.projectId}/shots/${state.shotId}`);
  await statusOf(p).filter({ hasText: 'draft' }).waitFor();
  await p.getByRole('button', { name: 'Generate anchor image' }).click();
  await statusOf(p).filter({ hasText: 'failed' }).waitFor({ timeout: 30_000 });
  const alert = p.getByRole('alert').filter({ hasText: 'This shot failed' });
  await alert.getByText(/the image check could not run, so the image is held and not shown/).waitFor();
  await p.getByText('Retry the shot once the checker is back.', { exact: true }).waitFor();
  await p.getByText('the image did not pass its check, so it is not shown').waitFor();
  expect(await p.getByRole('img', { name: /^anchor image of / }).count(), 'a held image is shown').toBe(0);
  // The version's own record says the same.
  const newest = p.locator('ol.versions > li').first();
  await newest.locator('summary').filter({ hasText: 'image check held' }).click();
  const verdict = newest.getByRole('region', { name: /^Image check of version / });
  await verdict.getByText('Held: the image check could not run, so this image is not shown').waitFor();
  expect(await verdict.getAttribute('data-verdict')).toBe('held');
  await flow.shot('18-shot-failed-held', p);
  log(((await alert.textContent()) ?? '').trim().slice(0, 160));
});

test('shot detail: Retry shot once the checker is back; the new image passes its check and is shown', async ({ flow }) => {
  test.setTimeout(90_000);
  const p = page();
  writeFileSync(state.marker, 'on\n');
  await p.getByRole('button', { name: 'Retry shot' }).click();
  // The checker starts and loads its model (a few seconds) on this first check.
  await statusOf(p).filter({ hasText: 'awaiting approval' }).waitFor({ timeout: 60_000 });
  // The director's plan says where the shot ends: the start frame, then its
  // end frame (an edit of it, checked too) before the pair awaits approval.
  const shotUrl = `${state.origin}/api/projects/${state.projectId}/shots/${state.shotId}`;
  await expect
    .poll(async () => {
      const s = (await (await p.request.get(shotUrl)).json()) as { versions: string[]; status: string };
      return `${s.versions.length} ${s.status}`;
    }, { timeout: 60_000 })
    .toBe('3 AWAITING_APPROVAL');
  const img = p.getByRole('img', { name: new RegExp(`^anchor image of ${state.shotId}, version `) });
  await img.waitFor();
  const shown = ((await img.getAttribute('alt')) ?? '').split('version ').at(-1) ?? '';
  const verdict = p.locator('.media').getByRole('region', { name: `Image check of version ${shown}` });
  await verdict.getByText(/^checked by nsfwjs\//).waitFor();
  expect(await verdict.getAttribute('data-verdict')).toBe('passed');
  expect(await p.getByRole('button', { name: 'Retry shot' }).count(), 'Retry shot is offered on a shot that is not failed').toBe(0);
  const shot = (await (await p.request.get(`${state.origin}/api/projects/${state.projectId}/shots/${state.shotId}`)).json()) as { versions: string[] };
  expect(shot.versions, 'the retry made a new start frame and its end frame; the end frame is shown').toHaveLength(3);
  expect(shot.versions.at(-1)).toBe(shown);
  await p.getByRole('img', { name: new RegExp(`^start frame of ${state.shotId}, version ${shot.versions[1]}$`) }).waitFor();
  await p.waitForFunction((id) => [...document.images].some((i) => i.alt.includes(id) && i.complete && i.naturalWidth > 0), shown);
  await flow.shot('19-shot-retried', p);
  log(`retried: ${shot.versions.join(' -> ')}; ${shown} passed the nsfwjs check and is shown`);
});

// Issue 21's acceptance: a FAILED shot retried by a person completes, and
// the project renders. The other shots are made and every shot approved
// through the API (the flow spec drives those views); the final render
// starts by itself when the last shot completes.
test('the retried shot completes with the others and the project renders', async () => {
  test.setTimeout(240_000);
  const req = page().request;
  const base = `${state.origin}/api/projects/${state.projectId}`;
  const shots = async () =>
    ((await (await req.get(`${base}/shots`)).json()) as { shots: Array<{ shotId: string; status: string }> }).shots;
  for (const s of await shots()) {
    if (s.status !== 'DRAFT') continue;
    const r = await req.post(`${state.origin}/api/shots/generate`, { data: { projectId: state.projectId, shotId: s.shotId } });
    expect(r.status(), `generate ${s.shotId}: ${await r.text()}`).toBe(202);
  }
  // Bounded: 180 s, one pass over the shots at a time.
  const until = Date.now() + 180_000;
  let status = '';
  while (Date.now() < until) {
    const now = await shots();
    expect(now.filter((s) => s.status === 'FAILED').map((s) => s.shotId), 'a shot failed').toEqual([]);
    for (const s of now.filter((x) => x.status === 'AWAITING_APPROVAL')) {
      const r = await req.post(`${base}/shots/${s.shotId}/approve`, { data: {} });
      expect([202, 409], `approve ${s.shotId}: ${await r.text()}`).toContain(r.status());
    }
    status = ((await (await req.get(base)).json()) as { status: string }).status;
    if (status === 'RENDERED') break;
    await page().waitForTimeout(250);
  }
  expect(status, 'the project did not render within 180 s').toBe('RENDERED');
  const retried = (await shots()).find((s) => s.shotId === state.shotId);
  expect(retried?.status).toBe('COMPLETED');
  const video = await req.get(`${base}/render/mp4`, { headers: { Range: 'bytes=0-11' } });
  expect(video.status()).toBe(206);
  expect((await video.body()).subarray(4, 8).toString()).toBe('ftyp');
  log(`the retried shot ${state.shotId} completed; the project rendered`);
});

test('retry views: every control labelled, no uncaught page errors', ({ flow }) => {
  const found = ['18-shot-failed-held', '19-shot-retried'].flatMap((v) => (flow.unlabelled.get(v) ?? []).map((c) => `${v}: ${c}`));
  expect(found, 'controls without an accessible name').toEqual([]);
  expect(flow.pageErrors).toEqual([]);
});
