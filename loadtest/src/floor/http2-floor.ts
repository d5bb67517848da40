// Floor of the XFTP benchmark: HTTP/2 over TLS alone. A server in its own process with the XFTP
// server's TLS options and HTTP/2 setup (loadtest/src/xftp-floor-server.ts) that only consumes
// request bodies (upload floor) or sends bodies (download floor), and clients here with the XFTP
// client's TLS options, ALPN and receive windows, as many sessions as the XFTP run has clients,
// one request in flight on each, the same number of requests of the same body sizes per round.
import { randomBytes } from 'node:crypto';
import http2, { type ClientHttp2Session } from 'node:http2';
import { resolve } from 'node:path';
import tls, { type TLSSocket } from 'node:tls';
import { tlsClientOptions } from '@simplex-relay/smp-transport';
import { REPO_ROOT, startTsChild, type Child } from '../child-process.ts';
import { runRound, type RoundResult } from '../xftp-rounds.ts';

/** The XFTP client's receive window (libs/xftp-client connection.ts: one 4 MB chunk). */
const RECEIVE_WINDOW = 4 * 1024 * 1024;

/** A running floor server with its client sessions. */
export interface Http2Floor {
  readonly server: Child;
  /** Negotiated protocol, cipher and ALPN, as a check that the settings are the XFTP ones. */
  readonly negotiated: string;
  /** `items` uploads of `bodyBytes` each over the sessions. */
  upload(items: number, bodyBytes: number, capMs: number): Promise<RoundResult>;
  /** `items` downloads of `bodyBytes` each. */
  download(items: number, bodyBytes: number, capMs: number): Promise<RoundResult>;
  close(): Promise<void>;
}

function connectTls(port: number): Promise<TLSSocket> {
  return new Promise((res, rej) => {
    const s = tls.connect(tlsClientOptions({ host: '127.0.0.1', port, alpn: ['xftp/1'] }));
    s.once('secureConnect', () => {
      s.removeAllListeners('error');
      s.on('error', () => undefined);
      res(s);
    });
    s.once('error', rej);
  });
}

async function session(port: number): Promise<{ h2: ClientHttp2Session; socket: TLSSocket }> {
  const socket = await connectTls(port);
  const h2 = http2.connect('https://127.0.0.1', {
    createConnection: () => socket,
    settings: { initialWindowSize: RECEIVE_WINDOW },
  });
  h2.on('error', () => undefined);
  await new Promise<void>((res, rej) => {
    h2.once('connect', () => res());
    h2.once('error', rej);
  });
  h2.setLocalWindowSize(RECEIVE_WINDOW);
  return { h2, socket };
}

/** One request; resolves when the response body has been read to its end. */
function exchange(h2: ClientHttp2Session, path: string, body?: Uint8Array, size = 0) {
  return new Promise<number>((res, rej) => {
    const req = h2.request({ ':method': 'POST', ':path': path, 'x-size': String(size) });
    let got = 0;
    let status = 0;
    req.on('response', (h) => (status = Number(h[':status'])));
    req.on('data', (d: Buffer) => (got += d.length));
    req.on('end', () => (status === 200 ? res(got) : rej(new Error(`status ${status}`))));
    req.on('error', rej);
    req.end(body);
  });
}

/** Starts the server process and opens `clients` sessions; `certDir` holds the XFTP identity. */
export async function startHttp2Floor(certDir: string, clients: number): Promise<Http2Floor> {
  const server = await startTsChild(
    resolve(REPO_ROOT, 'loadtest/src/xftp-floor-server.ts'),
    [certDir],
    /PORT (\d+)/,
  );
  const sessions: { h2: ClientHttp2Session; socket: TLSSocket }[] = [];
  try {
    const port = Number(server.ready[1]);
    for (let i = 0; i < clients; i++) sessions.push(await session(port));
  } catch (e) {
    for (const s of sessions) s.h2.destroy();
    await server.stop();
    throw e;
  }
  const first = sessions[0]?.socket;
  const negotiated =
    `${first?.getProtocol() ?? '?'} ${first?.getCipher().standardName ?? '?'} ` +
    `ALPN ${String(first?.alpnProtocol ?? false)}`;
  const abandon = (): void => {
    for (const s of sessions) s.h2.destroy();
  };
  const h2Of = (w: number): ClientHttp2Session => (sessions[w] as { h2: ClientHttp2Session }).h2;
  let body = new Uint8Array(0);
  return {
    server,
    negotiated,
    upload(items, bodyBytes, capMs) {
      if (body.length !== bodyBytes) body = randomBytes(bodyBytes);
      return runRound({
        items,
        workers: sessions.length,
        capMs,
        graceMs: 15_000,
        abandon,
        op: async (_i, w) => {
          await exchange(h2Of(w), '/up', body);
        },
      });
    },
    download(items, bodyBytes, capMs) {
      return runRound({
        items,
        workers: sessions.length,
        capMs,
        graceMs: 15_000,
        abandon,
        op: async (_i, w) => {
          const n = await exchange(h2Of(w), '/down', undefined, bodyBytes);
          if (n !== bodyBytes) throw new Error(`short body: ${n} of ${bodyBytes}`);
        },
      });
    },
    async close() {
      for (const s of sessions) s.h2.close();
      await server.stop();
    },
  };
}
