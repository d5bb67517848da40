// Barrel of src/crypto; re-exported by src/index.ts.
export type { CryptoProvider, SignatureScheme, DhScheme, RawKeyPair } from './provider.ts';
export * from './keys.ts';
export { nobleProvider } from './noble-provider.ts';
export { constantTimeEqual } from './bytes.ts';
export { pad, unPad, MAX_PAD_MSG_LEN } from './padding.ts';
export { cbNonce, reverseNonce, NONCE_LENGTH } from './nonce.ts';
export {
  dhSecret,
  boxKey,
  cbEncrypt,
  cbEncryptNoPad,
  cbDecrypt,
  cbDecryptNoPad,
  sbEncrypt,
  sbEncryptNoPad,
  sbDecrypt,
  sbDecryptNoPad,
} from './box.ts';
export { cbAuthenticate, cbVerify, CB_AUTHENTICATOR_SIZE } from './auth.ts';
export { sign, verify, generateKeyPair, publicKeyOf } from './sign.ts';
export { hkdf, sbcInit, sbcHkdf } from './chain.ts';
export { sha256Hash, sha512Hash, sha3_384 } from './hash.ts';
export {
  DerReader,
  DerTag,
  derContents,
  derDecodeOne,
  derBoolean,
  derIntegerBytes,
  derSmallUint,
  derBitStringBytes,
  derEncode,
} from './der.ts';
export type { DerTlv } from './der.ts';
export {
  decodeCertificate,
  verifyCertSignature,
  certFingerprint,
  chainIdCaCerts,
  decodeSignAlgorithmId,
  encodeSignAlgorithmId,
} from './x509.ts';
export type { Certificate, ChainCertificates } from './x509.ts';
export { signX509Key, decodeSignedKey, verifySignedKey } from './signed-key.ts';
export type { SignedKey } from './signed-key.ts';
export {
  DUMMY_KEY_ED25519_DER,
  DUMMY_KEY_ED448_DER,
  DUMMY_KEY_X25519_DER,
  dummyKeyEd25519,
  dummyKeyEd448,
  dummyKeyX25519,
} from './dummy-keys.ts';
export { verifyCmdAuthorization, dummyVerifyCmd } from './cmd-auth.ts';
export type { AuthInput, OnDummyVerify } from './cmd-auth.ts';
