// The README's test command: lint, test and build every project, then print one closing line
// "N passed, N failed" summed from the TAP files each project's test run wrote.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
// Postgres and NATS must answer before any integration test starts (installs/starts them if needed).
spawnSync('bash', [join(root, 'scripts', 'ensure-services.sh')], { stdio: 'inherit' });
const results = join(root, '.tmp', 'test-results');
rmSync(results, { recursive: true, force: true });
const nx = spawnSync(
  'npx',
  [
    'nx',
    'run-many',
    '-t',
    'lint',
    'test',
    'build',
    '--outputStyle=static',
    '--skipNxCache',
    // One task at a time: integration suites start servers and contend badly on 2 cores otherwise.
    '--parallel=1',
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit', cwd: root, env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false' } },
);
// Formatting is part of the suite: one Prettier config for the whole workspace.
const format = spawnSync('npx', ['prettier', '--check', '--log-level=warn', '.'], {
  stdio: 'inherit',
  cwd: root,
});
let passed = 0;
let failed = format.status === 0 ? 0 : 1;
if (format.status !== 0) console.error('prettier: files above are not formatted (npm run format)');
if (existsSync(results)) {
  for (const f of readdirSync(results)) {
    const tap = readFileSync(join(results, f), 'utf8');
    passed += Number(/^# pass (\d+)$/m.exec(tap)?.[1] ?? 0);
    failed += Number(/^# fail (\d+)$/m.exec(tap)?.[1] ?? 0);
  }
}
if (nx.status !== 0 && failed === 0) failed = 1; // a lint or build failure counts as a failure
console.log(`${passed} passed, ${failed} failed`);
process.exit(nx.status === 0 && failed === 0 ? 0 : 1);
