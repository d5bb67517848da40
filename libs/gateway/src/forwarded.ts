// The relay role of private message routing (spec smp.md §7.11.2, §7.11.3, §7.11.5): a proxy's
// `RFWD` carries one client transmission under two boxes; the relay opens both, runs the command
// like its own (SEND, SKEY, LKEY, LGET only) at the client's `fwdVersion`, and answers `RRES` with
// the response sealed back through both layers. Mirrors upstream `Server.hs: processForwardedCommand`
// and its `rejectOrVerify`; the store-side execution is the ordinary command path.
import type { OutTransmission } from '@simplex-relay/bus';
import {
  CryptoError,
  ParseError,
  decodeBatch,
  decodeServerTransmission,
  dhSecret,
  encodeBrokerMsg,
  encodeResponseTransmission,
  isCompatible,
  openForwardedTransmission,
  openFwdTransmission,
  sealForwardedResponse,
  sealFwdResponse,
  serviceCertsSMPVersion,
  supportedServerSMPRelayVRange,
} from '@simplex-relay/protocol';
import type {
  BrokerMsg,
  CheckedTransmission,
  Command,
  CryptoProvider,
  EntityId,
  ErrorType,
  FwdTransmission,
  TransmissionParams,
} from '@simplex-relay/protocol';
import type { SmpServerConnection } from '@simplex-relay/smp-transport';

const EMPTY = new Uint8Array(0);

/** The only commands a relay runs for a proxy (`rejectOrVerify`: `allowed`). */
const FORWARDABLE: ReadonlySet<Command['tag']> = new Set(['SEND', 'SKEY', 'LKEY', 'LGET']);

const errMsg = (error: ErrorType): BrokerMsg => ({ tag: 'ERR', error });
const NO_AUTH: ErrorType = {
  type: 'PROXY',
  proxy: { type: 'BROKER', broker: { type: 'TRANSPORT', transport: { type: 'NO_AUTH' } } },
};
const BAD_VERSION: ErrorType = {
  type: 'PROXY',
  proxy: { type: 'BROKER', broker: { type: 'TRANSPORT', transport: { type: 'VERSION' } } },
};

/** What an `RFWD` leads to: the outer answer now (`ERR …` or `RRES`), or a command for a store. */
export type ReceivedForward =
  | { readonly type: 'answer'; readonly msg: BrokerMsg }
  | {
      readonly type: 'store';
      readonly fwd: ForwardedCommand;
      /** The inner transmission, decoded at `fwdVersion` for this connection's session. */
      readonly t: CheckedTransmission<Command>;
    };

/**
 * Opens an `RFWD` received on `conn` with corrId `corrId` (upstream `processForwardedCommand` up to
 * `rejectOrVerify`). Outer errors, as upstream: no client hello key → `PROXY BROKER TRANSPORT
 * NO_AUTH`; either box fails → `CRYPTO`; `FwdTransmission` does not parse → `CMD SYNTAX`; an inner
 * batch of 2+ transmissions → `BLOCK`. Deviation: a `fwdVersion` outside 8..18 → `PROXY BROKER
 * TRANSPORT VERSION` (upstream runs any version: clients only pick one from the relay's range).
 * Inner errors travel in `RRES`. `received` counts each `RRES` (upstream `pMsgFwdsRecv`).
 */
export function receiveForwarded(
  corrId: Uint8Array,
  encFwdTransmission: Uint8Array,
  conn: SmpServerConnection,
  provider: CryptoProvider,
  received: () => void,
): ReceivedForward {
  if (conn.clientKey === undefined) return { type: 'answer', msg: errMsg(NO_AUTH) };
  const sessionSecret = dhSecret(provider, conn.clientKey, conn.sessionKeyPair.priv);
  let fwd: FwdTransmission;
  let clientSecret: Uint8Array | undefined;
  let batch: Uint8Array;
  try {
    fwd = openFwdTransmission(provider, sessionSecret, corrId, encFwdTransmission);
    // A low-order command key fails here (CryptoError), where upstream's box open would fail.
    clientSecret = dhSecret(provider, fwd.fwdKey, conn.sessionKeyPair.priv);
    batch = openForwardedTransmission(provider, clientSecret, fwd.fwdCorrId, fwd.encTransmission);
  } catch (e) {
    sessionSecret.fill(0);
    clientSecret?.fill(0);
    if (e instanceof CryptoError) return { type: 'answer', msg: errMsg({ type: 'CRYPTO' }) };
    if (e instanceof ParseError)
      return { type: 'answer', msg: errMsg({ type: 'CMD', cmd: 'SYNTAX' }) };
    throw e;
  }
  if (!isCompatible(fwd.fwdVersion, supportedServerSMPRelayVRange)) {
    sessionSecret.fill(0);
    clientSecret.fill(0);
    return { type: 'answer', msg: errMsg(BAD_VERSION) };
  }
  // `smpTHParamsSetVersion`: the version and the service-signature flag follow fwdVersion; the
  // session ID (the proxy's session with this relay) and implySessId stay the connection's.
  const params: TransmissionParams = {
    version: fwd.fwdVersion,
    sessionId: conn.params.sessionId,
    implySessId: conn.params.implySessId,
    serviceAuth: fwd.fwdVersion >= serviceCertsSMPVersion,
  };
  const layers = new ResponseLayers(provider, corrId, fwd.fwdCorrId, sessionSecret, clientSecret);
  const reply = (c: Uint8Array, e: EntityId, error: ErrorType): ReceivedForward => ({
    type: 'answer',
    msg: layers.seal(params, c, e, encodeBrokerMsg(params.version, errMsg(error)), received),
  });
  let items: Uint8Array[];
  try {
    items = decodeBatch(batch);
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    // `tParse` yields one `Left TEBadBlock` for an unparsable batch → `tDecodeServer` → BLOCK.
    return reply(EMPTY, EMPTY, { type: 'BLOCK' });
  }
  const [item] = items;
  if (item === undefined || items.length !== 1) {
    layers.wipe();
    return { type: 'answer', msg: errMsg({ type: 'BLOCK' }) };
  }
  const t = decodeServerTransmission(params, item);
  if (!t.ok) return reply(t.corrId, t.entityId, t.error);
  if (!FORWARDABLE.has(t.command.tag))
    return reply(t.corrId, t.entityId, { type: 'CMD', cmd: 'PROHIBITED' });
  // No forwarded session is a service session (`peerClientService = Nothing`), and these commands
  // never carry a service signature: `verifyServiceSig` fails with SERVICE (checked here, before
  // the queue lookup, as the gateway does for its own connections).
  if (t.serviceSig !== undefined) return reply(t.corrId, t.entityId, { type: 'SERVICE' });
  return { type: 'store', fwd: new ForwardedCommand(layers, params, t, received), t };
}

