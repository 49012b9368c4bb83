// Once per run: the SPA that `miri serve --web` serves (web/dist), built
// when missing or when MIRI_E2E_BUILD=1 (CTest sets it: the flow tests the
// current sources).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { screenshotsDir, webDir } from './env';

export default function globalSetup() {
  mkdirSync(screenshotsDir, { recursive: true });
  if (!existsSync(join(webDir, 'dist/index.html')) || process.env.MIRI_E2E_BUILD === '1') {
    console.log('[e2e] building the SPA (vite build)');
    execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { cwd: webDir, stdio: 'inherit', timeout: 180_000 });
  }
}
