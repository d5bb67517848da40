// SMP feature versions (spec smp.md §9.1; upstream `Transport.hs`, "SMP protocol version history").
// The constant names keep the Haskell names so a grep finds the same gate in both codebases.
// Encoders take the negotiated version and branch on `>=`.
import { versionRange, type VersionRange } from './version-range.ts';

/** Server hello carries the signed DH key; session ID implied; X25519 authenticators. */
export const authCmdsSMPVersion = 7;
/** PRXY/PKEY/PFWD/PRES/RFWD/RRES; minimum for forwarded transmissions. */
export const sendingProxySMPVersion = 8;
/** SKEY; NEW with Maybe basic auth and sndSecure. */
export const sndAuthKeySMPVersion = 9;
/** DELD event (END below). */
export const deletedEventSMPVersion = 10;
/** Encrypted transport blocks. */
export const encryptedBlockSMPVersion = 11;
/** ERR BLOCKED (AUTH below). */
export const blockedEntitySMPVersion = 12;
/** Client hello carries proxyServer. */
export const proxyServerHandshakeSMPVersion = 14;
/** Short links: queueReqData, LSET/LDEL/LKEY/LGET/LNK. */
export const shortLinksSMPVersion = 15;
/** Service certificates, service signatures, SOK, SUBS/NSUBS/SOKS/ENDS. */
export const serviceCertsSMPVersion = 16;
/** NEW/IDS carry notifier credentials. */
export const newNtfCredsSMPVersion = 17;
/** BLOCKED info carries a client notice. */
export const clientNoticesSMPVersion = 18;

/** Highest version this implementation speaks (upstream `currentServerSMPRelayVersion`). */
export const currentSMPRelayVersion = 18;
/** Highest version offered for forwarded (proxied) transmissions (upstream `proxiedSMPRelayVersion`). */
export const proxiedSMPRelayVersion = 17;

/**
 * The range this server advertises: 8..18. Upstream offers 6..18; versions 6–7 serve only clients
 * older than app 5.8, while 8 keeps proxies on simplexmq 6.0–6.2 (range 4..8) working (spec §9.3).
 */
export const supportedServerSMPRelayVRange: VersionRange = versionRange(8, currentSMPRelayVersion);
/** The range our client offers (same as the server's). */
export const supportedClientSMPRelayVRange: VersionRange = versionRange(8, currentSMPRelayVersion);
/** Range offered in PKEY for forwarded transmissions (upstream `proxiedSMPRelayVRange`). */
export const proxiedSMPRelayVRange: VersionRange = versionRange(
  sendingProxySMPVersion,
  proxiedSMPRelayVersion,
);

/** Maximum SEND body length at version `v` (upstream `Protocol.hs: maxMessageLength`). */
export function maxMessageLength(v: number): number {
  if (v >= encryptedBlockSMPVersion) return 16048;
  if (v >= sendingProxySMPVersion) return 16064;
  return 16088;
}
