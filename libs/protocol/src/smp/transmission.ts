// Transmissions (spec smp.md §6.1–§6.3): layout, authorized bytes (always sb(sessionId)-prefixed),
// and the server/client decode pipelines. Upstream `Protocol.hs: tEncodeAuth, decodeTAuthBytes,
// transmissionP, encodeTransmissionForAuth, tDecodeServer, tDecodeClient, checkCredentials`.
import { Decoder } from '../encoding/decoder.ts';
import { Writer, bytesEqual } from '../encoding/writer.ts';
import { ParseError } from '../errors.ts';
import { authCmdsSMPVersion, serviceCertsSMPVersion } from '../version/smp-versions.ts';
import { checkBrokerMsgCredentials, parseBrokerMsg } from './broker-msg-codec.ts';
import type { BrokerMsg } from './broker-msg-codec.ts';
import { parseCommand } from './command-codec.ts';
import type { Command, EntityId } from './commands.ts';
import { cmdError } from './errors.ts';
import type { ErrorType } from './errors.ts';

/** Per-connection transmission parameters (the relevant part of upstream `THandleParams`). */
export interface TransmissionParams {
  readonly version: number;
  /** tls-unique of this connection. */
  readonly sessionId: Uint8Array;
  /** v ≥ 7: the session ID is authorized but not sent. */
  readonly implySessId: boolean;
  /** v ≥ 16: a non-empty authorization is followed by `mb(sb(serviceSignature))`. */
  readonly serviceAuth: boolean;
}

/** Parameters for version `v` (upstream `smpTHandle…`: implySessId = v ≥ 7, serviceAuth = v ≥ 16). */
export function transmissionParams(version: number, sessionId: Uint8Array): TransmissionParams {
  return {
    version,
    sessionId,
    implySessId: version >= authCmdsSMPVersion,
    serviceAuth: version >= serviceCertsSMPVersion,
  };
}

/** Length of an X25519 authenticator (upstream `cbAuthenticatorSize` = 64 + 16). */
export const AUTHENTICATOR_LENGTH = 80;

/** A transmission's authorization, decided by its length (upstream `TransmissionAuth`). */
export type TransmissionAuth =
  | { readonly type: 'signature'; readonly alg: 'ed25519' | 'ed448'; readonly bytes: Uint8Array }
  | { readonly type: 'authenticator'; readonly bytes: Uint8Array };

/** What to put on the wire (`auth` empty or absent = unauthorized). */
export interface OutgoingTransmission {
  readonly auth?: Uint8Array;
  /** Ed25519 service signature (64 bytes); only written when `serviceAuth` and `auth` is non-empty. */
  readonly serviceSig?: Uint8Array;
  readonly corrId: Uint8Array;
  readonly entityId: EntityId;
  /** Encoded command or broker message. */
  readonly command: Uint8Array;
}

/** Classifies authorization bytes: empty → undefined, 80 → authenticator, 64/114 → signature (upstream `decodeTAuthBytes`). */
export function decodeTAuth(b: Uint8Array): TransmissionAuth | undefined {
  if (b.length === 0) return undefined;
  if (b.length === AUTHENTICATOR_LENGTH) return { type: 'authenticator', bytes: b };
  if (b.length === 64) return { type: 'signature', alg: 'ed25519', bytes: b };
  if (b.length === 114) return { type: 'signature', alg: 'ed448', bytes: b };
  throw new ParseError(`bad authorization length ${b.length}`);
}

/** `sb(sessionId) || sb(corrId) || sb(entityId) || command`: the bytes a key signs (§6.2). */
export function authorizedBytes(
  sessionId: Uint8Array,
  corrId: Uint8Array,
  entityId: EntityId,
  command: Uint8Array,
): Uint8Array {
  const w = new Writer(sessionId.length + corrId.length + entityId.length + command.length + 3);
  return w.bytes(sessionId).bytes(corrId).bytes(entityId).raw(command).finish();
}

/**
 * One transmission: `sb(auth) || [mb(sb(serviceSig))] || [sb(sessionId) if v < 7] || sb(corrId) ||
 * sb(entityId) || command` (upstream `tEncode` + `encodeTransmission`).
 */
