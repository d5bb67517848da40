// Private message routing, client side (spec smp.md §7.11): `PRXY` asks the connected server (the
// proxy) for a session with a destination relay and checks the relay's identity in `PKEY`; then
// each command for the relay is authorized for that relay session, sealed for the relay's key and
// sent as `PFWD`, and the relay's response comes back sealed in `PRES`. Mirrors upstream `Client.hs:
// connectSMPProxiedRelay` (with `validateRelay`) and `proxySMPCommand`.
import {
  CryptoError,
  HandshakeError,
  ParseError,
  TransportError,
  compatibleVersion,
  decodeClientTransmission,
  decodeSignedKey,
  encodeCommand,
  encodeTransmission,
  forwardSecret,
  generateKeyPair,
  openForwardedResponse,
  parseServerAddress,
  sealForwardedTransmission,
  sendingProxySMPVersion,
  supportedClientSMPRelayVRange,
  transmissionParams,
  verifySignedKey,
} from '@simplex-relay/protocol';
import type {
  BrokerMsg,
  CertChainPubKey,
  Command,
  CryptoProvider,
  EntityId,
  ErrorType,
  PrivateKey,
  PublicKey,
  SmpServer,
  VersionRange,
} from '@simplex-relay/protocol';
import { validateServerChain } from '@simplex-relay/smp-transport';
import { authorizeCommand } from './authorize.ts';
import type { SmpClientCore } from './client-core.ts';
import { expectResponse } from './client-core.ts';
import { SmpError, UnexpectedResponseError } from './errors.ts';

/** A relay session opened through a proxy (upstream `ProxiedRelay`). */
export interface ProxiedRelay {
  /** The destination relay as addressed. */
  readonly relay: SmpServer;
  /** The proxy↔relay tls-unique: the entity of `PFWD`, and the session inner commands are bound to. */
  readonly sessionId: Uint8Array;
  /** Version of the forwarded transmissions: the highest both we and the relay (via `PKEY`) support. */
  readonly fwdVersion: number;
  /** The relay's per-connection X25519 key, verified against the relay identity. */
  readonly relayKey: PublicKey;
  /** The proxy password sent in `PRXY`, kept to reopen the session after `PROXY NO_SESSION`. */
  readonly basicAuth?: Uint8Array | undefined;
}

/** Options of `connectProxiedRelay`. */
export interface ProxySessionOptions {
  /** Proxy password for `PRXY`; default the one in the proxy's address. */
  readonly basicAuth?: Uint8Array;
  /** Versions we accept for forwarded commands; default 8..18. */
  readonly fwdVRange?: VersionRange;
  /** Clock for certificate validity; default now. */
  readonly now?: Date;
}

const EMPTY = new Uint8Array(0);
const CORR_ID_LENGTH = 24;
/** Upstream reports relay checks the client makes as if the proxy had answered them (`PCEProtocolError`). */
const VERSION_ERROR: ErrorType = {
  type: 'PROXY',
  proxy: { type: 'BROKER', broker: { type: 'TRANSPORT', transport: { type: 'VERSION' } } },
};
const IDENTITY_ERROR: ErrorType = {
  type: 'PROXY',
  proxy: {
    type: 'BROKER',
    broker: { type: 'TRANSPORT', transport: { type: 'HANDSHAKE', handshake: 'IDENTITY' } },
  },
};

/**
 * `PRXY relay auth` → `PKEY` (upstream `connectSMPProxiedRelay`). Throws SmpError for the proxy's
 * `ERR` (e.g. `PROXY BASIC_AUTH`, `PROXY BROKER NETWORK`) and, with command `PRXY`, for the checks
 * made here: no common forwarding version → `PROXY BROKER TRANSPORT VERSION`; a relay chain that is
 * not the relay's identity, does not validate, or did not sign the session key → `PROXY BROKER
 * TRANSPORT HANDSHAKE IDENTITY`. TransportError `VERSION` if the proxy session itself is below v8.
 */
export async function connectProxiedRelay(
  client: SmpClientCore,
  relay: string | SmpServer,
  opts: ProxySessionOptions = {},
): Promise<ProxiedRelay> {
  if (client.params.version < sendingProxySMPVersion)
    throw new TransportError('VERSION', 'the proxy session is below v8');
  const server = typeof relay === 'string' ? relayServer(relay) : relay;
  const basicAuth = opts.basicAuth ?? client.basicAuth;
  const cmd: Command =
    basicAuth === undefined ? { tag: 'PRXY', server } : { tag: 'PRXY', server, basicAuth };
  const m = expectResponse(await client.sendCommand(EMPTY, undefined, cmd), 'PRXY', 'PKEY');
  const fwdVersion = compatibleVersion(
    opts.fwdVRange ?? supportedClientSMPRelayVRange,
    m.versionRange,
  );
  if (fwdVersion === undefined) throw new SmpError(VERSION_ERROR, 'PRXY');
  const relayKey = validateRelay(client.provider, m.certKey, server.keyHash, opts.now);
  return { relay: server, sessionId: m.sessionId, fwdVersion, relayKey, basicAuth };
}

