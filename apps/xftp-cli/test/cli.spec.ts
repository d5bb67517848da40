// runCli in-process: option parsing, usage errors and their exit codes (no server needed; the
// transfers themselves are in cli.int-spec.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, runCli } from '../src/cli.ts';
import { DEFAULT_XFTP_SERVERS, parseServerOptions } from '../src/servers.ts';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('xftp CLI arguments', () => {
  it('prints help and the version with exit code 0', async () => {
    const h = await run(['--help']);
    assert.equal(h.code, EXIT_OK);
    assert.match(h.out, /recv \[options\] <description> \[dir\]/);
    const v = await run(['--version']);
    assert.equal(v.code, EXIT_OK);
    assert.equal(v.out, '0.1.0');
  });

  it('exits 2 on bad usage', async () => {
    for (const args of [
      ['send'],
      ['send', 'f', '-n', '0'],
      ['send', 'f', '-r', 'x'],
      ['nope'],
      ['recv'],
    ]) {
      const r = await run(args);
      assert.equal(r.code, EXIT_USAGE, `${args.join(' ')} is a usage error`);
      assert.match(r.err, /error: /);
    }
  });

  it('exits 1 with a message when the work fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xftp-cli-unit-'));
    try {
      const missing = await run(['recv', join(dir, 'none.xftp'), '--no-progress']);
      assert.equal(missing.code, EXIT_FAILED);
      assert.match(missing.err, /^error: .*ENOENT/);
      await writeFile(join(dir, 'bad.xftp'), 'party: sender\n');
      const bad = await run(['recv', join(dir, 'bad.xftp'), '--no-progress']);
      assert.equal(bad.code, EXIT_FAILED, 'a description that does not parse');
      const srv = await run(['send', join(dir, 'bad.xftp'), '-s', 'smp://abc@host']);
      assert.equal(srv.code, EXIT_FAILED);
      assert.match(srv.err, /invalid XFTP server address/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads servers from repeated and ;-separated -s values, hiding passwords in errors', () => {
    const a = 'xftp://LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI=@localhost:8000';
    const b = 'xftp://LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI=:pass@example.com';
    const s = parseServerOptions([`${a};${b}`, a]);
    assert.equal(s.length, 3);
    assert.equal(s[1]?.server.hosts[0]?.host, 'example.com');
    assert.deepEqual(s[1]?.basicAuth, new TextEncoder().encode('pass'));
    assert.throws(
      () => parseServerOptions(['xftp://bad:secret@']),
      (e: Error) => !e.message.includes('secret'),
    );
    assert.equal(parseServerOptions(DEFAULT_XFTP_SERVERS).length, 6, 'the presets parse');
  });
});
