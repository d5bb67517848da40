// The proxy and client halves of private message routing, by hand (spec smp.md §7.11): a test proxy
// connects to the relay (clientHandshake with proxyServer, or without a hello key), builds RFWDs
// with the protocol's sealing functions, and opens the RRES layers exactly as a client would —
// the relay's reversed nonces included. Upstream `Client.hs: proxySMPCommand, forwardSMPTransmission`.
import { randomBytes } from 'node:crypto';
import {
  blockCodecFor,
  cbEncrypt,
  cbEncryptNoPad,
  cbNonce,
  decodeClientTransmission,
  encodeClientHello,
  encodeCommand,
  encodeHandshakeBlock,
  encodeTransmission,
  forwardSecret,
  generateKeyPair,
  negotiateClientSession,
  openForwardedResponse,
  openFwdResponse,
  PADDED_PROXIED_T_LENGTH,
  readServerHelloBlock,
  sealForwardedTransmission,
  sealFwdTransmission,
  serviceCertsSMPVersion,
  supportedClientSMPRelayVRange,
} from '@simplex-relay/protocol';
import type {
  ClientTransmission,
  Command,
  CryptoProvider,
  KeyPair,
  PrivateKey,
  PublicKey,
  TransmissionParams,
  VersionRange,
} from '@simplex-relay/protocol';
import { nodeProvider } from '@simplex-relay/node-crypto';
import { authorizeCommand } from '@simplex-relay/smp-client';
import {
  BlockSocket,
  SmpClientConnection,
  clientHandshake,
  sessionParams,
} from '@simplex-relay/smp-transport';
import { connectTls } from './harness.ts';

const EMPTY = new Uint8Array(0);
const c: CryptoProvider = nodeProvider;

/** One forwarded command as the client built it: what it needs to read the relay's answer. */
export interface Forward {
  /** The RFWD corrId (the proxy's nonce). */
  readonly proxyCorrId: Uint8Array;
  /** The client's `PFWD` corrId (nonce of the client ↔ relay box). */
  readonly fwdCorrId: Uint8Array;
  /** X25519(relay session key, command key). */
  readonly secret: Uint8Array;
  readonly params: TransmissionParams;
  /** The `RFWD` transmission to send. */
  readonly rfwd: Uint8Array;
}

/** Options of one forwarded command. */
export interface ForwardOptions {
  readonly fwdVersion?: number;
  /** Authorizing key for the inner transmission (signature or X25519 authenticator). */
  readonly key?: PrivateKey | undefined;
  readonly corrId?: Uint8Array;
  /** Replace the sealed client transmission (e.g. random bytes). */
  readonly encTransmission?: Uint8Array;
  /** Seal something else than the one-item batch in the client's box (e.g. two items). */
  readonly sealClient?: (secret: Uint8Array, fwdCorrId: Uint8Array) => Uint8Array;
  /** The RFWD corrId (default random). */
  readonly proxyCorrId?: Uint8Array;
  /** Replace the whole RFWD body. */
  readonly encFwdTransmission?: Uint8Array;
}

/** A connection acting as a proxy towards the relay under test. */
export class TestProxy {
  readonly #queue: ClientTransmission[] = [];
  #waiter: (() => void) | undefined;
  #ended = false;

  private constructor(readonly conn: SmpClientConnection) {
    void (async () => {
      try {
        for await (const b of conn.receive())
          if (b.type === 'transmissions') {
            this.#queue.push(...b.transmissions);
            this.#waiter?.();
          }
      } catch {
        // the relay closed the connection
      }
      this.#ended = true;
      this.#waiter?.();
    })();
  }

  /** `clientHandshake` as an SMP proxy (`proxyServer`), offering `clientVRange`. */
  static async connect(port: number, keyHash: Uint8Array, clientVRange?: VersionRange) {
    const socket = await connectTls(port);
    const conn = await clientHandshake(socket, {
      keyHash,
      provider: c,
      proxyServer: true,
      ...(clientVRange !== undefined && { clientVRange }),
    });
    return new TestProxy(conn);
  }

  /** A handshake whose client hello carries no X25519 key: the relay has no session secret. */
  static async connectWithoutKey(port: number, keyHash: Uint8Array): Promise<TestProxy> {
    const socket = await connectTls(port);
    const blocks = new BlockSocket(socket);
    const finished = socket.getFinished();
    const first = await blocks.readBlock();
    if (finished === undefined || first === undefined) throw new Error('no server hello');
    const sessionId = new Uint8Array(finished);
    const serverHello = readServerHelloBlock(first);
    const session = negotiateClientSession({
      serverHello,
      sessionId,
      clientVRange: supportedClientSMPRelayVRange,
      keyHash,
      proxyServer: false,
    });
    await blocks.writeBlock(encodeHandshakeBlock(encodeClientHello(session.hello)));
    const codec = blockCodecFor(c, {
      version: session.version,
      sessionId,
      proxyServer: false,
      role: 'client',
    });
    return new TestProxy(
      new SmpClientConnection(
        blocks,
        codec,
        sessionParams(session, codec),
        undefined,
        serverHello.vr,
        c,
      ),
    );
  }

  get sessionSecret(): Uint8Array {
    const a = this.conn.proxyAuth;
    if (a === undefined) throw new TypeError('not a proxy connection with a session secret');
    return a.sessionSecret;
  }

  /** The relay's session key: forwarded commands are sealed and authenticated for it. */
  get relayKey(): PublicKey {
    const k = this.conn.serverSessionKey;
    if (k === undefined) throw new TypeError('no relay session key');
    return k;
  }

