// An established SMP connection (spec smp.md §5): batches of transmissions go out as 16384-byte
// blocks through the session's block codec, and incoming blocks come back as decoded transmissions.
// Mirrors upstream `Protocol.hs: tPut` (batchTransmissions + tPutBlock per batch) and `tGet`
// (`tGetBlock` + `tParse`). A block that does not decrypt or frame is reported, not fatal (spec
// Corrections, §5.3/§5.4): the chains stay in step, and the next block decodes normally.
import type { Duplex } from 'node:stream';
import {
  ParseError,
  TransportError,
  batchTransmissions,
  decodeBatch,
  decodeClientTransmission,
  decodeServerTransmission,
} from '@simplex-relay/protocol';
import type {
  BlockCodec,
  CertChainPubKey,
  CheckedTransmission,
  ClientTransmission,
  Command,
  CryptoProvider,
  FailedTransmission,
  KeyPair,
  PublicKey,
  TransportParams,
  VersionRange,
} from '@simplex-relay/protocol';
import type { BlockSocket } from './block-socket.ts';

/** What both ends know about the session once the handshake is over. */
export interface SmpSessionParams extends TransportParams {
  /** Server: `[offered.min, version]`; client: the intersection of both ranges. */
  readonly sessionVRange: VersionRange;
  /** The client declared itself an SMP proxy (v ≥ 14): blocks stay plain. */
  readonly proxyServer: boolean;
  /** §4.4: v ≥ 11, both session keys present, not a proxy. */
  readonly encryptBlocks: boolean;
}

/**
 * The connection's parameters from a negotiated session (either side): the session's transport
 * parameters, and block encryption exactly when the codec chosen for it encrypts.
 */
export function sessionParams(
  session: TransportParams & {
    readonly sessionVRange: VersionRange;
    readonly proxyServer: boolean;
  },
  codec: BlockCodec,
): SmpSessionParams {
  return {
    version: session.version,
    sessionId: session.sessionId,
    implySessId: session.implySessId,
    serviceAuth: session.serviceAuth,
    batch: session.batch,
    sessionVRange: session.sessionVRange,
    proxyServer: session.proxyServer,
    encryptBlocks: codec.encrypted,
  };
}

/** Outcome of `sendTransmissions`. */
export interface SendReport {
  /** Blocks written. */
  readonly blocks: number;
  /** Input positions of transmissions too large for any block; they were not sent (`LARGE_MSG`). */
  readonly oversized: readonly number[];
}

/** One received block: its decoded transmissions, or a `BLOCK` marker if it did not decrypt/frame. */
export type ReceivedBlock<T> =
  | { readonly type: 'transmissions'; readonly transmissions: readonly T[] }
  | { readonly type: 'error'; readonly error: TransportError };

/** A transmission as the server decodes it (`tDecodeServer`). */
export type ServerTransmission = CheckedTransmission<Command> | FailedTransmission;

/** Shared block I/O of both connection sides. */
export class SmpConnection<T> {
  private receiving = false;

  constructor(
    /** The block socket; exposed for diagnostics and tests, not for writing around the codec. */
    readonly blocks: BlockSocket<Duplex>,
    private readonly codec: BlockCodec,
    readonly params: SmpSessionParams,
    private readonly decode: (p: SmpSessionParams, t: Uint8Array) => T,
  ) {}

  /** Resolves when the socket has closed. */
  get closed(): Promise<void> {
    return this.blocks.closed;
  }

  /**
   * Sends encoded transmissions in as few blocks as possible (upstream `batchTransmissions_`),
   * in order. Each block is encrypted right before it is queued, so the chain order is the wire order
   * even when several calls overlap.
   */
  async sendTransmissions(ts: readonly Uint8Array[]): Promise<SendReport> {
    const oversized: number[] = [];
    const writes: Promise<void>[] = [];
    // Encrypt and enqueue every block synchronously: each encryption advances the send chain, so
    // blocks must reach the socket in exactly the order they were encrypted, even when several
    // calls overlap (awaiting between blocks let a concurrent call encrypt in between).
    for (const b of batchTransmissions(ts)) {
      if (b.type === 'error') {
        oversized.push(b.index);
        continue;
      }
      writes.push(this.blocks.writeBlock(this.codec.encryptBlock(b.content)));
    }
    await Promise.all(writes);
    return { blocks: writes.length, oversized };
  }

  /**
   * The received blocks, until the peer closes (the iteration ends) or the stream fails (it throws:
   * TransportError `BLOCK` for a stream cut inside a block, ConnectionClosedError for socket errors).
   * One consumer only.
   */
  async *receive(): AsyncGenerator<ReceivedBlock<T>, void, undefined> {
    if (this.receiving) throw new TypeError('receive() already has a consumer');
    this.receiving = true;
    for (;;) {
      const block = await this.blocks.readBlock();
      if (block === undefined) return;
      let items: Uint8Array[];
      try {
        items = decodeBatch(this.codec.decryptBlock(block));
      } catch (e) {
        if (e instanceof TransportError) {
          yield { type: 'error', error: e };
          continue;
        }
        if (e instanceof ParseError) {
          yield {
            type: 'error',
            error: new TransportError('BLOCK', 'bad batch framing', { cause: e }),
          };
          continue;
        }
        throw e;
      }
      yield { type: 'transmissions', transmissions: items.map((t) => this.decode(this.params, t)) };
    }
  }

  /** Graceful close (pending writes are flushed first). */
  close(): void {
    this.blocks.close();
  }
}

/** The server end: decodes commands; holds the per-connection X25519 key of the server hello. */
export class SmpServerConnection extends SmpConnection<ServerTransmission> {
  constructor(
    blocks: BlockSocket<Duplex>,
    codec: BlockCodec,
    params: SmpSessionParams,
    /** The per-connection key pair whose public key was signed in the server hello (§4.2). */
    readonly sessionKeyPair: KeyPair,
    /** The client's X25519 hello key, if it sent one. */
    readonly clientKey: PublicKey | undefined,
    /** Negotiated ALPN value. */
    readonly alpn: string,
    readonly provider: CryptoProvider,
  ) {
    super(blocks, codec, params, decodeServerTransmission);
  }
}

/** The client end: decodes broker messages; knows the server's session key for X25519 authenticators. */
export class SmpClientConnection extends SmpConnection<ClientTransmission> {
  constructor(
    blocks: BlockSocket<Duplex>,
    codec: BlockCodec,
    params: SmpSessionParams,
    /** The server's verified per-connection X25519 key (absent only below v7). */
    readonly serverSessionKey: PublicKey | undefined,
    /** The offered server range from its hello. */
    readonly serverVRange: VersionRange,
    readonly provider: CryptoProvider,
    /**
     * Proxy connections only (`proxyServer`): what the proxy role needs from the relay's hello —
     * its chain and signed session key exactly as received (for `PKEY`) and the session DH secret
     * (for `RFWD`/`RRES`, which are boxed with it, spec §7.11.2). Other clients never keep the secret.
     */
    readonly proxyAuth?: {
      readonly certChainPubKey: CertChainPubKey;
      readonly sessionSecret: Uint8Array;
    },
  ) {
    super(blocks, codec, params, decodeClientTransmission);
  }
}
