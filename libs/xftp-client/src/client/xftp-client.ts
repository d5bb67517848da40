// The typed XFTP commands over one connection (spec xftp.md §5, §6, §7, Appendix A1–A4). Upstream
// `FileTransfer/Client.hs: createXFTPChunk, addXFTPRecipients, uploadXFTPChunk, downloadXFTPChunk,
// deleteXFTPChunk, ackXFTPChunk, pingXFTP, sendXFTPCommand, sendXFTPTransmission`, and
// `Transport.hs: receiveEncFile, receiveSbFile` for the FGET body.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import {
  CryptoError,
  EncryptedChunkReceiver,
  XFTPReceiveError,
  XFTP_BLOCK_SIZE,
  constantTimeEqual,
  fileChunkDecryptInit,
  generateKeyPair,
  parseXFTPServerAddress,
  xftpDecodeTClient,
  xftpEncodeAuthTransmission,
} from '@simplex-relay/protocol';
import type {
  CryptoProvider,
  EntityId,
  FileCommand,
  FileInfo,
  FileResponse,
  FileResponseTag,
  NonEmptyList,
  PrivateKey,
  PublicKey,
  SmpServer,
} from '@simplex-relay/protocol';
import { nodeProvider } from '@simplex-relay/node-crypto';
import { XftpConnection, streamDeadline, toXftpError } from './connection.ts';
import type { Exchange, FileRange, XftpConnectOptions, XftpSession } from './connection.ts';
import { XftpError } from './errors.ts';
import { chunkTimeoutMs, commandTimeoutMs } from './timeouts.ts';

/** A chunk to download into a local file range, with the digest it must have (`XFTPRcvChunkSpec`). */
export interface ChunkDownload extends FileRange {
  /** SHA-256 of the decrypted chunk, from the file description. */
  readonly digest: Uint8Array;
}

/** Per-call options of chunk transfers. */
export interface TransferOptions {
  /** Called with the bytes of this chunk transferred so far. */
  readonly onProgress?: (bytes: number) => void;
}

/** IDs returned by FNEW (upstream `FRSndIds`). */
export interface CreatedChunk {
  readonly senderId: EntityId;
  /** In the order of the recipient keys. */
  readonly recipientIds: NonEmptyList<EntityId>;
}

const EMPTY = new Uint8Array(0);

/** A connected XFTP client (upstream `XFTPClient`); all methods throw XftpError. */
export class XftpClient {
  private constructor(
    readonly server: SmpServer,
    private readonly conn: XftpConnection,
    private readonly c: CryptoProvider,
  ) {}

  /**
   * Connects to an `xftp://` address (or a parsed server): TLS, identity check against the key hash,
   * HTTP/2 and the XFTP handshake (upstream `getXFTPClient`). A basic-auth part of the address is
   * ignored here (pass it to `createChunk`).
   */
  static async connect(
    address: string | SmpServer,
    opts: XftpConnectOptions = {},
  ): Promise<XftpClient> {
    let server: SmpServer;
    try {
      server = typeof address === 'string' ? parseXFTPServerAddress(address).server : address;
    } catch (e) {
      throw new TypeError('bad xftp:// address', { cause: e });
    }
    const conn = await XftpConnection.open(server, opts);
    return new XftpClient(server, conn, opts.provider ?? nodeProvider);
  }

  /** The negotiated session (version, session ID, server range). */
  get session(): XftpSession {
    return this.conn.session;
  }

  /** True once the connection is closed or broken. */
  get isClosed(): boolean {
    return this.conn.isClosed;
  }

  /** Resolves when the connection is gone (upstream's `disconnected` callback). */
  get closed(): Promise<void> {
    return this.conn.closed;
  }

  /** FNEW → SIDS: registers a chunk, signed with the sender's private key. */
  async createChunk(
    spKey: PrivateKey,
    file: FileInfo,
    rcvKeys: NonEmptyList<PublicKey>,
    basicAuth?: Uint8Array,
  ): Promise<CreatedChunk> {
    const cmd: FileCommand =
      basicAuth === undefined
        ? { tag: 'FNEW', file, rcvKeys }
        : { tag: 'FNEW', file, rcvKeys, basicAuth };
    const r = await this.#simple(spKey, EMPTY, cmd, 'SIDS');
    return { senderId: r.senderId, recipientIds: r.recipientIds };
  }

