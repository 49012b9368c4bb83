// Worker-scoped fixtures of the browser flow: the song, a real `miri serve`
// (temp data dir, free port on 127.0.0.1, local providers with no added
// latency) and one browser context whose pages live through the whole flow
// (the flow checks that views follow the server live, without a reload).
// Everything they start they stop. Traces and failure screenshots of these
// pages are kept by Playwright (playwright.config.ts); the pictures of each
// view go to MIRI_SCREENSHOTS.
import { test as base, type BrowserContext, type Page } from '@playwright/test';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { miriBin, root, screenshotsDir, webDir } from './env';

export const STEP_MS = 15_000;

export interface Song {
  song: string;
  lyrics: string;
}

export interface Miri {
  origin: string;
}

export interface Flow {
  context: BrowserContext;
  /** The page the person works in. */
  page: Page;
  /** Uncaught errors of every page of the flow. */
  pageErrors: string[];
  /** View name -> controls without an accessible name. */
  unlabelled: Map<string, string[]>;
  /** A new page of the flow (errors watched, step timeout set). */
  newPage(): Promise<Page>;
  /** Checks `p` for unlabelled controls and saves a picture of it as `name`.png. */
  shot(name: string, p?: Page): Promise<void>;
}

function log(...a: unknown[]) {
  console.log('[e2e]', ...a);
}

/** The song and its lyrics: the sample song (30 s) when it can be made. */
function makeSong(dir: string): Song {
  const sampleLyrics = join(root, 'samples/rain-song.lrc');
  if (process.env.MIRI_E2E_SONG) return { song: process.env.MIRI_E2E_SONG, lyrics: process.env.MIRI_E2E_LYRICS ?? sampleLyrics };
  try {
    execFileSync(join(root, 'scripts/make-sample.sh'), [dir, '--seconds', '30'], { stdio: 'pipe', timeout: 120_000 });
    const song = join(dir, 'rain-song.mp3');
    const lrc = join(dir, 'rain-song.lrc');
    if (existsSync(song)) return { song, lyrics: existsSync(lrc) ? lrc : sampleLyrics };
  } catch (e) {
    log(`make-sample.sh failed (${(e as Error).message.split('\n')[0]}); using an ffmpeg tone`);
  }
  const song = join(dir, 'tone.mp3');
  execFileSync('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=30', '-q:a', '9', '-y', song], {
    timeout: 60_000,
  });
  return { song, lyrics: sampleLyrics };
}

/** A `miri serve` on a free port of 127.0.0.1 with local providers; `env` adds to (or overrides) its environment. */
export function startServer(dataDir: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolveStart, reject) => {
    const child = spawn(miriBin, ['serve', '--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--web', join(webDir, 'dist')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        MIRI_API_TOKEN: '',
        MIRI_REDIS_URL: '',
        MIRI_LOCAL_LATENCY_MS: '0',
        MIRI_LOCAL_PROVIDERS: '',
        MIRI_PROVIDERS: 'local',
        MIRI_LOG_REQUESTS: '0',
        ...env,
      },
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`miri serve printed no "listening" line in 20 s: ${out}`));
    }, 20_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      for (const line of out.split('\n')) {
        try {
          const j = JSON.parse(line) as { msg?: string; port?: number };
          if (j.msg === 'listening' && j.port) {
            clearTimeout(timer);
            resolveStart({ child, port: j.port });
            return;
          }
        } catch {
          /* not JSON yet */
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`miri serve exited with ${code}: ${out.slice(-2000)}`));
    });
  });
}

export async function stopServer(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(t);
}

/** Controls without an accessible name (label, aria-label(ledby), text, title) in the page. */
function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const name = (el: Element): string => {
      const by = el.getAttribute('aria-labelledby');
      if (by)
        return by
          .split(/\s+/)
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join(' ')
          .trim();
      const aria = el.getAttribute('aria-label');
      if (aria) return aria.trim();
      if (el.id) {
        const l = document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
        if (l) return (l.textContent ?? '').trim();
      }
      const wrap = el.closest('label');
      if (wrap) return (wrap.textContent ?? '').trim();
      if (el.tagName === 'BUTTON' || el.tagName === 'A') return (el.textContent ?? '').trim() || el.getAttribute('title') || '';
      return el.getAttribute('title') ?? '';
    };
    const sel = 'button, a[href], input:not([type=hidden]), select, textarea, [role=slider], video, audio, progress';
    return [...document.querySelectorAll(sel)].filter((el) => el.getClientRects().length > 0 && !name(el)).map((el) => el.outerHTML.slice(0, 120));
  });
}

export const test = base.extend<object, { song: Song; miri: Miri; flow: Flow }>({
  song: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern: none
    async ({}, use) => {
      const tmp = mkdtempSync(join(tmpdir(), 'miri-e2e-song-'));
      const song = makeSong(tmp);
      log(`song ${song.song}, lyrics ${song.lyrics}`);
      await use(song);
      rmSync(tmp, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 150_000 },
  ],

  miri: [
    // eslint-disable-next-line no-empty-pattern -- as above
    async ({}, use) => {
      const tmp = mkdtempSync(join(tmpdir(), 'miri-e2e-'));
      const { child, port } = await startServer(join(tmp, 'data')).catch((e: unknown) => {
        rmSync(tmp, { recursive: true, force: true });
        throw e;
      });
      const origin = `http://127.0.0.1:${port}`;
      log(`miri serve on ${origin}`);
      try {
        await use({ origin });
      } finally {
        await stopServer(child);
        rmSync(tmp, { recursive: true, force: true });
      }
    },
    { scope: 'worker', timeout: 30_000 },
  ],

  flow: [
    async ({ browser }, use) => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const pageErrors: string[] = [];
      const unlabelled = new Map<string, string[]>();
      const newPage = async () => {
        const p = await context.newPage();
        p.setDefaultTimeout(STEP_MS);
        p.on('pageerror', (e) => pageErrors.push(e.message));
        return p;
      };
      const page = await newPage();
      const shot = async (name: string, p: Page = page) => {
        const missing = await unlabelledControls(p);
        if (missing.length) unlabelled.set(name, missing);
        await p.screenshot({ path: join(screenshotsDir, `${name}.png`), fullPage: true });
      };
      await use({ context, page, pageErrors, unlabelled, newPage, shot });
      await context.close();
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';