export function encodeTransmission(p: TransmissionParams, t: OutgoingTransmission): Uint8Array {
  const auth = t.auth ?? new Uint8Array(0);
  if (auth.length !== 0) decodeTAuthOrThrowRange(auth);
  if (t.serviceSig !== undefined && t.serviceSig.length !== 64)
    throw new RangeError('service signature must be 64 bytes');
  const w = new Writer(t.command.length + auth.length + 200);
  w.bytes(auth);
  if (p.serviceAuth && auth.length > 0) w.maybe(t.serviceSig, (w2, s) => w2.bytes(s));
  if (!p.implySessId) w.bytes(p.sessionId);
  return w.bytes(t.corrId).bytes(t.entityId).raw(t.command).finish();
}

function decodeTAuthOrThrowRange(auth: Uint8Array): void {
  try {
    decodeTAuth(auth);
  } catch {
    throw new RangeError(`authorization must be 64, 114 or 80 bytes, not ${auth.length}`);
  }
}

/** A server response or event: `0x00 || [sb(sessionId) if v < 7] || sb(corrId) || sb(entityId) || msg`. */
export function encodeResponseTransmission(
  p: TransmissionParams,
  corrId: Uint8Array,
  entityId: EntityId,
  msg: Uint8Array,
): Uint8Array {
  return encodeTransmission(p, { corrId, entityId, command: msg });
}

/** A transmission split into its fields (upstream `RawTransmission`). */
export interface RawTransmission {
  readonly authenticator: Uint8Array;
  readonly serviceSig?: Uint8Array;
  /** Bytes to verify: always starts with sb(sessionId). */
  readonly authorized: Uint8Array;
  /** Only for v < 7, where it is on the wire. */
  readonly sessionId?: Uint8Array;
  readonly corrId: Uint8Array;
  readonly entityId: EntityId;
  readonly command: Uint8Array;
}

/** Splits a transmission (upstream `transmissionP`); ParseError if it does not have this shape. */
export function parseRawTransmission(p: TransmissionParams, b: Uint8Array): RawTransmission {
  const d = new Decoder(b);
  const authenticator = d.bytes();
  let serviceSig: Uint8Array | undefined;
  if (p.serviceAuth && authenticator.length > 0) {
    serviceSig = d.maybe((d2) => {
      const at = d2.offset;
      const s = d2.bytes();
      if (s.length !== 64) throw new ParseError('service signature must be Ed25519', at);
      return s;
    });
  }
  const wire = b.subarray(d.offset);
  const sessionId = p.implySessId ? undefined : d.bytes();
  const corrId = d.bytes();
  const entityId = d.bytes();
  const command = d.rest();
  const authorized = p.implySessId
    ? new Writer(wire.length + 33).bytes(p.sessionId).raw(wire).finish()
    : wire;
  return {
    authenticator,
    authorized,
    corrId,
    entityId,
    command,
    ...(serviceSig !== undefined && { serviceSig }),
    ...(sessionId !== undefined && { sessionId }),
  };
}

/** Fields of a transmission that passed the BLOCK/SESSION checks. */
export interface CheckedTransmission<C> {
  readonly ok: true;
  readonly auth?: TransmissionAuth;
  readonly serviceSig?: Uint8Array;
  readonly authorized: Uint8Array;
  readonly corrId: Uint8Array;
  readonly entityId: EntityId;
  readonly command: C;
  /** The command bytes as received (tag and parameters), e.g. to forward them unchanged. */
  readonly commandBytes: Uint8Array;
}

/** A transmission the server answers with `ERR` (upstream `Left (corrId, entityId, err)`). */
export interface FailedTransmission {
  readonly ok: false;
  readonly corrId: Uint8Array;
  readonly entityId: EntityId;
  readonly error: ErrorType;
}

/** Result of decodeTransmission. */
export type TransmissionDecodeResult = CheckedTransmission<Uint8Array> | FailedTransmission;

const EMPTY = new Uint8Array(0);

/**
 * The framing half of upstream `tDecodeServer`: unparsable → `BLOCK` with empty corrId; v < 7 with
 * another session ID → `SESSION`; bad authorization length → `BLOCK`. Both echo the corrId with an
 * empty entity ID (spec "Corrections", §5.4).
 */
