// The proxy's connections to destination relays (spec smp.md §7.11.4). Mirrors upstream
// `Client/Agent.hs: SMPClientAgent` as the proxy uses it (`getSMPServerClient''`,
// `getConnectedSMPServerClient`, `lookupSMPServerClient`, `persistErrorInterval`): one shared SMP
// client connection per relay for the whole gateway process — every client of this proxy reaches a
// relay through the same session, so the relay cannot tell senders apart — opened as a proxy
// (`proxyServer`, session secret kept), failures remembered for a while so an unreachable relay is
// not redialled per request, and forgotten on close so the next `PRXY` dials again.
import { randomBytes } from 'node:crypto';
import {
  ParseError,
  TransportError,
  currentSMPRelayVersion,
  encodeBase64Url,
  openFwdResponse,
  sealFwdTransmission,
  versionRange,
} from '@simplex-relay/protocol';
import type {
  CertChainPubKey,
  CryptoProvider,
  ErrorType,
  FwdTransmission,
  SmpServer,
  VersionRange,
} from '@simplex-relay/protocol';
import {
  ConnectionClosedError,
  SmpClientCore,
  UnexpectedResponseError,
  openConnection,
} from '@simplex-relay/smp-client';
import type { GatewayLogger } from '../ports.ts';
import { IncompatibleHostError, connectFailure } from './proxy-errors.ts';

/**
 * Versions the proxy offers to relays (upstream `supportedProxyClientSMPRelayVRange` = 6..18). Sessions
 * below 8 cannot forward and answer `PKEY` requests with `TRANSPORT VERSION`.
 */
export const supportedProxyClientSMPRelayVRange: VersionRange = versionRange(
  6,
  currentSMPRelayVersion,
);

const EMPTY = new Uint8Array(0);
const CORR_ID_LENGTH = 24;

/** One proxy → relay session. */
export class RelayClient {
  constructor(
    readonly core: SmpClientCore,
    private readonly provider: CryptoProvider,
  ) {}

  /** The proxy↔relay tls-unique: the relay session ID of `PKEY`/`PFWD`. */
  get sessionId(): Uint8Array {
    return this.core.params.sessionId;
  }

  /** The negotiated version (upstream `thVersion`). */
  get version(): number {
    return this.core.params.version;
  }

  /** The agreed range (upstream client-side `thServerVRange`). */
  get sessionVRange(): VersionRange {
    return this.core.params.sessionVRange;
  }

  /** The relay's chain and signed session key as received, if it sent a key. */
  get certChainPubKey(): CertChainPubKey | undefined {
    return this.core.connection.proxyAuth?.certChainPubKey;
  }

  /**
   * `RFWD` → `RRES` (upstream `forwardSMPTransmission`): boxes `fwd` with the session secret and a
   * fresh random corrId as nonce, and returns the relay's `encResponse`. Throws smp-client's errors,
   * UnexpectedResponseError (`BLOCK`) for an `RRES` that does not parse, CryptoError for one that
   * does not open.
   */
  async forward(fwd: FwdTransmission): Promise<Uint8Array> {
    const secret = this.core.connection.proxyAuth?.sessionSecret;
    if (secret === undefined) throw new TransportError('NO_AUTH', 'relay session has no secret');
    const corrId = new Uint8Array(randomBytes(CORR_ID_LENGTH));
    const enc = sealFwdTransmission(this.provider, secret, corrId, fwd);
    const msg = await this.core.sendCommand(
      EMPTY,
      undefined,
      { tag: 'RFWD', encFwdTransmission: enc },
      corrId,
    );
    if (msg.tag !== 'RRES') throw new UnexpectedResponseError(msg.tag, 'RFWD');
    try {
      return openFwdResponse(this.provider, secret, corrId, msg.encFwdResponse).encResponse;
    } catch (e) {
      // Upstream `PCEResponseError BLOCK`; a CryptoError (the box did not open) goes up as it is.
      if (e instanceof ParseError)
        throw new UnexpectedResponseError('RRES does not parse', 'RFWD', { type: 'BLOCK' });
      throw e;
    }
  }

  close(): Promise<void> {
    return this.core.close();
  }
}

/** A relay connection, or the error the proxy answers for it. */
export type RelayLookup =
  | { readonly ok: true; readonly client: RelayClient }
  | { readonly ok: false; readonly error: ErrorType };

type Entry =
  | { readonly state: 'connecting'; readonly promise: Promise<RelayLookup> }
  | { readonly state: 'ready'; readonly client: RelayClient }
  | { readonly state: 'failed'; readonly error: ErrorType; readonly until: number };

/** What the agent needs. */
export interface RelayAgentOptions {
  readonly provider: CryptoProvider;
  readonly connectTimeoutMs: number;
  readonly commandTimeoutMs: number;
  readonly persistErrorMs: number;
  readonly logger: GatewayLogger;
}