  /** FADD → RIDS: more recipients for a chunk. */
  async addRecipients(
    spKey: PrivateKey,
    senderId: EntityId,
    rcvKeys: NonEmptyList<PublicKey>,
  ): Promise<NonEmptyList<EntityId>> {
    return (await this.#simple(spKey, senderId, { tag: 'FADD', rcvKeys }, 'RIDS')).recipientIds;
  }

  /** FPUT → OK: uploads the chunk, streamed from the file range after the command block. */
  async uploadChunk(
    spKey: PrivateKey,
    senderId: EntityId,
    chunk: FileRange,
    opts: TransferOptions = {},
  ): Promise<void> {
    const timeout = commandTimeoutMs(this.conn.timeouts, chunk.size);
    const ex = await this.#send(spKey, senderId, { tag: 'FPUT' }, timeout, chunk, opts.onProgress);
    await ex.body.discard();
    this.#expect(ex, 'FPUT', 'OK');
  }

  /**
   * FGET → FILE: downloads a chunk with a fresh X25519 key, decrypts the body as it streams into the
   * file range, then checks the tag and the digest. Body failures are `RESPONSE` errors `SIZE`,
   * `CRYPTO` or `DIGEST`; a body slower than `chunkTimeout` is `TIMEOUT`. The range holds
   * unverified bytes after a failure.
   */
  async downloadChunk(
    rpKey: PrivateKey,
    recipientId: EntityId,
    chunk: ChunkDownload,
    opts: TransferOptions = {},
  ): Promise<void> {
    const kp = generateKeyPair(this.c, 'x25519');
    const cmd: FileCommand = { tag: 'FGET', rcvDhKey: kp.pub };
    const ex = await this.#send(rpKey, recipientId, cmd, commandTimeoutMs(this.conn.timeouts));
    let file: Extract<FileResponse, { tag: 'FILE' }>;
    try {
      file = this.#expect(ex, 'FGET', 'FILE');
    } catch (e) {
      await ex.body.discard();
      throw e;
    }
    try {
      await this.#receiveBody(ex, file, kp.priv, chunk, opts);
    } finally {
      await ex.body.discard();
    }
  }

  async #receiveBody(
    ex: Exchange,
    file: Extract<FileResponse, { tag: 'FILE' }>,
    rcvDhPriv: PrivateKey,
    chunk: ChunkDownload,
    opts: TransferOptions,
  ): Promise<void> {
    const bad = (code: 'SIZE' | 'CRYPTO' | 'DIGEST', cause?: unknown): XftpError =>
      new XftpError({ type: 'RESPONSE', error: { type: code } }, 'FGET', { cause });
    let receiver: EncryptedChunkReceiver;
    try {
      receiver = new EncryptedChunkReceiver(
        fileChunkDecryptInit(this.c, file.srvDhKey, rcvDhPriv, file.nonce),
        chunk.size,
      );
    } catch (e) {
      if (e instanceof CryptoError || e instanceof RangeError) throw bad('CRYPTO', e);
      throw e;
    }
    const fh = await openForWrite(chunk.path);
    const hash = createHash('sha256');
    const deadline = streamDeadline(ex.stream, chunkTimeoutMs(this.conn.timeouts, chunk.size));
    let pos = chunk.offset ?? 0;
    let done = 0;
    try {
      for await (const piece of ex.body.rest()) {
        const plain = receiver.update(piece);
        if (plain.length > 0) {
          hash.update(plain);
          await writeAll(fh, plain, pos);
          pos += plain.length;
          done += plain.length;
          opts.onProgress?.(done);
        }
        // Upstream stops reading once the tag is in; anything after it is never looked at.
        if (receiver.complete) break;
      }
      if (deadline.timedOut()) throw new XftpError({ type: 'TIMEOUT' }, 'FGET');
      receiver.finish();
    } catch (e) {
      if (deadline.timedOut()) throw new XftpError({ type: 'TIMEOUT' }, 'FGET', { cause: e });
      if (e instanceof XFTPReceiveError) throw bad(e.code, e);
      throw toXftpError(e, 'FGET');
    } finally {
      deadline.clear();
      await fh.close();
    }
    if (!constantTimeEqual(new Uint8Array(hash.digest()), chunk.digest)) throw bad('DIGEST');
  }

