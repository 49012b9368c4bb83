// The browser flow against a real `miri serve`, the whole way a person goes:
// create a project and upload the song, let the director propose a plan,
// edit it, commit it, watch the shots live, generate, read the image check
// (nsfwjs) beside the image, approve, reject with
// a reason (the learned rule appears), refine by chat, approve the rest,
// watch the render and play the video. One test per view and step, in
// order (serial: a failed step skips the rest); every view is checked for
// unlabelled controls and photographed under MIRI_SCREENSHOTS.
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

declare global {
  interface Window {
    __miriUpload?: number[];
    __miriProgress?: number[];
    __miriSameDocument?: boolean;
  }
}

test.describe.configure({ mode: 'serial' });

interface ShotJson {
  shotId: string;
  description: string;
  showsMiri: boolean;
  lyricsSnippet: string;
  versions: string[];
}
interface VersionJson {
  versionId: string;
  parentVersionId?: string;
  appliedRuleIds: string[];
  parameters: Record<string, unknown>;
}
interface RuleJson {
  ruleId: string;
  text: string;
  reason?: string;
}

/** What the steps hand on to the next ones. */
const state = {
  origin: '',
  projectId: '',
  proposal: { n: 0, labels: [] as string[] },
  shotCount: 0,
  shotIds: [] as string[],
  approved: '',
  rejected: '',
  refined: '',
  renderPage: null as Page | null,
};

const reason = 'her coat is too thin for the rain';
const instruction = 'make her umbrella bright yellow';

const log = (...a: unknown[]) => console.log('[e2e]', ...a);
const api = (path: string) => `${state.origin}/api/projects/${state.projectId}${path}`;
async function getJson<T>(page: Page, path: string): Promise<T> {
  const r = await page.request.get(api(path));
  if (!r.ok()) throw new Error(`GET ${path}: ${r.status()} ${await r.text()}`);
  return (await r.json()) as T;
}
const statusOf = (p: Page) => p.getByTestId('shot-status');
const renderPage = (): Page => {
  if (!state.renderPage) throw new Error('the Render view was not opened');
  return state.renderPage;
};

test.beforeAll(({ miri }) => {
  state.origin = miri.origin;
});

test.afterAll(async () => {
  await state.renderPage?.close();
});

test('projects list: empty at first', async ({ flow }) => {
  const { page } = flow;
  await page.goto(state.origin + '/');
  await page.getByRole('heading', { name: 'Projects' }).waitFor();
  await page.getByText('No projects yet').waitFor();
  await flow.shot('01-projects');
});

