// Barrel of src/crypto; re-exported by src/index.ts.
export type { CryptoProvider, SignatureScheme, DhScheme, RawKeyPair } from './provider.ts';
export * from './keys.ts';
