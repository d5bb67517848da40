// Private message routing layers (spec smp.md §7.11.1–2). Mirrors upstream `Protocol.hs:
// FwdTransmission, FwdResponse, paddedProxiedTLength` and the encryption steps of `Client.hs:
// proxySMPCommand, forwardSMPTransmission` and `Server.hs: processForwardedCommand`. Three parties:
// the client seals one transmission for the relay (`encTransmission`, 16242 bytes); the proxy wraps
// it with the proxy↔relay session secret (`RFWD`); the relay answers both layers with the reversed
// nonces. Every function here is pure; failures are CryptoError (a box) or ParseError (bytes).
import { Decoder } from '../encoding/decoder.ts';
import { Writer } from '../encoding/writer.ts';
import { ParseError } from '../errors.ts';
import { cbDecrypt, cbDecryptNoPad, cbEncrypt, cbEncryptNoPad, dhSecret } from '../crypto/box.ts';
import { cbNonce, reverseNonce } from '../crypto/nonce.ts';
import { decodeDhKey } from '../crypto/keys.ts';
import type { KeyPair, PublicKey } from '../crypto/keys.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import { decodeBatch, encodeBatch } from '../transport/block.ts';
import { writeDhKey } from './command-codec.ts';

/** Padded length of the client↔relay layer (upstream `paddedProxiedTLength`); boxes are 16242 bytes. */
export const PADDED_PROXIED_T_LENGTH = 16226;

/** What the proxy forwards to the relay inside `RFWD` (upstream `FwdTransmission`). */
export interface FwdTransmission {
  /** The client's `PFWD` corrId: the nonce of `encTransmission`. */
  readonly fwdCorrId: Uint8Array;
  readonly fwdVersion: number;
  /** The client's per-command X25519 key. */
  readonly fwdKey: PublicKey;
  readonly encTransmission: Uint8Array;
}

/** `sb(fwdCorrId) || fwdVersion:Word16 || sb(spki(fwdKey)) || tail(encTransmission)`. */
export function encodeFwdTransmission(t: FwdTransmission): Uint8Array {
  const w = new Writer(t.encTransmission.length + 96);
  w.bytes(t.fwdCorrId).word16(t.fwdVersion);
  writeDhKey(w, t.fwdKey);
  return w.raw(t.encTransmission).finish();
}

/** Inverse of `encodeFwdTransmission`; ParseError on malformed bytes. */
export function decodeFwdTransmission(b: Uint8Array): FwdTransmission {
  const d = new Decoder(b);
  const fwdCorrId = d.bytes();
  const fwdVersion = d.word16();
  const fwdKey = decodeDhKey(d);
  return { fwdCorrId, fwdVersion, fwdKey, encTransmission: d.rest() };
}

/** What the relay answers inside `RRES` (upstream `FwdResponse`). */
export interface FwdResponse {
  readonly fwdCorrId: Uint8Array;
  readonly encResponse: Uint8Array;
}

/** `sb(fwdCorrId) || tail(encResponse)`. */
export function encodeFwdResponse(r: FwdResponse): Uint8Array {
  return new Writer(r.encResponse.length + 32).bytes(r.fwdCorrId).raw(r.encResponse).finish();
}

/** Inverse of `encodeFwdResponse`; ParseError on malformed bytes. */
export function decodeFwdResponse(b: Uint8Array): FwdResponse {
  const d = new Decoder(b);
  const fwdCorrId = d.bytes();
  return { fwdCorrId, encResponse: d.rest() };
}

// ---- client ↔ relay layer (nonce N_c = the PFWD corrId) ----

/** The client's per-command secret: X25519(relay session key, command key). */
export function forwardSecret(c: CryptoProvider, relayKey: PublicKey, cmdKey: KeyPair): Uint8Array {
  return dhSecret(c, relayKey, cmdKey.priv);
}

/**
 * Client: seals one encoded transmission (already authorized for the relay session at `fwdVersion`)
 * as a one-item batch, padded to 16226 (`proxySMPCommand`).
 */
export function sealForwardedTransmission(
  c: CryptoProvider,
  secret: Uint8Array,
  clientCorrId: Uint8Array,
  transmission: Uint8Array,
): Uint8Array {
  return cbEncrypt(
    c,
    secret,
    cbNonce(clientCorrId),
    encodeBatch([transmission]),
    PADDED_PROXIED_T_LENGTH,
  );
}

/**
 * Relay: opens the client's layer → the batch content (`tParse` decides how many transmissions it
 * holds: upstream answers `BLOCK` unless exactly one). CryptoError if it does not open.
 */
export function openForwardedTransmission(
  c: CryptoProvider,
  secret: Uint8Array,
  clientCorrId: Uint8Array,
  encTransmission: Uint8Array,
): Uint8Array {
  return cbDecrypt(c, secret, cbNonce(clientCorrId), encTransmission);
}

/** Relay: seals its response transmission for the client with the reversed client nonce. */
export function sealForwardedResponse(
  c: CryptoProvider,
  secret: Uint8Array,
  clientCorrId: Uint8Array,
  transmission: Uint8Array,
): Uint8Array {
  return cbEncrypt(
    c,
    secret,
    reverseNonce(cbNonce(clientCorrId)),
    encodeBatch([transmission]),
    PADDED_PROXIED_T_LENGTH,
  );
}

/** Client: opens the relay's response (`PRES` body) → the one response transmission. */
export function openForwardedResponse(
  c: CryptoProvider,
  secret: Uint8Array,
  clientCorrId: Uint8Array,
  encResponse: Uint8Array,
): Uint8Array {
  const batch = decodeBatch(cbDecrypt(c, secret, reverseNonce(cbNonce(clientCorrId)), encResponse));
  if (batch.length !== 1) throw new ParseError(`expected one transmission, got ${batch.length}`);
  return batch[0] as Uint8Array;
}

// ---- proxy ↔ relay layer (nonce N_p = the RFWD corrId; session secret of the proxy's connection) ----

/** Proxy: `RFWD` body. */
export function sealFwdTransmission(
  c: CryptoProvider,
  sessionSecret: Uint8Array,
  proxyCorrId: Uint8Array,
  t: FwdTransmission,
): Uint8Array {
  return cbEncryptNoPad(c, sessionSecret, cbNonce(proxyCorrId), encodeFwdTransmission(t));
}

/** Relay: opens an `RFWD` body (CryptoError) and parses it (ParseError). */
export function openFwdTransmission(
  c: CryptoProvider,
  sessionSecret: Uint8Array,
  proxyCorrId: Uint8Array,
  enc: Uint8Array,
): FwdTransmission {
  return decodeFwdTransmission(cbDecryptNoPad(c, sessionSecret, cbNonce(proxyCorrId), enc));
}

/** Relay: `RRES` body, with the reversed proxy nonce. */
export function sealFwdResponse(
  c: CryptoProvider,
  sessionSecret: Uint8Array,
  proxyCorrId: Uint8Array,
  r: FwdResponse,
): Uint8Array {
  return cbEncryptNoPad(c, sessionSecret, reverseNonce(cbNonce(proxyCorrId)), encodeFwdResponse(r));
}

/** Proxy: opens an `RRES` body (CryptoError) and parses it (ParseError). */
export function openFwdResponse(
  c: CryptoProvider,
  sessionSecret: Uint8Array,
  proxyCorrId: Uint8Array,
  enc: Uint8Array,
): FwdResponse {
  return decodeFwdResponse(
    cbDecryptNoPad(c, sessionSecret, reverseNonce(cbNonce(proxyCorrId)), enc),
  );
}
