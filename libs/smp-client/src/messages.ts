// Client-side crypto of delivered messages (spec smp.md §7.2 step 3, §7.6, §7.8): the per-queue DH
// secrets and the server → recipient / server → notifier encryption layers. Upstream `Protocol.hs:
// RcvMessage, ClientRcvMsgBody, NMsgMeta`; `Agent.hs` decrypts with `C.cbDecrypt rcvDhSecret (C.cbNonce msgId)`.
import {
  cbDecrypt,
  cbNonce,
  decodeNMsgMeta,
  decodeRcvMsgBody,
  dhSecret,
} from '@simplex-relay/protocol';
import type {
  CryptoProvider,
  NMsgMeta,
  PrivateKey,
  PublicKey,
  RcvMsgBody,
} from '@simplex-relay/protocol';

/** `rcvDhSecret` = X25519(server key from `IDS`, recipient DH private key of `NEW`). */
export function rcvDhSecret(
  c: CryptoProvider,
  srvDhKey: PublicKey,
  rcvDhPriv: PrivateKey,
): Uint8Array {
  return dhSecret(c, srvDhKey, rcvDhPriv);
}

/** `rcvNtfDhSecret` = X25519(server key from `NID`/`IDS` ntf creds, the notifier DH private key). */
export function rcvNtfDhSecret(
  c: CryptoProvider,
  srvNtfDhKey: PublicKey,
  rcvNtfDhPriv: PrivateKey,
): Uint8Array {
  return dhSecret(c, srvNtfDhKey, rcvNtfDhPriv);
}

/**
 * Opens a `MSG` body: crypto_box with `rcvDhSecret` and nonce = msgId, then unpad and parse
 * (§7.6). CryptoError if it does not decrypt, ParseError if the body does not parse.
 */
export function decryptRcvMessage(
  c: CryptoProvider,
  secret: Uint8Array,
  msgId: Uint8Array,
  encBody: Uint8Array,
): RcvMsgBody {
  return decodeRcvMsgBody(cbDecrypt(c, secret, cbNonce(msgId), encBody));
}

/** Opens `NMSG` metadata with `rcvNtfDhSecret` and the transmitted nonce (§7.8). */
export function decryptNMsgMeta(
  c: CryptoProvider,
  secret: Uint8Array,
  nonce: Uint8Array,
  encMeta: Uint8Array,
): NMsgMeta {
  return decodeNMsgMeta(cbDecrypt(c, secret, nonce, encMeta));
}

/**
 * The sender ID a client may choose in `NEW` with link data: the first 24 bytes of SHA3-384 of the
 * `NEW` corrId (§7.2 step 4; the server refuses any other value with `CMD PROHIBITED`).
 */
export function senderIdForCorrId(c: CryptoProvider, corrId: Uint8Array): Uint8Array {
  return c.sha3_384(corrId).slice(0, 24);
}
