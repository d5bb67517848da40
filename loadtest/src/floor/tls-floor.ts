// Floor (a): the TLS transport alone. An echo server in its own process with the relay's TLS
// options, and clients here keeping a fixed number of 16 KB blocks in flight per connection. One
// echoed block is one block in and one block out, the unit the relay path is compared in.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import tls from 'node:tls';
import {
  SMP_TLS_CIPHERS,
  SMP_TLS_GROUPS,
  SMP_TLS_SIGALGS,
  writeServerCredentials,
} from '@simplex-relay/node-crypto';
import { median } from '../bench-util.ts';
import { REPO_ROOT, startTsChild } from '../child-process.ts';
import { ownCpuSeconds, readProc } from '../proc-cpu.ts';

const BLOCK = 16_384;

/** Shape of the echo load. */
export interface TlsFloorOptions {
  readonly connections: number;
  readonly inflightPerConnection: number;
  readonly rounds: number;
  readonly roundMs: number;
  readonly warmupMs: number;
  /** Disable Nagle on the server's sockets (as node-crypto's tlsServerOptions does); clients keep it, as the SMP client does. */
  readonly serverNoDelay: boolean;
}

/** Medians over the rounds. */
export interface TlsFloorResult {
  /** Echoed 16 KB blocks per second (each: one block in, one block out). */
  readonly blocksPerSec: number;
  readonly serverCpuPer10kBlocks: number;
  readonly clientCpuPer10kBlocks: number;
  /** Negotiated protocol and cipher, as a check that the settings are the relay's. */
  readonly negotiated: string;
}

interface EchoConn {
  readonly socket: tls.TLSSocket;
  received: number;
}

function connect(port: number): Promise<tls.TLSSocket> {
  return new Promise((res, rej) => {
    const s = tls.connect({
      host: '127.0.0.1',
      port,
      ciphers: SMP_TLS_CIPHERS,
      sigalgs: SMP_TLS_SIGALGS,
      ecdhCurve: SMP_TLS_GROUPS,
      ALPNProtocols: ['smp/1'],
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.3',
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    });
    s.once('secureConnect', () => res(s));
    s.once('error', rej);
  });
}

/** Runs the echo floor; the server process and its certificate directory are removed afterwards. */
export async function tlsFloor(o: TlsFloorOptions): Promise<TlsFloorResult> {
  const dir = await mkdtemp(join(tmpdir(), 'relay-bench-tls-'));
  const conns: EchoConn[] = [];
  let server: Awaited<ReturnType<typeof startTsChild>> | undefined;
  try {
    await writeServerCredentials(dir, { algorithm: 'ed25519' });
    server = await startTsChild(
      resolve(REPO_ROOT, 'loadtest/src/floor/tls-echo-server.ts'),
      [dir, o.serverNoDelay ? 'nodelay' : 'nagle'],
      /PORT (\d+)/,
    );
    const port = Number(server.ready[1]);
    const block = randomBytes(BLOCK);
    let echoed = 0;
    let running = true;
    for (let i = 0; i < o.connections; i++) {
      const socket = await connect(port);
      const c: EchoConn = { socket, received: 0 };
      socket.on('data', (d: Buffer) => {
        const before = Math.floor(c.received / BLOCK);
        c.received += d.length;
        const done = Math.floor(c.received / BLOCK) - before;
        echoed += done;
        if (running) for (let k = 0; k < done; k++) socket.write(block);
      });
      socket.on('error', () => undefined);
      conns.push(c);
    }
    const first = conns[0]?.socket;
    const negotiated = `${first?.getProtocol() ?? '?'} ${first?.getCipher().standardName ?? '?'}`;
    for (const c of conns) for (let k = 0; k < o.inflightPerConnection; k++) c.socket.write(block);

    const serverPid = server.pid;
    const serverCpu = (): number => readProc(serverPid)?.cpu ?? 0;
    await new Promise((r) => setTimeout(r, o.warmupMs));
    const rates: number[] = [];
    const sCpu: number[] = [];
    const cCpu: number[] = [];
    for (let r = 0; r < o.rounds; r++) {
      const n0 = echoed;
      const s0 = serverCpu();
      const c0 = ownCpuSeconds();
      const t0 = performance.now();
      await new Promise((res) => setTimeout(res, o.roundMs));
      const n = echoed - n0;
      const secs = (performance.now() - t0) / 1000;
      rates.push(n / secs);
      sCpu.push(((serverCpu() - s0) / n) * 10_000);
      cCpu.push(((ownCpuSeconds() - c0) / n) * 10_000);
    }
    running = false;
    return {
      blocksPerSec: median(rates),
      serverCpuPer10kBlocks: median(sCpu),
      clientCpuPer10kBlocks: median(cCpu),
      negotiated,
    };
  } finally {
    for (const c of conns) c.socket.destroy();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