test('new project: create it and upload the song (with progress) and lyrics', async ({ flow, song }) => {
  const { page } = flow;
  await page.getByRole('link', { name: 'New project' }).click();
  await page.getByLabel('Project name').fill('Rain Song');
  await page.getByLabel('Budget cap (USD)').fill('10');
  await page.getByLabel('Song (MP3)').setInputFiles(song.song);
  await page.getByLabel('Lyrics (LRC, SRT or plain text)').fill(readFileSync(song.lyrics, 'utf8'));
  await flow.shot('02-new-project');
  // Record the upload progress the form shows (the SPA keeps this document).
  await page.evaluate(() => {
    window.__miriUpload = [];
    new MutationObserver(() => {
      for (const p of document.querySelectorAll('progress')) window.__miriUpload?.push(Number(p.value));
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.waitForURL(/\/projects\/[0-9a-f-]{36}\/timeline$/);
  state.projectId = page.url().split('/').at(-2) ?? '';
  const seen = await page.evaluate(() => window.__miriUpload ?? []);
  expect(seen, `the upload progress never reached 100% (saw ${JSON.stringify(seen)})`).toContain(100);
  const stored = await (await page.request.get(api('/song'))).body();
  expect(stored.equals(readFileSync(song.song)), 'the server keeps a different song than was uploaded').toBe(true);
  log(`project ${state.projectId}; upload progress seen: ${[...new Set(seen)].join(', ')}%`);
});

test("new project: a refused upload is shown at the song field, in the server's words", async ({ flow }) => {
  const p2 = await flow.newPage();
  await p2.goto(`${state.origin}/projects/new`);
  await p2.getByLabel('Project name').fill('Not a song');
  await p2.getByLabel('Song (MP3)').setInputFiles({ name: 'song.mp3', mimeType: 'audio/mpeg', buffer: Buffer.from('this is text, not audio') });
  await p2.getByLabel('Lyrics (LRC, SRT or plain text)').fill('la');
  await p2.getByRole('button', { name: 'Create project' }).click();
  const songInput = p2.getByLabel('Song (MP3)');
  await p2.locator('input[type=file][aria-invalid=true]').waitFor();
  const noteId = await songInput.getAttribute('aria-describedby');
  const text = await p2.locator(`[id="${noteId}"]`).textContent();
  await flow.shot('02b-new-project-error', p2);
  await p2.close();
  expect(text ?? '', `the song error does not say what is wrong: ${text}`).toMatch(/MP3/);
  log(text);
});

test('timeline: the director proposes a plan from the song and lyrics (nothing committed yet)', async ({ flow }) => {
  const { page } = flow;
  await page.getByRole('button', { name: 'Plan with the director' }).click();
  await page.getByText("The local director's proposal").waitFor({ timeout: 30_000 });
  const blocks = page.getByRole('group', { name: 'Shots' }).getByRole('button');
  const n = await blocks.count();
  const cuts = await page.getByRole('slider').count();
  expect(n >= 2 && cuts === n - 1, `the proposal shows ${n} shots and ${cuts} cuts`).toBe(true);
  const stored = await getJson<{ shots: ShotJson[] }>(page, '/shots');
  expect(stored.shots, 'the proposal was committed before the person could edit it').toHaveLength(0);
  const labels = await blocks.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  state.proposal = { n, labels };
  await page.locator('.track svg.wave').waitFor(); // the waveform of the song
  await flow.shot('03-timeline-director-proposal');
  log(`${n} shots proposed: ${labels.slice(0, 3).join('; ')}…`);
});

test('timeline: edit the proposal (split a shot, move a cut by keyboard, describe a shot) and commit it', async ({ flow }) => {
  const { page } = flow;
  const { proposal } = state;
  const blocks = page.getByRole('group', { name: 'Shots' }).getByRole('button');
  // The longest shot can be split in two shots of at least 2 s.
  const secs = (t: string) => {
    const [m, s] = t.split(':');
    return Number(m) * 60 + Number(s);
  };
  const spans = proposal.labels.map((l) => {
    const m = /^Shot (\S+), (\d+:\d+\.\d+) to (\d+:\d+\.\d+)/.exec(l);
    if (!m?.[1] || !m[2] || !m[3]) throw new Error(`a shot block is labelled "${l}"`);
    return { id: m[1], len: secs(m[3]) - secs(m[2]) };
  });
  const longest = spans.reduce((a, b) => (b.len > a.len ? b : a));
  expect(longest.len, `no shot is long enough to split: ${JSON.stringify(spans)}`).toBeGreaterThanOrEqual(4);
  await page.getByRole('button', { name: new RegExp(`^Shot ${longest.id},`) }).click();
  await page.getByRole('button', { name: 'Split' }).click();
  expect(await blocks.count(), 'split did not add a shot').toBe(proposal.n + 1);
  // A cut that can move right by 100 ms, moved with the keyboard.
  const cuts = page.getByRole('slider');
  let moved: string | null = null;
  for (let i = 0; i < (await cuts.count()) && !moved; i++) {
    const c = cuts.nth(i);
    const v0 = Number(await c.getAttribute('aria-valuenow'));
    if (Number(await c.getAttribute('aria-valuemax')) < v0 + 100) continue;
    await c.focus();
    await page.keyboard.press('ArrowRight');
    const v1 = Number(await c.getAttribute('aria-valuenow'));
    expect(v1, `ArrowRight moved cut ${i} ${v0} -> ${v1}`).toBe(v0 + 100);
    moved = `${await c.getAttribute('aria-label')} ${v0} -> ${v1} ms`;
  }
  expect(moved, 'no cut could move').not.toBeNull();
  const first = spans[0]?.id ?? '';
  await page.getByRole('button', { name: new RegExp(`^Shot ${first},`) }).click();
  const described = { id: first, text: 'Miri watches the rain from the window, her yellow umbrella closed' };
  await page.getByLabel('Description (what the shot shows)').fill(described.text);
  await flow.shot('04-timeline-edited');
  await page.getByRole('button', { name: /^Commit plan/ }).click();
  const refused = page.getByRole('alert').filter({ hasText: 'Could not commit the plan' });
  await Promise.race([page.getByText('The plan is committed').waitFor(), refused.waitFor()]);
  if (await refused.count()) throw new Error(((await refused.textContent()) ?? '').trim());
  const stored = await getJson<{ shots: ShotJson[] }>(page, '/shots');
  state.shotCount = stored.shots.length;
  expect(state.shotCount, `committed ${state.shotCount} shots, the edited plan had ${proposal.n + 1}`).toBe(proposal.n + 1);
  const d = stored.shots.find((s) => s.shotId === described.id);
  expect(d?.description === described.text && d.showsMiri, `the description was not committed: ${JSON.stringify(d)}`).toBe(true);
  expect(
    stored.shots.some((s) => s.lyricsSnippet.trim() !== ''),
    'no committed shot carries lyrics from the director',
  ).toBe(true);
  await flow.shot('05-timeline-committed');
  log(`split ${longest.id}; ${moved}; ${state.shotCount} shots committed`);
});

test('shots: the table follows live updates without a reload', async ({ flow }) => {
  const { page } = flow;
  await page.getByRole('link', { name: 'Shots', exact: true }).click();
  const rows = page.locator('tr[data-shot]');
  await rows.first().waitFor();
  expect(await rows.count(), `the table's rows vs the plan's ${state.shotCount} shots`).toBe(state.shotCount);
  state.shotIds = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-shot') ?? ''));
  await page.getByText(/^Live/).waitFor({ timeout: 10_000 });
  await page.evaluate(() => (window.__miriSameDocument = true));
  // Another client generates a shot: its row must change in this page.
  const other = state.shotIds.at(-1) ?? '';
  const res = await page.request.post(`${state.origin}/api/shots/generate`, { data: { projectId: state.projectId, shotId: other } });
  expect(res.status(), `generate: ${await res.text()}`).toBeLessThan(400);
  await page.locator(`tr[data-shot="${other}"]:not([data-status="DRAFT"])`).waitFor({ timeout: 10_000 });
  await page.locator(`tr[data-shot="${other}"][data-status="AWAITING_APPROVAL"] img.thumb`).waitFor({ timeout: 20_000 });
  expect(await page.evaluate(() => window.__miriSameDocument === true), 'the page was reloaded').toBe(true);
  await flow.shot('06-shots-live');
  log(`${state.shotCount} rows; ${other} went to awaiting approval live, with its thumbnail`);
});

test('shots: generate the anchor images of every draft shot from the table', async ({ flow }) => {
  test.setTimeout(120_000);
  const { page } = flow;
  await page.getByRole('button', { name: /^Generate images for \d+ draft shots?$/ }).click();
  await page.waitForFunction(
    (n) =>
      document.querySelectorAll('tr[data-shot][data-status="AWAITING_APPROVAL"] img.thumb').length === n ||
      document.querySelector('tr[data-shot][data-status="FAILED"]'),
    state.shotCount,
    { timeout: 60_000 },
  );
  const failed = await page.locator('tr[data-shot][data-status="FAILED"]').evaluateAll((rs) => rs.map((r) => (r as HTMLElement).dataset.shot));
  expect(failed, 'shots failed').toEqual([]);
  // Every thumbnail really loaded (an image, not a broken link): wait until
  // the browser has finished each (on a busy machine some are still
  // loading), then count the broken ones.
  await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('img.thumb')].every((i) => i.complete), null, { timeout: 15_000 });
  const broken = await page
    .locator('img.thumb')
    .evaluateAll((imgs) => (imgs as HTMLImageElement[]).filter((i) => !(i.complete && i.naturalWidth > 0)).length);
  expect(broken, 'thumbnails that did not load').toBe(0);
  expect(await page.evaluate(() => window.__miriSameDocument === true), 'the page was reloaded').toBe(true);
  await flow.shot('07-shots-awaiting-approval');
  // Reject and refine shots that show Miri: a rule about her applies to her shots.
  const withMiri = (await getJson<{ shots: ShotJson[] }>(page, '/shots')).shots.filter((s) => s.showsMiri).map((s) => s.shotId);
  state.approved = state.shotIds[0] ?? '';
  [state.rejected = '', state.refined = ''] = withMiri.filter((id) => id !== state.approved);
  expect(state.refined, `two shots besides ${state.approved} must show Miri: ${withMiri.join(', ')}`).not.toBe('');
  log(`${state.shotCount} shots awaiting approval; approve ${state.approved}, reject ${state.rejected}, refine ${state.refined}`);
});

test('shot detail: approve with the keyboard; the shot goes on to a clip', async ({ flow }) => {
  test.setTimeout(90_000);
  const { page } = flow;
  const { approved } = state;
  await page.getByRole('link', { name: approved, exact: true }).click();
  await page.getByRole('heading', { name: new RegExp(`^Shot ${approved}`) }).waitFor();
  await page.getByRole('img', { name: new RegExp(`^anchor image of ${approved}`) }).waitFor();
  // The image's check, beside it, before the person approves.
  const verdict = page.locator('.media').getByRole('region', { name: /^Image check of version / });
  await verdict.getByText(/^checked by nsfwjs\//).waitFor();
  expect(await verdict.getAttribute('data-verdict'), 'the image shown did not pass its check').toBe('passed');
  await verdict.getByText('a person must check this').first().waitFor();
  await page.getByRole('button', { name: 'Approve', exact: true }).focus();
  await page.keyboard.press('Enter');
  await statusOf(page).filter({ hasText: 'completed' }).waitFor({ timeout: 30_000 });
  await page.locator(`video[aria-label="clip of ${approved}"]`).waitFor();
  await page.waitForFunction(
    (id) => (document.querySelector<HTMLVideoElement>(`video[aria-label="clip of ${id}"]`)?.readyState ?? 0) >= 1,
    approved,
    { timeout: 10_000 },
  );
  await flow.shot('08-shot-approved-clip');
  log(`${approved} completed, the clip is shown`);
});

test('shot detail: reject with a reason; the learned rule appears in the shot and the Rulebook', async ({ flow }) => {
  test.setTimeout(90_000);
  const { page } = flow;
  const { rejected } = state;
  await page.goto(`${state.origin}/projects/${state.projectId}/shots/${rejected}`);
  await statusOf(page).filter({ hasText: 'awaiting approval' }).waitFor();
  const before = (await getJson<ShotJson>(page, `/shots/${rejected}`)).versions.length;
  await page.getByLabel('Why is this image wrong? (becomes a rule)').fill(reason);
  await page.getByRole('button', { name: 'Reject with this reason' }).click();
  const learned = page.getByTestId('learned-rules').getByRole('listitem');
  await learned.first().waitFor({ timeout: 15_000 });
  const ruleText = ((await learned.first().textContent()) ?? '').trim();
  expect(ruleText, 'the learned rule names the reason').toContain(reason);
  // The rejection drafts a new version with the rule applied.
  await statusOf(page).filter({ hasText: 'awaiting approval' }).waitFor({ timeout: 30_000 });
  const after = await getJson<ShotJson>(page, `/shots/${rejected}`);
  expect(after.versions.length, 'no new version after the rejection').toBeGreaterThan(before);
  const versions = (await getJson<{ versions: VersionJson[] }>(page, `/shots/${rejected}/versions`)).versions;
  const rules = (await getJson<{ rules: RuleJson[] }>(page, '/rules')).rules;
  const rule = rules.find((r) => r.reason === reason);
  if (!rule) throw new Error(`no rule with the reason in ${JSON.stringify(rules)}`);
  expect(versions.at(-1)?.appliedRuleIds, `the new version does not apply rule ${rule.ruleId}`).toContain(rule.ruleId);
  await flow.shot('09-shot-rejected-rule-learned');
  await page.getByRole('link', { name: 'Shots', exact: true }).click();
  await page.goto(`${state.origin}/projects/${state.projectId}/rulebook`);
  await page.getByRole('heading', { name: 'Rulebook', exact: true }).waitFor();
  await page.locator(`tr[data-rule="${rule.ruleId}"]`).getByText(reason).waitFor();
  await flow.shot('10-rulebook');
  log(`rule ${rule.ruleId}: “${rule.text}”, applied to ${versions.at(-1)?.versionId}`);
});

test('shot detail: refine via the mini-chat with a painted mask; a new version awaits approval', async ({ flow }) => {
  test.setTimeout(90_000);
  const { page } = flow;
  const { refined } = state;
  await page.goto(`${state.origin}/projects/${state.projectId}/shots/${refined}`);
  await statusOf(page).filter({ hasText: 'awaiting approval' }).waitFor();
  const before = (await getJson<ShotJson>(page, `/shots/${refined}`)).versions.length;
  const chat = page.getByRole('form', { name: 'Refine by chat' });
  await chat.getByLabel('Refine instruction').fill(instruction);
  // Paint the region to change (uploaded as a PNG mask with the instruction).
  await chat.getByLabel('Draw a mask: only the painted area changes').check();
  const canvas = chat.getByLabel('Mask canvas: paint with the pointer');
  const box = await canvas.boundingBox();
  if (!box) throw new Error('the mask canvas is not shown');
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 8 });
  await page.mouse.up();
  await chat.getByRole('button', { name: 'Clear mask' }).and(page.locator(':not([disabled])')).waitFor();
  await chat.getByRole('button', { name: 'Send' }).click();
  await chat.getByRole('listitem').filter({ hasText: instruction }).first().waitFor();
  await chat.getByRole('listitem').filter({ hasText: /is ready and awaits your approval/ }).waitFor({ timeout: 30_000 });
  await statusOf(page).filter({ hasText: 'awaiting approval' }).waitFor();
  const versions = (await getJson<{ versions: VersionJson[] }>(page, `/shots/${refined}/versions`)).versions;
  expect(versions.length, `expected one new version (was ${before})`).toBe(before + 1);
  const v = versions.at(-1);
  if (!v) throw new Error('no versions');
  expect(v.parameters.instruction === instruction && !!v.parentVersionId, `the new version is not the refinement: ${JSON.stringify(v.parameters)}`).toBe(
    true,
  );
  const maskKey = `projects/${state.projectId}/shots/${refined}/masks/`;
  const maskBlob = typeof v.parameters.maskBlob === 'string' ? v.parameters.maskBlob : '';
  expect(maskBlob.startsWith(maskKey), `the painted mask was not used: maskBlob ${maskBlob}`).toBe(true);
  const img = page.getByRole('img', { name: new RegExp(`^anchor image of ${refined}, version ${v.versionId}`) });
  await img.waitFor();
  await page.waitForFunction((id) => [...document.images].some((i) => i.alt.includes(id) && i.complete && i.naturalWidth > 0), v.versionId);
  await flow.shot('11-shot-refined-chat');
  log(`version ${v.versionId} refines ${v.parentVersionId} with the painted mask`);
});

test('shot detail: motion brush, a path alone is refused; paint its region and a static area, save, reload', async ({ flow }) => {
  const { page } = flow;
  const brush = page.getByRole('region', { name: 'Motion brush' });
  // The pointer at (fx, fy) of an element's box.
  const at = async (label: string | RegExp, fx: number, fy: number) => {
    const box = await brush.getByLabel(label).boundingBox();
    if (!box) throw new Error(`${String(label)} is not shown`);
    return { x: box.x + box.width * fx, y: box.y + box.height * fy };
  };
  const paint = async (label: string, fx: number, fy: number) => {
    const a = await at(label, fx, fy);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move(a.x + 40, a.y + 20, { steps: 8 });
    await page.mouse.up();
  };
  await brush.getByLabel('Draw its path (click points)').check();
  for (const fx of [0.3, 0.7]) {
    const p = await at(/^Motion brush paths/, fx, 0.5);
    await page.mouse.click(p.x, p.y);
  }
  await brush.getByRole('button', { name: 'Save motion brush' }).click();
  await brush.getByRole('alert').filter({ hasText: 'dynamicMasks[0].mask: paint the region that moves along this path' }).waitFor();
  await flow.shot('22-motion-brush-path-refused');

  await brush.getByLabel('Paint the region that moves').check();
  await paint('Region 1: paint with the pointer', 0.25, 0.45);
  await brush.getByRole('button', { name: 'Region 1', exact: true }).waitFor(); // no longer "(unpainted)"
  await brush.getByLabel('Paint static areas').check();
  await paint('Static areas: paint with the pointer', 0.8, 0.15);
  await brush.getByText('Brush: 1 region, 1 path, static area yes.').waitFor();
  await brush.getByRole('button', { name: 'Save motion brush' }).click();
  await brush.getByRole('status').filter({ hasText: 'Saved: 1 region, 1 path, static area yes.' }).waitFor();
  await flow.shot('23-motion-brush-saved');

  type Saved = { dynamicMasks: { mask?: string; trajectory: unknown[] }[]; staticMask?: string };
  const saved = await getJson<Saved>(page, `/shots/${state.refined}/motion-brush`);
  const region = saved.dynamicMasks[0];
  expect(saved.dynamicMasks.length === 1 && !!region?.mask && region.trajectory.length === 2 && !!saved.staticMask, `stored ${JSON.stringify(saved).slice(0, 300)}`).toBe(
    true,
  );
  // Painted at the image's size (its PNG header says so).
  const png = Buffer.from(region?.mask ?? '', 'base64');
  expect(png.subarray(1, 4).toString('latin1'), 'the region mask is a PNG').toBe('PNG');
  log(`motion brush saved: a ${png.readUInt32BE(16)}x${png.readUInt32BE(20)} region mask, its path, a static mask`);
  // Static areas and the region survive a reload.
  await page.reload();
  await brush.getByText('Brush: 1 region, 1 path, static area yes.').waitFor();
});

// The Render view stays open in its own page from here: it must follow the
// render live when the last shot completes.
test('render: refuses to render before every shot is completed, in words', async ({ flow }) => {
  const rp = await flow.newPage();
  state.renderPage = rp;
  await rp.goto(`${state.origin}/projects/${state.projectId}/render`);
  await rp.getByRole('heading', { name: 'Render', exact: true }).waitFor();
  await rp.getByText(/1 of \d+ shots completed/).waitFor();
  await rp.getByRole('button', { name: 'Render the video' }).click();
  const a = rp.getByRole('alert').filter({ hasText: 'Could not start the render' });
  await a.waitFor();
  const text = ((await a.textContent()) ?? '').trim();
  expect(/COMPLETED/.test(text) && text.includes(state.rejected), `the refusal does not say which shots: ${text}`).toBe(true);
  await rp.evaluate(() => {
    window.__miriProgress = [];
    new MutationObserver(() => {
      const p = document.querySelector<HTMLProgressElement>('#render-progress');
      if (p && p.hasAttribute('value')) window.__miriProgress?.push(Number(p.value));
    }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  await flow.shot('12-render-refused', rp);
  log(text.slice(0, 160));
});

test('shots: approve every shot from the table until all are completed', async ({ flow }) => {
  test.setTimeout(120_000);
  const { page } = flow;
  await page.goto(`${state.origin}/projects/${state.projectId}/shots`);
  await page.locator('tr[data-shot]').first().waitFor();
  const until = Date.now() + 60_000;
  let clicks = 0;
  let statuses: string[] = [];
  while (Date.now() < until) {
    statuses = await page.locator('tr[data-shot]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status') ?? ''));
    if (statuses.every((s) => s === 'COMPLETED')) break;
    expect(statuses, 'a shot failed').not.toContain('FAILED');
    const buttons = page.getByRole('button', { name: /^Approve the image of / });
    const enabled = await buttons.evaluateAll((bs) => (bs as HTMLButtonElement[]).filter((b) => !b.disabled).length);
    if (enabled > 0) {
      // A row re-renders when its shot changes: a button may go away under the click.
      const clicked = await buttons
        .and(page.locator(':not([disabled])'))
        .first()
        .click({ timeout: 2000 })
        .then(
          () => true,
          () => false,
        );
      if (clicked) clicks++;
    } else {
      await page.waitForTimeout(200);
    }
  }
  const alerts = await page.getByRole('alert').allTextContents();
  expect(alerts, 'errors on the table').toEqual([]);
  expect(statuses.every((s) => s === 'COMPLETED'), `not every shot completed within 60 s: ${statuses.join(', ')}`).toBe(true);
  await page.getByText(`${state.shotCount} of ${state.shotCount} completed`).waitFor();
  await flow.shot('13-shots-completed');
  log(`${clicks} approvals from the table; ${state.shotCount} shots completed`);
  // The refined shot's clip was sent the motion brush painted on it.
  const clip = (await getJson<{ versions: (VersionJson & { kind: string })[] }>(page, `/shots/${state.refined}/versions`)).versions
    .filter((v) => v.kind === 'VIDEO')
    .at(-1);
  const sent = clip?.parameters.motionBrush as { dynamic?: { mask?: string; trajectory?: unknown[] }[]; staticMask?: string } | undefined;
  expect(!!sent?.dynamic?.[0]?.mask && sent.dynamic[0].trajectory?.length === 2 && !!sent.staticMask, `clip parameters ${JSON.stringify(clip?.parameters)}`).toBe(true);
});

test('render: starts by itself and its progress shows live', async ({ flow }) => {
  test.setTimeout(180_000);
  const rp = renderPage();
  // A picture of the progress, when the render is not already done.
  const bar = rp.locator('[data-phase="rendering"]');
  if (
    await bar.waitFor({ timeout: 10_000 }).then(
      () => true,
      () => false,
    )
  ) {
    await rp
      .waitForFunction(() => Number(document.querySelector('#render-progress')?.getAttribute('value') ?? 0) > 0.1, null, { timeout: 10_000 })
      .catch(() => undefined);
    await flow.shot('13b-render-progress', rp);
  }
  await rp.locator('[data-phase="rendered"]').waitFor({ timeout: 120_000 });
  const seen = await rp.evaluate(() => window.__miriProgress ?? []);
  const between = seen.filter((v) => v > 0 && v < 1);
  expect(between.length, `the progress bar moved through too few values: ${JSON.stringify(seen)}`).toBeGreaterThanOrEqual(2);
  log(`progress seen at ${between.length} steps, e.g. ${between.slice(0, 4).map((v) => `${Math.round(v * 100)}%`).join(', ')}`);
});

test('render: the final video plays in the page; MP4, OTIO, FCPXML and EDL downloads', async ({ flow }) => {
  test.setTimeout(60_000);
  const rp = renderPage();
  const video = rp.locator('video.final');
  await video.waitFor();
  await rp.evaluate(async () => {
    const v = document.querySelector<HTMLVideoElement>('video.final');
    if (!v) throw new Error('no video');
    v.muted = true;
    await v.play();
  });
  await rp.waitForFunction(
    () => {
      const v = document.querySelector<HTMLVideoElement>('video.final');
      return v && v.readyState >= 3 && v.currentTime > 1 && !v.paused;
    },
    null,
    { timeout: 20_000 },
  );
  const info = await rp.evaluate(() => {
    const v = document.querySelector<HTMLVideoElement>('video.final');
    if (!v) throw new Error('no video');
    return { duration: v.duration, width: v.videoWidth, height: v.videoHeight, t: v.currentTime, readyState: v.readyState };
  });
  if (!process.env.MIRI_E2E_SONG) expect(Math.abs(info.duration - 30), `the video lasts ${info.duration} s, the song 30 s`).toBeLessThanOrEqual(0.5);
  await rp.evaluate(() => document.querySelector<HTMLVideoElement>('video.final')?.pause());
  const links = rp.getByRole('link', { name: /^Download / });
  const hrefs = await links.evaluateAll((as) => (as as HTMLAnchorElement[]).map((a) => ({ href: a.href, name: a.textContent, download: a.download })));
  expect(hrefs, `expected 4 downloads, have ${JSON.stringify(hrefs)}`).toHaveLength(4);
  const checks: Record<string, (b: Buffer) => boolean> = {
    mp4: (b) => b.subarray(4, 8).toString() === 'ftyp',
    otio: (b) => /OTIO_SCHEMA/.test(b.toString()),
    fcpxml: (b) => /<fcpxml/.test(b.toString()),
    edl: (b) => /^TITLE:/m.test(b.toString()),
  };
  for (const { href, download } of hrefs) {
    const ext = href.split('/').at(-1) ?? '';
    const r = await rp.request.get(href);
    const body = await r.body();
    expect(r.ok() && (checks[ext]?.(body) ?? false), `download ${href} (${download}): HTTP ${r.status()}, ${body.length} bytes, not a ${ext}`).toBe(true);
  }
  await flow.shot('14-render-playing', rp);
  log(
    `${info.width}x${info.height}, ${info.duration.toFixed(2)} s, played to ${info.t.toFixed(2)} s (readyState ${info.readyState}); downloads ${hrefs.map((h) => h.download).join(', ')}`,
  );
});

test('timeline, budget and projects views after the render', async ({ flow }) => {
  const { page } = flow;
  for (const [tab, heading, ready, file] of [
    ['timeline', 'Timeline', /The plan is committed/, '15-timeline-final'],
    ['budget', 'Budget', /^Remaining$/, '16-budget'],
  ] as const) {
    await page.goto(`${state.origin}/projects/${state.projectId}/${tab}`);
    await page.getByRole('heading', { name: heading, exact: true }).waitFor();
    await page.getByText(ready).first().waitFor();
    const alerts = await page.getByRole('alert').allTextContents();
    expect(alerts, `${tab}: alerts`).toEqual([]);
    await flow.shot(file);
  }
  await page.goto(state.origin + '/');
  await page.getByText('Rain Song').waitFor();
  await page.getByText('rendered').first().waitFor();
  await flow.shot('17-projects-after');
});

test('every control of every view has a label', ({ flow }) => {
  const found = [...flow.unlabelled].map(([view, controls]) => `${view}: ${controls.join(' ')}`);
  expect(found, 'controls without an accessible name, by screenshot').toEqual([]);
});

test('no uncaught page errors', ({ flow }) => {
  expect(flow.pageErrors).toEqual([]);
});
