// The XFTP side of the benchmark: `clients` XftpClient connections, one request in flight on each.
// Upload = FNEW with fresh keys + FPUT of the chunk file; download = FGET of every chunk uploaded
// last, decrypted into a file per client and checked against the digest; FDEL clears them.
import { join } from 'node:path';
import type { KeyPair } from '@simplex-relay/protocol';
import { XftpClient } from '@simplex-relay/xftp-client';
import { runRound, type RoundResult } from './xftp-rounds.ts';

export interface XftpLoadOptions {
  /** A file holding the chunk every upload sends. */
  readonly srcFile: string;
  readonly chunkBytes: number;
  /** SHA-256 of the chunk (FNEW digest; FGET checks it). */
  readonly digest: Uint8Array;
  /** Where the per-client download files go. */
  readonly dir: string;
  readonly newKeys: () => KeyPair;
}

/** An uploaded chunk: what its download and deletion need. */
interface Uploaded {
  readonly snd: KeyPair;
  readonly rcv: KeyPair;
  readonly senderId: Uint8Array;
  readonly recipientId: Uint8Array;
}

/** Requests in flight at a round's cap get this long before their connections are cut. */
const GRACE_MS = 15_000;

export class XftpLoad {
  #uploaded: Uploaded[] = [];

  private constructor(
    private readonly clients: readonly XftpClient[],
    private readonly o: XftpLoadOptions,
  ) {}

  static async connect(address: string, n: number, o: XftpLoadOptions): Promise<XftpLoad> {
    const clients: XftpClient[] = [];
    try {
      for (let i = 0; i < n; i++) clients.push(await XftpClient.connect(address));
    } catch (e) {
      for (const c of clients) c.destroy();
      throw e;
    }
    return new XftpLoad(clients, o);
  }

  /** The negotiated session, for the header. */
  describe(): string {
    const s = this.clients[0]?.session;
    return `XFTP v${s?.version ?? '?'} ALPN ${String(s?.alpn ?? false)}`;
  }

  #client(w: number): XftpClient {
    return this.clients[w] as XftpClient;
  }

  #abandon = (): void => {
    for (const c of this.clients) c.destroy();
  };

  /** FNEW + FPUT of `items` chunks; they replace the list the next download fetches. */
  upload(items: number, capMs: number): Promise<RoundResult> {
    const up: Uploaded[] = [];
    this.#uploaded = up;
    const { chunkBytes, digest, srcFile } = this.o;
    return runRound({
      items,
      workers: this.clients.length,
      capMs,
      graceMs: GRACE_MS,
      abandon: this.#abandon,
      op: async (_i, w) => {
        const c = this.#client(w);
        const snd = this.o.newKeys();
        const rcv = this.o.newKeys();
        const ids = await c.createChunk(snd.priv, { sndKey: snd.pub, size: chunkBytes, digest }, [
          rcv.pub,
        ]);
        await c.uploadChunk(snd.priv, ids.senderId, { path: srcFile, size: chunkBytes });
        up.push({ snd, rcv, senderId: ids.senderId, recipientId: ids.recipientIds[0] });
      },
    });
  }

  /** FGET of every chunk of the last upload. */
  download(capMs: number): Promise<RoundResult> {
    const up = this.#uploaded;
    const { chunkBytes, digest, dir } = this.o;
    return runRound({
      items: up.length,
      workers: this.clients.length,
      capMs,
      graceMs: GRACE_MS,
      abandon: this.#abandon,
      op: async (i, w) => {
        const u = up[i] as Uploaded;
        const path = join(dir, `download-${w}.bin`);
        await this.#client(w).downloadChunk(u.rcv.priv, u.recipientId, {
          path,
          size: chunkBytes,
          digest,
        });
      },
    });
  }

  /** FDEL of every chunk of the last upload (not measured; keeps the blob directory small). */
  async deleteAll(): Promise<void> {
    const up = this.#uploaded;
    this.#uploaded = [];
    await runRound({
      items: up.length,
      workers: this.clients.length,
      capMs: 60_000,
      graceMs: GRACE_MS,
      abandon: this.#abandon,
      op: async (i, w) => {
        const u = up[i] as Uploaded;
        await this.#client(w).deleteChunk(u.snd.priv, u.senderId);
      },
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close().catch(() => c.destroy())));
  }
}