export function decodeTransmission(p: TransmissionParams, b: Uint8Array): TransmissionDecodeResult {
  let raw: RawTransmission;
  try {
    raw = parseRawTransmission(p, b);
  } catch (e) {
    if (e instanceof ParseError)
      return { ok: false, corrId: EMPTY, entityId: EMPTY, error: { type: 'BLOCK' } };
    throw e;
  }
  const { corrId, entityId } = raw;
  // tls-unique is public (it is on the wire at v < 7), so a plain comparison is fine.
  if (raw.sessionId !== undefined && !bytesEqual(raw.sessionId, p.sessionId)) {
    return { ok: false, corrId, entityId: EMPTY, error: { type: 'SESSION' } };
  }
  let auth: TransmissionAuth | undefined;
  try {
    auth = decodeTAuth(raw.authenticator);
  } catch (e) {
    if (e instanceof ParseError)
      return { ok: false, corrId, entityId: EMPTY, error: { type: 'BLOCK' } };
    throw e;
  }
  return {
    ok: true,
    authorized: raw.authorized,
    corrId,
    entityId,
    command: raw.command,
    commandBytes: raw.command,
    ...(auth !== undefined && { auth }),
    ...(raw.serviceSig !== undefined && { serviceSig: raw.serviceSig }),
  };
}

/**
 * Upstream `tDecodeServer` in full: framing checks, then the command (`CMD UNKNOWN`/`SYNTAX`) and
 * `checkCredentials`; command errors echo corrId and entity ID.
 */
export function decodeServerTransmission(
  p: TransmissionParams,
  b: Uint8Array,
): CheckedTransmission<Command> | FailedTransmission {
  const t = decodeTransmission(p, b);
  if (!t.ok) return t;
  const parsed = parseCommand(p.version, t.command);
  if (!parsed.ok)
    return { ok: false, corrId: t.corrId, entityId: t.entityId, error: cmdError(parsed.error) };
  const error = checkCredentials(parsed.command, t.auth !== undefined, t.entityId);
  if (error !== undefined) return { ok: false, corrId: t.corrId, entityId: t.entityId, error };
  return { ...t, command: parsed.command };
}

/**
 * Credential shape check before any lookup (§6.3, upstream `checkCredentials @(Command p)`);
 * returns the `CMD` error, or undefined when the shape is right.
 */
export function checkCredentials(
  cmd: Command,
  hasAuth: boolean,
  entityId: EntityId,
): ErrorType | undefined {
  const hasEntity = entityId.length > 0;
  switch (cmd.tag) {
    case 'NEW':
      if (!hasAuth) return cmdError('NO_AUTH');
      return hasEntity ? cmdError('HAS_AUTH') : undefined;
    case 'SEND':
      return hasEntity ? undefined : cmdError('NO_ENTITY');
    case 'LGET':
    case 'PFWD':
      if (!hasEntity) return cmdError('NO_ENTITY');
      return hasAuth ? cmdError('HAS_AUTH') : undefined;
    case 'PING':
    case 'PRXY':
    case 'RFWD':
      return hasAuth || hasEntity ? cmdError('HAS_AUTH') : undefined;
    default:
      return hasAuth && hasEntity ? undefined : cmdError('NO_AUTH');
  }
}

/** A transmission as the client sees it (upstream `tDecodeClient`). */
export interface ClientTransmission {
  readonly corrId: Uint8Array;
  readonly entityId: EntityId;
  readonly result:
    | { readonly ok: true; readonly msg: BrokerMsg }
    | { readonly ok: false; readonly error: ErrorType };
}

/** Client side: framing (`BLOCK`/`SESSION`), broker message parse and the entity check. */
export function decodeClientTransmission(p: TransmissionParams, b: Uint8Array): ClientTransmission {
  let raw: RawTransmission;
  try {
    raw = parseRawTransmission(p, b);
  } catch (e) {
    if (e instanceof ParseError)
      return { corrId: EMPTY, entityId: EMPTY, result: { ok: false, error: { type: 'BLOCK' } } };
    throw e;
  }
  const { corrId, entityId } = raw;
  if (raw.sessionId !== undefined && !bytesEqual(raw.sessionId, p.sessionId)) {
    return { corrId, entityId: EMPTY, result: { ok: false, error: { type: 'SESSION' } } };
  }
  const parsed = parseBrokerMsg(p.version, raw.command);
  if (!parsed.ok) return { corrId, entityId, result: { ok: false, error: cmdError(parsed.error) } };
  const error = checkBrokerMsgCredentials(parsed.msg, entityId);
  return {
    corrId,
    entityId,
    result: error === undefined ? { ok: true, msg: parsed.msg } : { ok: false, error },
  };
}
