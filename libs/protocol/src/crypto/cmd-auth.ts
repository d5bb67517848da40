// Command authorization shared by the SMP queue service (smp.md §6.2, §6.4) and the XFTP server
// (xftp.md §5.3). Upstream `Server.hs: verifyCmdAuthorization, verifyCmdAuth, dummyVerifyCmd`.
// Every failure path runs a verification of the same algorithm and cost as the success path, so
// "no such entity", "key of another algorithm" and "wrong key" take the same time.
import type { TransmissionAuth } from '../smp/transmission.ts';
import { cbVerify } from './auth.ts';
import { dummyKeyEd25519, dummyKeyEd448, dummyKeyX25519 } from './dummy-keys.ts';
import type { PrivateKey, PublicKey } from './keys.ts';
import { cbNonce } from './nonce.ts';
import type { CryptoProvider } from './provider.ts';
import { verify } from './sign.ts';

/** What a command was authorized with, as received. */
export interface AuthInput {
  /** Signature or authenticator; absent for an unauthorized command. */
  readonly auth: TransmissionAuth | undefined;
  /** `sb(sessionId) || sb(corrId) || sb(entityId) || command`. */
  readonly authorized: Uint8Array;
  readonly corrId: Uint8Array;
  /** The connection's X25519 private key from the handshake; absent on the legacy path. */
  readonly sessionKey: PrivateKey | undefined;
}

/** Called on every dummy verification (metrics; tests assert the uniform-timing path). */
export type OnDummyVerify = () => void;

const noDummyHook: OnDummyVerify = () => {};

/** True iff `a` is a valid authorization by `key` (upstream `verifyCmdAuthorization`). */
export function verifyCmdAuthorization(
  c: CryptoProvider,
  a: AuthInput,
  key: PublicKey,
  onDummy: OnDummyVerify = noDummyHook,
): boolean {
  const auth = a.auth;
  if (auth === undefined) return false;
  if (auth.type === 'signature') {
    if (key.alg === auth.alg) return verify(c, key, auth.bytes, a.authorized);
    // Why: a key of another algorithm still costs a verification of the signature's algorithm.
    dummySignature(c, auth.alg, auth.bytes, a.authorized, onDummy);
    return false;
  }
  if (key.alg === 'x25519') return verifyCmdAuth(c, a, key, auth.bytes);
  onDummy();
  verifyCmdAuth(c, a, dummyKeyX25519, auth.bytes);
  return false;
}

/** Verification against a dummy key of the authorization's kind; always false (`dummyVerifyCmd`). */
export function dummyVerifyCmd(
  c: CryptoProvider,
  a: AuthInput,
  onDummy: OnDummyVerify = noDummyHook,
): false {
  const auth = a.auth;
  if (auth === undefined) return false;
  if (auth.type === 'signature') dummySignature(c, auth.alg, auth.bytes, a.authorized, onDummy);
  else {
    onDummy();
    verifyCmdAuth(c, a, dummyKeyX25519, auth.bytes);
  }
  return false;
}

function dummySignature(
  c: CryptoProvider,
  alg: 'ed25519' | 'ed448',
  sig: Uint8Array,
  authorized: Uint8Array,
  onDummy: OnDummyVerify,
): void {
  onDummy();
  verify(c, alg === 'ed25519' ? dummyKeyEd25519 : dummyKeyEd448, sig, authorized);
}

/** Upstream `verifyCmdAuth`: without a session key (legacy connection) it is false without work. */
function verifyCmdAuth(
  c: CryptoProvider,
  a: AuthInput,
  key: PublicKey,
  authenticator: Uint8Array,
): boolean {
  if (a.sessionKey === undefined) return false;
  return cbVerify(c, key, a.sessionKey, cbNonce(a.corrId), authenticator, a.authorized);
}
