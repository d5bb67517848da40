/*
 * ## XFTP benchmark
 *
 * Run: `npm run -w loadtest bench:xftp` (needs PostgreSQL on 127.0.0.1:5432, as the tests do:
 * `scripts/ensure-services.sh`). Options: `--clients 16 --chunk 1m --total 200 --rounds 3
 * --warmup 32 --round-cap 60`. `--chunk` is an XFTP chunk size: 64k, 256k, 1m or 4m; `--total` is
 * MB moved per round and direction; `--warmup` chunks up and down before the measured rounds;
 * `--round-cap` seconds is the hard cap of one round (past it no request starts, the round ends
 * there, and requests still running get 15 s before their connections are cut). It stops by
 * itself, only talks to 127.0.0.1, and removes its processes, temp directories and database.
 *
 * What it does: the server under test is one child process running XftpServer (libs/xftp-server)
 * with a PostgresFileStore in a fresh database on the local PostgreSQL and an FsBlobStore in a
 * temp directory (loadtest/src/xftp-server-child.ts; an Ed25519 identity written for the run).
 * `--clients` XftpClient connections (libs/xftp-client) each keep one request in flight. A round
 * moves `--total` MB each way: upload = per chunk FNEW (fresh Ed25519 sender and recipient keys)
 * then FPUT of the chunk, read from a file of random bytes; download = FGET of every chunk of the
 * upload, decrypted into a per-client file with its digest checked. After a round's download its
 * chunks are deleted (FDEL, not measured), so the blob directory holds at most one round.
 *
 * The floor, in the same run and with the same clients count, body sizes and requests per round:
 * an HTTP/2 server in a child process with XftpServer's TLS options (node-crypto
 * `xftpTlsServerOptions`: TLS 1.3 CHACHA20-POLY1305, EdDSA chain, ALPN xftp/1) and HTTP/2 setup
 * (a tls.Server handing connections to an http2 server with default settings), clients with the
 * XFTP client's TLS options and receive windows; upload floor = POST of 16 KB + chunk bytes that
 * the server reads and answers with an empty 200 (an FPUT body is one 16 KB command block plus the
 * chunk), download floor = a 200 with 16 KB + chunk bytes (an FGET answer: block, encrypted
 * chunk, 16-byte tag). No command blocks, keys, FNEW, database, disk or encryption: what remains
 * is HTTP/2 over TLS on this machine. XFTP and floor rounds alternate (XFTP up, XFTP down, floor
 * up, floor down), so drift in the shared machine's load hits both alike.
 *
 * What the numbers mean (medians over `--rounds`):
 * - MB/s: chunk bytes moved per second (MB = 2^20 bytes, as XFTP chunk sizes are), from the first
 *   request of the round to the last answer; both sides count chunk bytes only.
 * - ratio: XFTP MB/s ÷ floor MB/s of the same direction.
 * - CPU s: user+system CPU seconds from /proc during a round of each process: the XFTP server
 *   process, the PostgreSQL backends of its database (XFTP rounds only), the floor server
 *   process (floor rounds only) and the load generator (this process: the clients); also scaled
 *   to 100 MB.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { nodeProvider, writeServerCredentials } from '@simplex-relay/node-crypto';
import { chunkDigest, generateKeyPair } from '@simplex-relay/protocol';
import { createTestDatabase, type TestDatabase } from '@simplex-relay/testing';
import { loadAverage, machineLine } from './bench-util.ts';
import { REPO_ROOT, startTsChild, type Child } from './child-process.ts';
import { startHttp2Floor, type Http2Floor } from './floor/http2-floor.ts';
import { cpuDelta, ownCpuSeconds, snapshotCpu, treeGroup, type CpuGroup } from './proc-cpu.ts';
import { report, type Phase, type PhaseResult } from './xftp-report.ts';
import type { RoundResult } from './xftp-rounds.ts';
import { XftpLoad } from './xftp-load.ts';

const { values: a } = parseArgs({
  options: {
    clients: { type: 'string', default: '16' },
    chunk: { type: 'string', default: '1m' },
    total: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '32' },
    'round-cap': { type: 'string', default: '60' },
  },
});
const num = (k: keyof typeof a): number => {
  const n = Number(a[k]);
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`--${k} must be a number`);
  return n;
};
const CHUNKS: Readonly<Record<string, number>> = {
  '64k': 65_536,
  '256k': 262_144,
  '1m': 1_048_576,
  '4m': 4_194_304,
};
const chunkBytes = CHUNKS[String(a.chunk).toLowerCase()];
if (chunkBytes === undefined) throw new RangeError('--chunk must be one of 64k, 256k, 1m, 4m');
const MB = 1_048_576;
const P = {
  clients: Math.max(1, num('clients')),
  chunkBytes,
  chunksPerRound: Math.max(1, Math.floor((num('total') * MB) / chunkBytes)),
  rounds: Math.max(1, num('rounds')),
  warmup: num('warmup'),
  capMs: num('round-cap') * 1000,
};
/** One XFTP command block: the head of an FPUT body and of an FGET answer. */
const BLOCK = 16_384;

const log = (s: string): void => console.log(s);
const f1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '–');

