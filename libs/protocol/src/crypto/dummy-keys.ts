// Fixed public keys for uniform-timing failures, spec smp.md §6.4 / house style §6. Upstream
// `Server.hs: dummyKeyEd25519`, `dummyKeyEd448`, `dummyKeyX25519` (used by `dummyVerifyCmd`): when a
// queue is missing, the server still verifies against one of these so AUTH takes the same time.
// The values are the upstream base64 SPKI literals (shown beside each), written here as hex.
import { hexToBytes } from '@noble/hashes/utils.js';
import { decodePubKeyDer } from './keys.ts';
import type { PublicKey } from './keys.ts';

/** SPKI of upstream `dummyKeyEd25519` ("MCowBQYDK2VwAyEA139Oqs4QgpqbAmB0o7rZf6T19ryl7E65k4AYe0kE3Qs="). */
export const DUMMY_KEY_ED25519_DER: Uint8Array = hexToBytes(
  '302a300506032b6570032100d77f4eaace10829a9b026074a3bad97fa4f5f6bca5ec4eb99380187b4904dd0b',
);

/** SPKI of upstream `dummyKeyEd448` ("MEMwBQYDK2VxAzoA6ibQc9XpkSLt…NVvpMA"). */
export const DUMMY_KEY_ED448_DER: Uint8Array = hexToBytes(
  '3043300506032b6571033a00ea26d073d5e99122edc2b7fb3cbbe9f35a96fdeb62ba672454522608c45d7ed7' +
    '06fd7a296ce49aabdab22e1ae025628e2f236b40f355be9300',
);

/** SPKI of upstream `dummyKeyX25519` ("MCowBQYDK2VuAyEA4JGSMYht18H4mas/jHeBwfcM7jLwNYJNOAhi2/g4RXg="). */
export const DUMMY_KEY_X25519_DER: Uint8Array = hexToBytes(
  '302a300506032b656e032100e0919231886dd7c1f899ab3f8c7781c1f70cee32f035824d380862dbf8384578',
);

/** `dummyKeyEd25519` decoded. */
export const dummyKeyEd25519: PublicKey = decodePubKeyDer(DUMMY_KEY_ED25519_DER);
/** `dummyKeyEd448` decoded. */
export const dummyKeyEd448: PublicKey = decodePubKeyDer(DUMMY_KEY_ED448_DER);
/** `dummyKeyX25519` decoded. */
export const dummyKeyX25519: PublicKey = decodePubKeyDer(DUMMY_KEY_X25519_DER);
