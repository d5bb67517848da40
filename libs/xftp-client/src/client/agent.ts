// One connection per server, shared by the transfers of a file, and the retry rule around every
// chunk operation. Upstream `Client/Agent.hs: getXFTPServerClient, closeXFTPServerClient` and
// `Client/Main.hs: withReconnect, withRetry` (the CLI's default of 3 attempts).
import type { SmpServer } from '@simplex-relay/protocol';
import { formatXftpServer } from '../xftp-server.ts';
import type { XftpConnectOptions } from './connection.ts';
import { XftpError, isTemporaryXftpError } from './errors.ts';
import { XftpClient } from './xftp-client.ts';

/** Upstream `defaultRetryCount`: attempts per operation, the first one included. */
export const DEFAULT_RETRY_COUNT = 3;
/** Pause before the second attempt; it doubles per attempt. Upstream retries at once. */
export const DEFAULT_RETRY_DELAY_MS = 1000;

/** How operations on a pool retry. */
export interface RetryOptions {
  /** Attempts per operation, first included (≥ 1). Default 3. */
  readonly retries?: number;
  /** Pause before the second attempt, doubled after each. Default 1 s. */
  readonly retryDelayMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Connected clients by server (upstream `XFTPClientAgent`). */
export class XftpClientPool {
  readonly #clients = new Map<string, Promise<XftpClient>>();

  constructor(private readonly connectOptions: XftpConnectOptions = {}) {}

  /** The connected client for `server`, connecting if there is none or it closed. */
  async client(server: SmpServer): Promise<XftpClient> {
    const key = formatXftpServer(server);
    const existing = this.#clients.get(key);
    if (existing !== undefined) {
      const c = await existing.catch(() => undefined);
      if (c !== undefined && !c.isClosed) return c;
      if (this.#clients.get(key) === existing) this.#clients.delete(key);
    }
    const p = XftpClient.connect(server, this.connectOptions);
    this.#clients.set(key, p);
    try {
      const c = await p;
      // Forget it once it disconnects (upstream `clientDisconnected`).
      void c.closed.then(() => {
        if (this.#clients.get(key) === p) this.#clients.delete(key);
      });
      return c;
    } catch (e) {
      if (this.#clients.get(key) === p) this.#clients.delete(key);
      throw e;
    }
  }

  /** Drops the client of `server` (after a failure, so the next attempt reconnects). */
  async drop(server: SmpServer): Promise<void> {
    const key = formatXftpServer(server);
    const p = this.#clients.get(key);
    if (p === undefined) return;
    this.#clients.delete(key);
    const c = await p.catch(() => undefined);
    c?.destroy();
  }

  /**
   * Runs `op` with the server's client (upstream `withReconnect`): on a temporary failure the
   * connection is dropped and the operation retried on a new one, up to `retries` attempts in all.
   * Permanent failures (e.g. `ERR AUTH`) are thrown at once, unlike upstream's CLI, which retries
   * every error.
   */
  async withClient<T>(
    server: SmpServer,
    op: (c: XftpClient) => Promise<T>,
    opts: RetryOptions = {},
  ): Promise<T> {
    const attempts = Math.max(1, opts.retries ?? DEFAULT_RETRY_COUNT);
    let delay = opts.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    for (let i = 1; ; i++) {
      try {
        return await op(await this.client(server));
      } catch (e) {
        const temporary = e instanceof XftpError && isTemporaryXftpError(e.error);
        if (temporary || !(e instanceof XftpError)) await this.drop(server);
        if (!temporary || i >= attempts) throw e;
      }
      await sleep(delay);
      delay *= 2;
    }
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    const all = [...this.#clients.values()];
    this.#clients.clear();
    await Promise.all(
      all.map(async (p) => {
        const c = await p.catch(() => undefined);
        await c?.close();
      }),
    );
  }
}
