// XFTP commands and responses (spec xftp.md §6) as discriminated unions on the wire tag. Upstream
// `FileTransfer/Protocol.hs: FileCommand, FileCmd, FileInfo, FileResponse, FileParty`.
// Wire encodings are in command-codec.ts and response-codec.ts.
import type { PublicKey } from '../crypto/keys.ts';
import type { BasicAuth, EntityId } from '../smp/commands.ts';
import type { XFTPErrorType } from './errors.ts';

/** A non-empty list, as upstream `NonEmpty` (1..255 items on the wire). */
export type NonEmptyList<T> = readonly [T, ...T[]];

/** Who may send a command (upstream `FileParty`); `PING` is a recipient command upstream. */
export type FileParty = 'sender' | 'recipient';

/** Chunk metadata registered by `FNEW` (upstream `FileInfo`). */
export interface FileInfo {
  /** Sender auth key: Ed25519, Ed448 or X25519. */
  readonly sndKey: PublicKey;
  /** Chunk size in bytes (Word32); a server accepts only its allowed chunk sizes. */
  readonly size: number;
  /** SHA-256 of the chunk (32 bytes; the length is not validated on the wire). */
  readonly digest: Uint8Array;
}

/** Client → server commands (upstream `FileCommand p`). */
export type FileCommand =
  | {
      readonly tag: 'FNEW';
      readonly file: FileInfo;
      /** Recipient auth keys: Ed25519, Ed448 or X25519. */
      readonly rcvKeys: NonEmptyList<PublicKey>;
      readonly basicAuth?: BasicAuth;
    }
  | { readonly tag: 'FADD'; readonly rcvKeys: NonEmptyList<PublicKey> }
  | { readonly tag: 'FPUT' }
  | { readonly tag: 'FDEL' }
  /** `rcvDhKey` is X25519. */
  | { readonly tag: 'FGET'; readonly rcvDhKey: PublicKey }
  | { readonly tag: 'FACK' }
  | { readonly tag: 'PING' };

/** A command tag. */
export type FileCommandTag = FileCommand['tag'];

/** The command with tag `T`. */
export type FileCommandOf<T extends FileCommandTag> = Extract<FileCommand, { tag: T }>;

/** Party of each command (upstream `decodeTag @FileCmdTag`): its entity ID space. */
export const FILE_COMMAND_PARTY: Readonly<Record<FileCommandTag, FileParty>> = {
  FNEW: 'sender',
  FADD: 'sender',
  FPUT: 'sender',
  FDEL: 'sender',
  FGET: 'recipient',
  FACK: 'recipient',
  PING: 'recipient',
};

/** Server → client responses (upstream `FileResponse`). */
export type FileResponse =
  | {
      readonly tag: 'SIDS';
      readonly senderId: EntityId;
      /** In the order of the FNEW recipient keys. */
      readonly recipientIds: NonEmptyList<EntityId>;
    }
  | { readonly tag: 'RIDS'; readonly recipientIds: NonEmptyList<EntityId> }
  /** `srvDhKey` is X25519; `nonce` is 24 raw bytes. */
  | { readonly tag: 'FILE'; readonly srvDhKey: PublicKey; readonly nonce: Uint8Array }
  | { readonly tag: 'OK' }
  | { readonly tag: 'ERR'; readonly error: XFTPErrorType }
  | { readonly tag: 'PONG' };

/** A response tag. */
export type FileResponseTag = FileResponse['tag'];