/**
 * Sends `command` for `entityId` to the relay through the proxy (upstream `proxySMPCommand`) and
 * returns the relay's response. The relay's `ERR e` throws SmpError(e, <command tag>); the proxy's
 * own `ERR` (all `PROXY …` and `CRYPTO` answers of §7.11.4) throws SmpError(e, 'PFWD'). A response
 * that does not open is CryptoError; one that does not parse UnexpectedResponseError.
 */
export async function proxyCommand(
  client: SmpClientCore,
  session: ProxiedRelay,
  entityId: EntityId,
  key: PrivateKey | undefined,
  command: Command,
): Promise<BrokerMsg> {
  const c = client.provider;
  // The inner transmission belongs to the relay session (`serverThParams`): its session ID, the
  // forwarding version, and X25519 authenticators against the relay's key.
  const params = transmissionParams(session.fwdVersion, session.sessionId);
  const corrId = c.randomBytes(CORR_ID_LENGTH);
  const cmdBytes = encodeCommand(params.version, command);
  const auth =
    key === undefined
      ? undefined
      : authorizeCommand(c, params, session.relayKey, key, corrId, entityId, cmdBytes);
  const t = encodeTransmission(params, {
    ...(auth !== undefined && { auth }),
    corrId,
    entityId,
    command: cmdBytes,
  });
  const cmdKey = generateKeyPair(c, 'x25519');
  const secret = forwardSecret(c, session.relayKey, cmdKey);
  try {
    let encTransmission: Uint8Array;
    try {
      encTransmission = sealForwardedTransmission(c, secret, corrId, t);
    } catch (e) {
      if (e instanceof CryptoError)
        throw new TransportError('LARGE_MSG', 'command too large to forward', { cause: e });
      throw e;
    }
    // The PFWD's corrId is the nonce of the client↔relay box (§7.11.2).
    const pfwd: Command = {
      tag: 'PFWD',
      fwdVersion: session.fwdVersion,
      commandKey: cmdKey.pub,
      encTransmission,
    };
    const m = expectResponse(
      await client.sendCommand(session.sessionId, undefined, pfwd, corrId),
      'PFWD',
      'PRES',
    );
    let inner: Uint8Array;
    try {
      inner = openForwardedResponse(c, secret, corrId, m.encResponse);
    } catch (e) {
      if (e instanceof ParseError)
        throw new TransportError('BLOCK', 'relay response is not one transmission', { cause: e });
      throw e;
    }
    // Upstream reads the response with the relay session's parameters and ignores its corrId.
    const r = decodeClientTransmission(params, inner).result;
    if (!r.ok)
      throw new UnexpectedResponseError('relay response does not parse', command.tag, r.error);
    if (r.msg.tag === 'ERR') throw new SmpError(r.msg.error, command.tag);
    return r.msg;
  } finally {
    // Per-command secrets: nothing else may open this exchange later.
    secret.fill(0);
    cmdKey.priv.raw.fill(0);
  }
}

/** The relay as an SmpServer; the relay's own password (if any) is not the proxy's and is dropped. */
function relayServer(address: string): SmpServer {
  const a = parseServerAddress(address);
  if (a.scheme !== 'smp') throw new RangeError(`not an smp:// address: ${a.scheme}://`);
  return a.server;
}

/**
 * Upstream `validateRelay`: the chain's idCert fingerprint is the relay's key hash, the chain
 * validates with its CA as the only anchor (smp-transport `validateServerChain`, the TLS check of
 * a direct connection), and the signed session key is an X25519 key signed by the leaf's key.
 */
function validateRelay(
  c: CryptoProvider,
  ck: CertChainPubKey,
  keyHash: Uint8Array,
  now?: Date,
): PublicKey {
  try {
    const leaf = validateServerChain(c, ck.certChain, keyHash, now);
    const signed = decodeSignedKey(ck.signedKey);
    if (!verifySignedKey(c, leaf.publicKey, signed) || signed.key.alg !== 'x25519')
      throw new SmpError(IDENTITY_ERROR, 'PRXY');
    return signed.key;
  } catch (e) {
    if (e instanceof HandshakeError || e instanceof ParseError)
      throw new SmpError(IDENTITY_ERROR, 'PRXY', { cause: e });
    throw e;
  }
}
