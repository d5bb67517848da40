// The proxy role of private message routing (spec smp.md §7.11.4): `PRXY` → `PKEY` and `PFWD` →
// `RFWD` → `RRES` → `PRES`. Mirrors upstream `Server.hs: processProxiedCmd` (allowProxy,
// proxyServerResponse, proxyResp, the PFWD branch and its `ProxyStats` counting); the relay
// connections are RelayAgent's. Answers are values: known at once (`now`) or after relay I/O
// (`later`, never rejecting), which the connection runs under its concurrency limit.
import { timingSafeEqual } from 'node:crypto';
import {
  compatibleVRange,
  proxiedSMPRelayVRange,
  sendingProxySMPVersion,
  TransportError,
} from '@simplex-relay/protocol';
import type {
  BasicAuth,
  BrokerMsg,
  Command,
  CryptoProvider,
  ErrorType,
} from '@simplex-relay/protocol';
import type { GatewayLogger } from '../ports.ts';
import { forwardFailure, isTemporary, transportErr } from './proxy-errors.ts';
import type { ProxyMetrics, ProxyOptions } from './proxy-options.ts';
import { RelayAgent } from './relay-agent.ts';
import type { RelayClient, RelayLookup } from './relay-agent.ts';

/** An answer to a proxied command: available now, or after talking to a relay. */
export type ProxyAnswer =
  { readonly now: BrokerMsg } | { readonly later: () => Promise<BrokerMsg> };

/** What the service needs. */
export interface ProxyServiceOptions {
  readonly options: ProxyOptions;
  /** INI `[AUTH] create_password`: upstream gates `PRXY` with the queue-creation password. */
  readonly serverPassword?: BasicAuth | undefined;
  readonly provider: CryptoProvider;
  readonly logger: GatewayLogger;
  readonly metrics: ProxyMetrics;
}

type PrxyCommand = Extract<Command, { tag: 'PRXY' }>;
type PfwdCommand = Extract<Command, { tag: 'PFWD' }>;

const err = (error: ErrorType): BrokerMsg => ({ tag: 'ERR', error });
const BASIC_AUTH = err({ type: 'PROXY', proxy: { type: 'BASIC_AUTH' } });
const NO_SESSION = err({ type: 'PROXY', proxy: { type: 'NO_SESSION' } });
const VERSION = err(transportErr(new TransportError('VERSION')));
const NO_AUTH = err(transportErr(new TransportError('NO_AUTH')));
const INTERNAL = err({ type: 'INTERNAL' });

/** One gateway's proxy: the shared relay connections and the answers to `PRXY`/`PFWD`. */
export class ProxyService {
  readonly agent: RelayAgent;
  readonly #o: ProxyServiceOptions;

  constructor(o: ProxyServiceOptions) {
    this.#o = o;
    this.agent = new RelayAgent({
      provider: o.provider,
      connectTimeoutMs: o.options.connectTimeoutMs,
      commandTimeoutMs: o.options.commandTimeoutMs,
      persistErrorMs: o.options.persistErrorMs,
      logger: o.logger,
    });
  }

  /** Proxied commands in flight per client connection. */
  get concurrency(): number {
    return this.#o.options.clientConcurrency;
  }

  /** `PRXY srv auth` (upstream `allowProxy`, `getRelay`). */
  prxy(cmd: PrxyCommand): ProxyAnswer {
    if (!this.#allowed(cmd.basicAuth)) return { now: BASIC_AUTH };
    const known = this.agent.lookup(cmd.server);
    if (known !== undefined) return { now: this.#relayResponse(known) };
    return {
      later: async () => {
        try {
          return this.#relayResponse(await this.agent.connect(cmd.server));
        } catch (e) {
          this.#o.logger.error(`proxy: PRXY failed: ${(e as Error).name}`);
          return INTERNAL;
        }
      },
    };
  }

  /** `PFWD fwdVersion key enc` for relay session `sessionId` (the transmission's entity). */
  pfwd(corrId: Uint8Array, sessionId: Uint8Array, cmd: PfwdCommand): ProxyAnswer {
    const m = this.#o.metrics;
    const relay = this.agent.bySession(sessionId);
    m.request('messages');
    if (relay === undefined) {
      m.error('messages', 'connect');
      return { now: NO_SESSION };
    }
    if (relay.version < sendingProxySMPVersion) {
      m.error('messages', 'compat');
      return { now: VERSION };
    }
    return { later: () => this.#forward(relay, corrId, cmd) };
  }

  /** Closes the relay connections (gateway shutdown). */
  close(): Promise<void> {
    return this.agent.close();
  }

  async #forward(relay: RelayClient, corrId: Uint8Array, cmd: PfwdCommand): Promise<BrokerMsg> {
    const m = this.#o.metrics;
    try {
      const encResponse = await relay.forward({
        fwdCorrId: corrId,
        fwdVersion: cmd.fwdVersion,
        fwdKey: cmd.commandKey,
        encTransmission: cmd.encTransmission,
      });
      m.success('messages');
      return { tag: 'PRES', encResponse };
    } catch (e) {
      const error = forwardFailure(e);
      // Upstream counts a relay's own `ERR` (`PCEProtocolError`) as a successful forward.
      if (error.type === 'PROXY' && error.proxy.type === 'PROTOCOL') m.success('messages');
      else m.error('messages', 'other');
      if (error.type === 'INTERNAL')
        this.#o.logger.error(`proxy: PFWD failed: ${(e as Error).name}`);
      return err(error);
    }
  }

  /** Upstream `proxyServerResponse` + `proxyResp`. */
  #relayResponse(r: RelayLookup): BrokerMsg {
    const m = this.#o.metrics;
    m.request('sessions');
    if (!r.ok) {
      m.error('sessions', isTemporary(r.error) ? 'connect' : 'other');
      return err(r.error);
    }
    const c = r.client;
    // The upper bound 17 hides newer client versions from relays (`proxiedSMPRelayVersion`).
    const vr = compatibleVRange(c.sessionVRange, proxiedSMPRelayVRange);
    const key = c.certChainPubKey;
    if (vr === undefined || c.version < sendingProxySMPVersion || key === undefined) {
      m.error('sessions', 'compat');
      return vr === undefined || c.version < sendingProxySMPVersion ? VERSION : NO_AUTH;
    }
    m.success('sessions');
    return { tag: 'PKEY', sessionId: c.sessionId, versionRange: vr, certKey: key };
  }

  /** Upstream `allowSMPProxy && maybe True ((== auth) . Just) newQueueBasicAuth`. */
  #allowed(auth: BasicAuth | undefined): boolean {
    if (!this.#o.options.allowSmpProxy) return false;
    const pw = this.#o.serverPassword;
    if (pw === undefined) return true;
    return auth !== undefined && auth.length === pw.length && timingSafeEqual(auth, pw);
  }
}
