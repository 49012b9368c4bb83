// Where the browser tests find what they drive, and where they write.
// Env: MIRI_BIN (default build/src/app/miri), CHROMIUM (default
// /usr/bin/chromium), MIRI_SCREENSHOTS (a picture per view; default
// build/screenshots), MIRI_E2E_RESULTS (traces and screenshots of failed
// tests; default build/e2e-results), MIRI_E2E_SONG / MIRI_E2E_LYRICS (an
// MP3 and its lyrics; default: scripts/make-sample.sh, else an ffmpeg
// tone), MIRI_E2E_BUILD=1 (rebuild web/dist even when it exists).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const root = resolve(webDir, '..');
export const miriBin = process.env.MIRI_BIN ?? join(root, 'build/src/app/miri');
export const chromiumBin = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const screenshotsDir = resolve(process.env.MIRI_SCREENSHOTS ?? join(root, 'build/screenshots'));
export const resultsDir = resolve(process.env.MIRI_E2E_RESULTS ?? join(root, 'build/e2e-results'));

/** Debian's Chromium, headless, nothing fetched from the network (docs: platform-notes "Browser tests"). */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];
