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
  }
  const sodium: SodiumNative;
  export default sodium;
}
