// Sample values from upstream tests/ServerTests.hs (samplePubKey, sampleDhPubKey, sampleSig),
// standard base64 there; shared by the smp specs.
import type { PublicKey } from '../../src/index.ts';
import { b64 } from '../helpers.ts';

/** Ed25519 SPKI of `samplePubKey`. */
export const SAMPLE_PUB_KEY_DER = b64(
  'MCowBQYDK2VwAyEAfAOflyvbJv1fszgzkQ6buiZJVgSpQWsucXq7U6zjMgY=',
);
/** X25519 SPKI of `sampleDhPubKey`. */
export const SAMPLE_DH_PUB_KEY_DER = b64(
  'MCowBQYDK2VuAyEAriy+HcARIhqsgSjVnjKqoft+y6pxrxdY68zn4+LjYhQ=',
);
export const samplePubKey: PublicKey = { alg: 'ed25519', raw: SAMPLE_PUB_KEY_DER.slice(12) };
export const sampleDhPubKey: PublicKey = { alg: 'x25519', raw: SAMPLE_DH_PUB_KEY_DER.slice(12) };
/** The 64-byte Ed25519 signature of `sampleSig`. */
export const SAMPLE_SIG = b64(
  'e8JK+8V3fq6kOLqco/SaKlpNaQ7i1gfOrXoqekEl42u4mF8Bgu14T5j0189CGcUhJHw2RwCMvON+qbvQ9ecJAA==',
);
