// Incremental SimpleX secret_box (spec xftp.md §7.3, §13) as an object: a thin wrapper over the
// protocol library's `SbState` (upstream `Crypto/Lazy.hs: sbInit, sbEncryptChunk, sbDecryptChunk,
// sbAuth`), which holds the cipher itself.
import {
  SB_TAG_SIZE,
  sbAuth,
  sbDecryptChunk,
  sbEncryptChunk,
  sbInit,
} from '@simplex-relay/protocol';
import type { SbState } from '@simplex-relay/protocol';
import { nodeProvider } from '@simplex-relay/node-crypto';

/** Size of the Poly1305 tag (upstream `authTagSize`). */
export const AUTH_TAG_SIZE = SB_TAG_SIZE;

/** Streaming secret_box state for one key and nonce; use each instance for one message only. */
export class SbStream {
  readonly #st: SbState;

  /** Upstream `sbInit key nonce`: `k0` is the 32-byte file key (or a raw DH secret). */
  constructor(k0: Uint8Array, nonce: Uint8Array) {
    this.#st = sbInit(nodeProvider, k0, nonce);
  }

  /** Encrypts the next piece of the message (upstream `sbEncryptChunk`). */
  encryptChunk(plain: Uint8Array): Uint8Array {
    return sbEncryptChunk(this.#st, plain);
  }

  /** Decrypts the next piece of the ciphertext (upstream `sbDecryptChunk`). */
  decryptChunk(cipher: Uint8Array): Uint8Array {
    return sbDecryptChunk(this.#st, cipher);
  }

  /** The 16-byte tag over all ciphertext so far; ends the stream (upstream `sbAuth`). */
  auth(): Uint8Array {
    return sbAuth(this.#st);
  }
}
