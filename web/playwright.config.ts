// Browser tests (e2e/): @playwright/test driving Debian's Chromium against a
// real `miri serve` that the fixtures start and stop (e2e/fixtures.ts).
// Nothing is downloaded: the browser is /usr/bin/chromium (or CHROMIUM).
// Exit 77 (CTest's skip) when the browser or the server binary is missing.
import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';
import { chromiumArgs, chromiumBin, miriBin, resultsDir } from './e2e/env';

for (const [what, path] of [
  ['chromium', chromiumBin],
  ['miri', miriBin],
] as const) {
  if (!existsSync(path)) {
    console.log(`SKIP: ${what} not found at ${path}`);
    process.exit(77);
  }
}

export default defineConfig({
  testDir: 'e2e',
  outputDir: resultsDir, // traces and screenshots of failed tests
  globalSetup: './e2e/global-setup.ts',
  workers: 1,
  retries: 0,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  timeout: 60_000, // per test; the slow steps set their own
  globalTimeout: 280_000, // the whole run, under CTest's TIMEOUT (300 s)
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    actionTimeout: 15_000,
    navigationTimeout: 15_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: chromiumBin, args: chromiumArgs },
  },
});