// Everything the run created, removed on any exit path.
let db: TestDatabase | undefined;
let dir: string | undefined;
let server: Child | undefined;
let load: XftpLoad | undefined;
let floor: Http2Floor | undefined;
async function cleanup(): Promise<void> {
  await load?.close().catch(() => undefined);
  await floor?.close().catch(() => undefined);
  await server?.stop().catch(() => undefined);
  await db?.drop().catch((e: unknown) => log(`could not drop the database: ${String(e)}`));
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
}
let interrupted = false;
const abort = (why: string, code: number): void => {
  interrupted = true;
  log(`${why}: cleaning up…`);
  void cleanup().finally(() => process.exit(code));
};
process.once('SIGINT', () => abort('interrupted', 130));
process.once('uncaughtException', (e) => abort(`failed: ${String(e).slice(0, 300)}`, 1));

/** Backends of one database: their titles read `postgres: user <db> host(port) state`. */
const backendsGroup = (name: string): CpuGroup => ({
  name: 'PostgreSQL backends',
  select: (procs) => procs.filter((p) => p.comm === 'postgres' && p.cmdline.includes(` ${name} `)),
});

const results = new Map<Phase, PhaseResult>();
/** Runs one measured phase and records its round and CPU figures. */
async function measured(
  phase: Phase,
  groups: readonly CpuGroup[],
  run: () => Promise<RoundResult>,
): Promise<RoundResult> {
  const s0 = snapshotCpu(groups);
  const c0 = ownCpuSeconds();
  const r = await run();
  const c1 = ownCpuSeconds();
  const cpu = cpuDelta(s0, snapshotCpu(groups));
  cpu.set('load generator (bench)', c1 - c0);
  const acc = results.get(phase) ?? { rounds: [], cpu: new Map<string, number[]>() };
  acc.rounds.push(r);
  for (const [k, v] of cpu) acc.cpu.set(k, [...(acc.cpu.get(k) ?? []), v]);
  results.set(phase, acc);
  const mbs = (r.done * P.chunkBytes) / MB / r.seconds;
  log(
    `[${phase}] ${r.done} chunks in ${f1(r.seconds)} s = ${f1(mbs)} MB/s, errors ${r.errors}` +
      (r.capped ? ' — CAPPED' : '') +
      (r.firstError ? ` (first: ${r.firstError})` : ''),
  );
  return r;
}

const started = performance.now();
try {
  log('XFTP benchmark — chunk upload and download with concurrent clients vs HTTP/2-over-TLS');
  log(machineLine());
  log(
    `parameters: ${P.clients} clients, chunk ${P.chunkBytes / 1024} KB, ${P.chunksPerRound} chunks ` +
      `(${f1((P.chunksPerRound * P.chunkBytes) / MB)} MB) per round and direction, warm-up ` +
      `${P.warmup} chunks, ${P.rounds} rounds, round cap ${P.capMs / 1000} s`,
  );
  dir = await mkdtemp(join(tmpdir(), 'xftp-bench-'));
  const certDir = join(dir, 'certs');
  const blobRoot = join(dir, 'blobs');
  const srcFile = join(dir, 'chunk.bin');
  const chunk = randomBytes(P.chunkBytes);
  await writeFile(srcFile, chunk);
  await writeServerCredentials(certDir, { algorithm: 'ed25519' });
  db = await createTestDatabase({ prefix: 'xftp_bench' });
  server = await startTsChild(
    resolve(REPO_ROOT, 'loadtest/src/xftp-server-child.ts'),
    [certDir, db.url, blobRoot],
    /XFTP (\d+) (\S+)/,
  );
  const address = `xftp://${server.ready[2] ?? ''}@127.0.0.1:${server.ready[1] ?? ''}`;
  load = await XftpLoad.connect(address, P.clients, {
    srcFile,
    chunkBytes: P.chunkBytes,
    digest: chunkDigest(chunk),
    dir,
    newKeys: () => generateKeyPair(nodeProvider, 'ed25519'),
  });
  floor = await startHttp2Floor(certDir, P.clients);
  log(`XFTP: server pid ${server.pid}, ${load.describe()}; floor: ${floor.negotiated}`);
  const xftpGroups = [treeGroup('XFTP server process', server.pid), backendsGroup(db.name)];
  const floorGroups = [treeGroup('floor server process', floor.server.pid)];
  const body = BLOCK + P.chunkBytes;

  if (P.warmup > 0) {
    const up = await load.upload(P.warmup, P.capMs);
    const down = await load.download(P.capMs);
    await load.deleteAll();
    const fu = await floor.upload(P.warmup, body, P.capMs);
    const fd = await floor.download(P.warmup, body, P.capMs);
    log(
      `warm-up: XFTP ${up.done} up / ${down.done} down, floor ${fu.done} up / ${fd.done} down ` +
        `(errors ${up.errors + down.errors + fu.errors + fd.errors})`,
    );
  }
  for (let r = 0; r < P.rounds && !interrupted; r++) {
    log(`— round ${r + 1}`);
    const up = await measured('XFTP upload', xftpGroups, () =>
      load!.upload(P.chunksPerRound, P.capMs),
    );
    const down = await measured('XFTP download', xftpGroups, () => load!.download(P.capMs));
    await load.deleteAll();
    await measured('floor upload', floorGroups, () =>
      floor!.upload(P.chunksPerRound, body, P.capMs),
    );
    const fd = await measured('floor download', floorGroups, () =>
      floor!.download(P.chunksPerRound, body, P.capMs),
    );
    if (up.capped || down.capped || fd.capped) {
      log('a round hit the cap: no further rounds');
      break;
    }
  }
  report(results, { chunkBytes: P.chunkBytes, mb: MB });
} finally {
  await cleanup();
}
log(`\nload average at end ${loadAverage()}; total ${f1((performance.now() - started) / 1000)} s`);
