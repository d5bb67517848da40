// Command authorization (spec smp.md §6.2, §6.4). Upstream `Server.hs: verifyCmdAuthorization,
// verifyCmdAuth, dummyVerifyCmd`, shared with the XFTP server in @simplex-relay/protocol: every
// failure path runs a verification of the same algorithm and cost as the success path, so "no such
// queue", "no such key" and "wrong key" take the same time; the caller then answers AUTH.
import { dummyVerifyCmd, verifyCmdAuthorization } from '@simplex-relay/protocol';
import type { AuthInput, CryptoProvider, PublicKey } from '@simplex-relay/protocol';

export type { AuthInput } from '@simplex-relay/protocol';

/** Verifies authorizations against queue keys, with dummy work on every failure path. */
export class Authorizer {
  constructor(
    private readonly crypto: CryptoProvider,
    /** Called on every dummy verification (metrics; tests assert the uniform-timing path). */
    private readonly onDummy: () => void,
  ) {}

  /** True iff `a` is a valid authorization by `key` (upstream `verifyCmdAuthorization`). */
  verifyWith(a: AuthInput, key: PublicKey): boolean {
    return verifyCmdAuthorization(this.crypto, a, key, this.onDummy);
  }

  /** True iff `a` verifies with any of `keys`, tried in order (upstream `any verify ks`). */
  verifyWithAny(a: AuthInput, keys: readonly PublicKey[]): boolean {
    return keys.some((k) => this.verifyWith(a, k));
  }

  /** Dummy verification of `a`'s algorithm; always false (upstream `dummyVerifyCmd`). */
  dummy(a: AuthInput): false {
    return dummyVerifyCmd(this.crypto, a, this.onDummy);
  }
}
