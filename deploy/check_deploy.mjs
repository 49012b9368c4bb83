// Checks what `docker build` and Cloud Run would trip over, without Docker
// (none on the build machines):
// - every path the Dockerfile COPYs from the context exists and is not
//   filtered out by Dockerfile.dockerignore;
// - every path it COPYs from the build stage is something the build makes
//   (the `miri` target at the preset's binaryDir, web/dist from the web
//   build script, the runtime package list);
// - every subcommand and --flag the Dockerfile and the Cloud Run YAMLs pass
//   to `miri` is one the built binary accepts (`miri SUB --help`);
// - every environment variable the YAMLs set is in README.md's table, and
//   every variable of the table is read somewhere in src/ (or the YAMLs).
//
//   node deploy/check_deploy.mjs REPO_ROOT MIRI_BINARY
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const [root, miri] = process.argv.slice(2);
const problems = [];
const fail = (msg) => problems.push(msg);
const read = (p) => readFileSync(join(root, p), 'utf8');

// ---- Dockerfile COPY sources
const dockerfile = read('deploy/Dockerfile');
const ignore = read('deploy/Dockerfile.dockerignore').split('\n')
  .map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
const lines = dockerfile.replace(/\\\n/g, ' ').split('\n');
const copies = lines.filter((l) => /^COPY\s/.test(l)).map((l) => l.trim().split(/\s+/).slice(1));
let checkedCopies = 0;
for (const args of copies) {
  const from = args.find((a) => a.startsWith('--from='));
  const paths = args.filter((a) => !a.startsWith('--'));
  const sources = paths.slice(0, -1);
  for (const src of sources) {
    checkedCopies++;
    if (from) {
      checkBuildOutput(src);
      continue;
    }
    const rel = src.replace(/\/$/, '');
    if (!existsSync(join(root, rel))) fail(`COPY ${src}: no such path in the repository`);
    for (const pattern of ignore) {
      const p = pattern.replace(/^\*\*\//, '');
      if (rel === p || rel.startsWith(`${p}/`)) {
        fail(`COPY ${src}: excluded by Dockerfile.dockerignore (${pattern})`);
      }
    }
  }
}

function checkBuildOutput(src) {
  const presets = JSON.parse(read('CMakePresets.json'));
  const preset = presets.configurePresets.find((p) => p.name === 'default');
  const binaryDir = (preset?.binaryDir ?? '').replace('${sourceDir}', '/src');
  if (src === `${binaryDir}/src/app/miri`) {
    if (!miri || !existsSync(miri)) {
      fail(`COPY --from=build ${src}: the miri binary is not built (target miri)`);
    } else if (!miri.endsWith('/src/app/miri')) {
      fail(`COPY --from=build ${src}: target miri is built at ${miri}`);
    }
  } else if (src === '/src/web/dist') {
    const web = JSON.parse(read('web/package.json'));
    if (!web.scripts?.build) fail('COPY web/dist: web/package.json has no build script');
    if (!dockerfile.includes('npm --prefix web run build')) fail('web/dist is never built');
  } else if (src === '/runtime-packages.txt') {
    if (!dockerfile.includes('> /runtime-packages.txt')) fail(`${src} is never written`);
  } else {
    fail(`COPY --from=build ${src}: not a known build output`);
  }
}
if (!/cmake --preset default/.test(dockerfile)) fail('the Dockerfile does not use the default preset');
const bootstrap = join(root, 'scripts/bootstrap.sh');
if (!existsSync(bootstrap) || !(statSync(bootstrap).mode & 0o111)) {
  fail('scripts/bootstrap.sh is missing or not executable');
}
const entry = dockerfile.match(/^ENTRYPOINT \["([^"]+)"\]/m)?.[1];
if (!copies.some((c) => c.at(-1) === entry)) fail(`ENTRYPOINT ${entry} is never COPYed`);

// ---- miri invocations: Dockerfile CMD and the YAMLs' args
const invocations = [];
const cmd = dockerfile.match(/^CMD (\[.*\])/m);
if (cmd) invocations.push({ where: 'Dockerfile CMD', args: JSON.parse(cmd[1]) });
const yamlDir = join(root, 'deploy/cloudrun');
const yamlEnv = new Set();
for (const f of readdirSync(yamlDir).filter((n) => n.endsWith('.yaml'))) {
  const text = readFileSync(join(yamlDir, f), 'utf8');
  for (const m of text.matchAll(/^\s*args: (\[.*\])\s*$/gm)) {
    invocations.push({ where: f, args: JSON.parse(m[1]) });
  }
  for (const m of text.matchAll(/^\s*- name: ([A-Z][A-Z0-9_]+)\s*$/gm)) yamlEnv.add(m[1]);
  if (/command:/.test(text)) fail(`${f}: overrides the entrypoint (command:)`);
}
if (invocations.length < 3) fail(`expected CMD + 2 YAML invocations, found ${invocations.length}`);
const help = new Map();
for (const { where, args } of invocations) {
  const sub = args[0];
  if (!help.has(sub) && miri && existsSync(miri)) {
    try {
      help.set(sub, execFileSync(miri, [sub, '--help'], { encoding: 'utf8', timeout: 10_000 }));
    } catch (e) {
      help.set(sub, null);
    }
  }
  const text = help.get(sub);
  // CLI11 answers an unknown subcommand's --help with the top-level help,
  // so the usage line must name the subcommand.
  if (text == null || !new RegExp(`Usage: \\S*miri ${sub}\\b`).test(text)) {
    fail(`${where}: \`miri ${sub}\` is not a subcommand of the built binary`);
    continue;
  }
  for (const flag of args.filter((a) => a.startsWith('--'))) {
    if (!new RegExp(`(^|[\\s,])${flag}(?![\\w-])`).test(text)) {
      fail(`${where}: \`miri ${sub}\` has no option ${flag}`);
    }
  }
}

// ---- environment variables: YAMLs <= README table <= read by the code
const readme = read('deploy/README.md');
const table = new Set([...readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]));
for (const v of yamlEnv) if (!table.has(v)) fail(`${v} is set in a YAML but not in README.md's table`);
const sources = [];
(function walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (/\.(cc|h)$/.test(e.name)) sources.push(readFileSync(p, 'utf8'));
  }
})(join(root, 'src'));
const code = sources.join('\n');
for (const v of table) {
  if (!code.includes(`"${v}"`) && !yamlEnv.has(v)) fail(`${v} is documented but nothing reads it`);
}

if (problems.length) {
  console.error(`deploy check FAILED:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`deploy check passed: ${checkedCopies} COPY sources, ` +
            `${invocations.length} miri invocations, ${table.size} documented variables`);
