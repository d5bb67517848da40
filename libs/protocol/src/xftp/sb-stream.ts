// Streaming SimpleX secret box with the tag after the ciphertext (spec xftp.md §7.3, §13). Upstream
// `Crypto/Lazy.hs: SbState, sbInit, cbInit, sbInit_, sbEncryptChunk, sbDecryptChunk, sbAuth, pad,
// unPad, splitLen, sbEncryptTailTag, sbDecryptTailTag`.
//
// The construction is NaCl crypto_secretbox over K1 = HSalsa20(K0, zero16), K0 being a 32-byte key or
// a raw X25519 secret: XSalsa20(K1, nonce) keystream, its first 32 bytes key Poly1305, the message is
// XORed from keystream offset 32 and the tag covers the whole ciphertext. Because the keystream
// position carries over, any split of the input gives the same bytes as one call (cryptonite's
// `XSalsa.combine` behaves the same way). Unlike upstream's immutable state, `SbState` is updated in
// place: one state per stream, not to be shared.
import { salsa20 } from '@noble/ciphers/salsa.js';
import { poly1305 } from '@noble/ciphers/_poly1305.js';
import { Decoder } from '../encoding/decoder.ts';
import { CryptoError } from '../errors.ts';
import { constantTimeEqual } from '../crypto/bytes.ts';
import { boxKey } from '../crypto/box.ts';
import { NONCE_LENGTH } from '../crypto/nonce.ts';
import type { CryptoProvider, SbCore, SbCoreFactory } from '../crypto/provider.ts';

// The core types live with the provider (which may supply a native core); re-exported for callers.
export type { SbCore, SbCoreFactory } from '../crypto/provider.ts';

/** Poly1305 tag length. */
export const SB_TAG_SIZE = 16;

const ZERO64 = new Uint8Array(64);

class NobleSbCore implements SbCore {
  readonly #subkey: Uint8Array;
  readonly #nonce8: Uint8Array;
  readonly #ks = new Uint8Array(64);
  #ksPos: number;
  #counter: number;
  readonly #mac: ReturnType<typeof poly1305.create>;