/** A forwarded command on its way to a store: turns the store's answer into the `RRES`. */
export class ForwardedCommand {
  readonly #corrId: Uint8Array;
  readonly #entityId: EntityId;

  constructor(
    private readonly layers: ResponseLayers,
    private readonly params: TransmissionParams,
    t: CheckedTransmission<Command>,
    private readonly received: () => void,
  ) {
    this.#corrId = t.corrId;
    this.#entityId = t.entityId;
  }

  /** The client's `fwdVersion`: the store parses, verifies and answers at it (`smpVersion`). */
  get version(): number {
    return this.params.version;
  }

  /** The RFWD's corrId: the outer `RRES` (or `ERR`) carries it, with an empty entity. */
  get proxyCorrId(): Uint8Array {
    return this.layers.proxyCorrId;
  }

  /**
   * The outer answer for the store's items: only the response (the item with the command's corrId)
   * goes back to the client; events are dropped (forwarded commands create no subscriptions).
   */
  answer(items: readonly OutTransmission[]): BrokerMsg {
    const r = items.find((x) => x.useCorrId);
    if (r === undefined) return this.error({ type: 'INTERNAL' });
    return this.layers.seal(this.params, this.#corrId, r.entityId, r.msg, this.received);
  }

  /** The outer answer carrying an inner `ERR` (store timeout or unreachable → `INTERNAL`). */
  error(error: ErrorType): BrokerMsg {
    const msg = encodeBrokerMsg(this.params.version, { tag: 'ERR', error });
    return this.layers.seal(this.params, this.#corrId, this.#entityId, msg, this.received);
  }
}

/** The keys and nonces of the two response boxes; the secrets are wiped after the one answer. */
class ResponseLayers {
  #done = false;

  constructor(
    private readonly provider: CryptoProvider,
    readonly proxyCorrId: Uint8Array,
    private readonly fwdCorrId: Uint8Array,
    private readonly sessionSecret: Uint8Array,
    private readonly clientSecret: Uint8Array,
  ) {}

  /**
   * `RRES`: the response transmission encoded at fwdVersion, as a one-item batch padded into the
   * client's box (reversed client nonce), wrapped in `FwdResponse` in the proxy's box (reversed
   * RFWD nonce). A response too large for the padded box is an outer `BLOCK`, as upstream.
   */
  seal(
    params: TransmissionParams,
    corrId: Uint8Array,
    entityId: EntityId,
    msg: Uint8Array,
    received: () => void,
  ): BrokerMsg {
    // Only one answer per command reaches the connection (BlockJob.fill); later calls are moot.
    if (this.#done) return errMsg({ type: 'INTERNAL' });
    try {
      const t = encodeResponseTransmission(params, corrId, entityId, msg);
      let encResponse: Uint8Array;
      try {
        encResponse = sealForwardedResponse(this.provider, this.clientSecret, this.fwdCorrId, t);
      } catch (e) {
        if (e instanceof CryptoError) return errMsg({ type: 'BLOCK' });
        throw e;
      }
      const enc = sealFwdResponse(this.provider, this.sessionSecret, this.proxyCorrId, {
        fwdCorrId: this.fwdCorrId,
        encResponse,
      });
      received();
      return { tag: 'RRES', encFwdResponse: enc };
    } finally {
      this.wipe();
    }
  }

  wipe(): void {
    this.#done = true;
    this.sessionSecret.fill(0);
    this.clientSecret.fill(0);
  }
}