/** Map key of a relay: every host, the port and the identity (upstream keys by `SMPServer`). */
const serverKey = (s: SmpServer): string =>
  `${s.hosts.map((h) => h.host).join(',')}|${s.port}|${encodeBase64Url(s.keyHash)}`;
const sessionKey = (id: Uint8Array): string => Buffer.from(id).toString('hex');

/** The shared relay connections of one gateway. */
export class RelayAgent {
  readonly #byServer = new Map<string, Entry>();
  readonly #bySession = new Map<string, RelayClient>();
  #closed = false;

  constructor(private readonly o: RelayAgentOptions) {}

  /** Open relay sessions (diagnostics and tests). */
  get sessionCount(): number {
    return this.#bySession.size;
  }

  /**
   * Without waiting (upstream `getConnectedSMPServerClient`): the connected client, the remembered
   * error while it is fresh, or undefined when the caller must `connect`.
   */
  lookup(server: SmpServer): RelayLookup | undefined {
    const key = serverKey(server);
    const e = this.#byServer.get(key);
    if (e === undefined || e.state === 'connecting') return undefined;
    if (e.state === 'ready') return { ok: true, client: e.client };
    if (e.until > Date.now()) return { ok: false, error: e.error };
    this.#byServer.delete(key);
    return undefined;
  }

  /** The connected client, after dialling or joining a dial in progress (upstream `getSMPServerClient''`). */
  connect(server: SmpServer): Promise<RelayLookup> {
    const now = this.lookup(server);
    if (now !== undefined) return Promise.resolve(now);
    const key = serverKey(server);
    const e = this.#byServer.get(key);
    if (e?.state === 'connecting') return e.promise;
    // The entry exists before the dial starts, so its outcome always replaces it.
    const promise = Promise.resolve().then(() => this.#dial(key, server));
    this.#byServer.set(key, { state: 'connecting', promise });
    return promise;
  }

  /** The relay session with this ID (upstream `lookupSMPServerClient`). */
  bySession(sessionId: Uint8Array): RelayClient | undefined {
    return this.#bySession.get(sessionKey(sessionId));
  }

  /** Closes every relay connection; later requests fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const clients = [...this.#byServer.values()].flatMap((e) =>
      e.state === 'ready' ? [e.client] : [],
    );
    this.#byServer.clear();
    this.#bySession.clear();
    await Promise.all(clients.map((c) => c.close()));
  }

  async #dial(key: string, server: SmpServer): Promise<RelayLookup> {
    let client: RelayClient;
    try {
      if (this.#closed) throw new ConnectionClosedError('the proxy is closing');
      // Upstream `chooseTransportHost` in `HMPublic` mode: the first public host. Without a SOCKS
      // proxy an onion-only relay cannot be reached.
      const host = server.hosts.find((h) => h.kind !== 'onion');
      if (host === undefined) throw new IncompatibleHostError('relay has only onion hosts');
      const opened = await openConnection(
        { ...server, hosts: [host] },
        {
          provider: this.o.provider,
          clientVRange: supportedProxyClientSMPRelayVRange,
          proxyServer: true,
          connectTimeoutMs: this.o.connectTimeoutMs,
        },
      );
      const core = new SmpClientCore(opened, {
        commandTimeoutMs: this.o.commandTimeoutMs,
        // A relay sends nothing unasked to a proxy; anything that arrives is dropped.
        onEvent: () => undefined,
      });
      client = new RelayClient(core, this.o.provider);
    } catch (e) {
      const error = connectFailure(e);
      this.o.logger.debug?.(`proxy: relay connection failed (${(e as Error).name})`);
      if (this.#byServer.get(key)?.state === 'connecting') {
        if (this.o.persistErrorMs > 0) {
          const failed: Entry = {
            state: 'failed',
            error,
            until: Date.now() + this.o.persistErrorMs,
          };
          this.#byServer.set(key, failed);
          // Forget it when it expires even if nobody asks again: clients choose the servers, so
          // remembered failures must not pile up.
          setTimeout(() => {
            if (this.#byServer.get(key) === failed) this.#byServer.delete(key);
          }, this.o.persistErrorMs).unref();
        } else this.#byServer.delete(key);
      }
      return { ok: false, error };
    }
    if (this.#closed || this.#byServer.get(key)?.state !== 'connecting') {
      void client.close();
      return {
        ok: false,
        error: connectFailure(new ConnectionClosedError('the proxy is closing')),
      };
    }
    this.#byServer.set(key, { state: 'ready', client });
    const sk = sessionKey(client.sessionId);
    this.#bySession.set(sk, client);
    void client.core.closed.then(() => {
      // Upstream `clientDisconnected`: the next PRXY dials again; old session IDs get NO_SESSION.
      const e = this.#byServer.get(key);
      if (e?.state === 'ready' && e.client === client) this.#byServer.delete(key);
      if (this.#bySession.get(sk) === client) this.#bySession.delete(sk);
    });
    return { ok: true, client };
  }
}
