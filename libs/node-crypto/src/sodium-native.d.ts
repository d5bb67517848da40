// Minimal typings for the parts of sodium-native 5 this library calls (the package ships none).
// Functions write into caller-provided buffers and throw on size mismatch (as sodium-native does).
declare module 'sodium-native' {
  interface SodiumNative {
    crypto_secretbox_easy(c: Uint8Array, m: Uint8Array, n: Uint8Array, k: Uint8Array): void;
    /** Returns false when the tag does not verify. */
    crypto_secretbox_open_easy(m: Uint8Array, c: Uint8Array, n: Uint8Array, k: Uint8Array): boolean;
    crypto_sign_seed_keypair(pk: Uint8Array, sk: Uint8Array, seed: Uint8Array): void;
    crypto_scalarmult_base(q: Uint8Array, n: Uint8Array): void;
    sodium_memzero(b: Uint8Array): void;
    /** Salsa20 XOR from 64-byte block `ic` (the binding takes a uint32 counter). c, m same length. */
    crypto_stream_salsa20_xor_ic(
      c: Uint8Array,
      m: Uint8Array,
      n: Uint8Array,
      ic: number,
      k: Uint8Array,
    ): void;
    readonly crypto_onetimeauth_STATEBYTES: number;
    crypto_onetimeauth_init(state: Uint8Array, k: Uint8Array): void;
    crypto_onetimeauth_update(state: Uint8Array, input: Uint8Array): void;
    crypto_onetimeauth_final(state: Uint8Array, out: Uint8Array): void;
  }
  const sodium: SodiumNative;
  export default sodium;
}
