// Command authorization (spec smp.md §6.2, §6.4). Upstream `Server.hs: verifyCmdAuthorization,
// verifyCmdAuth, dummyVerifyCmd`. Every failure path runs a verification of the same algorithm
// and cost as the success path, so "no such queue", "no such key" and "wrong key" take the same
// time; the caller then answers AUTH.
import {
  cbNonce,
  cbVerify,
  dummyKeyEd25519,
  dummyKeyEd448,
  dummyKeyX25519,
  verify,
} from '@simplex-relay/protocol';
import type {
  CryptoProvider,
  PrivateKey,
  PublicKey,
  TransmissionAuth,
} from '@simplex-relay/protocol';

/** What a command was authorized with, as received. */
export interface AuthInput {
  /** Signature or authenticator; absent for unauthorized commands. */
  readonly auth: TransmissionAuth | undefined;
  /** `sb(sessionId) || sb(corrId) || sb(entityId) || command` (§6.2). */
  readonly authorized: Uint8Array;
  readonly corrId: Uint8Array;
  /** The connection's X25519 private key, needed only for an authenticator. */
  readonly sessionKey: PrivateKey | undefined;
}

/** Verifies authorizations against queue keys, with dummy work on every failure path. */
export class Authorizer {
  constructor(
    private readonly crypto: CryptoProvider,
    /** Called on every dummy verification (metrics; tests assert the uniform-timing path). */
    private readonly onDummy: () => void,
  ) {}

  /** True iff `a` is a valid authorization by `key` (upstream `verifyCmdAuthorization`). */
  verifyWith(a: AuthInput, key: PublicKey): boolean {
    const auth = a.auth;
    if (auth === undefined) return false;
    if (auth.type === 'signature') {
      if (key.alg === auth.alg) return verify(this.crypto, key, auth.bytes, a.authorized);
      // Why: a key of another algorithm still costs a verification of the signature's algorithm.
      this.#dummySig(auth.alg, auth.bytes, a.authorized);
      return false;
    }
    if (key.alg === 'x25519') return this.#cbVerify(a, key, auth.bytes);
    this.onDummy();
    this.#cbVerify(a, dummyKeyX25519, auth.bytes);
    return false;
  }

  /** True iff `a` verifies with any of `keys`, tried in order (upstream `any verify ks`). */
  verifyWithAny(a: AuthInput, keys: readonly PublicKey[]): boolean {
    return keys.some((k) => this.verifyWith(a, k));
  }

  /** Dummy verification of `a`'s algorithm; always false (upstream `dummyVerifyCmd`). */
  dummy(a: AuthInput): false {
    const auth = a.auth;
    if (auth === undefined) return false;
    if (auth.type === 'signature') this.#dummySig(auth.alg, auth.bytes, a.authorized);
    else {
      this.onDummy();
      this.#cbVerify(a, dummyKeyX25519, auth.bytes);
    }
    return false;
  }

  #dummySig(alg: 'ed25519' | 'ed448', sig: Uint8Array, authorized: Uint8Array): void {
    this.onDummy();
    verify(this.crypto, alg === 'ed25519' ? dummyKeyEd25519 : dummyKeyEd448, sig, authorized);
  }

  #cbVerify(a: AuthInput, key: PublicKey, authenticator: Uint8Array): boolean {
    // Without the connection key (a v < 7 connection) upstream returns False without work.
    if (a.sessionKey === undefined) return false;
    return cbVerify(this.crypto, key, a.sessionKey, cbNonce(a.corrId), authenticator, a.authorized);
  }
}