  /** FDEL → OK: deletes the chunk and all its recipients. */
  async deleteChunk(spKey: PrivateKey, senderId: EntityId): Promise<void> {
    await this.#simple(spKey, senderId, { tag: 'FDEL' }, 'OK');
  }

  /** FACK → OK: drops this recipient's ID. */
  async ackChunk(rpKey: PrivateKey, recipientId: EntityId): Promise<void> {
    await this.#simple(rpKey, recipientId, { tag: 'FACK' }, 'OK');
  }

  /** PING → PONG (unsigned, no entity). */
  async ping(): Promise<void> {
    await this.#simple(undefined, EMPTY, { tag: 'PING' }, 'PONG');
  }

  /** Closes the connection gracefully. */
  close(): Promise<void> {
    return this.conn.close();
  }

  /** Drops the connection at once. */
  destroy(): void {
    this.conn.destroy();
  }

  async #simple<T extends FileResponseTag>(
    key: PrivateKey | undefined,
    entityId: EntityId,
    cmd: FileCommand,
    expect: T,
  ): Promise<Extract<FileResponse, { tag: T }>> {
    const ex = await this.#send(key, entityId, cmd, commandTimeoutMs(this.conn.timeouts));
    // Upstream reads only the head (`noFile` checks nothing); the rest is not looked at.
    await ex.body.discard();
    return this.#expect(ex, cmd.tag, expect);
  }

  async #send(
    key: PrivateKey | undefined,
    entityId: EntityId,
    command: FileCommand,
    timeoutMs: number,
    file?: FileRange,
    onSent?: (bytes: number) => void,
  ): Promise<Exchange> {
    const s = this.conn.session;
    let block: Uint8Array;
    try {
      // The native client sends an empty corrId (`sendXFTPCommand`: "TODO random corrId").
      block = xftpEncodeAuthTransmission(
        this.c,
        s.params,
        key,
        { entityId, command },
        s.serverSessionKey,
      );
    } catch (e) {
      throw toXftpError(e, command.tag);
    }
    try {
      const req = file === undefined ? { block } : { block, file, ...(onSent && { onSent }) };
      return await this.conn.request(req, timeoutMs);
    } catch (e) {
      const err = toXftpError(e, command.tag);
      throw err.command === undefined ? new XftpError(err.error, command.tag, { cause: e }) : err;
    }
  }

  /**
   * The response as the command needs it (`sendXFTPTransmission`): a head that is not one block →
   * `RESPONSE BLOCK`; decode failures and the A1 entity checks → `RESPONSE`; `ERR` → `PROTOCOL`;
   * any other tag than `expect` → `UNEXPECTED`.
   */
  #expect<T extends FileResponseTag>(
    ex: Exchange,
    command: string,
    expect: T,
  ): Extract<FileResponse, { tag: T }> {
    if (ex.head.length !== XFTP_BLOCK_SIZE)
      throw new XftpError({ type: 'RESPONSE', error: { type: 'BLOCK' } }, command);
    const t = xftpDecodeTClient(this.conn.session.params, ex.head);
    if (!t.result.ok) throw new XftpError({ type: 'RESPONSE', error: t.result.error }, command);
    const r = t.result.response;
    if (r.tag === 'ERR') throw new XftpError({ type: 'PROTOCOL', error: r.error }, command);
    if (r.tag !== expect) throw new XftpError({ type: 'UNEXPECTED', response: r.tag }, command);
    return r as Extract<FileResponse, { tag: T }>;
  }
}

async function openForWrite(path: string) {
  try {
    // 'r+' keeps the other chunks of a shared file; 'w+' only when the file does not exist yet.
    return await open(path, 'r+').catch(async (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return await open(path, 'w+');
      throw e;
    });
  } catch (e) {
    throw new XftpError({ type: 'IO', reason: (e as Error).message }, 'FGET', { cause: e });
  }
}

async function writeAll(
  fh: Awaited<ReturnType<typeof open>>,
  b: Uint8Array,
  pos: number,
): Promise<void> {
  let off = 0;
  try {
    while (off < b.length) {
      const { bytesWritten } = await fh.write(b, off, b.length - off, pos + off);
      off += bytesWritten;
    }
  } catch (e) {
    throw new XftpError({ type: 'IO', reason: (e as Error).message }, 'FGET', { cause: e });
  }
}
