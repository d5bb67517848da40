// The `xftp` command (bin/xftp.mjs) as a child process against a real XFTP server (libs/xftp-server):
// send → recv (file and web link) → del, `info`, and the exit codes of failures and bad usage.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startRelay } from './support/relay.ts';
import type { TestRelay } from './support/relay.ts';

const BIN = resolve(import.meta.dirname, '../bin/xftp.mjs');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function xftp(args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((res) => {
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      res({ code, stdout, stderr });
    });
  });
}

const exists = (p: string): Promise<boolean> =>
  access(p).then(
    () => true,
    () => false,
  );

describe('xftp CLI', () => {
  let relay: TestRelay;
  let dir: string;

  before(async () => {
    relay = await startRelay();
    dir = await mkdtemp(join(tmpdir(), 'xftp-cli-'));
    await mkdir(join(dir, 'tmp'));
  });
  after(async () => {
    await relay.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends a file to two recipients, who receive it by file and by web link; the sender deletes it', async () => {
    const data = randomBytes(300 * 1024);
    await writeFile(join(dir, 'photo.jpg'), data);
    const send = await xftp(
      [
        'send',
        'photo.jpg',
        'descs',
        '-s',
        relay.address,
        '-n',
        '2',
        '--tmp',
        'tmp',
        '--no-progress',
      ],
      dir,
    );
    assert.equal(send.code, 0, send.stderr);
    const lines = send.stdout.split('\n');
    const sndPath = lines.find((l) => l.startsWith('Sender file description: '))?.slice(25);
    assert.equal(sndPath, join('descs', 'photo.jpg.xftp', 'snd.xftp.private'));
    const rcv = lines.filter((l) => l.endsWith('.xftp') && l.includes('rcv'));
    assert.deepEqual(rcv, [
      join('descs', 'photo.jpg.xftp', 'rcv1.xftp'),
      join('descs', 'photo.jpg.xftp', 'rcv2.xftp'),
    ]);
    const link = lines[lines.indexOf('Web link:') + 1];
    assert.ok(link?.startsWith('https://127.0.0.1/#'), 'the web link names the server host');

    const info = await xftp(['info', rcv[1] as string], dir);
    assert.equal(info.code, 0, info.stderr);
    assert.match(info.stdout, /^Recipient file description\nFile download size: /);
    assert.ok(info.stdout.includes(relay.address), 'info lists the server');

    const byLink = await xftp(
      ['recv', link as string, '-o', 'in1', '--tmp', 'tmp', '--no-progress'],
      dir,
    );
    assert.equal(byLink.code, 0, byLink.stderr);
    assert.match(byLink.stdout, /File downloaded: in1[/\\]photo\.jpg/);
    assert.ok((await readFile(join(dir, 'in1', 'photo.jpg'))).equals(data));

    const byFile = await xftp(
      ['recv', rcv[1] as string, 'in2', '-y', '--tmp', 'tmp', '--no-progress'],
      dir,
    );
    assert.equal(byFile.code, 0, byFile.stderr);
    assert.ok((await readFile(join(dir, 'in2', 'photo.jpg'))).equals(data));
    assert.equal(await exists(join(dir, rcv[1] as string)), false, '--yes deletes the description');

    const again = await xftp(
      ['recv', rcv[0] as string, 'in3', '--tmp', 'tmp', '--no-progress'],
      dir,
    );
    assert.equal(again.code, 1, 'recipient 1 acknowledged its chunks via the link: AUTH now');
    assert.match(again.stderr, /^error: .*AUTH/m);

    const del = await xftp(['del', sndPath as string, '-y', '--no-progress'], dir);
    assert.equal(del.code, 0, del.stderr);
    assert.match(del.stdout, /File deleted!/);
    assert.equal(await relay.fileStore.countFiles(), 0, 'no chunk left on the server');
  });

  it('exits 1 when a transfer fails and 2 on bad usage', async () => {
    const missing = await xftp(['recv', 'no-such.xftp', '--no-progress'], dir);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error: /m);
    const usage = await xftp(['send'], dir);
    assert.equal(usage.code, 2, 'missing argument');
  });
});