  constructor(c: CryptoProvider, k1: Uint8Array, nonce: Uint8Array) {
    // XSalsa20(K1, n) = Salsa20(HSalsa20(K1, n[0..16]), n[16..24]): derive once, then count blocks.
    this.#subkey = c.hsalsa20(k1, nonce.subarray(0, 16));
    this.#nonce8 = nonce.slice(16);
    salsa20(this.#subkey, this.#nonce8, ZERO64, this.#ks, 0);
    this.#mac = poly1305.create(this.#ks.subarray(0, 32));
    this.#ksPos = 32;
    this.#counter = 1;
  }

  xor(data: Uint8Array): Uint8Array {
    const len = data.length;
    const out = new Uint8Array(len);
    let i = 0;
    // Leftover keystream of the last partial block first, then whole blocks, then a new partial one.
    while (i < len && this.#ksPos < 64)
      out[i] = (data[i++] as number) ^ (this.#ks[this.#ksPos++] as number);
    const full = (len - i) & ~63;
    if (full > 0) {
      salsa20(
        this.#subkey,
        this.#nonce8,
        data.subarray(i, i + full),
        out.subarray(i, i + full),
        this.#counter,
      );
      this.#counter += full / 64;
      i += full;
    }
    if (i < len) {
      salsa20(this.#subkey, this.#nonce8, ZERO64, this.#ks, this.#counter++);
      this.#ksPos = 0;
      while (i < len) out[i] = (data[i++] as number) ^ (this.#ks[this.#ksPos++] as number);
    }
    return out;
  }

  mac(ciphertext: Uint8Array): void {
    this.#mac.update(ciphertext);
  }

  tag(): Uint8Array {
    // Why: do not leave keystream bytes behind once the stream is done.
    this.#ks.fill(0);
    this.#subkey.fill(0);
    return this.#mac.digest();
  }
}

/** The pure default core (@noble/ciphers Salsa20 + Poly1305). */
export const nobleSbCore: SbCoreFactory = (c, k1, nonce) => new NobleSbCore(c, k1, nonce);

/** Streaming cipher state (upstream `SbState` = XSalsa20 state + Poly1305 state). */
export class SbState {
  readonly #core: SbCore;
  #finished = false;

  /** Use `sbInit` / `cbInit`. */
  constructor(c: CryptoProvider, k0: Uint8Array, nonce: Uint8Array, core: SbCoreFactory) {
    if (nonce.length !== NONCE_LENGTH) throw new RangeError('nonce must be 24 bytes');
    this.#core = core(c, boxKey(c, k0), nonce);
  }

  /** XORs `data` with the next keystream bytes. */
  xor(data: Uint8Array): Uint8Array {
    if (this.#finished) throw new TypeError('SbState used after sbAuth');
    return this.#core.xor(data);
  }

  /** Feeds ciphertext to Poly1305. */
  mac(ciphertext: Uint8Array): void {
    if (this.#finished) throw new TypeError('SbState used after sbAuth');
    this.#core.mac(ciphertext);
  }

  /** The tag; the state cannot be used afterwards. */
  finish(): Uint8Array {
    if (this.#finished) throw new TypeError('sbAuth called twice');
    this.#finished = true;
    return this.#core.tag();
  }
}

/**
 * State for a 32-byte symmetric key and 24-byte nonce (upstream `sbInit`). The core is `core` if
 * given, else the provider's `sbCore` (native in nodeProvider), else the pure `nobleSbCore`.
 */
export function sbInit(
  c: CryptoProvider,
  key: Uint8Array,
  nonce: Uint8Array,
  core?: SbCoreFactory,
): SbState {
  return new SbState(c, key, nonce, core ?? c.sbCore ?? nobleSbCore);
}

/**
 * State for a raw X25519 DH secret and nonce (upstream `cbInit`): the same construction as `sbInit`,
 * the secret taking the key's place.
 */
export const cbInit: typeof sbInit = sbInit;

/** Encrypts the next piece (any length) and advances the state (upstream `sbEncryptChunk`). */
export function sbEncryptChunk(st: SbState, chunk: Uint8Array): Uint8Array {
  const ct = st.xor(chunk);
  st.mac(ct);
  return ct;
}

/** Decrypts the next piece (any length) and advances the state (upstream `sbDecryptChunk`). */
export function sbDecryptChunk(st: SbState, chunk: Uint8Array): Uint8Array {
  st.mac(chunk);
  return st.xor(chunk);
}

/** The 16-byte Poly1305 tag over all ciphertext so far; ends the state (upstream `sbAuth`). */
export function sbAuth(st: SbState): Uint8Array {
  return st.finish();
}

/**
 * `Int64 len || msg[0..len] || '#' * (paddedLen - len - 8)` (upstream `Crypto/Lazy.hs: pad`); as
 * upstream, a longer `msg` is truncated to `len`. CryptoError if it does not fit.
 */
export function padLazy(msg: Uint8Array, len: number, paddedLen: number): Uint8Array {
  if (!Number.isSafeInteger(len) || len < 0 || len > msg.length)
    throw new RangeError('len must be within the message');
  if (paddedLen - len - 8 < 0)
    throw new CryptoError('padLazy: message does not fit (CryptoLargeMsgError)');
  const out = new Uint8Array(paddedLen);
  new DataView(out.buffer).setBigInt64(0, BigInt(len));
  out.set(msg.subarray(0, len), 8);
  // Why: fixed '#' padding, never uninitialised bytes.
  out.fill(0x23, 8 + len);
  return out;
}

/**
 * The Int64 length and the bytes after it, at most that many (upstream `splitLen`: a shorter
 * remainder is returned as is). CryptoError if there are fewer than 8 bytes or the length is negative.
 */
export function splitLen(padded: Uint8Array): { readonly len: number; readonly rest: Uint8Array } {
  if (padded.length < 8) throw new CryptoError('splitLen: no length (CryptoInvalidMsgError)');
  const n = new Decoder(padded).int64();
  if (n < 0n) throw new CryptoError('splitLen: negative length (CryptoInvalidMsgError)');
  const len = n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
  return { len, rest: padded.subarray(8, 8 + Math.min(len, padded.length - 8)) };
}

/** The content of a `padLazy` buffer (upstream `Crypto/Lazy.hs: unPad`, lenient like `splitLen`). */
export function unPadLazy(padded: Uint8Array): Uint8Array {
  return splitLen(padded).rest;
}

/** One-shot `ciphertext(paddedLen) || tag` of `padLazy(msg, len, paddedLen)` (upstream `sbEncryptTailTag`). */
export function sbEncryptTailTag(
  c: CryptoProvider,
  key: Uint8Array,
  nonce: Uint8Array,
  msg: Uint8Array,
  len: number,
  paddedLen: number,
): Uint8Array {
  const st = sbInit(c, key, nonce);
  const ct = sbEncryptChunk(st, padLazy(msg, len, paddedLen));
  const out = new Uint8Array(ct.length + SB_TAG_SIZE);
  out.set(ct);
  out.set(sbAuth(st), ct.length);
  return out;
}

/**
 * One-shot inverse (upstream `sbDecryptTailTag`): splits at `paddedLen`, decrypts, and reports the tag
 * check in `valid` rather than failing, as upstream does; the content is `unPadLazy` of the plaintext.
 */
export function sbDecryptTailTag(
  c: CryptoProvider,
  key: Uint8Array,
  nonce: Uint8Array,
  paddedLen: number,
  packet: Uint8Array,
): { readonly valid: boolean; readonly content: Uint8Array } {
  const st = sbInit(c, key, nonce);
  const plain = sbDecryptChunk(st, packet.subarray(0, paddedLen));
  const tag = packet.subarray(paddedLen);
  // Why: constant-time tag comparison (upstream `BA.constEq`).
  const valid = tag.length === SB_TAG_SIZE && constantTimeEqual(tag, sbAuth(st));
  return { valid, content: unPadLazy(plain) };
}
