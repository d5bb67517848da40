// A scripted destination relay for the proxy tests: its own identity (the ed25519 fixture, the
// proxy uses the ed448 one), the real server handshake, and an RFWD handler built from the protocol
// library's boxes (spec smp.md §7.11.2–3) whose answer each test chooses. It records what the proxy
// sent so tests can check the proxy's side of the exchange, independently of the gateway's relay role.
import tls from 'node:tls';
import type { TLSSocket } from 'node:tls';
import {
  decodeBatch,
  decodeServerTransmission,
  dhSecret,
  encodeBase64Url,
  encodeBrokerMsg,
  encodeHandshakeBlock,
  encodeResponseTransmission,
  encodeServerHello,
  openForwardedTransmission,
  openFwdTransmission,
  readServerHelloBlock,
  sealForwardedResponse,
  sealFwdResponse,
  transmissionParams,
} from '@simplex-relay/protocol';
import type {
  BrokerMsg,
  CheckedTransmission,
  Command,
  FwdTransmission,
  ServerHello,
  VersionRange,
} from '@simplex-relay/protocol';
import { serverHandshake } from '@simplex-relay/smp-transport';
import type { SmpServerConnection } from '@simplex-relay/smp-transport';
import {
  RecordingBlockSocket,
  loadIdentity,
  serverTlsOptions,
} from '@simplex-relay/smp-transport/testing';
import type { ServerIdentity } from '@simplex-relay/smp-transport/testing';

/** One RFWD as the relay opened it. */
export interface ForwardedCall {
  readonly conn: SmpServerConnection;
  readonly rfwdCorrId: Uint8Array;
  readonly fwd: FwdTransmission;
  /** The client's transmission, decoded at fwdVersion for this connection's session. */
  readonly t: CheckedTransmission<Command>;
  /** RFWDs answered before this one arrived. */
  readonly answeredBefore: number;
}

/**
 * What the relay does with an RFWD: `inner` answers the client (sealed in both layers); `outer`
 * answers the proxy directly instead of RRES; `rres` sends these bytes as the RRES body; `hold`
 * keeps it unanswered until `release()`.
 */
export type RelayScript = (
  call: ForwardedCall,
) =>
  | { readonly inner: BrokerMsg }
  | { readonly outer: BrokerMsg }
  | { readonly rres: Uint8Array }
  | { readonly hold: true };

export class ScriptedRelay {
  readonly calls: ForwardedCall[] = [];
  readonly connections: SmpServerConnection[] = [];
  readonly held: (() => void)[] = [];
  answered = 0;
  script: RelayScript = () => ({ inner: { tag: 'OK' } });
  #server: tls.Server | undefined;
  readonly #sockets = new Set<TLSSocket>();

  private constructor(
    readonly identity: ServerIdentity,
    readonly port: number,
  ) {}

  /** Starts a relay on 127.0.0.1; `offered` narrows its version range, `rewriteHello` tampers. */
  static async start(
    opts: {
      offered?: VersionRange;
      rewriteHello?: (h: ServerHello) => ServerHello;
    } = {},
  ): Promise<ScriptedRelay> {
    const identity = loadIdentity('ed25519');
    const ref: { relay?: ScriptedRelay } = {};
    const server = tls.createServer(serverTlsOptions(identity), (socket) => {
      const relay = ref.relay as ScriptedRelay;
      relay.#sockets.add(socket);
      socket.on('close', () => relay.#sockets.delete(socket));
      socket.on('error', () => undefined);
      const blocks = new RecordingBlockSocket(socket);
      const rewrite = opts.rewriteHello;
      if (rewrite !== undefined)
        blocks.rewriteNext((b) =>
          encodeHandshakeBlock(encodeServerHello(rewrite(readServerHelloBlock(b)))),
        );
      serverHandshake(blocks, {
        keyHash: identity.keyHash,
        certChain: identity.certChain,
        signKey: identity.signKey,
        timeoutMs: 5000,
        ...(opts.offered !== undefined && { offered: opts.offered }),
      }).then(
        (conn) => {
          relay.connections.push(conn);
          void relay.#serve(conn);
        },
        () => undefined,
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const relay = new ScriptedRelay(identity, port);
    ref.relay = relay;
    relay.#server = server;
    return relay;
  }

  /** `smp://<fingerprint>@127.0.0.1:<port>`, optionally with another identity. */
  address(keyHash = this.identity.keyHash): string {
    return `smp://${encodeBase64Url(keyHash)}@127.0.0.1:${this.port}`;
  }

  /** Answers every held RFWD by the current script. */
  release(): void {
    for (const r of this.held.splice(0)) r();
  }

  /** Answers the oldest held RFWD by the current script. */
  releaseOne(): void {
    this.held.shift()?.();
  }

  /** Drops every proxy connection (the relay "restarts" without changing identity or port). */
  dropConnections(): void {
    for (const s of this.#sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((r) => (this.#server ? this.#server.close(() => r()) : r()));
  }

  async #serve(conn: SmpServerConnection): Promise<void> {
    try {
      for await (const b of conn.receive()) {
        if (b.type === 'error') continue;
        for (const t of b.transmissions) {
          if (!t.ok || t.command.tag !== 'RFWD') continue;
          this.#rfwd(conn, t.corrId, t.command.encFwdTransmission);
        }
      }
    } catch {
      // the proxy went away
    }
  }

  #rfwd(conn: SmpServerConnection, corrId: Uint8Array, enc: Uint8Array): void {
    const clientKey = conn.clientKey;
    if (clientKey === undefined) throw new Error('the proxy sent no hello key');
    const sessionSecret = dhSecret(conn.provider, clientKey, conn.sessionKeyPair.priv);
    const fwd = openFwdTransmission(conn.provider, sessionSecret, corrId, enc);
    const cmdSecret = dhSecret(conn.provider, fwd.fwdKey, conn.sessionKeyPair.priv);
    const batch = openForwardedTransmission(
      conn.provider,
      cmdSecret,
      fwd.fwdCorrId,
      fwd.encTransmission,
    );
    const params = transmissionParams(fwd.fwdVersion, conn.params.sessionId);
    const t = decodeServerTransmission(params, decodeBatch(batch)[0] as Uint8Array);
    if (!t.ok) throw new Error(`inner transmission does not decode: ${t.error.type}`);
    const call = { conn, rfwdCorrId: corrId, fwd, t, answeredBefore: this.answered };
    this.calls.push(call);
    const answer = (): void => {
      const a = this.script(call);
      const out = (msg: BrokerMsg): void => {
        this.answered++;
        void conn.sendTransmissions([
          encodeResponseTransmission(
            conn.params,
            corrId,
            new Uint8Array(0),
            encodeBrokerMsg(conn.params.version, msg),
          ),
        ]);
      };
      if ('hold' in a) return void this.held.push(answer);
      if ('outer' in a) return out(a.outer);
      if ('rres' in a) return out({ tag: 'RRES', encFwdResponse: a.rres });
      const response = encodeResponseTransmission(
        params,
        t.corrId,
        t.entityId,
        encodeBrokerMsg(params.version, a.inner),
      );
      const encResponse = sealForwardedResponse(conn.provider, cmdSecret, fwd.fwdCorrId, response);
      out({
        tag: 'RRES',
        encFwdResponse: sealFwdResponse(conn.provider, sessionSecret, corrId, {
          fwdCorrId: fwd.fwdCorrId,
          encResponse,
        }),
      });
    };
    answer();
  }
}