  /** Parameters of an inner transmission at `fwdVersion` for this relay session. */
  innerParams(fwdVersion: number): TransmissionParams {
    return {
      version: fwdVersion,
      sessionId: this.conn.params.sessionId,
      implySessId: true,
      serviceAuth: fwdVersion >= serviceCertsSMPVersion,
    };
  }

  /** An inner transmission: `command` at fwdVersion, authorized for the relay session. */
  transmission(
    entityId: Uint8Array,
    command: Command,
    o: ForwardOptions = {},
  ): { bytes: Uint8Array; corrId: Uint8Array; params: TransmissionParams } {
    const params = this.innerParams(o.fwdVersion ?? 17);
    const corrId = o.corrId ?? new Uint8Array(randomBytes(24));
    const cmd = encodeCommand(params.version, command);
    const auth =
      o.key === undefined
        ? undefined
        : authorizeCommand(c, params, this.relayKey, o.key, corrId, entityId, cmd);
    const bytes = encodeTransmission(params, {
      ...(auth !== undefined && { auth }),
      corrId,
      entityId,
      command: cmd,
    });
    return { bytes, corrId, params };
  }

  /** Builds an RFWD around one inner transmission (already encoded), as client + proxy would. */
  forward(inner: Uint8Array, o: ForwardOptions = {}): Forward {
    const fwdVersion = o.fwdVersion ?? 17;
    const cmdKey: KeyPair = generateKeyPair(c, 'x25519');
    const secret = forwardSecret(c, this.relayKey, cmdKey);
    const fwdCorrId = new Uint8Array(randomBytes(24));
    const encTransmission =
      o.encTransmission ??
      o.sealClient?.(secret, fwdCorrId) ??
      sealForwardedTransmission(c, secret, fwdCorrId, inner);
    const proxyCorrId = o.proxyCorrId ?? new Uint8Array(randomBytes(24));
    const body =
      o.encFwdTransmission ??
      sealFwdTransmission(c, this.sessionSecret, proxyCorrId, {
        fwdCorrId,
        fwdVersion,
        fwdKey: cmdKey.pub,
        encTransmission,
      });
    const rfwd = this.rawRfwd(proxyCorrId, body);
    return { proxyCorrId, fwdCorrId, secret, params: this.innerParams(fwdVersion), rfwd };
  }

  /** An RFWD transmission with this body, as is. */
  rawRfwd(proxyCorrId: Uint8Array, body: Uint8Array): Uint8Array {
    return encodeTransmission(this.conn.params, {
      corrId: proxyCorrId,
      entityId: EMPTY,
      command: encodeCommand(this.conn.params.version, { tag: 'RFWD', encFwdTransmission: body }),
    });
  }

  /** A PING transmission on the proxy connection itself. */
  ping(corrId: Uint8Array): Uint8Array {
    return encodeTransmission(this.conn.params, {
      corrId,
      entityId: EMPTY,
      command: encodeCommand(this.conn.params.version, { tag: 'PING' }),
    });
  }

  /** Seals arbitrary bytes as the client's padded box for `fwdCorrId` (e.g. a bad batch). */
  static sealClientBox(secret: Uint8Array, fwdCorrId: Uint8Array, content: Uint8Array) {
    return cbEncrypt(c, secret, cbNonce(fwdCorrId), content, PADDED_PROXIED_T_LENGTH);
  }

  /** Seals arbitrary bytes with the proxy ↔ relay session secret (a bad FwdTransmission). */
  sealProxyBox(proxyCorrId: Uint8Array, content: Uint8Array): Uint8Array {
    return cbEncryptNoPad(c, this.sessionSecret, cbNonce(proxyCorrId), content);
  }

  /** Sends raw transmissions in as few blocks as they fit (an RFWD fills a block by itself). */
  async send(ts: readonly Uint8Array[]): Promise<void> {
    const r = await this.conn.sendTransmissions(ts);
    if (r.oversized.length > 0) throw new Error('a transmission did not fit a block');
  }

  /** The next `n` transmissions from the relay. */
  async take(n: number, ms = 10_000): Promise<ClientTransmission[]> {
    const end = Date.now() + ms;
    while (this.#queue.length < n && !this.#ended) {
      const left = end - Date.now();
      if (left <= 0) break;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((r) => {
        this.#waiter = r;
        timer = setTimeout(r, left);
      });
      clearTimeout(timer);
      this.#waiter = undefined;
    }
    if (this.#queue.length < n) throw new Error(`got ${this.#queue.length}/${n} transmissions`);
    return this.#queue.splice(0, n);
  }

  /** Sends one RFWD and reads its answer: the outer transmission. */
  async exchange(f: Forward): Promise<ClientTransmission> {
    await this.send([f.rfwd]);
    const [t] = await this.take(1);
    return t as ClientTransmission;
  }

  /**
   * Opens an `RRES` as proxy and then client: the proxy's box with the reversed RFWD nonce, then
   * the client's with the reversed PFWD nonce; returns the inner response as the client decodes it.
   */
  open(f: Forward, outer: ClientTransmission): ClientTransmission {
    if (!outer.result.ok || outer.result.msg.tag !== 'RRES')
      throw new Error(`expected RRES, got ${JSON.stringify(outer.result)}`);
    const r = openFwdResponse(
      c,
      this.sessionSecret,
      f.proxyCorrId,
      outer.result.msg.encFwdResponse,
    );
    if (Buffer.compare(r.fwdCorrId, f.fwdCorrId) !== 0) throw new Error('fwdCorrId not echoed');
    const t = openForwardedResponse(c, f.secret, f.fwdCorrId, r.encResponse);
    return decodeClientTransmission(f.params, t);
  }

  close(): void {
    this.conn.close();
  }
}
