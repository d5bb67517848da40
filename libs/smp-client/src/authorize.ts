// Command authorization (spec smp.md §6.1, §6.2, §6.4): the queue key signs, or for X25519 keys
// authenticates, `sb(sessionId) || sb(corrId) || sb(entityId) || command`. Mirrors upstream
// `Client.hs: authTransmission` (without service signatures: this client never opens service sessions).
import {
  TransportError,
  authorizedBytes,
  cbAuthenticate,
  cbNonce,
  sign,
} from '@simplex-relay/protocol';
import type {
  CryptoProvider,
  PrivateKey,
  PublicKey,
  TransmissionParams,
} from '@simplex-relay/protocol';

/**
 * The authorization bytes for `command`: an Ed25519 (64) / Ed448 (114) signature, or an 80-byte
 * X25519 authenticator made with the server's session key and nonce = corrId. An X25519 key on a
 * session without a server key is TransportError `NO_AUTH` (upstream `TENoServerAuth`).
 */
export function authorizeCommand(
  c: CryptoProvider,
  params: TransmissionParams,
  serverSessionKey: PublicKey | undefined,
  key: PrivateKey,
  corrId: Uint8Array,
  entityId: Uint8Array,
  command: Uint8Array,
): Uint8Array {
  const authorized = authorizedBytes(params.sessionId, corrId, entityId, command);
  switch (key.alg) {
    case 'ed25519':
    case 'ed448':
      return sign(c, key, authorized);
    case 'x25519':
      if (serverSessionKey === undefined)
        throw new TransportError('NO_AUTH', 'no server session key: X25519 keys cannot authorize');
      return cbAuthenticate(c, serverSessionKey, key, cbNonce(corrId), authorized);
    default:
      throw new TypeError(`${key.alg} keys cannot authorize commands`);
  }
}
