// What request handling needs, resolved once from XftpServerOptions (upstream `XFTPEnv`). Holds no
// mutable state: every shared fact (records, quota, bodies) is in the stores.
import type { CryptoProvider, PrivateKey, VersionRange } from '@simplex-relay/protocol';
import type { BlobStore, FileStore } from '@simplex-relay/xftp-store';
import type { Logger, XftpServerMetrics } from './ports.ts';

/** Immutable server context shared by every connection of one process. */
export interface XftpContext {
  readonly provider: CryptoProvider;
  /** Offered versions (upstream `xftpServerVRange`). */
  readonly vr: VersionRange;
  /** SHA-256 of the identity certificate (upstream `serverIdentity`). */
  readonly keyHash: Uint8Array;
  /** `[online cert, identity CA cert]` DER, sent in every server hello. */
  readonly certChain: readonly Uint8Array[];
  /** The online certificate's key: signs session keys and web identity proofs. */
  readonly signKey: PrivateKey;
  readonly fileStore: FileStore;
  readonly blobStore: BlobStore;
  readonly allowNewFiles: boolean;
  readonly newFileBasicAuth: Uint8Array | undefined;
  readonly allowedChunkSizes: ReadonlySet<number>;
  readonly storageQuota: number | undefined;
  readonly fileTimeoutMs: number;
  readonly log: Logger;
  readonly metrics: XftpServerMetrics;
}

/** Version and session key a command is processed with. */
export interface SessionParams {
  readonly version: number;
  /** X25519 private key of the handshake; absent on the legacy path (only signatures work there). */
  readonly sessionKey?: PrivateKey;
}
