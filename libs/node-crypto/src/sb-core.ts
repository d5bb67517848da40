// Native core of the streaming SimpleX secret box (protocol `xftp/sb-stream.ts`, spec xftp.md §7.3,
// §13; upstream `Crypto/Lazy.hs: SbState, sbInit_, sbEncryptChunk, sbDecryptChunk, sbAuth`): the
// XSalsa20 keystream and Poly1305 run in libsodium, so XFTP chunk and file bodies stream at native
// speed. Same construction as the pure `nobleSbCore` and must give the same bytes for every split.
//
// XSalsa20(K1, n) = Salsa20(HSalsa20(K1, n[0..16]), n[16..24]). sodium-native 5 exposes neither
// `crypto_stream_xsalsa20_xor_ic` nor a stateful XSalsa20 that is part of its documented API, so the
// subkey is derived once by the provider's HSalsa20 and the body runs through
// `crypto_stream_salsa20_xor_ic`, whose counter counts 64-byte blocks. Block 0 gives the Poly1305
// key (its first 32 bytes) and the first 32 message bytes; pieces that end inside a block keep the
// rest of that block's keystream for the next piece.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./sodium-native.d.ts" />
import sodium from 'sodium-native';
import type { CryptoProvider, SbCore, SbCoreFactory } from '@simplex-relay/protocol';

const BLOCK = 64;
const TAG_BYTES = 16;
const ZERO_BLOCK = new Uint8Array(BLOCK);
/** The binding passes the start counter as uint32 (libsodium carries it as 64 bits inside a call). */
const MAX_IC = 0xffff_ffff;

class SodiumSbCore implements SbCore {
  readonly #subkey: Uint8Array;
  readonly #nonce8: Uint8Array;
  /** Keystream of the current block; bytes from `#ksPos` on are not used yet. */
  readonly #ks = new Uint8Array(BLOCK);
  #ksPos: number;
  /** The next block number. */
  #counter: number;
  readonly #mac = new Uint8Array(sodium.crypto_onetimeauth_STATEBYTES);

  constructor(c: CryptoProvider, k1: Uint8Array, nonce: Uint8Array) {
    if (k1.length !== 32) throw new RangeError('secretbox key must be 32 bytes');
    if (nonce.length !== 24) throw new RangeError('nonce must be 24 bytes');
    this.#subkey = c.hsalsa20(k1, nonce.subarray(0, 16));
    this.#nonce8 = nonce.slice(16);
    sodium.crypto_stream_salsa20_xor_ic(this.#ks, ZERO_BLOCK, this.#nonce8, 0, this.#subkey);
    sodium.crypto_onetimeauth_init(this.#mac, this.#ks.subarray(0, 32));
    this.#ksPos = 32;
    this.#counter = 1;
  }

  xor(data: Uint8Array): Uint8Array {
    const len = data.length;
    const out = new Uint8Array(len);
    const ks = this.#ks;
    let i = 0;
    // The rest of the current block first, then whole blocks natively, then a new partial block.
    while (i < len && this.#ksPos < BLOCK)
      out[i] = (data[i++] as number) ^ (ks[this.#ksPos++] as number);
    const full = (len - i) & ~(BLOCK - 1);
    if (full > 0) {
      this.#checkCounter();
      sodium.crypto_stream_salsa20_xor_ic(
        out.subarray(i, i + full),
        data.subarray(i, i + full),
        this.#nonce8,
        this.#counter,
        this.#subkey,
      );
      this.#counter += full / BLOCK;
      i += full;
    }
    if (i < len) {
      this.#checkCounter();
      sodium.crypto_stream_salsa20_xor_ic(
        ks,
        ZERO_BLOCK,
        this.#nonce8,
        this.#counter++,
        this.#subkey,
      );
      this.#ksPos = 0;
      while (i < len) out[i] = (data[i++] as number) ^ (ks[this.#ksPos++] as number);
    }
    return out;
  }

  mac(ciphertext: Uint8Array): void {
    sodium.crypto_onetimeauth_update(this.#mac, ciphertext);
  }

  tag(): Uint8Array {
    const out = new Uint8Array(TAG_BYTES);
    sodium.crypto_onetimeauth_final(this.#mac, out);
    // Why: do not leave keystream, subkey or MAC key bytes behind once the stream is done.
    sodium.sodium_memzero(this.#ks);
    sodium.sodium_memzero(this.#subkey);
    sodium.sodium_memzero(this.#mac);
    return out;
  }

  #checkCounter(): void {
    // 2^32 blocks = 256 GiB per stream, far beyond any XFTP file; refuse rather than wrap.
    if (this.#counter > MAX_IC) throw new RangeError('secret box stream too long');
  }
}

/** The libsodium streaming secret-box core; `nodeProvider.sbCore`. */
export const sodiumSbCore: SbCoreFactory = (c, k1, nonce) => new SodiumSbCore(c, k1, nonce);
