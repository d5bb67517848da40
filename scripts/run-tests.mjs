// Runs one project's tests with Node's own test runner (TypeScript through tsx), printing the spec
// report and writing a TAP copy under .tmp/test-results/ for the workspace summary (scripts/test.mjs).
// Usage: node ../../scripts/run-tests.mjs <project-name> <dir> [<dir>...]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [name, ...dirs] = process.argv.slice(2);
if (!name || dirs.length === 0) throw new Error('usage: run-tests.mjs <name> <dir>...');
const root = resolve(import.meta.dirname, '..');
const files = [];
const walk = (d) => {
  for (const e of readdirSync(d)) {
    const p = join(d, e);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.(spec|int-spec)\.ts$/.test(e)) files.push(p);
  }
};
for (const d of dirs) walk(d);
files.sort();
const out = join(root, '.tmp', 'test-results');
mkdirSync(out, { recursive: true });
const args = [
  '--import',
  'tsx',
  '--test',
  '--test-concurrency=1',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=tap',
  `--test-reporter-destination=${join(out, `${name}.tap`)}`,
  ...files,
];
// One tsconfig for every file tsx compiles, including workspace libs reached through node_modules
// symlinks (otherwise NestJS parameter decorators in libs fail to compile).
const env = { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.base.json') };
// A hung process must fail the run, not stall CI: one project's tests get at most 15 minutes.
const r = spawnSync(process.execPath, args, {
  stdio: 'inherit',
  env,
  timeout: 15 * 60_000,
  killSignal: 'SIGKILL',
});
if (r.error) console.error(`[run-tests] ${name}: ${r.error.message}`);
process.exit(r.status ?? 1);
