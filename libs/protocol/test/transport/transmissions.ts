// Builders for transmission bytes with the exact layout of spec smp.md §6.1 (upstream `Protocol.hs:
// tEncodeAuth, encodeTransmission_`), used to reproduce the capacity facts of upstream
// `tests/CoreTests/BatchingTests.hs`. Random bytes stand in for signatures, IDs and bodies: batching
// depends only on lengths.
import { randomBytes } from 'node:crypto';
import { Writer } from '../../src/index.ts';

const rnd = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

/** Fields of one transmission; `sessionId` is put on the wire only for v < 7. */
interface TParts {
  readonly version: number;
  readonly auth: Uint8Array; // empty, 64 (Ed25519), 114 (Ed448) or 80 (X25519 authenticator)
  readonly sessionId?: Uint8Array;
  readonly corrId: Uint8Array;
  readonly entityId: Uint8Array;
  readonly command: Uint8Array;
}

/** `sb(auth) || [mb(serviceSig)] (v≥16, non-empty auth) || [sb(sessionId)] (v<7) || sb(corrId) || sb(entityId) || command`. */
export function transmission(p: TParts): Uint8Array {
  const w = new Writer(256);
  w.bytes(p.auth);
  if (p.version >= 16 && p.auth.length > 0) w.byte(0x30); // '0': no service signature
  if (p.version < 7) w.bytes(p.sessionId ?? rnd(32));
  w.bytes(p.corrId).bytes(p.entityId).raw(p.command);
  return w.finish();
}

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Ed25519-signed SUB from a client (BatchingTests `randomSUB_`). */
export const sub = (version: number, sessionId?: Uint8Array): Uint8Array =>
  transmission({
    version,
    auth: rnd(64),
    sessionId,
    corrId: rnd(24),
    entityId: rnd(24),
    command: ascii('SUB'),
  });

/** SEND with a body of `n` bytes: X25519-authenticated at v18, Ed25519 at v6 (`randomSEND`/`randomSENDv6`). */
export const send = (version: number, n: number, sessionId?: Uint8Array): Uint8Array => {
  const cmd = new Uint8Array(7 + n);
  cmd.set(ascii('SEND F ')); // SEND_ ' ' MsgFlags{notification=False} ' ' Tail body
  cmd.set(rnd(n), 7);
  return transmission({
    version,
    auth: rnd(version >= 7 ? 80 : 64),
    sessionId,
    corrId: rnd(24),
    entityId: rnd(24),
    command: cmd,
  });
};

/** Server event `END`: empty auth and corrId (`randomENDCmd`). */
export const end = (): Uint8Array =>
  transmission({
    version: 18,
    auth: new Uint8Array(0),
    corrId: new Uint8Array(0),
    entityId: rnd(24),
    command: ascii('END'),
  });

/** Server event `NMSG nonce sb(encMeta)`, encMeta = 128 padded + 16 tag = 144 bytes (`randomNMSGCmd`). */
export const nmsg = (): Uint8Array => {
  const cmd = new Writer(200).ascii('NMSG ').raw(rnd(24)).bytes(rnd(144)).finish();
  return transmission({
    version: 18,
    auth: new Uint8Array(0),
    corrId: new Uint8Array(0),
    entityId: rnd(24),
    command: cmd,
  });
};

/** `SOK` with no service ID, in response to a SUB (`randomSOK`). */
export const sok = (): Uint8Array =>
  transmission({
    version: 18,
    auth: new Uint8Array(0),
    corrId: rnd(24),
    entityId: rnd(24),
    command: ascii('SOK 0'),
  });

/** `MSG sb(msgId) tail(body)`; `corrId` empty for the event form. */
export const msg = (bodyLen: number, corrId: Uint8Array = rnd(24)): Uint8Array => {
  const cmd = new Writer(bodyLen + 64).ascii('MSG ').bytes(rnd(24)).raw(rnd(bodyLen)).finish();
  return transmission({
    version: 18,
    auth: new Uint8Array(0),
    corrId,
    entityId: rnd(24),
    command: cmd,
  });
};

/** n copies from a generator. */
export const times = (n: number, f: () => Uint8Array): Uint8Array[] => Array.from({ length: n }, f);
