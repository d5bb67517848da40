// What send, receive and delete share: options, the per-server scheduling of chunks (servers in
// parallel, one chunk at a time per server, as upstream's CLI: `pooledForConcurrentlyN 16` over the
// server groups, `mapM` inside a group), progress accounting, temporary file names and the
// description check. Upstream `Client/Main.hs: cliSendFileOpts.uploadFile, cliReceiveFile,
// getEncPath`.
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CryptoProvider } from '@simplex-relay/protocol';
import { FileDescriptionError } from '../errors.ts';
import { checkParty, validateFileDescription } from '../file-description.ts';
import type { FileDescription, FileParty } from '../file-description.ts';
import { XftpTransferError } from './errors.ts';
import { XftpClientPool } from './agent.ts';
import type { RetryOptions } from './agent.ts';
import type { XftpConnectOptions } from './connection.ts';

/** Options of every file-level transfer. */
export interface FileTransferOptions extends RetryOptions {
  /** Directory of the temporary encrypted file and its state file; default the OS temp directory. */
  readonly tempDir?: string;
  /** How to connect (timeouts, ALPN, crypto provider). */
  readonly connect?: XftpConnectOptions;
  /** A pool to share connections with other transfers; by default one is made and closed. */
  readonly pool?: XftpClientPool;
  /** Called with encrypted bytes done and the total (upstream `printProgress`). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Crypto for keys; default the connect options' provider, else the native one. */
  readonly provider?: CryptoProvider;
}

/** Most server groups worked on at once (upstream `pooledForConcurrentlyN 16`). */
const MAX_PARALLEL_SERVERS = 16;

/**
 * Runs `work` for every item: items of one server key one after another, up to 16 servers at a
 * time. Every item is attempted; the first failure (in item order) is thrown at the end.
 */
export async function perServer<T>(
  items: readonly T[],
  serverKey: (t: T) => string,
  work: (t: T) => Promise<void>,
): Promise<void> {
  const groups = new Map<string, T[]>();
  for (const t of items) {
    const k = serverKey(t);
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [t]);
    else g.push(t);
  }
  const failures = new Map<T, unknown>();
  const queue = [...groups.values()];
  const runner = async (): Promise<void> => {
    for (let g = queue.shift(); g !== undefined; g = queue.shift())
      for (const t of g) {
        try {
          await work(t);
        } catch (e) {
          failures.set(t, e);
          break; // the server is failing: its other chunks would only wait for the same error
        }
      }
  };
  await Promise.all(Array.from({ length: Math.min(MAX_PARALLEL_SERVERS, queue.length) }, runner));
  for (const t of items) if (failures.has(t)) throw failures.get(t);
}

/** Sums finished chunks and the progress of those in flight. */
export class Progress {
  #done = 0;
  readonly #inFlight = new Map<number, number>();

  constructor(
    readonly total: number,
    private readonly report?: (done: number, total: number) => void,
  ) {}

  /** Counts already finished bytes (resumed chunks) without a report. */
  skip(bytes: number): void {
    this.#done += bytes;
  }

  /** In-flight progress of chunk `no`. */
  update(no: number, bytes: number): void {
    this.#inFlight.set(no, bytes);
    this.#emit();
  }

  /** Chunk `no` finished with `bytes`. */
  finish(no: number, bytes: number): void {
    this.#inFlight.delete(no);
    this.#done += bytes;
    this.#emit();
  }

  /** Chunk `no` failed: its partial progress is dropped. */
  fail(no: number): void {
    this.#inFlight.delete(no);
  }

  #emit(): void {
    let n = this.#done;
    for (const v of this.#inFlight.values()) n += v;
    this.report?.(Math.min(n, this.total), this.total);
  }
}

/**
 * The temporary encrypted file of a transfer and its state file, named by a stable short hash of
 * `parts` (upstream `getEncPath` picks a fresh name; a stable one lets the same transfer resume).
 */
export function transferFiles(
  o: FileTransferOptions,
  kind: 'send' | 'recv',
  ...parts: readonly (string | number | Uint8Array)[]
): { encPath: string; statePath: string } {
  const h = createHash('sha256').update(kind).update('\0');
  for (const p of parts) h.update(typeof p === 'object' ? p : String(p)).update('\0');
  const encPath = join(
    o.tempDir ?? tmpdir(),
    `xftp-${kind}-${h.digest('hex').slice(0, 24)}.encrypted`,
  );
  return { encPath, statePath: `${encPath}.json` };
}

/**
 * Checks that a description is for `party` and valid (upstream `validateFileDescription`),
 * reporting a bad one as XftpTransferError DESCRIPTION.
 */
export function validDescription(d: FileDescription, party: FileParty): FileDescription {
  try {
    return validateFileDescription(checkParty(d, party));
  } catch (e) {
    if (e instanceof FileDescriptionError)
      throw new XftpTransferError('DESCRIPTION', e.message, { cause: e });
    throw e;
  }
}

/** The pool to use and whether the caller owns it. */
export function poolOf(o: FileTransferOptions): { pool: XftpClientPool; owned: boolean } {
  return o.pool !== undefined
    ? { pool: o.pool, owned: false }
    : { pool: new XftpClientPool(o.connect), owned: true };
}
